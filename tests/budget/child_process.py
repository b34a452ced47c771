"""The environment of a child process that works on this test's database and is then killed
(the SIGKILL tests of the ledger import, the history import and batch postings)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from django.db import connection


def child_env(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "SECASSIST_AUDIT_ANCHOR_LOG": str(tmp_path / "anchors.log")}
    if connection.vendor == "sqlite":  # the test database lives in memory: hand the child a file copy of it
        db_file = tmp_path / "killed.sqlite3"
        target = sqlite3.connect(db_file)
        connection.ensure_connection()
        connection.connection.backup(target)
        target.close()
        env["SECASSIST_SQLITE_PATH"] = str(db_file)
        env.pop("DATABASE_URL", None)
    else:
        s = connection.settings_dict
        auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
        env["DATABASE_URL"] = f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    return env
