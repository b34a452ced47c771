"""Batch postings: many ledger entries in one transaction, all or nothing (ADR 1002).

The same rules as `services.post_entry`, in the same order, applied one entry after the other to
the balances held in memory: every balance row the batch touches is locked once (totals in
appropriation order, then lines in allocation order: the one lock order of every writer), the
entries are inserted with one statement, each touched balance row is written once, and one audit
event lists the entries. A refused entry refuses the whole batch, with every refusal named by its
index in the batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction

from secassist.accounts.access import require
from secassist.audit.services import record
from secassist.core import clock, fastsql
from secassist.core.errors import DomainError, ImportRejected, InvalidInput
from secassist.core.money import to_money

from . import rules, services, workflow
from .models import STAGES, ZERO, Allocation, Appropriation, Balance, EntryType, LedgerEntry

MAX_BATCH = 5000
MAX_PROBLEMS = 200
ENTRY_TYPES = frozenset(EntryType.values)


@dataclass
class _State:
    """The locked balance rows and their values as the batch moves them."""

    totals: dict[int, Balance]
    lines: dict[int, Balance]
    total_values: dict[int, dict[str, Decimal]] = field(default_factory=dict)
    line_values: dict[int, dict[str, Decimal]] = field(default_factory=dict)
    counts: dict[tuple[str, int], int] = field(default_factory=dict)
    moved: dict[int, dict[int, Decimal]] = field(default_factory=dict)  # appropriation -> line -> allocated delta
    earmarks: dict[int, list[rules.EarmarkView]] = field(default_factory=dict)  # read once per appropriation


def _ids(items: list[dict[str, Any]], key: str) -> set[int]:
    return {int(i[key]) for i in items if i.get(key)}


def _load(items: list[dict[str, Any]]) -> tuple[dict[int, Allocation], dict[int, Appropriation]]:
    allocs = Allocation.objects.select_related("country", "appropriation__account").in_bulk(
        _ids(items, "allocation_id") | _ids(items, "to_allocation_id")
    )
    appr_ids = _ids(items, "appropriation_id") | {a.appropriation_id for a in allocs.values()}
    return allocs, Appropriation.objects.select_related("account").in_bulk(appr_ids)


def _lock(appr_ids: set[int], alloc_ids: set[int]) -> _State:
    totals = {
        b.appropriation_id: b
        for b in Balance.objects.select_for_update()
        .filter(appropriation_id__in=appr_ids, allocation__isnull=True)
        .order_by("appropriation_id")
    }
    lines: dict[int, Balance] = {
        int(b.allocation_id or 0): b
        for b in Balance.objects.select_for_update().filter(allocation_id__in=alloc_ids).order_by("allocation_id")
    }
    state = _State(totals, lines)
    state.total_values = {k: services._values(b) for k, b in totals.items()}
    state.line_values = {k: services._values(b) for k, b in lines.items()}
    return state


def _request(item: dict[str, Any], allocs: dict[int, Allocation], apprs: dict[int, Appropriation]) -> dict[str, Any]:
    def line(key: str) -> Allocation | None:
        if not item.get(key):
            return None
        found = allocs.get(int(item[key]))
        if found is None:
            raise InvalidInput(f"{key} {item[key]} is not a known allocation line", field=key)
        return found

    alloc, target = line("allocation_id"), line("to_allocation_id")
    appr_id = alloc.appropriation_id if alloc else item.get("appropriation_id")
    if not appr_id or int(appr_id) not in apprs:
        raise InvalidInput("give allocation_id (line entries) or a known appropriation_id", field="allocation_id")
    entry_type = str(item.get("entry_type") or "")
    if entry_type not in ENTRY_TYPES:
        services._choice(entry_type, EntryType, "entry_type")  # raises, naming the allowed values
    value = to_money(item.get("amount"))
    if value <= 0:
        raise InvalidInput("amount must be more than zero; corrections are reversing entries", field="amount")
    raw_on = item.get("effective_on")
    on = clock.today() if raw_on in (None, "") else services._date(raw_on, "effective_on")
    if on > clock.today():
        raise InvalidInput("effective_on must not be in the future", field="effective_on", value=on)
    return {
        "appr": apprs[int(appr_id)],
        "allocation": alloc,
        "to_allocation": target,
        "entry_type": entry_type,
        "amount": value,
        "on": on,
        "document_type": services._text(item.get("document_type") or "", "document_type", required=False, max_length=40),
        "document_ref": services._text(item.get("document_ref") or "", "document_ref", required=False, max_length=120),
        "reason": (item.get("reason") or "").strip(),
    }


def _check(req: dict[str, Any], state: _State) -> tuple[dict[str, Decimal], dict[int, dict[str, Decimal]], list[dict[str, Any]]]:
    """post_entry's checks, in its order, against the batch's running balances."""
    appr, etype, value, on = req["appr"], req["entry_type"], req["amount"], req["on"]
    alloc, target = req["allocation"], req["to_allocation"]
    services._validate_request(appr, etype, alloc, target)
    account = appr.account.code
    dates = rules.Dates(appr.obligation_period_end, appr.reobligation_window_end, appr.cancellation_date, appr.cancelled_recorded)
    results = rules.check_account(account, etype, req["document_type"], req["document_ref"]) + rules.check_dates(dates, etype, on)
    if alloc is not None:
        results += rules.check_status(alloc.status, etype, alloc.recipient_name)
    services.raise_first(results)
    effect = rules.effect_of(etype, value, account=account, has_target=target is not None)
    after_total = rules.apply(state.total_values[appr.pk], effect.total)
    results = rules.check_totals(after_total, value)
    after_lines: dict[int, dict[str, Decimal]] = {}
    for line, deltas in ((alloc, effect.line), (target, effect.to_line)):
        if line is not None:
            after_lines[line.pk] = rules.apply(state.line_values[line.pk], deltas)
            results += rules.check_line(line.recipient_name, account, etype, after_lines[line.pk], value)
    services.raise_first(results)
    # the gate judges the line with this batch's earlier entries on it (state holds them; the table not yet)
    before = state.line_values[alloc.pk] if alloc is not None else None
    services.raise_first(services._policy_checks(appr, account, etype, value, on, alloc, target, before))
    _earmarks(req, effect, state)
    flags = services._flags_634a(appr, etype, value, alloc, target, after_lines)
    return after_total, after_lines, flags


def _earmarks(req: dict[str, Any], effect: rules.Effect, state: _State) -> None:
    """Earmarks against the appropriation's allocations as the batch has moved them so far (no override here)."""
    if req["entry_type"] not in services.MOVEMENTS:
        return
    appr = req["appr"]
    if appr.pk not in state.earmarks:
        state.earmarks[appr.pk] = services._earmark_views(appr)
    earmarks = state.earmarks[appr.pk]
    if not earmarks:
        return
    moved = state.moved.setdefault(appr.pk, {})
    now = dict(moved)
    for line, key in ((req["allocation"], "line"), (req["to_allocation"], "to_line")):
        if line is not None:
            now[line.pk] = now.get(line.pk, ZERO) + getattr(effect, key).get("allocated", ZERO)
    _, before = services._line_views(appr, moved)
    _, after = services._line_views(appr, now)
    found = rules.check_earmarks(earmarks, before, after, state.total_values[appr.pk]["appropriated"], req["entry_type"])
    services.raise_first(found)
    moved.update(now)


