"""The mutation score script (issue #12 item 13): timeouts are counted apart and are not kills."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "mutation_score.py"


@pytest.fixture(scope="module")
def score():
    spec = importlib.util.spec_from_file_location("mutation_score", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["mutation_score"] = module
    spec.loader.exec_module(module)
    return module


RESULTS = """\
    secassist.congress.clocks.x_add_days__mutmut_1: killed
    secassist.congress.clocks.x_add_days__mutmut_2: killed
    secassist.congress.clocks.x_subtract_days__mutmut_3: timeout
    secassist.congress.clocks.x_subtract_days__mutmut_4: survived
    secassist.congress.clocks.x_fy_relative__mutmut_5: no tests
    secassist.congress.rules.xǁCoverageǁceiling__mutmut_1: killed
    secassist.congress.rules.x_gate_verdict__mutmut_9: suspicious
    secassist.congress.rules.x_line_state__mutmut_3: not checked
"""


def test_timeouts_are_counted_apart_and_not_as_kills(score):
    summary = score.summarise(RESULTS)
    clocks = summary["secassist.congress.clocks"]
    assert (clocks["mutants"], clocks["killed"], clocks["survived"], clocks["timeouts"], clocks["no_tests"]) == (5, 2, 1, 1, 1)
    assert clocks["score"] == round(2 / 4, 3)  # killed / (killed + survived + timeout); "no tests" apart
    assert clocks["survivors"] == [
        "secassist.congress.clocks.x_subtract_days__mutmut_3",
        "secassist.congress.clocks.x_subtract_days__mutmut_4",
    ]


def test_class_methods_are_counted_under_their_module(score):
    rules = score.summarise(RESULTS)["secassist.congress.rules"]
    assert (rules["mutants"], rules["killed"], rules["score"]) == (3, 1, 0.5)  # a suspicious mutant is not a kill
    assert rules["not_checked"] == 1  # generated, not run: neither judged nor hidden


def test_the_table_prints_every_column(score, tmp_path, capsys, monkeypatch):
    results = tmp_path / "results.txt"
    results.write_text(RESULTS, encoding="utf-8")
    monkeypatch.setattr(sys, "argv", ["mutation_score.py", str(results), "--json", str(tmp_path / "m.json")])
    score.main()
    out = capsys.readouterr().out
    assert "timeouts" in out.splitlines()[0] and "not run" in out.splitlines()[0]
    assert "secassist.congress.clocks" in out and "50.0%" in out
    assert (tmp_path / "m.json").exists()
