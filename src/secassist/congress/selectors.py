"""Reads of the congress app: packages for a user, a package's clock, holds, reports."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from secassist.core import clock

from . import clocks, rules
from .models import TRANSMITTED_STATUSES, AlwaysNotifyCountry, Hold, NotificationRule, Package, Status


def visible_packages(user: Any) -> QuerySet[Package]:
    """Every signed-in user of the office may read CNs (they are CUI: the site is for the office only)."""
    return Package.objects.select_related("team", "country", "pseudo_region", "account", "authority").prefetch_related(
        "rules", Prefetch("holds", queryset=Hold.objects.select_related("committee"))
    )


def filtered(
    qs: QuerySet[Package], *, status: str = "", country: str = "", fiscal_year: Any = None, team: str = "", q: str = ""
) -> QuerySet[Package]:
    if status:
        qs = qs.filter(status=status)
    if country:
        qs = qs.filter(country__iso3=country.upper())
    if fiscal_year:
        qs = qs.filter(fiscal_year=int(fiscal_year))
    if team:
        qs = qs.filter(team__code=team)
    if q:
        qs = qs.filter(title__icontains=q) | qs.filter(number__icontains=q)
    return qs


def open_holds(package: Package) -> list[Hold]:
    return [h for h in package.holds.all() if h.lifted_on is None]


def computed_clear_date(package: Package) -> dt.date | None:
    """When the CN is (or will be) cleared to obligate: wait over and every hold lifted; None while a hold is open."""
    if package.status not in TRANSMITTED_STATUSES:
        return None
    return clocks.cleared_to_obligate_on(package.wait_ends_on, [h.lifted_on for h in package.holds.all()])


def clock_of(package: Package, *, today: dt.date | None = None) -> dict[str, Any]:
    """The body of GET /api/v1/notifications/{id}/clock."""
    today = today or clock.today()
    clear_on = computed_clear_date(package)
    holds = open_holds(package)
    return {
        "transmitted_on": package.transmitted_on,
        "statutory_wait_ends_on": package.wait_ends_on,
        "open_holds": [
            {"committee": h.committee.code, "placed_on": h.placed_on, "days_held": (today - h.placed_on).days, "reason": h.reason}
            for h in holds
        ],
        "cleared_to_obligate_on": clear_on if clear_on is not None and clear_on <= today else None,
    }


def wait_days_left(package: Package, *, today: dt.date | None = None) -> int | None:
    """Days of a running waiting period left (at least 1); None when none is running — an ended
    period is never "0 days left" (see `wait_status`)."""
    left = (package.wait_ends_on - (today or clock.today())).days if package.wait_ends_on else 0
    if package.status != Status.WAITING or left <= 0:
        return None
    return left


def wait_status(package: Package, *, today: dt.date | None = None) -> dict[str, Any] | None:
    """How a transmitted CN's waiting period stands, in words the pages show.

    running: `days_left` ≥ 1. ended: on its last day or after (obligation is allowed from the end
    date); while the CN still waits with no hold, recording "clear to obligate" is overdue work from
    the day after the end (`overdue_days`)."""
    if package.status != Status.WAITING or package.wait_ends_on is None:
        return None
    today = today or clock.today()
    left = (package.wait_ends_on - today).days
    if left > 0:
        return {"state": "running", "days_left": left, "overdue_days": 0, "text": f"{left} day{'s' if left != 1 else ''} left"}
    if open_holds(package):
        return {"state": "ended", "days_left": None, "overdue_days": 0, "text": "waiting period ended; on hold"}
    overdue = -left
    text = (
        "waiting period ends today: record 'clear to obligate'"
        if overdue == 0
        else f"waiting period ended {overdue} day{'s' if overdue != 1 else ''} ago: record 'clear to obligate' (overdue)"
    )
    return {"state": "ended", "days_left": None, "overdue_days": overdue, "text": text}


def stage_of(package: Package) -> str:
    """The stage shown to people: the status, or 'on hold' when a transmitted CN has an open hold."""
    if package.status in TRANSMITTED_STATUSES and open_holds(package):
        return "On hold"
    return package.get_status_display()


def rules_in_force(on_date: dt.date | None = None) -> list[NotificationRule]:
    on_date = on_date or clock.today()
    rows = (
        NotificationRule.objects.filter(effective_from__lte=on_date)
        .prefetch_related("committees")
        .order_by("code", "-effective_from")
    )
    seen: dict[str, NotificationRule] = {}
    for rule in rows:
        if rule.code not in seen and (rule.effective_to is None or rule.effective_to >= on_date):
            seen[rule.code] = rule
    return list(seen.values())


def always_notify_for(fiscal_year: int) -> dict[str, str]:
    return {
        e.country.iso3: e.citation for e in AlwaysNotifyCountry.objects.filter(fiscal_year=fiscal_year).select_related("country")
    }


def findings_for(package: Package, *, cache: dict[Any, Any] | None = None) -> list[rules.Finding]:
    """The bases that apply to a package. Pass one `cache` dict when listing many packages."""
    cache = {} if cache is None else cache
    day = package.created_at.date()
    if ("rules", day) not in cache:
        cache[("rules", day)] = {r.code: r for r in rules_in_force(day)}
    if ("always", package.fiscal_year) not in cache:
        cache[("always", package.fiscal_year)] = always_notify_for(package.fiscal_year)
    by_code = cache[("rules", day)]
    return rules.suggested_bases(
        iso3=package.country.iso3 if package.country_id and package.country else "",
        account=package.account.code if package.account_id and package.account else "",
        authority=package.authority.code if package.authority_id and package.authority else "",
        fiscal_year=package.fiscal_year,
        amount=package.amount,
        cbj_amount=package.cbj_amount,
        mde_items=package.mde_items or [],
        always_notify=cache[("always", package.fiscal_year)],
        rules_by_code=by_code,
    )


def holds_outstanding(*, today: dt.date | None = None) -> list[dict[str, Any]]:
    today = today or clock.today()
    rows = (
        Hold.objects.filter(lifted_on__isnull=True)
        .select_related("package", "committee", "package__country")
        .prefetch_related("questions")
    )
    out = []
    for h in rows.order_by("placed_on"):
        qs = list(h.questions.all())
        out.append(
            {
                "package": h.package,
                "number": h.package.number,
                "title": h.package.title,
                "committee": h.committee.code,
                "placed_on": h.placed_on,
                "days_held": (today - h.placed_on).days,
                "reason": h.reason,
                "questions": len(qs),
                "unanswered": sum(q.answered_on is None for q in qs),
            }
        )
    return out


def cycle_times() -> dict[str, Any]:
    """Median days from draft to transmittal and from transmittal to cleared-to-obligate."""
    drafted = []
    cleared = []
    for p in Package.objects.filter(transmitted_on__isnull=False).only("drafted_on", "transmitted_on", "cleared_to_obligate_on"):
        assert p.transmitted_on is not None
        drafted.append((p.transmitted_on - p.drafted_on).days)
        if p.cleared_to_obligate_on:
            cleared.append((p.cleared_to_obligate_on - p.transmitted_on).days)
    return {
        "draft_to_transmittal_median": statistics.median(drafted) if drafted else None,
        "draft_to_transmittal_n": len(drafted),
        "transmittal_to_clearance_median": statistics.median(cleared) if cleared else None,
        "transmittal_to_clearance_n": len(cleared),
    }


def reconciliation(*, fiscal_year: int | None = None, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Notified vs obligated per recipient, program (account) and FY; flags obligations not covered.

    Notified = transmitted CNs (waiting or cleared); cleared = those cleared to obligate by today;
    obligated and uncovered = the sum over the group's funds lines of their notification state
    (coverage.line_states, the one place it is computed), so the report and the funds pages agree.
    """
    from secassist.budget.models import Allocation

    from .coverage import line_states

    today = today or clock.today()
    groups: dict[tuple[str, str, int], dict[str, Any]] = defaultdict(
        lambda: {
            "notified": Decimal("0"),
            "cleared": Decimal("0"),
            "obligated": Decimal("0"),
            "uncovered": Decimal("0"),
            "cns": [],
            "lines": [],
        }
    )
    packages = Package.objects.filter(status__in=TRANSMITTED_STATUSES).select_related("country", "pseudo_region", "account")
    if fiscal_year:
        packages = packages.filter(fiscal_year=fiscal_year)
    for p in packages.prefetch_related("holds"):
        key = (p.recipient_name, p.account.code if p.account else p.program, p.fiscal_year)
        g = groups[key]
        g["notified"] += p.amount
        clear_on = computed_clear_date(p)
        if clear_on is not None and clear_on <= today:
            g["cleared"] += p.amount
        g["cns"].append(p.number)
    qs = Allocation.objects.select_related("appropriation", "account", "country", "pseudo_region")
    if fiscal_year:
        qs = qs.filter(appropriation__fiscal_year=fiscal_year)
    lines = list(qs)
    states = line_states(lines, on_date=today)
    for a in lines:
        state = states[a.pk]
        name = a.country.name if a.country else (a.pseudo_region.name if a.pseudo_region else a.recipient_name)
        key = (name, a.account.code, a.appropriation.fiscal_year)
        if state.obligated or key in groups:
            g = groups[key]
            g["obligated"] += state.obligated
            g["uncovered"] += state.uncovered
            g["lines"].append({"allocation_id": a.pk, "state": state.state, "label": state.label, "uncovered": state.uncovered})
    rows = []
    for (recipient, program, fy), g in sorted(groups.items(), key=lambda kv: (-kv[0][2], kv[0][0], kv[0][1])):
        rows.append(
            {
                "recipient": recipient,
                "program": program,
                "fiscal_year": fy,
                "notified": g["notified"],
                "cleared": g["cleared"],
                "obligated": g["obligated"],
                "uncovered": g["uncovered"],
                "cns": g["cns"],
                "lines": g["lines"],
                "flag": "obligated beyond cleared CNs" if g["uncovered"] > 0 else "",
            }
        )
    return rows


