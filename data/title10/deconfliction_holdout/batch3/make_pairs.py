"""Build programs.csv and pairs.csv of batch 3 with the label rule of ../make_pairs.py.

    python3 data/title10/deconfliction_holdout/batch3/make_pairs.py

Every pair is `test`: no matcher change was made after this batch was first run.
"""

from __future__ import annotations

import csv
import importlib.util
import itertools
import sys
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent


def _module(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


# the parent's rule (it imports its own programs.py, so put the parent folder first while loading it)
sys.path.insert(0, str(HERE.parent))
_rule = _module("holdout_make_pairs", HERE.parent / "make_pairs.py")
sys.path.pop(0)
FIELDS, label = _rule.FIELDS, _rule.label
ROWS = _module("batch3_programs", HERE / "programs.py").ROWS


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
            "overlapping_years": int(years), "split": "test",
        })
    with (HERE / "pairs.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(pairs[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(pairs)


if __name__ == "__main__":
    main()