def _apply(
    req: dict[str, Any], after_total: dict[str, Decimal], after_lines: dict[int, dict[str, Decimal]], state: _State
) -> None:
    state.total_values[req["appr"].pk] = after_total
    state.counts[("t", req["appr"].pk)] = state.counts.get(("t", req["appr"].pk), 0) + 1
    for alloc_id, values in after_lines.items():
        state.line_values[alloc_id] = values
        state.counts[("l", alloc_id)] = state.counts.get(("l", alloc_id), 0) + 1


def _write_balances(state: _State) -> None:
    """Each touched balance row written once, with one fixed statement (no queryset to compile per row)."""
    now = Balance._meta.get_field("updated_at").get_db_prep_save(clock.now(), connection)
    sets = ", ".join(f"{s} = %s" for s in STAGES)
    sql = f"UPDATE {Balance._meta.db_table} SET {sets}, entries = entries + %s, updated_at = %s WHERE id = %s"
    try:
        with transaction.atomic(), connection.cursor() as cur:
            for (kind, key), n in sorted(state.counts.items()):
                bal, values = (
                    (state.totals[key], state.total_values[key]) if kind == "t" else (state.lines[key], state.line_values[key])
                )
                cur.execute(sql, [values[s] for s in STAGES] + [n, now, bal.pk])
    except IntegrityError as exc:  # the constraints caught what the rules should have: refuse, never corrupt
        raise services.violation(
            "BUD-017",
            f"the balances would break a ledger invariant ({exc}); nothing was posted",
            "post amounts the balances allow",
        ) from None


