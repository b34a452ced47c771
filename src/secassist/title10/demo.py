"""Demo step (order 400): import the sample DoD workbook and hold its proposals at every stage.

The workbook is generated from `data/title10/sample_dod_proposals.csv` through the same template
writer users get (`secassist export title10-template`), then imported through the same importer
(`secassist import dod-proposals`). Each row's `demo_stage` column says how far the demo moves it;
a stage the installed apps cannot reach (e.g. concurrence while the restrictions engine is absent)
is reported and left, never faked. Idempotent: a proposal already at or past its stage is left.
"""

from __future__ import annotations

import csv
import datetime as dt
import zlib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model

from secassist.approvals.demo import approve_if_proposed
from secassist.clearances import services as clearance_services
from secassist.clearances.models import Position
from secassist.clearances.selectors import for_subject
from secassist.core.errors import DomainError
from secassist.reference.models import Country

from . import checks, services, workbook
from .models import Assurance, Proposal, Status

SAMPLE_CSV = "title10/sample_dod_proposals.csv"
ORDER = [Status.RECEIVED, Status.IN_CLEARANCE, Status.UNDER_REVIEW, Status.DECIDED, Status.CN_PENDING, Status.READY_TO_EXECUTE]
CLEARERS = {"AF": "af.clearer", "NEA": "nea.clearer", "DRL": "drl.clearer", "PM/RSAT": "rsat.clearer"}
DEMO_SOURCE = "demo record (illustrative; not an official instrument)"

#: (iso3, kind, instrument, state, signed, expires, covers articles/training/services)
ASSURANCES: list[tuple[str, str, str, str, str, str | None, tuple[bool, bool, bool]]] = [
    ("KEN", "faa505", "FAA §505 exchange of notes (demo)", "in_force", "2003-05-12", None, (True, True, True)),
    ("KEN", "aeca3", "AECA §3 assurances in the LOA standard terms (demo)", "in_force", "2003-05-12", None, (True, True, True)),
    ("KEN", "eum", "Golden Sentry compliance assessment visit 2025 (demo)", "in_force", "2025-03-10", None, (True, False, False)),
    ("JOR", "faa505", "FAA §505 agreement (demo)", "in_force", "1996-07-01", None, (True, True, True)),
    ("JOR", "aeca3", "AECA §3 assurances (demo)", "in_force", "1996-07-01", None, (True, True, True)),
    (
        "JOR",
        "eum",
        "Golden Sentry EEUM inventory 2026: 2 night-vision devices unaccounted (demo)",
        "discrepancy",
        "2026-02-14",
        None,
        (True, False, False),
    ),
    ("SOM", "faa505", "FAA §505 assurances letter (demo)", "in_force", "2019-04-02", None, (True, True, True)),
    ("SSD", "faa505", "FAA §505 agreement (demo)", "lapsed", "2012-01-10", "2020-01-10", (True, True, True)),
    ("TUN", "faa505", "FAA §505 agreement (demo)", "in_force", "1999-03-01", None, (True, True, True)),
    ("TUN", "aeca3", "AECA §3 assurances (demo)", "in_force", "1999-03-01", None, (True, True, True)),
    (
        "TUN",
        "tpt",
        "Unauthorized retransfer of radio spares reported 2024 (demo)",
        "violation",
        "2024-06-01",
        None,
        (True, False, False),
    ),
]


#: (iso3, unit, force type, vetting status, vetted on, expires on, credible information finding)
UNITS: list[tuple[str, str, str, str, str | None, str | None, str]] = [
    ("KEN", "Kenya Navy Special Boat Unit", "military", "approved", "2026-06-01", "2027-06-01", ""),
    ("JOR", "Jordan Armed Forces Border Guard Force", "border", "approved", "2026-03-15", "2027-03-15", ""),
    ("JOR", "Quick Reaction Force 3rd Battalion", "military", "pending", None, None, ""),
    ("JOR", "Jordan Armed Forces", "military", "approved", "2026-03-15", "2027-03-15", ""),
    ("JOR", "Royal Jordanian Air Force", "military", "approved", "2026-03-15", "2027-03-15", ""),
    ("SOM", "Danab Advanced Infantry Brigade", "military", "approved", "2025-04-01", "2026-04-01", ""),
    ("NER", "Niger Armed Forces 1st Intervention Battalion", "military", "not_vetted", None, None, ""),
    ("TUN", "Tunisian Navy Coastal Surveillance Directorate", "military", "approved", "2026-08-01", "2027-08-01", ""),
    ("NGA", "Nigerian Navy Special Boat Service", "military", "approved", "2026-05-01", "2027-05-01", ""),
    (
        "BFA",
        "Burkina Faso Armed Forces Special Forces Group",
        "military",
        "denied",
        "2025-11-20",
        None,
        "Demo record: credible information of extrajudicial killings reported in 2024 (illustrative).",
    ),
]


