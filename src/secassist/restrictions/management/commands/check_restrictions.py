"""`secassist check`: explain the restrictions verdict for one question, or screen a CSV of them."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from secassist.core.cli import domain_errors_exit
from secassist.core.errors import ImportRejected, InvalidInput
from secassist.core.exports import format_of, write_csv
from secassist.restrictions.checking import check, check_many
from secassist.restrictions.engine import CheckResult
from secassist.restrictions.explain import explain_lines

CSV_COLUMNS = ("country", "program", "fiscal_year")
OPTIONAL_COLUMNS = ("on_date", "recipient", "purpose", "units")
OUT_COLUMNS = (
    "country",
    "program",
    "fiscal_year",
    "on_date",
    "recipient",
    "purpose",
    "verdict",
    "codes",
    "citations",
    "waivers",
    "explanation",
    "not_assessed",
    "conditions",
    "evaluated_at",
)


class Command(BaseCommand):
    help = (
        "Check whether State restrictions prohibit or limit proposed assistance, "
        "with the statute, designation and waiver relied on."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--country", help="ISO3 code, e.g. SOM")
        parser.add_argument("--program", help="FMF, IMET, PKO or a Title 10 authority code such as 10USC333")
        parser.add_argument("--fy", dest="fiscal_year", help="fiscal year, e.g. 2025")
        parser.add_argument("--date", dest="on_date", default=None, help="date of the action, YYYY-MM-DD (default today)")
        parser.add_argument("--recipient", default="government", help="government | units | non_government")
        parser.add_argument("--purpose", default="general", help="general, peacekeeping_preparation, professionalization, ...")
        parser.add_argument("--unit", dest="units", action="append", default=[], help="registered unit id (repeatable)")
        parser.add_argument(
            "--csv",
            dest="csv_in",
            default=None,
            help="batch: CSV with columns country,program,fiscal_year[,on_date,recipient,purpose,units]",
        )
        parser.add_argument("--out", default=None, help="batch: write results to this CSV (default: stdout)")

    @domain_errors_exit
    def handle(self, *args: Any, **options: Any) -> None:
        if options["csv_in"]:
            self._batch(Path(options["csv_in"]), options["out"])
            return
        missing = [f"--{n}" for n, k in (("country", "country"), ("program", "program"), ("fy", "fiscal_year")) if not options[k]]
        if missing:
            raise CommandError(f"missing {', '.join(missing)} (or give --csv FILE)", returncode=2)
        result = check(
            country=options["country"],
            program=options["program"],
            fiscal_year=options["fiscal_year"],
            on_date=options["on_date"],
            recipient=options["recipient"],
            purpose=options["purpose"],
            units=options["units"],
        )
        for line in explain_lines(result):
            self.stdout.write(line)

    def _batch(self, path: Path, out: str | None) -> None:
        if not path.exists():
            raise InvalidInput(f"CSV file not found: {path}", field="csv")
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise ImportRejected(
                    f"{path.name} is missing column(s) {', '.join(missing)}; required: {', '.join(CSV_COLUMNS)}; "
                    f"optional: {', '.join(OPTIONAL_COLUMNS)}",
                    problems=[f"line 1: missing column {c}" for c in missing],
                )
            rows = [{**r, "units": [u for u in (r.get("units") or "").split(";") if u.strip()]} for r in reader]
        try:
            results = check_many(rows)
        except InvalidInput as exc:
            problems = [f"line {e['index'] + 2}: {e['message']}" for e in exc.details.get("errors", [])]
            raise ImportRejected(f"{path.name}: {len(problems)} row(s) invalid; nothing was checked", problems=problems) from None
        table = [OUT_COLUMNS, *(_row(r) for r in results)]
        if out:
            format_of(out, allowed=("csv",))
            with Path(out).open("w", newline="", encoding="utf-8") as fh:
                write_csv(fh, table)
        else:
            write_csv(self.stdout, table)  # type: ignore[arg-type]
        counts: dict[str, int] = {}
        for r in results:
            counts[r.verdict] = counts.get(r.verdict, 0) + 1
        summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        if out:
            self.stdout.write(f"checked {len(results)} rows ({summary}); results written to {out}")
        else:
            self.stderr.write(f"checked {len(results)} rows ({summary})")


def _row(result: CheckResult) -> list[object]:
    q = result.query
    waivers = [str(f.waiver.get("pd_number") or f.waiver.get("id", "")) for f in result.findings if f.waiver]
    return [
        q.country,
        q.program,
        q.fiscal_year,
        q.on_date.isoformat(),
        q.recipient,
        q.purpose,
        result.verdict,
        ";".join(f.code for f in result.findings),
        ";".join(f.citation for f in result.findings),
        ";".join(waivers),
        " | ".join(f"{f.code} {f.effect}: {f.explanation}" for f in result.findings),
        ";".join(f"{f.restriction_key} {f.designation['missing_period']}" for f in result.gaps if f.designation),
        ";".join(f"{c['code']} {c['unit'] or c['restriction']}" for c in result.conditions),
        result.evaluated_at.isoformat(),
    ]
