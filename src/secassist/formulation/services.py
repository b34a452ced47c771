"""Every write of budget formulation: atomic, permission-checked, audited (ADR 1310)."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max

from secassist.accounts.access import require
from secassist.accounts.roles import has_capability
from secassist.approvals import services as approvals
from secassist.audit.services import record
from secassist.budget import selectors as budget_selectors
from secassist.budget import services as budget_services
from secassist.core import clock
from secassist.core.errors import AccessDenied, Conflict, InvalidInput, RuleViolation
from secassist.core.fiscal import FiscalYear
from secassist.core.money import money_str, to_money
from secassist.reference.models import Country, PseudoRegion, Title22Account

from . import rules
from .models import STAGE_ORDER, LineComment, RequestCycle, RequestLine, RequestStage, StageBasis, StageKind

EDIT = "budget.edit"
LEVELS = "budget.levels"
COMMENT = "budget.review"
SEED_ACT = "formulation.seed_allocations"
MAX_PRIORITY = 999


def clean_text(value: Any, field: str, *, max_length: int, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise InvalidInput(f"{field} is required", field=field)
    if len(text) > max_length:
        raise InvalidInput(f"{field} is longer than {max_length} characters", field=field, allowed=f"≤ {max_length} characters")
    return text


def parse_priority(value: Any, field: str = "priority") -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise InvalidInput(f"{field} must be a whole number from 1 (highest) to {MAX_PRIORITY}", field=field) from None
    if not 1 <= number <= MAX_PRIORITY:
        raise InvalidInput(f"{field} must be from 1 (highest) to {MAX_PRIORITY}", field=field, allowed=f"1–{MAX_PRIORITY}")
    return number


def resolve_recipient(value: Any, field: str = "recipient") -> dict[str, Any]:
    """A country by ISO3 code or name, or a regional program (pseudo-region) by name or code."""
    text = clean_text(value, field, max_length=200, required=True)
    country = Country.objects.filter(iso3=text.upper()).first() or Country.objects.filter(name__iexact=text).first()
    if country is not None:
        return {"country": country, "pseudo_region": None, "recipient_name": country.name}
    region = (
        PseudoRegion.objects.filter(name=text).first() or PseudoRegion.objects.filter(code=text.upper()).exclude(code="").first()
    )
    if region is not None:
        return {"country": None, "pseudo_region": region, "recipient_name": region.name}
    raise InvalidInput(
        f"{field} {text!r} is neither an ISO3 country code nor a known regional program",
        field=field,
        allowed="an ISO3 code (e.g. JOR), a country name or a regional program name",
    )


def resolve_program(value: Any, field: str = "program") -> Title22Account:
    code = clean_text(value, field, max_length=10, required=True).upper()
    account = Title22Account.objects.filter(code=code).first()
    if account is None:
        codes = ", ".join(Title22Account.objects.values_list("code", flat=True))
        raise InvalidInput(f"{field} {code!r} is not a Title 22 program", field=field, allowed=codes)
    return account


def _edit_capability(kind: str) -> str:
    return LEVELS if kind == StageKind.F_LEVELS else EDIT


def may_edit_stage(user: Any, stage: RequestStage) -> bool:
    return stage.is_working and has_capability(user, _edit_capability(stage.kind))


def require_stage_editor(user: Any, kind: str) -> None:
    if kind == StageKind.F_LEVELS and not has_capability(user, LEVELS):
        raise AccessDenied(f"{rules.RULES['FRM-003']} (FRM-003)", code="FRM-003")
    require(user, _edit_capability(kind))


# ---------------------------------------------------------------- cycles and stages


@transaction.atomic
def create_cycle(*, acting_user: Any, budget_fiscal_year: Any, title: str = "", demo: bool = False) -> RequestCycle:
    require(acting_user, EDIT)
    fy = FiscalYear.parse(budget_fiscal_year, field="budget_fiscal_year").year
    if RequestCycle.objects.filter(budget_fiscal_year=fy).exists():
        raise Conflict(f"a request cycle for FY{fy} already exists", field="budget_fiscal_year")
    cycle = RequestCycle.objects.create(
        budget_fiscal_year=fy,
        title=clean_text(title, "title", max_length=200) or f"FY{fy} budget request",
        demo=demo,
        created_at=clock.now(),
        created_by=acting_user,
    )
    record(
        actor=acting_user, action="formulation.cycle.create", obj=cycle, after={"budget_fiscal_year": fy, "title": cycle.title}
    )
    return cycle


def working_stage(cycle: RequestCycle) -> RequestStage | None:
    return cycle.stages.filter(closed_at__isnull=True).first()


@transaction.atomic
def open_stage(
    *,
    acting_user: Any,
    cycle: RequestCycle,
    kind: str,
    basis: str = StageBasis.PREVIOUS,
    actuals_fiscal_year: Any = None,
    measure: str = "obligated",
    change_pct: Any = "0",
) -> RequestStage:
    """Open the next stage (or a new version of the working one); the previous version closes and
    stays as the record. Lines come from the previous version, from a year of actuals, or nothing."""
    if kind not in STAGE_ORDER:
        raise InvalidInput(f"kind must be one of {', '.join(STAGE_ORDER)}", field="kind", allowed=list(STAGE_ORDER))
    if basis not in StageBasis.values:
        raise InvalidInput(f"basis must be one of {', '.join(StageBasis.values)}", field="basis", allowed=StageBasis.values)
    require_stage_editor(acting_user, kind)
    previous = working_stage(cycle)
    if not rules.may_open(previous.kind if previous else None, kind):
        raise RuleViolation(
            f"{cycle} is at {previous.get_kind_display() if previous else '-'}; "
            f"it cannot go back to {StageKind(kind).label} (FRM-002)",
            code="FRM-002",
            current=previous.kind if previous else None,
        )
    if basis == StageBasis.PREVIOUS and previous is None:
        raise InvalidInput("there is no previous stage to copy; choose actuals or empty", field="basis")
    amounts, note = _basis_amounts(basis, previous, actuals_fiscal_year, measure, change_pct)
    now = clock.now()
    if previous is not None and not RequestStage.objects.filter(pk=previous.pk, closed_at__isnull=True).update(closed_at=now):
        raise Conflict("another stage was opened at the same moment; reload and try again")
    version = (cycle.stages.filter(kind=kind).aggregate(v=Max("version"))["v"] or 0) + 1
    try:
        stage = RequestStage.objects.create(
            cycle=cycle,
            kind=kind,
            version=version,
            basis=basis,
            basis_note=note,
            based_on=previous,
            opened_at=now,
            opened_by=acting_user,
        )
    except IntegrityError:
        raise Conflict("another stage was opened at the same moment; reload and try again") from None
    created = (
        _copy_previous(stage, previous, acting_user)
        if basis == StageBasis.PREVIOUS
        else _rolled_lines(stage, amounts, acting_user)
    )
    record(
        actor=acting_user,
        action="formulation.stage.open",
        obj=stage,
        after={"cycle": cycle.pk, "kind": kind, "version": version, "basis": basis, "note": note, "lines": created},
    )
    return stage


def _basis_amounts(
    basis: str, previous: RequestStage | None, actuals_fiscal_year: Any, measure: str, change_pct: Any
) -> tuple[dict[rules.LineKey, Decimal], str]:
    if basis in (StageBasis.PREVIOUS, StageBasis.EMPTY):
        return {}, (f"copy of {previous}" if basis == StageBasis.PREVIOUS and previous else "")
    fy = FiscalYear.parse(actuals_fiscal_year, field="actuals_fiscal_year").year
    pct = to_money(change_pct or "0", field="change_pct", allow_negative=True)
    if pct <= -100:
        raise InvalidInput("change_pct must be greater than -100", field="change_pct", allowed="> -100")
    if basis == StageBasis.LEDGER:
        if measure not in budget_selectors.LINE_MEASURES:
            raise InvalidInput(
                "measure must be allocated or obligated", field="measure", allowed=list(budget_selectors.LINE_MEASURES)
            )
        actuals = budget_selectors.line_amounts(fiscal_year=fy, measure=measure)
        source = f"FY{fy} funds ledger, {measure}"
    else:
        actuals = budget_selectors.greenbook_amounts(fiscal_year=fy)
        source = f"Greenbook FY{fy} obligations (amounts ≥ $10M rounded by the source)"
    return rules.roll_forward(actuals, change_pct=pct), f"{source}, changed by {pct}%"


def _copy_previous(stage: RequestStage, previous: RequestStage | None, user: Any) -> int:
    lines = list(previous.lines.all()) if previous else []
    now = clock.now()
    RequestLine.objects.bulk_create(
        RequestLine(
            stage=stage,
            account_id=ln.account_id,
            country_id=ln.country_id,
            pseudo_region_id=ln.pseudo_region_id,
            recipient_name=ln.recipient_name,
            amount=ln.amount,
            priority=ln.priority,
            justification=ln.justification,
            updated_at=now,
            updated_by=user,
        )
        for ln in lines
    )
    return len(lines)


def _rolled_lines(stage: RequestStage, amounts: dict[rules.LineKey, Decimal], user: Any) -> int:
    """Rolled-forward lines, ranked by amount within each program (the analyst reorders them)."""
    accounts = {a.code: a for a in Title22Account.objects.all()}
    countries = {c.iso3: c for c in Country.objects.filter(iso3__in=[k for k, _ in amounts])}
    regions = {r.name: r for r in PseudoRegion.objects.filter(name__in=[k for k, _ in amounts])}
    rank: dict[str, int] = {}
    now = clock.now()
    rows = []
    for (key, code), amount in sorted(amounts.items(), key=lambda kv: (kv[0][1], -kv[1], kv[0][0])):
        if code not in accounts:
            continue
        country, region = countries.get(key), regions.get(key)
        rank[code] = rank.get(code, 0) + 1
        rows.append(
            RequestLine(
                stage=stage,
                account=accounts[code],
                country=country,
                pseudo_region=region,
                recipient_name=country.name if country else key,
                amount=amount,
                priority=min(rank[code], MAX_PRIORITY),
                updated_at=now,
                updated_by=user,
            )
        )
    RequestLine.objects.bulk_create(rows)
    return len(rows)


# ---------------------------------------------------------------- lines


def require_working(stage: RequestStage) -> None:
    if not stage.is_working:
        raise RuleViolation(f"{stage} is closed: {rules.RULES['FRM-001']} (FRM-001)", code="FRM-001", stage=stage.pk)


def line_dict(line: RequestLine) -> dict[str, Any]:
    return {
        "recipient": line.recipient_name,
        "program": line.account.code,
        "amount": money_str(line.amount),
        "priority": line.priority,
        "justification": line.justification,
    }


@transaction.atomic
def save_line(
    *,
    acting_user: Any,
    stage: RequestStage,
    recipient: Any,
    program: Any,
    amount: Any,
    priority: Any,
    justification: Any = "",
    reason: str = "",
) -> RequestLine:
    """Add a line or change it (the same recipient and program); in the F levels stage this is F setting a level."""
    require_stage_editor(acting_user, stage.kind)
    stage = RequestStage.objects.select_for_update().get(pk=stage.pk)
    require_working(stage)
    fields = {
        **resolve_recipient(recipient),
        "account": resolve_program(program),
        "amount": to_money(amount),
        "priority": parse_priority(priority),
        "justification": clean_text(justification, "justification", max_length=10000),
    }
    return upsert_line(acting_user, stage, fields, clean_text(reason, "reason", max_length=2000))[0]


def upsert_line(acting_user: Any, stage: RequestStage, fields: dict[str, Any], reason: str) -> tuple[RequestLine, str]:
    """Returns the line and what happened to it: created, updated or unchanged."""
    line = RequestLine.objects.filter(stage=stage, account=fields["account"], recipient_name=fields["recipient_name"]).first()
    before = line_dict(line) if line else None
    if line is None:
        line = RequestLine(stage=stage)
    for name, value in fields.items():
        setattr(line, name, value)
    line.updated_at, line.updated_by = clock.now(), acting_user
    after = line_dict(line)
    if before == after:
        return line, "unchanged"
    line.save()
    change: dict[str, Any] = {"obj": line, "before": before, "after": {**after, "stage": stage.pk}, "reason": reason}
    if stage.kind == StageKind.F_LEVELS:
        record(actor=acting_user, action="formulation.line.level", **change)
    else:
        record(actor=acting_user, action="formulation.line.save", **change)
    return line, "created" if before is None else "updated"


@transaction.atomic
def comment_line(*, acting_user: Any, line: RequestLine, text: Any) -> LineComment:
    require(acting_user, COMMENT)
    body = clean_text(text, "text", max_length=5000, required=True)
    comment = LineComment.objects.create(line=line, author=acting_user, text=body, at=clock.now())
    record(actor=acting_user, action="formulation.line.comment", obj=line, after={"comment": comment.pk, "text": body})
    return comment


# ---------------------------------------------------------------- seeding the allocation table on enactment


def seeding_plan(cycle: RequestCycle) -> dict[str, Any]:
    """What seeding would do: per line, the appropriation it goes to, or why it is skipped. Read-only."""
    stage = working_stage(cycle)
    problems: list[str] = []
    if cycle.seeded_at is not None:
        problems.append(f"the allocation table was already seeded from this cycle on {cycle.seeded_at:%Y-%m-%d} (FRM-004)")
    if stage is None or stage.kind != StageKind.ENACTED:
        problems.append("the working stage is not the enacted stage (FRM-004)")
    lines = list(stage.lines.select_related("account", "country", "pseudo_region")) if stage else []
    apprs = {a.account.code: a for a in budget_selectors.appropriations(fiscal_year=cycle.budget_fiscal_year)}
    missing = sorted({ln.account.code for ln in lines} - set(apprs))
    if missing:
        problems.append(f"no FY{cycle.budget_fiscal_year} appropriation is recorded for {', '.join(missing)} (FRM-005)")
    rows = []
    for ln in lines:
        appr = apprs.get(ln.account.code)
        exists = appr is not None and appr.allocations.filter(recipient_name=ln.recipient_name, purpose="").exists()
        rows.append({"line": ln, "appropriation": appr, "skip": "already has a line (FRM-006)" if exists else ""})
    return {"stage": stage, "rows": rows, "problems": problems, "version": seed_version(stage)}


def seed_version(stage: RequestStage | None) -> str:
    """A fingerprint of the enacted lines: approving a proposal whose lines changed is refused (APR-003)."""
    if stage is None:
        return ""
    text = "|".join(f"{ln.account_id}:{ln.recipient_name}:{ln.amount}" for ln in stage.lines.order_by("pk"))
    return hashlib.sha256(f"{stage.pk}|{text}".encode()).hexdigest()[:32]


@transaction.atomic
def propose_seeding(*, acting_user: Any, cycle: RequestCycle, reason: str = "") -> Any:
    """The analyst confirms the plan; a second person approves (it opens the way for money), or,
    where the administrators' policy needs no approval, the lines are seeded at once."""
    require(acting_user, EDIT)
    cycle = RequestCycle.objects.select_for_update().get(pk=cycle.pk)
    plan = seeding_plan(cycle)
    if plan["problems"]:
        raise RuleViolation("cannot seed: " + "; ".join(plan["problems"]), code="FRM-004", problems=plan["problems"])
    total = sum((r["line"].amount for r in plan["rows"] if not r["skip"]), Decimal("0"))
    if approvals.needs_approval(SEED_ACT, amount=total):
        return approvals.propose(
            acting_user=acting_user,
            act=SEED_ACT,
            subject=cycle,
            summary=f"create {sum(1 for r in plan['rows'] if not r['skip'])} FY{cycle.budget_fiscal_year} allocation lines "
            f"totalling ${total:,.2f} from the enacted request",
            reason=clean_text(reason, "reason", max_length=2000),
            payload={"stage": plan["stage"].pk, "total": money_str(total)},
            version=plan["version"],
            subject_url=f"/funds/requests/{cycle.pk}/",
        )
    return _seed(cycle, maker=acting_user, checker=None, reason=reason)


