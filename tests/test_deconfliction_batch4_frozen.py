"""The independent batch-4 deconfliction set (issue #18) is frozen.

The set was written and labelled by a second labeller before any matcher ran on it. These tests
fail if a byte of the data or of the pair builder changes, if pairs.csv no longer follows from
programs.csv by the label rule, or if the tune/test split moves. Changing the set means writing a
new batch, not editing this one.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "title10" / "deconfliction_batch4"
SCRIPT = ROOT / "scripts" / "build_deconfliction_batch4_pairs.py"

FROZEN = {
    DATA / "programs.csv": "4950bace3c313646a0f6f00cdd0393a294dba99c4b57f36f98b290cc3f1be2c8",
    DATA / "units.csv": "73a5b9984573af2df5adb760c8704dd633a6e7885e6eeb8c4ccad0bda5ae56b4",
    DATA / "pairs.csv": "d8f35bd44be0ac28907dbdb08e6ba2d68a4cfa060d21e1e1ea7b19a3b5f5abd1",
    SCRIPT: "8b923acf0413753dc10b9d1955fa324987f1513bbe1ce38373777379edbc9a8c",
}


def _load_builder():
    spec = importlib.util.spec_from_file_location("build_deconfliction_batch4_pairs", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("path", list(FROZEN), ids=lambda p: p.name)
def test_file_sha256_is_frozen(path: Path) -> None:
    assert hashlib.sha256(path.read_bytes()).hexdigest() == FROZEN[path]


@pytest.mark.parametrize("path", list(FROZEN), ids=lambda p: p.name)
def test_readme_records_the_same_sha256(path: Path) -> None:
    assert FROZEN[path] in (DATA / "README.md").read_text(encoding="utf-8")


def test_pairs_follow_from_programs_by_the_label_rule() -> None:
    builder = _load_builder()
    assert builder.render(builder.build_rows(_rows("programs.csv"))) == (DATA / "pairs.csv").read_text(encoding="utf-8")


def test_every_same_country_pair_is_present_once_and_split_by_country() -> None:
    programs = _rows("programs.csv")
    pairs = _rows("pairs.csv")
    per_country: dict[str, int] = {}
    for program in programs:
        per_country[program["country"]] = per_country.get(program["country"], 0) + 1
    assert len(pairs) == sum(n * (n - 1) // 2 for n in per_country.values()) >= 160
    assert len({(p["a"], p["b"]) for p in pairs}) == len(pairs)
    splits: dict[str, set[str]] = {}
    for pair in pairs:
        splits.setdefault(pair["country"], set()).add(pair["split"])
    assert all(len(s) == 1 for s in splits.values())
    assert {next(iter(s)) for s in splits.values()} == {"tune", "test"}


def test_countries_are_new_to_the_evaluation() -> None:
    used_before = {"JOR", "TUN", "NGA", "SOM", "VNM", "UKR", "COL", "LBN", "NER", "KEN", "PHL", "IDN"}
    used_before |= {"GEO", "EST", "GHA", "MRT", "IRQ", "MDA", "BGD"}
    assert not {p["country"] for p in _rows("programs.csv")} & used_before


def test_every_true_unit_is_in_the_registry_and_each_program_cites_a_source() -> None:
    registry = {(u["country"], u["name"]) for u in _rows("units.csv")}
    for program in _rows("programs.csv"):
        assert (program["country"], program["true_unit"]) in registry, program["id"]
        assert "http" in program["source"], program["id"]


@pytest.mark.parametrize(
    ("first_end", "second_start", "expected"),
    [
        (2021, 2022, "overlap"),  # adjacent fiscal years do not overlap: two facts of three
        (2022, 2022, "duplicate"),  # one shared fiscal year is an overlap of years: three facts
    ],
)
def test_label_rule_year_boundary(first_end: int, second_start: int, expected: str) -> None:
    builder = _load_builder()
    builder.SPLIT.setdefault("X", "test")
    base = {"country": "X", "true_unit": "U", "true_capability": "c", "true_platform": "P"}
    first = {**base, "id": "X-1", "fy_start": "2019", "fy_end": str(first_end)}
    second = {**base, "id": "X-2", "fy_start": str(second_start), "fy_end": "2023"}
    assert builder.label_pair(first, second)["label"] == expected


def test_label_rule_platforms_and_units() -> None:
    builder = _load_builder()
    builder.SPLIT.setdefault("X", "test")
    base = {"id": "X-1", "country": "X", "true_unit": "U", "true_capability": "c", "fy_start": "2020", "fy_end": "2021"}
    other = {**base, "id": "X-2"}
    # two named platforms of one category are two capabilities
    assert builder.label_pair({**base, "true_platform": "A"}, {**other, "true_platform": "B"})["label"] == "overlap"
    # a blank platform does not contradict a named one
    assert builder.label_pair({**base, "true_platform": "A"}, {**other, "true_platform": ""})["label"] == "duplicate"
    # a sub-unit is a different unit
    got = builder.label_pair({**base, "true_platform": ""}, {**other, "true_unit": "Sub of U", "true_platform": ""})
    assert got["label"] == "overlap"
    assert got["should_flag"] == "true"
    got = builder.label_pair(
        {**base, "true_platform": ""}, {**other, "true_unit": "V", "true_capability": "d", "true_platform": ""}
    )
    assert (got["label"], got["should_flag"]) == ("related", "false")