def allocations_needing_cn(*, limit: int = 20) -> list[Any]:
    """Budget lines that need a notification and have no live CN linked."""
    from secassist.budget.models import Allocation

    from .models import LIVE_STATUSES

    return list(
        Allocation.objects.filter(notification_required=True)
        .exclude(status="withdrawn")
        .exclude(notifications__status__in=LIVE_STATUSES)
        .select_related("appropriation", "account", "country", "pseudo_region")
        .order_by("-appropriation__fiscal_year", "account__code", "recipient_name")[:limit]
    )


def draft_from_allocation(allocation_id: int) -> dict[str, Any]:
    """Initial values of a new CN drafted for a budget line (the form shows them; nothing is saved)."""
    from secassist.budget.models import Allocation, Balance

    a = Allocation.objects.filter(pk=allocation_id).select_related("appropriation", "account", "country", "pseudo_region").first()
    if a is None:
        return {}
    balance = Balance.objects.filter(allocation=a).first()
    fy = a.appropriation.fiscal_year
    return {
        "title": f"{a.account.code} {a.recipient_name} FY{fy}"[:200],
        "fiscal_year": str(fy),
        "account": a.account.code,
        "country": a.country.iso3 if a.country else "",
        "pseudo_region": a.pseudo_region.name if a.pseudo_region else "",
        "program": a.account.code,
        "amount": str(balance.allocated) if balance else "",
        "cbj_amount": "" if a.baseline_653a is None else str(a.baseline_653a),
        "appropriation_fy": str(fy),
        "public_law": a.appropriation.public_law,
        "allocations": [str(a.pk)],
        "team": "PM/SA-SAT",
        "rules": ["SFOPS7015", "FAA634A"]
        + (["FMF-HEADING"] if a.account.code == "FMF" else [])
        + (["PKO-HEADING"] if a.account.code == "PKO" else []),
    }
