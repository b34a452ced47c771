"""Historical CN records: a notification transmitted outside the workbench (before the product was
used) is entered as a package of kind `historical` — transmittal date, committees, amount,
document reference and a copy — and counts for obligations only once a second person approves it
(maker-checker through the approvals app, act `congress.historical_cn`; ADR 0701).

On approval the record becomes a transmitted CN: its waiting period is computed from its rules
and the recorded transmittal date exactly as for a CN transmitted here, and if that period has
ended it is cleared to obligate on the day the period ended.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.db import transaction

from secassist.accounts.access import require
from secassist.approvals import services as approvals
from secassist.audit.services import record
from secassist.core import clock
from secassist.core.errors import InvalidInput, RuleViolation, TransitionNotAllowed
from secassist.reference.models import Committee

from . import services, workflow
from .fields import parse_date
from .models import Attachment, Package, PackageKind, Status

ACT = "congress.historical_cn"
EARLIEST = dt.date(1961, 9, 4)  # the Foreign Assistance Act: no CN under it is older
HISTORICAL_FIELDS = ("transmitted_on", "addressees", "document_reference", "copy_location")


def _committees(value: Any) -> list[Committee]:
    codes = value.split() if isinstance(value, str) else [str(c) for c in (value or [])]
    found = list(Committee.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {c.code for c in found})
    if unknown or not found:
        raise InvalidInput(
            f"committees: name the committees it was sent to{'; unknown: ' + ', '.join(unknown) if unknown else ''}",
            field="addressees",
            value=unknown,
            allowed=list(Committee.objects.values_list("code", flat=True)),
        )
    return found


def _copy_location(value: Any) -> str:
    text = str(value or "").strip()
    if not text:
        raise InvalidInput(
            "attach or reference a copy of the CN as sent (https URL, relative path, share path or records number)",
            field="copy_location",
        )
    if len(text) > 500:
        raise InvalidInput("copy_location is longer than 500 characters", field="copy_location")
    if ":" in text.split("/")[0] and not text.lower().startswith("https://"):
        raise InvalidInput(
            "a link to the copy must be https (or give a relative path, share path or records number)",
            field="copy_location",
            value=text[:60],
        )
    return text


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "transmitted_on" in fields:
        day = parse_date(fields["transmitted_on"], "transmitted_on")
        if day is None or day > clock.today() or day < EARLIEST:
            raise InvalidInput(
                f"transmitted_on must be a date between {EARLIEST} and today",
                field="transmitted_on",
                value=fields["transmitted_on"],
            )
        out["reported_transmitted_on"] = day
    if "addressees" in fields:
        out["_addressees"] = _committees(fields["addressees"])
    if "document_reference" in fields:
        ref = str(fields["document_reference"] or "").strip()
        if not ref or len(ref) > 300:
            raise InvalidInput(
                "document_reference: the letter's or CN's records reference (1-300 characters)", field="document_reference"
            )
        out["document_reference"] = ref
    if "copy_location" in fields:
        out["_copy"] = _copy_location(fields["copy_location"])
    return out


def _apply(acting_user: Any, package: Package, values: dict[str, Any]) -> None:
    plain = {k: v for k, v in values.items() if not k.startswith("_")}
    if plain:
        Package.objects.filter(pk=package.pk).update(updated_at=clock.now(), **plain)
    if "_addressees" in values:
        package.addressees.set(values["_addressees"])
    if "_copy" in values:
        services.add_attachment(
            acting_user=acting_user, package=package, title="Copy of the CN as transmitted", location=values["_copy"]
        )
    package.refresh_from_db()


@transaction.atomic
def record_historical(*, acting_user: Any, **fields: Any) -> Package:
    """Enter a CN transmitted outside the workbench; it waits for completion and a second person's approval."""
    require(acting_user, "congress.edit")
    missing = [f for f in HISTORICAL_FIELDS if fields.get(f) in (None, "", [])]
    if missing:
        raise InvalidInput(f"a historical CN record needs {', '.join(missing)}", field=missing[0])
    historical = _clean({k: fields.pop(k) for k in HISTORICAL_FIELDS})
    fields.setdefault("program", str(fields.get("account") or ""))
    package = services.create_package(acting_user=acting_user, **fields)
    Package.objects.filter(pk=package.pk).update(kind=PackageKind.HISTORICAL)
    package.kind = PackageKind.HISTORICAL
    _apply(acting_user, package, historical)
    record(actor=acting_user, action="congress.historical_record", obj=package, after=_facts(package))
    return package


