"""Derive the labelled pairs of the deconfliction evaluation from programs.csv.

Labels come only from the hand-written ground-truth columns of each program (true_unit,
true_capability, true_platform, years) by the rule in README.md, never from the product's code.
Every pair of two programs of one country is a pair. The split is by country and fixed here,
before any tuning: TEST_COUNTRIES are never looked at while tuning.

Run: python data/title10/deconfliction_eval/make_pairs.py  (rewrites pairs.csv)
"""

import csv
import itertools
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEST_COUNTRIES = {"JOR", "LBN", "NGA", "VNM", "UKR", "MYS"}


def _same_capability(a: dict[str, str], b: dict[str, str]) -> bool:
    if a["true_capability"] != b["true_capability"]:
        return False
    # two named, different platforms of one category (two fleets) are two capabilities
    return not (a["true_platform"] and b["true_platform"] and a["true_platform"] != b["true_platform"])


def _years_overlap(a: dict[str, str], b: dict[str, str]) -> bool:
    return int(a["fy_start"]) <= int(b["fy_end"]) and int(b["fy_start"]) <= int(a["fy_end"])


def label(a: dict[str, str], b: dict[str, str]) -> str:
    shared = sum([a["true_unit"] == b["true_unit"], _same_capability(a, b), _years_overlap(a, b)])
    return {3: "duplicate", 2: "overlap"}.get(shared, "related")


def main() -> None:
    programs = list(csv.DictReader((HERE / "programs.csv").open(encoding="utf-8")))
    by_country: dict[str, list[dict[str, str]]] = {}
    for p in programs:
        by_country.setdefault(p["country"], []).append(p)
    with (HERE / "pairs.csv").open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["a", "b", "label", "should_flag", "split"])
        for country, group in sorted(by_country.items()):
            for a, b in itertools.combinations(group, 2):
                lab = label(a, b)
                split = "test" if country in TEST_COUNTRIES else "tune"
                out.writerow([a["id"], b["id"], lab, int(lab != "related"), split])


if __name__ == "__main__":
    main()
