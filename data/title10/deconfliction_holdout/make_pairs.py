"""Build programs.csv and pairs.csv of the hold-out set from programs.py (issue #18).

    python3 data/title10/deconfliction_holdout/make_pairs.py

Labels follow the issue's definitions, applied to the labeller's per-program ground truth:
same unit (same `true_unit`), same capability (same `true_capability`, and not two different
named platforms), overlapping fiscal years. Three -> duplicate, two -> overlap, else related.
The split by country was fixed here before any run of the product against this set.
"""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

from programs import ROWS  # type: ignore[import-not-found]

HERE = Path(__file__).resolve().parent
FIELDS = ["id", "country", "side", "program", "title", "description", "units", "fy_start", "fy_end", "source",
          "true_unit", "true_capability", "true_platform"]
TEST_COUNTRIES = {"JOR", "TUN", "NGA", "SOM", "VNM", "UKR", "COL"}


def label(a: dict, b: dict) -> tuple[str, int, int, int]:
    same_unit = a["true_unit"] == b["true_unit"]
    platforms_differ = bool(a["true_platform"]) and bool(b["true_platform"]) and a["true_platform"] != b["true_platform"]
    same_capability = a["true_capability"] == b["true_capability"] and not platforms_differ
    years = max(a["fy_start"], b["fy_start"]) <= min(a["fy_end"], b["fy_end"])
    facts = same_unit + same_capability + years
    return ("duplicate" if facts == 3 else "overlap" if facts == 2 else "related"), same_unit, same_capability, years


def main() -> None:
    programs = [dict(zip(FIELDS, row, strict=True)) for row in ROWS]
    with (HERE / "programs.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(programs)
    pairs = []
    for a, b in itertools.combinations(programs, 2):
        if a["country"] != b["country"]:
            continue
        lab, unit, cap, years = label(a, b)
        pairs.append({
            "a": a["id"], "b": b["id"], "country": a["country"], "label": lab,
            "should_flag": int(lab != "related"), "same_unit": int(unit), "same_capability": int(cap),
            "overlapping_years": int(years), "split": "test" if a["country"] in TEST_COUNTRIES else "tune",
        })
    with (HERE / "pairs.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(pairs[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(pairs)


if __name__ == "__main__":
    main()