@transaction.atomic
def update_historical(*, acting_user: Any, package: Package, reason: str = "", **fields: Any) -> Package:
    """Correct a historical record before approval; a pending proposal is withdrawn (it saw other facts)."""
    _must_be_pending_record(package)
    historical = _clean({k: fields.pop(k) for k in HISTORICAL_FIELDS if k in fields})
    before = _facts(package)
    if fields:
        services.update_package(acting_user=acting_user, package=package, **fields)
    else:
        require(acting_user, "congress.edit")
    _apply(acting_user, package, historical)
    record(
        actor=acting_user, action="congress.historical_update", obj=package, before=before, after=_facts(package), reason=reason
    )
    approvals.withdraw_pending_for(acting_user=acting_user, subject=package, act=ACT, reason="the historical record was changed")
    return package


def _must_be_pending_record(package: Package) -> None:
    package.refresh_from_db()
    if package.kind != PackageKind.HISTORICAL or package.status != Status.DRAFTING:
        raise TransitionNotAllowed(
            f"{package.number} is not a historical record awaiting approval (status: {package.get_status_display()})",
            current=package.status,
        )


def _facts(package: Package) -> dict[str, Any]:
    return {
        "amount": str(package.amount),
        "transmitted_on": package.reported_transmitted_on.isoformat() if package.reported_transmitted_on else None,
        "committees": sorted(c.code for c in package.addressees.all()),
        "document_reference": package.document_reference,
        "copies": [a.location for a in Attachment.objects.filter(package=package).order_by("id")],
        "allocations": sorted(package.allocations.values_list("pk", flat=True)),
        "rules": sorted(package.rules.values_list("code", flat=True)),
        "recipient": package.country_id or package.pseudo_region_id,
        "fiscal_year": package.fiscal_year,
    }


def fingerprint(package: Package) -> str:
    """The version a checker approves: a digest of every fact the record asserts."""
    return hashlib.sha256(json.dumps(_facts(package), sort_keys=True).encode()).hexdigest()[:16]


def _check_complete(package: Package) -> None:
    facts = _facts(package)
    missing = [
        name
        for name, ok in (
            ("transmittal date", facts["transmitted_on"]),
            ("committees", facts["committees"]),
            ("document reference", facts["document_reference"]),
            ("copy of the CN", facts["copies"]),
            ("amount", package.amount > 0),
            ("statutory bases (rules)", facts["rules"]),
            ("recipient", facts["recipient"]),
        )
        if not ok
    ]
    if missing:
        raise RuleViolation(
            f"{package.number} cannot be proposed for approval: missing {', '.join(missing)}", code="CN-027", missing=missing
        )


@transaction.atomic
def propose_historical(*, acting_user: Any, package: Package, reason: str = "") -> Any:
    """The maker asks a second person to approve the record; returns the approval request
    (or the package, approved at once, if an administrator's policy needs no second person)."""
    require(acting_user, "congress.edit")
    _must_be_pending_record(package)
    _check_complete(package)
    if not approvals.needs_approval(ACT, amount=package.amount):
        return _approve(package, acting_user)
    facts = _facts(package)
    return approvals.propose(
        acting_user=acting_user,
        act=ACT,
        subject=package,
        summary=(
            f"count {package.number} ({package.amount:,.2f}, transmitted {facts['transmitted_on']} to "
            f"{', '.join(facts['committees'])}) as a notification to Congress"
        ),
        reason=reason,
        payload=facts,
        version=fingerprint(package),
        subject_url=f"/notifications/{package.pk}/",
    )


def on_approve(*, request: Any, acting_user: Any) -> None:
    package = Package.objects.get(pk=int(request.subject_id))
    _must_be_pending_record(package)
    _approve(package, acting_user)


def current_version(request: Any) -> str:
    package = Package.objects.filter(pk=int(request.subject_id)).first()
    return fingerprint(package) if package else "deleted"


def _approve(package: Package, acting_user: Any) -> Package:
    package = workflow.transition(acting_user=acting_user, package=package, action="historical_approve", _internal=True)
    if package.wait_ends_on is not None and package.wait_ends_on <= clock.today():
        package = workflow.transition(acting_user=acting_user, package=package, action="historical_clear", _internal=True)
    return package
