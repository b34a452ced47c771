"""Create the PostgreSQL database named by DATABASE_URL when it does not exist yet (make serve-production).

Usage: DATABASE_URL=postgres://user@host:5432/name python scripts/ensure_database.py
Does nothing for other engines or when the database is already there.
"""

from __future__ import annotations

import os

import dj_database_url
import psycopg
from psycopg import sql


def main() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return
    cfg = dj_database_url.parse(url)
    params = {"host": cfg["HOST"] or None, "port": cfg["PORT"] or None, "user": cfg["USER"] or None}
    params["password"] = cfg["PASSWORD"] or None
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(cfg["NAME"])))
            print(f"created database {cfg['NAME']}")


if __name__ == "__main__":
    main()