#: registry aliases of demo units, as an office records them (acronyms and other spellings)
ALIASES: dict[tuple[str, str], str] = {
    ("JOR", "Jordan Armed Forces Border Guard Force"): "JBGF; Jordan Border Guard Force; JAF Border Guard Force",
    ("JOR", "Royal Jordanian Air Force"): "RJAF",
    ("JOR", "Jordan Armed Forces"): "JAF",
    ("SOM", "Danab Advanced Infantry Brigade"): "Danab; Danab Brigade; SNA Lightning Brigade",
    ("KEN", "Kenya Navy Special Boat Unit"): "Kenya Navy SBU; SBU",
    ("NGA", "Nigerian Navy Special Boat Service"): "Nigerian Navy SBS; SBS",
}


def _seed_units(acting_user: Any, stdout: Any) -> None:
    """Demo units in the restrictions app's security-force unit registry, through its service."""
    try:
        from secassist.restrictions import services as unit_services
        from secassist.restrictions.models import SecurityForceUnit
    except ImportError:
        _say(stdout, "restrictions engine not installed: demo units not registered")
        return
    for iso3, name, force, vetting, vetted, expires, finding in UNITS:
        if SecurityForceUnit.objects.filter(country__iso3=iso3, name__iexact=name).exists():
            continue
        fields: dict[str, Any] = {
            "name": name,
            "force_type": force,
            "vetting_status": vetting,
            "vetted_on": dt.date.fromisoformat(vetted) if vetted else None,
            "vetting_expires_on": dt.date.fromisoformat(expires) if expires else None,
            "invest_request_id": f"DEMO-{iso3}-{zlib.crc32(name.encode()) % 10000:04d}",
            "aliases": ALIASES.get((iso3, name), ""),
        }
        if finding:
            fields.update(credible_information=True, finding_date=dt.date(2024, 9, 1), finding_summary=finding)
        unit_services.save_unit(
            acting_user=acting_user, country=iso3, reason="Title 10 demo unit (illustrative INVEST record)", **fields
        )


def _csv_path() -> Path:
    return Path(settings.PRODUCT_DATA_DIR) / SAMPLE_CSV


def sample_rows() -> list[dict[str, Any]]:
    with _csv_path().open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def sample_workbook_path() -> Path:
    """The sample workbook, written from the CSV into the var directory (the import's default file)."""
    out = Path(settings.VAR_DIR) / "title10" / "sample_dod_proposals.xlsx"
    out.parent.mkdir(parents=True, exist_ok=True)
    workbook.write_template(out, sample_rows())
    return out


def _user(username: str) -> Any:
    return get_user_model().objects.filter(username=username).first()


def _say(stdout: Any, text: str) -> None:
    if stdout is not None:
        stdout.write(f"  {text}")


def _seed_assurances(acting_user: Any) -> None:
    for iso3, kind, instrument, state, signed, expires, covers in ASSURANCES:
        country = Country.objects.filter(iso3=iso3).first()
        if country is None or Assurance.objects.filter(country=country, kind=kind, instrument=instrument).exists():
            continue
        services.save_assurance(
            acting_user=acting_user,
            country=country,
            kind=kind,
            instrument=instrument,
            state=state,
            signed_on=dt.date.fromisoformat(signed),
            expires_on=dt.date.fromisoformat(expires) if expires else None,
            covers_articles=covers[0],
            covers_training=covers[1],
            covers_services=covers[2],
            source=DEMO_SOURCE,
        )


