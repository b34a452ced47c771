"""Build data/title10/deconfliction_pairs.csv from the hand-written descriptions.

Run once (python data/title10/make_deconfliction_pairs.py); the output is committed. The labels
come from how the descriptions were written, before any score was computed:
- the three wordings of one program (same `family`) are duplicates        -> label 1
- two programs of the same `group` (same unit and capability, different
  elements: e.g. boats, then their sustainment) are complementary         -> label 1
- programs of different groups in the same country are unrelated         -> label 0
The split is by country so no description of a test pair was seen when the threshold was chosen.
"""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEV_COUNTRIES = {"KEN", "JOR", "TUN", "LBN", "COL", "IDN"}
VARIANT_PAIRS = [("a", "a"), ("b", "b"), ("c", "c"), ("a", "c")]


def main() -> None:
    rows = list(csv.DictReader((HERE / "deconfliction_descriptions.csv").open(newline="", encoding="utf-8")))
    by_family: dict[str, dict[str, dict[str, str]]] = {}
    for r in rows:
        by_family.setdefault(r["family"], {})[r["variant"]] = r
    pairs: list[dict[str, str]] = []

    def add(a: dict[str, str], b: dict[str, str], label: int, kind: str) -> None:
        pairs.append(
            {
                "pair_id": f"P{len(pairs) + 1:03d}",
                "a": f"{a['family']}/{a['variant']}",
                "b": f"{b['family']}/{b['variant']}",
                "country": a["country"],
                "label": str(label),
                "kind": kind,
                "split": "dev" if a["country"] in DEV_COUNTRIES else "test",
            }
        )

    families = sorted(by_family)
    for fam in families:
        for x, y in itertools.combinations(sorted(by_family[fam]), 2):
            add(by_family[fam][x], by_family[fam][y], 1, "duplicate")
    for f1, f2 in itertools.combinations(families, 2):
        a, b = by_family[f1], by_family[f2]
        if a["a"]["country"] != b["a"]["country"]:
            continue
        same_group = a["a"]["group"] == b["a"]["group"]
        for va, vb in VARIANT_PAIRS[:3] if same_group else VARIANT_PAIRS:
            add(a[va], b[vb], 1 if same_group else 0, "complementary" if same_group else "unrelated")
    with (HERE / "deconfliction_pairs.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(pairs[0]))
        writer.writeheader()
        writer.writerows(pairs)
    print(
        f"{len(pairs)} pairs: "
        + ", ".join(f"{k} {sum(p['kind'] == k for p in pairs)}" for k in ("duplicate", "complementary", "unrelated"))
    )


if __name__ == "__main__":
    main()