def _seed(cycle: RequestCycle, *, maker: Any, checker: Any, reason: str) -> RequestCycle:
    plan = seeding_plan(cycle)
    if plan["problems"]:
        raise RuleViolation("cannot seed: " + "; ".join(plan["problems"]), code="FRM-004", problems=plan["problems"])
    route = f"approved by {checker.username}" if checker is not None else "no approval required by policy"
    created = []
    for row in plan["rows"]:
        if row["skip"]:
            continue
        line = row["line"]
        # The allocations are the maker's act (who holds budget.edit); the approval records the checker.
        allocation = budget_services.create_allocation(
            acting_user=maker,
            appropriation=row["appropriation"],
            recipient_kind="country" if line.country_id else "pseudo_region",
            recipient=line.country.iso3 if line.country_id else line.recipient_name,
            amount=line.amount,
            reason=f"seeded from the enacted FY{cycle.budget_fiscal_year} request ({route})",
        )
        created.append(allocation.pk)
    RequestCycle.objects.filter(pk=cycle.pk).update(seeded_at=clock.now())
    record(
        actor=checker or maker,
        action="formulation.cycle.seed",
        obj=cycle,
        after={"allocations": created, "route": route, "stage": plan["stage"].pk},
        reason=reason,
    )
    cycle.refresh_from_db()
    return cycle


def approve_seeding(*, request: Any, acting_user: Any) -> None:
    """`on_approve` of the seeding act: runs inside the approving transaction."""
    cycle = RequestCycle.objects.select_for_update().get(pk=int(request.subject_id))
    _seed(cycle, maker=request.proposed_by, checker=acting_user, reason=f"approval #{request.pk}: {request.reason}")


def current_seed_version(request: Any) -> str:
    return seed_version(working_stage(RequestCycle.objects.get(pk=int(request.subject_id))))
