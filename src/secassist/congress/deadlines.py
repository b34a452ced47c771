"""The statutory calendar: every clock in the product between two dates, with what is due,
overdue, waiting or done. Sources: CN packages (waiting periods, notice deadlines before an
action, after-event notices, emergency notices), the recurring rules (fixed dates, FY-relative),
and the budget app's appropriations (653(a): 30 days after enactment).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import Prefetch, Q

from secassist.audit import statecache
from secassist.core import clock
from secassist.core.dates import add_days

from . import clocks, rules, selectors
from .models import TRANSMITTED_STATUSES, ClockKind, Hold, Package, Status

DUE, OVERDUE, WAITING, DONE, PAST = "due", "overdue", "waiting", "done", "past"
STATES = (DUE, OVERDUE, WAITING, DONE, PAST)


@dataclass(frozen=True)
class Item:
    date: dt.date
    title: str
    state: str
    kind: str  # cn_wait, cn_notice, after_event, emergency, report, fy, 653a
    rule: str
    citation: str
    team: str
    detail: str = ""
    url: str = ""
    package_id: int | None = None
    number: str = ""

    @property
    def uid(self) -> str:
        return f"{self.kind}-{self.rule}-{self.package_id or self.number or 'x'}-{self.date.isoformat()}@secassist"

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "uid": self.uid}


def _state(date: dt.date, today: dt.date, done: bool = False) -> str:
    if done:
        return DONE
    return OVERDUE if date < today else DUE


def _package_items(p: Package, today: dt.date) -> list[Item]:
    bases = list(p.rules.all())
    team = p.team.code
    url = f"/notifications/{p.pk}/"
    common: dict[str, Any] = {"team": team, "url": url, "package_id": p.pk, "number": p.number}
    items: list[Item] = []
    if p.status in TRANSMITTED_STATUSES and p.wait_ends_on:
        holds = [h for h in p.holds.all() if h.lifted_on is None]
        waiting = rules.waiting_spec(bases)
        rule = waiting[1] if waiting else (bases[0] if bases else None)
        if p.status == Status.CLEARED_TO_OBLIGATE:
            state, detail = DONE, f"cleared to obligate on {p.cleared_to_obligate_on}"
        elif holds:
            state, detail = WAITING, "on hold: " + ", ".join(f"{h.committee.code} since {h.placed_on}" for h in holds)
        elif p.wait_ends_on > today:
            state, detail = WAITING, f"{(p.wait_ends_on - today).days} day(s) of the waiting period left"
        elif p.wait_ends_on == today:
            state, detail = DUE, "waiting period ends today, no hold: record 'clear to obligate'"
        else:
            # Ended and nobody recorded it: overdue work, never "0 days left" or an upcoming clock.
            days = (today - p.wait_ends_on).days
            state, detail = OVERDUE, f"waiting period ended {days} day(s) ago, no hold: record 'clear to obligate'"
        items.append(
            Item(
                p.wait_ends_on,
                f"{p.number} waiting period ends — {p.title}",
                state,
                "cn_wait",
                rule.code if rule else "",
                rule.citation if rule else "",
                detail=detail,
                **common,
            )
        )
        return items
    if p.status in (Status.WITHDRAWN, Status.SUPERSEDED):
        return items
    waiting = rules.waiting_spec(bases)
    emergency = rules.emergency_spec(bases)
    if p.is_emergency and emergency and p.action_on:
        spec, rule = emergency
        due = clocks.emergency_due(spec, p.action_on)
        items.append(
            Item(
                due,
                f"{p.number} emergency notice due — {p.title}",
                _state(due, today),
                "emergency",
                rule.code,
                rule.citation,
                detail=f"action on {p.action_on}; notice no later than {rule.emergency_days_after} day(s) after",
                **common,
            )
        )
    elif waiting and p.action_on and not p.is_emergency:
        spec, rule = waiting  # the governing (longest) before-action clock among the bases
        due = clocks.latest_notice_for_action(spec, p.action_on)
        items.append(
            Item(
                due,
                f"{p.number} must be transmitted — {p.title}",
                _state(due, today),
                "cn_notice",
                rule.code,
                rule.citation,
                detail=f"{rule.days} {rule.day_basis} days before the action on {p.action_on}",
                **common,
            )
        )
    for rule in bases:
        if rule.kind in (ClockKind.AFTER_EVENT, ClockKind.AFTER_ENACTMENT) and p.event_on:
            due = clocks.due_after(rules.spec_of(rule), p.event_on)
            items.append(
                Item(
                    due,
                    f"{p.number} notice due — {p.title}",
                    _state(due, today),
                    "after_event",
                    rule.code,
                    rule.citation,
                    detail=f"{rule.days} days after {p.event_on}",
                    **common,
                )
            )
    return items


def _recurring_items(start: dt.date, end: dt.date, today: dt.date, in_force: list[Any]) -> list[Item]:
    items = []
    for rule in in_force:
        if rule.kind not in (ClockKind.FIXED_DATE, ClockKind.FY_RELATIVE):
            continue
        for day in clocks.occurrences(rules.spec_of(rule), start, end):
            items.append(
                Item(
                    day,
                    rule.title,
                    DUE if day >= today else PAST,
                    "report" if rule.kind == ClockKind.FIXED_DATE else "fy",
                    rule.code,
                    rule.citation,
                    rule.team,
                    detail=rule.trigger,
                    url="/notifications/rules/",
                )
            )
    return items


def _653a_items(start: dt.date, end: dt.date, today: dt.date, in_force: list[Any]) -> list[Item]:
    from secassist.budget.models import Appropriation, AppropriationKind

    rule = next((r for r in in_force if r.code == "653A"), None)
    if rule is None:
        return []
    spec = rules.spec_of(rule)
    items = []
    for appr in Appropriation.objects.filter(kind=AppropriationKind.FULL_YEAR).select_related("account", "report_653a"):
        due = clocks.due_after(spec, appr.enacted_on)
        if not start <= due <= end:
            continue
        report = getattr(appr, "report_653a", None)
        detail = f"enacted {appr.enacted_on} ({appr.public_law})" + (f"; submitted {report.submitted_on}" if report else "")
        items.append(
            Item(
                due,
                f"653(a) report due — FY{appr.fiscal_year} {appr.account.code}",
                _state(due, today, report is not None),
                "653a",
                rule.code,
                rule.citation,
                rule.team,
                detail=detail,
                url="/funds/",
            )
        )
    return items


# restrictions waiver kind (Restriction.key) -> the rule whose clock gives its congressional notice
WAIVER_RULES = {
    "cspa": "CSPA-WAIVER",
    "drug-majors-490": "FAA490",
    "sst-620a": "FAA620A",
    "aiding-terrorist-states-620g": "FAA620G",
    "dod-leahy-362": "DOD-LEAHY-362",
}


def _waiver_items(start: dt.date, end: dt.date, today: dt.date, in_force: list[Any]) -> list[Item]:
    """Notices owed for waivers in the restrictions app's register (CSPA 45 days after, §490 15 days before …)."""
    from secassist.restrictions.models import Waiver

    by_code = {r.code: r for r in in_force}
    lo, hi = _near(start, end, in_force)
    # Only waivers whose notice can fall in the window (every clock counts from one of these dates),
    # so the calendar does not read the whole register back to FY2000 on every call.
    near = Q(cn_due_on__range=(lo, hi)) | Q(signed_on__range=(lo, hi)) | Q(effective_from__range=(lo, hi))
    items = []
    for w in Waiver.objects.select_related("restriction", "country").filter(kind__in=["waiver", "determination"]).filter(near):
        rule = by_code.get(WAIVER_RULES.get(w.restriction.key, ""))
        due, citation, code = w.cn_due_on, w.legal_authority, ""
        if rule is not None:
            spec = rules.spec_of(rule)
            if rule.kind == ClockKind.AFTER_EVENT:
                due = clocks.due_after(spec, w.signed_on or w.effective_from)
            elif rule.kind == ClockKind.BEFORE_ACTION:
                due = clocks.latest_notice_for_action(spec, w.effective_from)
            citation, code = rule.citation, rule.code
        if due is None or not start <= due <= end:
            continue
        detail = f"signed {w.signed_on or '—'}, effective {w.effective_from}" + (
            f"; notice sent {w.cn_sent_on}" if w.cn_sent_on else ""
        )
        items.append(
            Item(
                due,
                f"Congressional notice of the {w}",
                _state(due, today, w.cn_sent_on is not None),
                "waiver",
                code,
                citation,
                "PM/SA-SAT",
                detail=detail,
                url="/restrictions/waivers/",
                number=f"waiver-{w.pk}",
            )
        )
    return items