@transaction.atomic
def post_batch(*, acting_user: Any, entries: list[dict[str, Any]], reason: str = "") -> list[LedgerEntry]:
    """Post `entries` (each as the API's posting fields) together; any refusal refuses them all."""
    require(acting_user, "budget.edit")
    if not entries or len(entries) > MAX_BATCH:
        raise InvalidInput(f"a batch holds 1 to {MAX_BATCH} entries", field="entries", count=len(entries))
    allocs, apprs = _load(entries)
    state = _lock(set(apprs), set(allocs))
    problems: list[str] = []
    rows: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    for index, item in enumerate(entries):
        try:
            req = _request(item, allocs, apprs)
            after_total, after_lines, flags = _check(req, state)
        except DomainError as exc:
            problems.append(f"entry {index}: {exc.message}")
            continue
        _apply(req, after_total, after_lines, state)
        rows.append((req, flags))
    if problems:
        raise ImportRejected(
            f"{len(problems)} of {len(entries)} entries refused; nothing was posted. First: {problems[0]}",
            problems=problems[:MAX_PROBLEMS],
            problem_count=len(problems),
        )
    created = _insert(acting_user, rows)
    _write_balances(state)
    _advance(acting_user, created)
    record(
        actor=acting_user,
        action="budget.post_batch",
        object_type="budget.ledgerentry",
        object_id=f"{created[0].pk}-{created[-1].pk}",
        object_repr=f"{len(created)} ledger entries",
        reason=reason,
        after={
            "count": len(created),
            "total": sum((e.amount for e in created), ZERO),
            "entries": [[e.pk, e.entry_type, e.amount, e.allocation_id or e.appropriation_id] for e in created],
        },
    )
    return created


def _insert(actor: Any, rows: list[tuple[dict[str, Any], list[dict[str, Any]]]]) -> list[LedgerEntry]:
    """The entries as plain field values, inserted a few hundred to a statement (ADR 1021); the dates
    were checked against the domain by `_request` (bulk_create sends no pre_save)."""
    now = clock.now()
    user_id = actor.pk if getattr(actor, "pk", None) else None
    username = getattr(actor, "username", "") or "system"
    objs = []
    for req, flags in rows:
        entry = LedgerEntry(
            appropriation_id=req["appr"].pk,
            allocation_id=req["allocation"].pk if req["allocation"] else None,
            to_allocation_id=req["to_allocation"].pk if req["to_allocation"] else None,
            entry_type=req["entry_type"],
            amount=req["amount"],
            effective_on=req["on"],
            posted_at=now,
            document_type=req["document_type"],
            document_ref=req["document_ref"],
            actor_id=user_id,
            actor_username=username,
            reason=req["reason"],
            flags=flags,
        )
        entry._line = req["allocation"]  # type: ignore[attr-defined]  # for the status moves, no query
        objs.append(entry)
    if connection.vendor == "postgresql":  # Django sends them as arrays through one UNNEST: faster there
        LedgerEntry.objects.bulk_create(objs, batch_size=1000)
    else:
        fastsql.insert_many(objs, services.ENTRY_COLUMNS)
    return objs


def _advance(actor: Any, created: list[LedgerEntry]) -> None:
    """Lines move forward as single postings move them (each status change keeps its own history row and event)."""
    done: set[tuple[int, str]] = set()
    for entry in created:
        target = workflow.AFTER_POSTING.get(entry.entry_type)
        line = getattr(entry, "_line", None) or entry.allocation
        if line is None or target is None or (entry.allocation_id, target) in done:
            continue
        done.add((entry.allocation_id, target))  # type: ignore[arg-type]
        workflow.advance(acting_user=actor, allocation=line, to_status=target, reason=f"batch entry #{entry.pk}")
