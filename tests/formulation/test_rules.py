"""Stage comparison and roll-forward on table-driven cases, a cent either side of each edge."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from secassist.formulation import rules

J = ("JOR", "FMF")
P = ("PHL", "FMF")


@pytest.mark.parametrize(
    ("current", "previous", "change", "pct", "status"),
    [
        ({J: D("100.00")}, {J: D("100.00")}, D("0.00"), D("0.0"), "unchanged"),
        ({J: D("100.01")}, {J: D("100.00")}, D("0.01"), D("0.0"), "increased"),
        ({J: D("99.99")}, {J: D("100.00")}, D("-0.01"), D("0.0"), "decreased"),
        ({J: D("150.00")}, {J: D("100.00")}, D("50.00"), D("50.0"), "increased"),
        ({J: D("0.00")}, {J: D("100.00")}, D("-100.00"), D("-100.0"), "decreased"),
        ({J: D("100.00")}, {}, D("100.00"), None, "added"),
        ({}, {J: D("100.00")}, D("-100.00"), D("-100.0"), "removed"),
        ({J: D("0.01")}, {J: D("0.00")}, D("0.01"), None, "increased"),
        ({J: D("380000000.00")}, {J: D("361000000.00")}, D("19000000.00"), D("5.3"), "increased"),
    ],
)
def test_a_line_is_compared_with_the_previous_stage(current, previous, change, pct, status) -> None:
    (row,) = rules.compare(current, previous)
    assert (row.change, row.change_pct, row.status) == (change, pct, status)


def test_the_comparison_covers_every_key_of_either_side_and_totals_them() -> None:
    rows = rules.compare({J: D("10.00"), P: D("5.00")}, {J: D("8.00"), ("COL", "IMET"): D("1.00")})
    assert [r.key for r in rows] == [J, P, ("COL", "IMET")]
    assert rules.totals(rows) == {"current": D("15.00"), "previous": D("9.00"), "change": D("6.00")}


@pytest.mark.parametrize(
    ("actual", "pct", "expected"),
    [
        (D("100.00"), D("0"), D("100.00")),
        (D("100.00"), D("2.5"), D("102.50")),
        (D("100.00"), D("-2.5"), D("97.50")),
        (D("0.01"), D("0"), D("0.01")),
        (D("0.00"), D("10"), None),  # nothing to carry forward
        (D("-0.01"), D("0"), None),  # net deobligation carries nothing forward
        (D("0.01"), D("-60"), None),  # 0.004 rounds to zero: dropped, never a zero line by rounding
        (D("0.03"), D("50"), D("0.04")),  # 0.045 half-even to 0.04
        (D("0.05"), D("50"), D("0.08")),  # 0.075 half-even to 0.08
        (D("380000000.00"), D("3"), D("391400000.00")),
    ],
)
def test_roll_forward_changes_each_actual_to_the_cent(actual, pct, expected) -> None:
    assert rules.roll_forward({J: actual}, change_pct=pct).get(J) == expected


@pytest.mark.parametrize(
    ("current", "new", "allowed"),
    [
        (None, "bureau_request", True),
        (None, "enacted", True),
        ("f_levels", "f_levels", True),
        ("f_levels", "omb_passback", True),
        ("f_levels", "pm_f_review", False),
        ("enacted", "cbj", False),
    ],
)
def test_stages_never_go_back(current, new, allowed) -> None:
    assert rules.may_open(current, new) is allowed


def test_the_next_stage_follows_the_order_and_ends_at_enactment() -> None:
    assert rules.next_kind(None) == "bureau_request"
    assert rules.next_kind("cbj") == "enacted"
    assert rules.next_kind("enacted") is None
