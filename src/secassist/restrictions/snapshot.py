"""Build the engine's immutable Snapshot from the database, and cache it per process.

The cache key is DataVersion.token, which every write to the restrictions data changes in the
same transaction. One cheap query per check tells whether the cached snapshot is still current;
a short time-to-live also picks up reference-data edits (e.g. an authority's inherits flag).
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict

from secassist.reference.models import Authority, Country, Title22Account

from .engine import (
    AssessmentFact,
    CoveragePeriod,
    DesignationFact,
    ExceptionRule,
    ProgramInfo,
    RestrictionRule,
    Snapshot,
    UnitFact,
    WaiverFact,
)
from .models import Assessment, Coverage, DataVersion, Designation, Restriction, SecurityForceUnit, Waiver

TTL_SECONDS = 60.0
_lock = threading.Lock()
_cache: dict[str, tuple[str, float, Snapshot]] = {}


def current_token() -> str:
    return DataVersion.objects.filter(pk=1).values_list("token", flat=True).first() or ""


def get_snapshot() -> Snapshot:
    token = current_token()
    cached = _cache.get("snapshot")
    if cached and cached[0] == token and time.monotonic() - cached[1] < TTL_SECONDS:
        return cached[2]
    with _lock:
        snapshot = build_snapshot(token)
        _cache["snapshot"] = (token, time.monotonic(), snapshot)
    return snapshot


def clear_cache() -> None:
    _cache.clear()


def _exceptions(raw: object) -> tuple[ExceptionRule, ...]:
    rules = []
    for item in raw if isinstance(raw, list) else []:
        rules.append(
            ExceptionRule(
                programs=frozenset(item.get("programs") or ()),
                purposes=frozenset(item.get("purposes") or ()),
                requires_certification=bool(item.get("requires_certification")),
                text=str(item.get("text", "")),
                citation=str(item.get("citation", "")),
            )
        )
    return tuple(rules)


def _periods() -> dict[int, tuple[CoveragePeriod, ...]]:
    periods: dict[int, list[CoveragePeriod]] = defaultdict(list)
    for c in Coverage.objects.all():
        periods[c.restriction_id].append(
            CoveragePeriod(
                list_name=c.list_name,
                status=c.status,
                fy_from=c.fy_from,
                fy_to=c.fy_to,
                covered_from=c.covered_from,
                covered_to=c.covered_to,
                source_document=c.source_document,
                source_url=c.source_url,
                to_fill=c.to_fill,
            )
        )
    return {k: tuple(v) for k, v in periods.items()}


def _assessments() -> dict[tuple[int, str, int], AssessmentFact]:
    return {
        (a.restriction_id, a.country.iso3, a.fiscal_year): AssessmentFact(
            id=a.pk,
            restriction_id=a.restriction_id,
            country=a.country.iso3,
            fiscal_year=a.fiscal_year,
            conclusion=a.conclusion,
            basis=a.basis,
            source_document=a.source_document,
            source_url=a.source_url,
            recorded_by=a.recorded_by.get_username() if a.recorded_by else "",
            recorded_at=a.recorded_at,
        )
        for a in Assessment.objects.select_related("country", "recorded_by")
    }


def _rules() -> dict[int, RestrictionRule]:
    rules = {}
    periods = _periods()
    for r in Restriction.objects.filter(is_active=True).prefetch_related("accounts", "authorities"):
        rules[r.pk] = RestrictionRule(
            id=r.pk,
            key=r.key,
            rule_code=r.rule_code,
            short_name=r.short_name,
            citation=r.citation,
            source=r.source,
            trigger_kind=r.trigger_kind,
            recipient_scope=r.recipient_scope,
            accounts=frozenset(a.code for a in r.accounts.all()),
            authorities=frozenset(a.code for a in r.authorities.all()),
            covers_all_title10=r.covers_all_title10,
            reaches_inheriting_title10=r.reaches_inheriting_title10,
            exceptions=_exceptions(r.exceptions),
            waiver_holder=r.waiver_holder,
            has_waiver=r.has_waiver,
            duration=r.duration,
            periods=periods.get(r.pk, ()),
            in_force_from=r.in_force_from,
            in_force_citation=r.in_force_citation,
        )
    return rules


def programs() -> dict[str, ProgramInfo]:
    result = {
        a.code: ProgramInfo(code=a.code, kind="title22", citation=a.citation.split(";")[0], name=a.name)
        for a in Title22Account.objects.all()
    }
    for a in Authority.objects.filter(is_active=True):
        result[a.code] = ProgramInfo(
            code=a.code,
            kind="title10",
            citation=a.citation,
            name=a.name,
            inherits_title22_bars=a.inherits_title22_bars,
            inherits_citation=a.inherits_citation,
        )
    return result


def build_snapshot(token: str = "") -> Snapshot:
    rules = _rules()
    designations: dict[str, list[DesignationFact]] = defaultdict(list)
    for d in Designation.objects.select_related("country").filter(restriction_id__in=rules.keys()):
        designations[d.country.iso3].append(
            DesignationFact(
                id=d.pk,
                restriction_id=d.restriction_id,
                country=d.country.iso3,
                status=d.status,
                effect=d.effect,
                fiscal_year=d.fiscal_year,
                effective_from=d.effective_from,
                ended_on=d.ended_on,
                source_document=d.source_document,
                source_url=d.source_url,
                pd_number=d.pd_number,
                note=d.note,
                confidence=d.confidence,
            )
        )
    waivers: dict[tuple[int, str], list[WaiverFact]] = defaultdict(list)
    for w in Waiver.objects.select_related("country").order_by("-effective_from", "pk"):
        waivers[(w.restriction_id, w.country.iso3)].append(
            WaiverFact(
                id=w.pk,
                restriction_id=w.restriction_id,
                country=w.country.iso3,
                kind=w.kind,
                relieves=w.kind in Waiver.RELIEVING,
                scope_all=w.scope_all,
                scope_programs=frozenset(w.scope_programs or ()),
                scope_text=w.scope_text,
                fiscal_year=w.fiscal_year,
                effective_from=w.effective_from,
                expires_on=w.expires_on,
                legal_authority=w.legal_authority,
                signed_by=w.signed_by,
                pd_number=w.pd_number,
                source_document=w.source_document,
                source_url=w.source_url,
            )
        )
    units = {
        u.pk: UnitFact(
            id=u.pk,
            country=u.country.iso3,
            name=u.name,
            vetting_status=u.vetting_status,
            vetted_on=u.vetted_on,
            vetting_expires_on=u.vetting_expires_on,
            credible_information=u.credible_information,
            finding_date=u.finding_date,
            remediation_status=u.remediation_status,
        )
        for u in SecurityForceUnit.objects.select_related("country")
    }
    unit_rules = tuple(r for r in rules.values() if r.trigger_kind == Restriction.TriggerKind.UNIT_FINDING)
    return Snapshot(
        token=token,
        restrictions=rules,
        designations={k: tuple(v) for k, v in designations.items()},
        waivers={k: tuple(v) for k, v in waivers.items()},
        units=units,
        programs=programs(),
        countries=dict(Country.objects.values_list("iso3", "name")),
        unit_rules=unit_rules,
        assessments=_assessments(),
    )
