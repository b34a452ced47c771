"""Property tests on the pure engine (no database): synthetic snapshots from hypothesis."""

from __future__ import annotations

import dataclasses
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from secassist.restrictions.engine import (
    ALLOWED_VERDICTS,
    CoveragePeriod,
    DesignationFact,
    ExceptionRule,
    ProgramInfo,
    Query,
    RestrictionRule,
    Snapshot,
    UnitFact,
    WaiverFact,
    evaluate,
)

PROGRAMS = {
    "FMF": ProgramInfo("FMF", "title22", "22 U.S.C. 2763", "FMF"),
    "IMET": ProgramInfo("IMET", "title22", "22 U.S.C. 2347", "IMET"),
    "PKO": ProgramInfo("PKO", "title22", "22 U.S.C. 2348", "PKO"),
    "10USC333": ProgramInfo("10USC333", "title10", "10 U.S.C. 333", "333", True, "10 U.S.C. 333(d)(1)"),
    "10USC321": ProgramInfo("10USC321", "title10", "10 U.S.C. 321", "321", False, ""),
}
COUNTRIES = ["AAA", "BBB"]
PURPOSES = ["general", "democracy", "humanitarian", "peacekeeping_preparation"]
NOW = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
days = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2026, 12, 31))


@st.composite
def rules(draw, rid):
    return RestrictionRule(
        id=rid,
        key=f"r{rid}",
        rule_code=f"RST-{rid:03d}",
        short_name=f"R{rid}",
        citation=f"cite {rid}",
        source="s",
        trigger_kind="country_designation",
        recipient_scope=draw(st.sampled_from(["government", "all"])),
        accounts=frozenset(draw(st.sets(st.sampled_from(["FMF", "IMET", "PKO"])))),
        authorities=frozenset(),
        covers_all_title10=False,
        reaches_inheriting_title10=draw(st.booleans()),
        exceptions=tuple(
            ExceptionRule(frozenset(), frozenset([p]), False, "exc", "c")
            for p in draw(st.sets(st.sampled_from(PURPOSES), max_size=1))
        ),
        waiver_holder="President",
        has_waiver=True,
        duration=draw(st.sampled_from(["fy_scoped", "open_ended"])),
        periods=tuple(draw(st.lists(periods(), max_size=2))),
    )


@st.composite
def periods(draw):
    status = draw(st.sampled_from(["complete", "complete", "partial"]))
    if draw(st.booleans()):
        first = draw(st.integers(2019, 2026))
        return CoveragePeriod("list", status, first, draw(st.integers(first, 2027)), None, None, "src", "", "fill")
    start = draw(days)
    end = draw(st.one_of(st.none(), days.filter(lambda d: d >= start)))
    return CoveragePeriod("list", status, None, None, start, end, "src", "", "fill")


@st.composite
def designations(draw, did, rule_ids):
    fy = draw(st.one_of(st.none(), st.integers(2021, 2026)))
    start = draw(days)
    end = draw(st.one_of(st.none(), days.filter(lambda d: d > start)))
    return DesignationFact(
        id=did,
        restriction_id=draw(st.sampled_from(rule_ids)),
        country=draw(st.sampled_from(COUNTRIES)),
        status="designated",
        effect=draw(st.sampled_from(["prohibits", "prohibits", "condition", "none"])),
        fiscal_year=fy,
        effective_from=None if fy and draw(st.booleans()) else start,
        ended_on=end,
        source_document="doc",
        source_url="",
        pd_number="",
        note="",
    )


@st.composite
def waivers(draw, wid, rule_ids):
    start = draw(days)
    return WaiverFact(
        id=wid,
        restriction_id=draw(st.sampled_from(rule_ids)),
        country=draw(st.sampled_from(COUNTRIES)),
        kind=draw(st.sampled_from(["waiver", "exception", "delegation"])),
        relieves=True,
        scope_all=draw(st.booleans()),
        scope_programs=frozenset(draw(st.sets(st.sampled_from(sorted(PROGRAMS))))),
        scope_text="",
        fiscal_year=draw(st.one_of(st.none(), st.integers(2021, 2026))),
        effective_from=start,
        expires_on=draw(st.one_of(st.none(), days.filter(lambda d: d >= start))),
        legal_authority="a",
        signed_by="",
        pd_number="",
        source_document="w",
        source_url="",
    )


@st.composite
def worlds(draw):
    rule_list = [draw(rules(i)) for i in range(1, draw(st.integers(1, 4)) + 1)]
    ids = [r.id for r in rule_list]
    des = [draw(designations(i, ids)) for i in range(draw(st.integers(0, 8)))]
    wvs = [draw(waivers(i, ids)) for i in range(draw(st.integers(0, 6)))]
    query = Query(
        country=draw(st.sampled_from(COUNTRIES)),
        program=draw(st.sampled_from(sorted(PROGRAMS))),
        fiscal_year=draw(st.integers(2021, 2026)),
        on_date=draw(days),
        recipient=draw(st.sampled_from(["government", "non_government"])),
        purpose=draw(st.sampled_from(PURPOSES)),
    )
    return rule_list, des, wvs, query