def run(*, acting_user: Any = None, stdout: Any = None) -> None:
    _seed_assurances(acting_user)
    _seed_units(acting_user, stdout)
    summary = workbook.import_workbook(sample_workbook_path(), acting_user=acting_user)
    _say(stdout, "sample workbook: " + ", ".join(f"{k} {v}" for k, v in summary.items()))
    for row in sample_rows():
        proposal = Proposal.objects.filter(reference=row["reference"]).first()
        if proposal is None:
            continue
        try:
            _advance(proposal, row.get("demo_stage", "received"), acting_user)
        except DomainError as exc:
            _say(
                stdout,
                f"{proposal.reference} stays {Proposal.objects.get(pk=proposal.pk).get_status_display().lower()}: {exc.message}",
            )


def _advance(proposal: Proposal, target: str, admin: Any) -> None:
    if target == Status.WITHDRAWN:
        if proposal.status == Status.RECEIVED:
            services.route_proposal(acting_user=admin, proposal=proposal)
            proposal.refresh_from_db()
        if proposal.status != Status.WITHDRAWN:
            services.withdraw(
                acting_user=admin,
                proposal=proposal,
                reason="DoD merged this program into a Gulf of Guinea regional proposal (demo)",
            )
        return
    goal = ORDER.index(Status(target))
    if proposal.status == Status.WITHDRAWN or ORDER.index(Status(proposal.status)) >= goal:
        return
    if proposal.status == Status.RECEIVED:
        services.route_proposal(acting_user=admin, proposal=proposal)
    proposal.refresh_from_db()
    _answer_clearances(proposal, admin, all_offices=goal > ORDER.index(Status.IN_CLEARANCE))
    if goal <= ORDER.index(Status.IN_CLEARANCE):
        return
    if proposal.status == Status.IN_CLEARANCE:
        proposal = services.begin_review(acting_user=admin, proposal=proposal, reason="all offices answered (demo)")
    if goal <= ORDER.index(Status.UNDER_REVIEW):
        return
    _decide(proposal, admin, target)


def _answer_clearances(proposal: Proposal, admin: Any, *, all_offices: bool) -> None:
    """Demo clearers answer for their offices; the rest answer only when the proposal must move on."""
    for clearance in for_subject(proposal).filter(position=Position.PENDING):
        username = CLEARERS.get(clearance.office.code)
        if username is None and not all_offices:
            continue
        user = _user(username) if username else None
        position, comments = Position.CLEAR, ""
        if clearance.office.code == "DRL":
            position, comments = (
                Position.CLEAR_WITH_COMMENTS,
                "Clear provided every named unit holds current INVEST approval before training starts.",
            )
        elif clearance.office.code == "PM/RSAT":
            position, comments = (
                Position.CLEAR_WITH_COMMENTS,
                "Articles need the standard AECA §3 retransfer assurances in the LOA.",
            )
        clearance_services.record_position(acting_user=user or admin, clearance=clearance, position=position, comments=comments)


def _decide(proposal: Proposal, admin: Any, target: str) -> None:
    proposal.refresh_from_db()
    if proposal.status == Status.UNDER_REVIEW:
        for candidate in checks.deconfliction_candidates(proposal):
            if candidate.flagged and candidate.key not in checks.decided_keys(proposal):
                services.record_deconfliction(
                    acting_user=admin,
                    proposal=proposal,
                    candidate_key=candidate.key,
                    verdict="complementary",
                    justification="Reviewed with the desk officer: different unit tasks and timing (demo).",
                )
        # State's decision needs a second person (maker-checker): the T10 analyst proposes, another approves.
        maker = _user("t10.analyst") or admin
        if target == Status.DECIDED:
            approve_if_proposed(
                services.decide(
                    acting_user=maker,
                    proposal=proposal,
                    decision="non_concur",
                    reasons="Title 22 bars apply (see the restrictions screen); "
                    "§333(d)(1) prohibits assistance otherwise prohibited by law.",
                )
            )
            return
        approve_if_proposed(
            services.decide(
                acting_user=maker,
                proposal=proposal,
                decision="concur_with_conditions",
                reasons="Advances the ICS objective; assurances and clearances in place.",
                conditions="Leahy vetting of every trainee and unit completed before training.\n"
                "EUM inventory of delivered articles within 12 months.",
            )
        )
    proposal.refresh_from_db()
    if target == Status.READY_TO_EXECUTE and proposal.status == Status.DECIDED:
        services.mark_ready(acting_user=admin, proposal=proposal)
    elif target == Status.CN_PENDING and proposal.status == Status.DECIDED:
        services.open_cn_package(acting_user=admin, proposal=proposal)