def _near(start: dt.date, end: dt.date, in_force: list[Any]) -> tuple[dt.date, dt.date]:
    """The dates a clock falling in [start, end] can count from: the window widened by the longest
    clock in force (twice, for business days and holidays, plus two weeks)."""
    longest = max([r.days or 0 for r in in_force] + [r.emergency_days_after or 0 for r in in_force] + [0])
    margin = 2 * longest + 14
    return add_days(start, -margin), add_days(end, margin)


def _packages_near(start: dt.date, end: dt.date, in_force: list[Any]) -> Any:
    """Only packages whose clocks can fall in the window: a wait ending in it, or an action or event
    within the longest clock (plus business-day slack) of it."""
    near = _near(start, end, in_force)
    transmitted = Q(status__in=TRANSMITTED_STATUSES, wait_ends_on__range=(start, end))
    pending = Q(status__in=[Status.DRAFTING, Status.IN_CLEARANCE, Status.CLEARED]) & (
        Q(action_on__range=near) | Q(event_on__range=near)
    )
    return Package.objects.filter(transmitted | pending)


def calendar(*, start: dt.date, end: dt.date, team: str = "", today: dt.date | None = None, cached: bool = False) -> list[Item]:
    """Every clock between `start` and `end`, as of `today`.

    `cached=True` keeps it until the next write (ADR 1003): only for the pages' fixed windows, never
    for a range a request chooses (each range would be one more entry in the shared cache)."""
    today = today or clock.today()
    if not cached:
        return _calendar(start=start, end=end, team=team, today=today)
    return statecache.cached(
        "congress.calendar", lambda: _calendar(start=start, end=end, team=team, today=today), start, end, team, today
    )


