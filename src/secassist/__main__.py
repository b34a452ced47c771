"""`secassist` — the command line. Product commands are Django management commands under
friendlier names; `secassist manage ...` reaches any other Django command."""

from __future__ import annotations

import os
import sys

# CLI name -> management command. Names that clash with Django's own commands ("check") or
# with Python keywords ("import") get a distinct module name.
COMMANDS: dict[str, tuple[str, str]] = {
    "setup": ("setup", "migrate, load reference data, and with --demo the demo data and users"),
    "serve": ("serve", "serve the product on http://127.0.0.1:8000"),
    "migrate": ("migrate", "apply database migrations"),
    "load-reference": ("load_reference", "load or refresh reference data (idempotent)"),
    "create-user": ("create_user", "create-user USERNAME --role ROLE [--office CODE] [--password-stdin]"),
    "create-token": ("create_token", "create-token --user USERNAME [--days N]: prints the new API token on the last line"),
    "revoke-token": ("revoke_token", "revoke-token --user USERNAME (--prefix PREFIX | --all): revoke API tokens"),
    "import": ("import_data", "import KIND FILE: all-or-nothing, idempotent file imports"),
    "export": ("export_data", "export KIND --out FILE: CSV/XLSX exports"),
    "check": ("check_restrictions", "check --country ISO3 --program P --fy YYYY: explain the restrictions verdict"),
    "notifications": ("notifications", "notifications due: what is due in the next 30 days"),
    "plans-reminders": ("plans_reminders", "plans-reminders [--send] [--date]: plan-review reminders due (PLN-009)"),
    "worker": ("worker", "run background jobs (database queue by default, RQ when REDIS_URL is set)"),
    "scheduler": ("scheduler", "enqueue the recurring jobs once per period (alerts, escalations, reminders)"),
    "search-reindex": ("search_reindex", "rebuild the search index (it also catches up by itself on every search)"),
    "audit-verify": ("audit_verify", "recompute the audit hash chain, check it against the anchor log"),
    "audit-anchor": ("audit_anchor", "append the audit chain's head hash and length to the anchor log (run from a timer)"),
    "backup": ("backup", "backup FILE: copy the database to a file"),
    "restore": ("restore", "restore FILE: restore the database from a backup"),
}


def _help() -> str:
    from django.core.management import get_commands

    installed = get_commands()
    lines = ["usage: secassist COMMAND [options]", "", "commands:"]
    for name, (module, text) in COMMANDS.items():
        if module in installed:
            lines.append(f"  {name:<16}{text}")
    lines += [
        "  manage          any other Django management command (secassist manage help)",
        "",
        "secassist COMMAND --help shows a command's options.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secassist.settings")
    import django

    django.setup()
    from django.core.management import execute_from_command_line

    args = argv[1:]
    if not args or args[0] in ("-h", "--help", "help"):
        print(_help())
        return
    name, rest = args[0], args[1:]
    if name == "manage":
        execute_from_command_line(["secassist", *rest])
        return
    if name not in COMMANDS:
        print(f"secassist: unknown command {name!r}\n\n{_help()}", file=sys.stderr)
        sys.exit(2)
    execute_from_command_line(["secassist", COMMANDS[name][0], *rest])


if __name__ == "__main__":
    main()