def snapshot(rule_list, des, wvs):
    by_country: dict[str, list] = {}
    for d in des:
        by_country.setdefault(d.country, []).append(d)
    by_key: dict[tuple, list] = {}
    for w in wvs:
        by_key.setdefault((w.restriction_id, w.country), []).append(dataclasses.replace(w, relieves=w.kind != "delegation"))
    return Snapshot(
        token="t",
        restrictions={r.id: r for r in rule_list},
        designations={k: tuple(v) for k, v in by_country.items()},
        waivers={k: tuple(v) for k, v in by_key.items()},
        units={},
        programs=PROGRAMS,
        countries={c: c for c in COUNTRIES},
    )


@settings(max_examples=300, deadline=None)
@given(worlds())
def test_a_prohibiting_designation_in_force_is_never_silently_dropped(world):
    rule_list, des, wvs, query = world
    result = evaluate(snapshot(rule_list, des, wvs), query, evaluated_at=NOW)
    rules_by_id = {r.id: r for r in rule_list}
    for d in des:
        rule = rules_by_id[d.restriction_id]
        reaches = (
            d.country == query.country
            and d.effect == "prohibits"
            and d.in_force(query.fiscal_year, query.on_date)
            and rule.reaches_recipient(query.recipient)
            and rule.coverage(PROGRAMS[query.program]) is not None
        )
        if reaches:
            matching = [f for f in result.findings if f.designation and f.designation.get("id") == d.id]
            assert len(matching) == 1
            assert matching[0].effect in ("prohibits", "waived", "excepted")
            if matching[0].effect == "prohibits":
                assert result.verdict == "prohibited"
            else:
                assert matching[0].waiver is not None or "excepted" in matching[0].explanation


@settings(max_examples=300, deadline=None)
@given(worlds(), st.data())
def test_adding_a_waiver_never_makes_a_verdict_stricter(world, data):
    rule_list, des, wvs, query = world
    before = evaluate(snapshot(rule_list, des, wvs), query, evaluated_at=NOW)
    extra = data.draw(waivers(999, [r.id for r in rule_list]))
    after = evaluate(snapshot(rule_list, des, [*wvs, extra]), query, evaluated_at=NOW)
    order = ["allowed", "allowed_with_conditions", "allowed_under_waiver", "not_assessed", "prohibited"]
    if before.verdict == "allowed":
        assert after.verdict != "prohibited"
    assert len(after.prohibiting) <= len(before.prohibiting)
    assert len(after.findings) == len(before.findings)
    if before.verdict not in ("prohibited", "not_assessed"):
        assert order.index(after.verdict) <= max(order.index(before.verdict), order.index("allowed_under_waiver"))


LEAHY = RestrictionRule(
    id=99,
    key="leahy",
    rule_code="RST-021",
    short_name="Leahy",
    citation="22 U.S.C. 2378d",
    source="s",
    trigger_kind="unit_finding",
    recipient_scope="units",
    accounts=frozenset({"FMF", "IMET", "PKO"}),
    authorities=frozenset(),
    covers_all_title10=True,
    reaches_inheriting_title10=False,
    exceptions=(),
    waiver_holder="",
    has_waiver=False,
)


@st.composite
def unit_facts(draw):
    return UnitFact(
        id=draw(st.integers(1, 3)),
        country="AAA",
        name="Unit",
        vetting_status=draw(st.sampled_from(["approved", "pending", "not_vetted"])),
        vetted_on=None,
        vetting_expires_on=draw(st.one_of(st.none(), days)),
        credible_information=draw(st.booleans()),
        finding_date=None,
        remediation_status=draw(st.sampled_from(["none", "remediated"])),
    )


@settings(max_examples=300, deadline=None)
@given(worlds())
def test_no_answer_with_a_not_assessed_finding_is_ever_allowed(world):
    rule_list, des, wvs, query = world
    result = evaluate(snapshot(rule_list, des, wvs), query, evaluated_at=NOW)
    if any(f.effect == "not_assessed" for f in result.findings):
        assert result.verdict not in ALLOWED_VERDICTS
        assert result.verdict in ("not_assessed", "prohibited")
        assert result.as_dict()["not_assessed"]
    if result.verdict in ALLOWED_VERDICTS:
        assert not result.gaps


@settings(max_examples=300, deadline=None)
@given(worlds(), st.data())
def test_a_waiver_never_removes_a_condition(world, data):
    rule_list, des, wvs, query = world
    unit = data.draw(unit_facts())
    query = dataclasses.replace(query, country="AAA", recipient="units", units=(unit.id,))
    base = snapshot([*rule_list, LEAHY], des, wvs)
    base = dataclasses.replace(base, units={unit.id: unit}, unit_rules=(LEAHY,))
    before = evaluate(base, query, evaluated_at=NOW)
    extra = data.draw(waivers(999, [r.id for r in rule_list]))
    more = snapshot([*rule_list, LEAHY], des, [*wvs, dataclasses.replace(extra, country="AAA")])
    more = dataclasses.replace(more, units={unit.id: unit}, unit_rules=(LEAHY,))
    after = evaluate(more, query, evaluated_at=NOW)
    assert after.conditions == before.conditions
    assert after.as_dict()["conditions"] == before.as_dict()["conditions"]
