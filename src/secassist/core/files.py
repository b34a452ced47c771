"""Files that hold the data are owner-only (0600): the SQLite database with its WAL and shared-memory
files, backups, the development secret key, the audit anchor log (issue #12 item 10)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

OWNER_ONLY = 0o600


def create_owner_only(path: Path) -> None:
    """Create an empty file readable and writable by its owner alone, refusing to reuse an existing one."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY)
    os.close(fd)
    os.chmod(path, OWNER_ONLY)  # the umask may have removed bits, never added: make it exact


def restrict_sqlite_files(sender: Any, connection: Any, **kwargs: Any) -> None:
    """connection_created hook: SQLite creates its files with the process umask (often 0644)."""
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        path = Path(name + suffix)
        if path.exists() and (path.stat().st_mode & 0o777) != OWNER_ONLY:
            path.chmod(OWNER_ONLY)
