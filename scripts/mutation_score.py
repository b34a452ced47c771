"""Summarise `mutmut results --all true` per rule module (issue #12 item 13).

    python scripts/mutation_score.py var/mutation-results.txt [--json bench/results/mutation.json]

The score is killed / (killed + survived + timeout + suspicious). A timeout is counted apart and is
not a kill: a mutant that makes the tests slower than mutmut's limit has not been shown wrong by an
assertion (mutmut's own summary counts it as a kill; this one does not). Mutants no test reaches
("no tests") are counted and listed apart, since they say where tests are missing rather than weak.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

LINE = re.compile(r"^\s*(?P<name>[\w.]+)__mutmut_\d+: (?P<status>.+?)\s*$")
DETECTED = {"killed", "caught by type check"}
JUDGED = DETECTED | {"survived", "timeout", "suspicious"}


def module_of(name: str) -> str:
    """`secassist.congress.clocks.x_add_days` -> `secassist.congress.clocks` (mutmut prefixes functions with x_)."""
    parts = name.split(".")
    for i, part in enumerate(parts):
        if part.startswith(("x_", "xǁ")):
            return ".".join(parts[:i])
    return ".".join(parts[:-1])


def summarise(text: str) -> dict[str, dict[str, object]]:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    survivors: dict[str, list[str]] = defaultdict(list)
    for line in text.splitlines():
        match = LINE.match(line)
        if not match:
            continue
        module = module_of(match["name"])
        counts[module][match["status"]] += 1
        if match["status"] in ("survived", "timeout"):
            survivors[module].append(line.strip().split(":")[0])
    out: dict[str, dict[str, object]] = {}
    for module, c in sorted(counts.items()):
        judged = sum(c[s] for s in JUDGED)
        detected = sum(c[s] for s in DETECTED)
        out[module] = {
            "mutants": sum(c.values()),
            "killed": detected,
            "survived": c["survived"],
            "no_tests": c["no tests"],
            "timeouts": c["timeout"],
            "not_checked": c["not checked"],  # generated but not run yet (a partial or targeted run)
            "score": round(detected / judged, 3) if judged else None,
            "statuses": dict(c),
            "survivors": survivors[module],  # survived and timed-out mutants: each to be killed or explained
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("results")
    parser.add_argument("--json", dest="json_path")
    args = parser.parse_args()
    summary = summarise(Path(args.results).read_text(encoding="utf-8"))
    print(
        f"{'module':45} {'mutants':>8} {'killed':>7} {'survived':>9} {'timeouts':>9} {'no tests':>9} {'not run':>8} {'score':>6}"
    )
    for module, row in summary.items():
        score = "—" if row["score"] is None else f"{row['score']:.1%}"
        print(
            f"{module:45} {row['mutants']:>8} {row['killed']:>7} {row['survived']:>9} {row['timeouts']:>9}"
            f" {row['no_tests']:>9} {row['not_checked']:>8} {score:>6}"
        )
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
