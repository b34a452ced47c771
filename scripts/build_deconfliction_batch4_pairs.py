"""Build data/title10/deconfliction_batch4/pairs.csv from programs.csv by the label rule.

Written by the independent second labeller (issue #18) without reading the matcher, its data,
its tests or its ADRs. The script only reads programs.csv (the ground-truth columns true_unit,
true_capability, true_platform and the fiscal years) and writes every pair of two programs of
one country.

Label rule (the three facts):
- same_unit: the two programs' true_unit is the same registry unit (a parent and its sub-unit
  are different units);
- same_capability: same true_capability and not two different named platforms (two fleets of
  one category are two capabilities; a blank platform does not contradict a named one);
- overlapping_years: the closed fiscal-year ranges [fy_start, fy_end] intersect.
Three facts = duplicate, two = overlap, fewer = related; should_flag = duplicate or overlap.

The tune/test split is by country and is fixed in SPLIT below, before any matcher has run on
this set. Run: python scripts/build_deconfliction_batch4_pairs.py [--check]
"""

from __future__ import annotations

import csv
import sys
from itertools import combinations
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "title10" / "deconfliction_batch4"

# Fixed before any run: whole countries go to one half, so no program is seen in both.
SPLIT = {
    "LTU": "tune",
    "SEN": "tune",
    "GTM": "tune",
    "LVA": "test",
    "MYS": "test",
    "CMR": "test",
    "LKA": "test",
}

FIELDS = ["a", "b", "country", "label", "should_flag", "same_unit", "same_capability", "overlapping_years", "split"]


def _flag(value: bool) -> str:
    return "true" if value else "false"


def label_pair(p: dict[str, str], q: dict[str, str]) -> dict[str, str]:
    same_unit = p["true_unit"] == q["true_unit"]
    platforms_differ = bool(p["true_platform"]) and bool(q["true_platform"]) and p["true_platform"] != q["true_platform"]
    same_capability = p["true_capability"] == q["true_capability"] and not platforms_differ
    overlapping = int(p["fy_start"]) <= int(q["fy_end"]) and int(q["fy_start"]) <= int(p["fy_end"])
    facts = same_unit + same_capability + overlapping
    label = "duplicate" if facts == 3 else "overlap" if facts == 2 else "related"
    return {
        "a": p["id"],
        "b": q["id"],
        "country": p["country"],
        "label": label,
        "should_flag": _flag(label != "related"),
        "same_unit": _flag(same_unit),
        "same_capability": _flag(same_capability),
        "overlapping_years": _flag(overlapping),
        "split": SPLIT[p["country"]],
    }


def _order(program_id: str) -> tuple[str, int]:
    country, _, number = program_id.partition("-")
    return country, int(number)


def build_rows(programs: list[dict[str, str]]) -> list[dict[str, str]]:
    by_country: dict[str, list[dict[str, str]]] = {}
    for program in programs:
        by_country.setdefault(program["country"], []).append(program)
    rows = []
    for country in sorted(by_country):
        members = sorted(by_country[country], key=lambda p: _order(p["id"]))
        rows.extend(label_pair(p, q) for p, q in combinations(members, 2))
    return rows


def render(rows: list[dict[str, str]]) -> str:
    lines = [",".join(FIELDS)]
    lines.extend(",".join(row[field] for field in FIELDS) for row in rows)
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    with (DATA / "programs.csv").open(encoding="utf-8", newline="") as handle:
        programs = list(csv.DictReader(handle))
    text = render(build_rows(programs))
    target = DATA / "pairs.csv"
    if "--check" in argv:
        if target.read_text(encoding="utf-8") != text:
            print("pairs.csv differs from what programs.csv and the label rule give", file=sys.stderr)
            return 1
        return 0
    target.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
