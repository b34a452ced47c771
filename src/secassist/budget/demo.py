"""Demo step (order 100): the real history files, then a current-year demo built on real figures.

No enacted figure is invented: the current-year appropriations and their country lines take
their amounts from the Greenbook's FY2019 obligations (the latest year in the file) and say so
in their notes; the Israel and Egypt floors are the standing FMF directives of the annual acts
(cited). Idempotent: a second run finds what it made and leaves it alone.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from secassist.core import clock
from secassist.core.errors import DomainError
from secassist.core.fiscal import FiscalYear

from . import importers, services
from .models import Allocation, Appropriation, HistoricalAmount, HistoryImport, HistorySource

DEMO_LAW = "DEMO (not an enacted act)"
BASE_FY = 2019
LINES: dict[str, list[tuple[str, str]]] = {
    # account: [(recipient kind, ISO3 or pseudo-region name)] — amounts come from the Greenbook
    "FMF": [
        ("country", "ISR"),
        ("country", "EGY"),
        ("country", "JOR"),
        ("country", "LBN"),
        ("country", "IRQ"),
        ("country", "MEX"),
        ("country", "COL"),
    ],
    "IMET": [
        ("country", "JOR"),
        ("country", "LBN"),
        ("country", "UKR"),
        ("country", "GEO"),
        ("country", "IDN"),
        ("country", "MNG"),
        ("pseudo_region", "World (not specified)"),
    ],
    "PKO": [
        ("country", "SOM"),
        ("country", "SSD"),
        ("country", "CAF"),
        ("pseudo_region", "Sub-Saharan Africa (not specified)"),
        ("pseudo_region", "Middle East & North Africa (not specified)"),
    ],
}
EARMARKS = [
    (
        "FMF",
        "ISR",
        "not_less_than",
        Decimal("3300000000.00"),
        "FMF heading, annual SFOPS act (e.g. P.L. 116-6, div. F, title IV, FY2019): not less than $3,300,000,000 for Israel",
    ),
    (
        "FMF",
        "EGY",
        "not_less_than",
        Decimal("1300000000.00"),
        "SFOPS §7041(a) (Egypt), e.g. P.L. 116-6, div. F (FY2019): not less than $1,300,000,000 FMF for Egypt",
    ),
]


#: what the demo lines pay for (issue #18): (account, ISO3, reference, description, units, capabilities, platforms).
#: Illustrative descriptions written from public program descriptions (state.gov "U.S. Security
#: Cooperation with Jordan"; DSCA 36(b) Lebanon A-29; U.S. Embassy Bogota releases); not official data.
DEMO_ACTIVITIES: list[tuple[str, str, str, str, list[str], list[str], list[str]]] = [
    (
        "FMF",
        "JOR",
        "border",
        "Sustainment of the Jordan Border Security Program: ground surveillance radars, thermal camera towers and "
        "the command-and-control network the border guards use along the Syrian and Iraqi frontiers, with "
        "operator and maintainer training.",
        ["JBGF"],
        ["border-security"],
        [],
    ),
    (
        "FMF",
        "JOR",
        "airlift",
        "Contractor logistics support, spare engines and avionics spares for the air force's Super Hercules fleet.",
        ["RJAF"],
        ["airlift"],
        ["C-130J"],
    ),
    (
        "FMF",
        "LBN",
        "light-attack",
        "Spares, repair and return and contractor support for the A-29 Super Tucano fleet used for close air support.",
        ["Lebanese Air Force"],
        ["light-attack"],
        ["A-29"],
    ),
    (
        "FMF",
        "COL",
        "rotary-wing",
        "Depot maintenance, engine overhauls and spares for the army aviation division's UH-60 Black Hawks.",
        ["Colombian Army Aviation Division"],
        ["rotary-wing"],
        ["UH-60"],
    ),
    (
        "IMET",
        "JOR",
        "pme",
        "Jordanian officers at U.S. command and staff colleges and war colleges; English language instructor training.",
        ["Jordan Armed Forces"],
        ["training-pme"],
        [],
    ),
    (
        "PKO",
        "SOM",
        "danab",
        "Recruitment, basic infantry training and light vehicles for the Danab brigade through a State cooperative "
        "agreement with a training contractor.",
        ["Danab Brigade"],
        ["training-tactical"],
        [],
    ),
]


def run(*, acting_user: Any, stdout: Any) -> None:
    say = stdout.write
    for kind, path, fn in (
        ("greenbook", importers.greenbook_path(), importers.import_greenbook),
        ("fa-country", importers.fa_country_path(), importers.import_fa_country),
    ):
        if not path.exists():
            say(f"  {kind}: file not found, not loaded: {path}")
            continue
        summary = fn(path, acting_user=acting_user, progress=False)
        say(f"  {kind}: {summary['rows']} rows ({'unchanged' if summary.get('unchanged') else 'loaded'}) from {path}")
    if not HistoryImport.objects.filter(source=HistorySource.GREENBOOK).exists():
        say("  current-year demo skipped: it takes its amounts from the Greenbook, which is not loaded")
        return
    fy = FiscalYear.of(clock.today()).year
    for account in ("FMF", "IMET", "PKO"):
        if Appropriation.objects.filter(account__code=account, fiscal_year=fy, public_law=DEMO_LAW).exists():
            say(f"  FY{fy} {account} demo already present")
            continue
        appr = _appropriation(acting_user, account, fy, say)
        _stages(acting_user, appr, say)
        say(f"  FY{fy} {account} demo: {appr.allocations.count()} lines, amounts from Greenbook FY{BASE_FY} obligations")
    _activities(acting_user, fy, say)


def _activities(user: Any, fy: int, say: Any) -> None:
    """Structured activities on the demo lines; one already recorded is left as it is."""
    from . import activities

    added = 0
    for account, iso3, reference, description, units, capabilities, platforms in DEMO_ACTIVITIES:
        line = Allocation.objects.filter(
            appropriation__account__code=account,
            appropriation__fiscal_year=fy,
            appropriation__public_law=DEMO_LAW,
            country__iso3=iso3,
        ).first()
        if line is None or line.activities.filter(reference=reference).exists():
            continue
        activities.save_activity(
            acting_user=user,
            allocation=line,
            reference=reference,
            description=description,
            units=units,
            capabilities=capabilities,
            platforms=platforms,
        )
        added += 1
    if added:
        say(f"  FY{fy} demo: {added} Title 22 activities recorded (units, capabilities, platforms)")


def _greenbook(account: str, *, iso3: str = "", region: str = "") -> Decimal:
    qs = HistoricalAmount.objects.filter(source=HistorySource.GREENBOOK, program=account, fiscal_year=BASE_FY)
    if iso3:
        qs = qs.filter(country__iso3=iso3)
    if region:
        qs = qs.filter(pseudo_region__name=region)
    return qs.aggregate(s=Sum("amount_current"))["s"] or Decimal("0")


def _appropriation(user: Any, account: str, fy: int, say: Any) -> Appropriation:
    total = _greenbook(account)
    appr = services.create_appropriation(
        acting_user=user,
        account=account,
        fiscal_year=fy,
        public_law=DEMO_LAW,
        section="demonstration data",
        amount=total,
        enacted_on=clock.today() - dt.timedelta(days=12),
        notes=f"Demonstration: the amount equals the Greenbook's FY{BASE_FY} {account} obligations "
        f"({importers.GREENBOOK_FILE}); not an enacted figure. Greenbook amounts ≥ $10M are rounded.",
    )
    for acct, iso3, kind, amount, citation in EARMARKS:
        if acct == account:
            services.add_earmark(acting_user=user, appropriation=appr, kind=kind, amount=amount, citation=citation, country=iso3)
    for kind, who in LINES[account]:
        amount = _greenbook(account, iso3=who) if kind == "country" else _greenbook(account, region=who)
        try:
            services.create_allocation(
                acting_user=user,
                appropriation=appr,
                recipient_kind=kind,
                recipient=who,
                amount=amount,
                reason=f"demo: Greenbook FY{BASE_FY} level",
            )
        except DomainError as exc:  # e.g. a restriction recorded by another module: show it, keep going
            say(f"  demo line {who} not allocated: {exc.message}")
    return appr


def _line(appr: Appropriation, key: str) -> Allocation | None:
    qs = Allocation.objects.filter(appropriation=appr)
    return qs.filter(country__iso3=key).first() or qs.filter(pseudo_region__name=key).first()


def _stages(user: Any, appr: Appropriation, say: Any) -> None:
    """Lines at several stages: planned, approved, notified, apportioned/obligated, expended."""
    plan = {
        "FMF": [
            ("ISR", "transfer_fms", Decimal("1.0")),
            ("EGY", "transfer_fms", Decimal("0.5")),
            ("JOR", "apportion", Decimal("0.5")),
            ("LBN", "approve", Decimal("0")),
            ("IRQ", "approve", Decimal("0")),
        ],
        "IMET": [("JOR", "disburse", Decimal("0.25")), ("LBN", "obligate", Decimal("0.6")), ("UKR", "notify", Decimal("0"))],
        "PKO": [("SOM", "disburse", Decimal("0.4")), ("SSD", "obligate", Decimal("1.0")), ("CAF", "approve", Decimal("0"))],
    }[appr.account.code]
    for key, stage, share in plan:
        line = _line(appr, key)
        if line is None:
            continue
        services.change_status(acting_user=user, allocation=line, to_status="approved", reason="demo: approved by PM/SA")
        if stage == "approve":
            continue
        services.set_notification(
            acting_user=user,
            allocation=line,
            required=True,
            cleared=True,
            reason="demo: notification cleared (no congress app data)",
        )
        if stage == "notify":
            continue
        _post_stages(user, appr, line, stage, share, say)


def _post_stages(user: Any, appr: Appropriation, line: Allocation, stage: str, share: Decimal, say: Any) -> None:
    amount = line.balance.allocated
    post = services.post_entry
    try:
        post(
            acting_user=user,
            appropriation=appr,
            allocation=line,
            entry_type="apportion",
            amount=amount,
            document_type="SF 132",
            document_ref=f"OMB apportionment FY{appr.fiscal_year}-{appr.account.code}",
            reason="demo apportionment",
        )
        if appr.account.code != "FMF" and stage in ("obligate", "disburse"):
            post(
                acting_user=user,
                appropriation=appr,
                allocation=line,
                entry_type="obligate",
                amount=amount,
                document_type="632(b) MOA",
                document_ref=f"MOA {appr.account.code}-{appr.fiscal_year}-{line.iso3 or 'REG'}",
                reason="demo: MOA signed",
            )
        part = (amount * share).quantize(Decimal("0.01"))
        if stage in ("transfer_fms", "disburse") and part > 0:
            post(
                acting_user=user,
                appropriation=appr,
                allocation=line,
                entry_type=stage,
                amount=part,
                document_type="DSCA" if stage == "transfer_fms" else "Voucher",
                document_ref=f"demo-{line.pk}",
                reason="demo expenditure",
            )
    except DomainError as exc:  # a restriction from another app may refuse a demo line: show it, keep going
        say(f"  demo line {line.recipient_name} stopped at a refusal: {exc.message}")