def _clocks_of(packages: Any, start: dt.date, end: dt.date, today: dt.date) -> list[Item]:
    packages = packages.select_related("team").prefetch_related(
        "rules", Prefetch("holds", queryset=Hold.objects.select_related("committee"))
    )
    return [i for p in packages for i in _package_items(p, today) if start <= i.date <= end]


def package_clocks(package_ids: Iterable[int], *, start: dt.date, end: dt.date, today: dt.date) -> list[Item]:
    """The clocks of these packages between `start` and `end`: exactly the `calendar` items whose package is one
    of them (same window filter, same order), computed for them alone, so a page about one country pays for its
    own packages, not for the whole calendar (ADR 1010)."""
    in_force = selectors.rules_in_force(today)
    items = _clocks_of(_packages_near(start, end, in_force).filter(pk__in=list(package_ids)), start, end, today)
    return sorted(items, key=lambda i: (i.date, i.title))


def _calendar(*, start: dt.date, end: dt.date, team: str, today: dt.date) -> list[Item]:
    in_force = selectors.rules_in_force(today)
    items = _clocks_of(_packages_near(start, end, in_force), start, end, today)
    items += _recurring_items(start, end, today, in_force)
    items += _653a_items(start, end, today, in_force)
    items += _waiver_items(start, end, today, in_force)
    if team:
        items = [i for i in items if i.team == team]
    return sorted(items, key=lambda i: (i.date, i.title))


def due_soon(*, days: int = 30, team: str = "", today: dt.date | None = None, cached: bool = False) -> list[Item]:
    """What needs doing in the next `days` days, plus anything overdue (the CLI's `notifications due`)."""
    today = today or clock.today()
    end = today + dt.timedelta(days=days)
    items = calendar(start=today - dt.timedelta(days=365), end=end, team=team, today=today, cached=cached)
    # overdue work (incl. ended waits nobody recorded), what falls due in the window, and CNs still held by a
    # committee after their statutory wait (a hold to chase, shown as such — not as an upcoming clock)
    held = [i for i in items if i.kind == "cn_wait" and i.state == WAITING and i.date < today]
    return [i for i in items if i.state == OVERDUE or (i.state in (DUE, WAITING) and i.date >= today)] + held
