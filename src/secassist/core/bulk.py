"""Bulk loading through the engine's own fast path (ADR 1001).

A CSV file goes into a temporary *staging* table of text columns in one pass: `COPY … FROM STDIN`
on PostgreSQL (the file's bytes are streamed, Python never builds a row), `executemany` of the csv
module's tuples on SQLite. Validation and typing then happen in set-based SQL over the staging
table; nothing here knows what the rows mean.

The staging table is created inside the caller's transaction (temporary, dropped at commit on
PostgreSQL, dropped by `drop_stage` on SQLite), so a killed import leaves nothing behind: the
transaction never committed and the temporary table dies with the connection.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.db import DatabaseError, connection
from tqdm import tqdm

from .errors import ImportRejected

CHUNK = 1 << 20


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


@dataclass(frozen=True)
class Stage:
    """A loaded staging table: `col[name]` is the SQL column holding the file's column `name`."""

    table: str
    col: dict[str, str]
    rows: int


def read_header(path: Path) -> list[str]:
    if not path.exists():
        raise ImportRejected(f"file not found: {path}", path=str(path))
    with path.open(newline="", encoding="utf-8-sig") as fh:
        header = next(csv.reader(fh), None)
    if not header:
        raise ImportRejected(
            f"{path.name} is empty: line 1 must name the columns", problems=["line 1: no header"], path=str(path)
        )
    return [h.strip() for h in header]


def require_columns(path: Path, header: Sequence[str], required: Iterable[str]) -> None:
    missing = [c for c in required if c not in header]
    if missing:
        raise ImportRejected(
            f"{path.name} line 1: missing column(s) {', '.join(missing)}; required: {', '.join(required)}",
            problems=[f"line 1: missing column {c}" for c in missing],
            path=str(path),
        )


class _Counting(io.RawIOBase):
    """A binary file that moves a progress bar by the bytes read."""

    def __init__(self, fh: IO[bytes], bar: Any) -> None:
        self.fh, self.bar = fh, bar

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.fh.read(len(buffer))
        buffer[: len(data)] = data
        if self.bar is not None:
            self.bar.update(len(data))
        return len(data)


def _bar(path: Path, progress: bool, desc: str) -> Any:
    if not progress:
        return None
    return tqdm(total=path.stat().st_size, unit="B", unit_scale=True, desc=desc)


def stage_csv(path: Path, *, table: str, progress: bool = False, desc: str = "loading") -> Stage:
    """Create the temporary table `table` (line_no + one text column per file column) and fill it."""
    header = read_header(path)
    cols = [f"c{i}" for i in range(len(header))]
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {table}")
        if is_postgres():
            cur.execute(
                f"CREATE TEMP TABLE {table} (line_no bigint GENERATED ALWAYS AS IDENTITY (START WITH 2), "
                + ", ".join(f"{c} text" for c in cols)
                + ") ON COMMIT DROP"
            )
            rows = _copy(cur, path, table, cols, _bar(path, progress, desc))
        else:
            cur.execute(f"CREATE TEMP TABLE {table} (line_no integer PRIMARY KEY, " + ", ".join(f"{c} text" for c in cols) + ")")
            rows = _executemany(cur, path, table, cols, _bar(path, progress, desc))
    return Stage(table, {name: col for name, col in zip(header, cols, strict=True)}, rows)


def _copy(cur: Any, path: Path, table: str, cols: list[str], bar: Any) -> int:
    import psycopg  # only on PostgreSQL

    sql = f"COPY {table} ({', '.join(cols)}) FROM STDIN WITH (FORMAT csv, HEADER true)"
    try:
        with path.open("rb") as fh, cur.cursor.copy(sql) as copy:
            for chunk in iter(lambda: fh.read(CHUNK), b""):
                copy.write(chunk)
                if bar is not None:
                    bar.update(len(chunk))
    except (DatabaseError, psycopg.Error) as exc:  # a malformed line: PostgreSQL names it in the error's context
        raise ImportRejected(
            f"{path.name} could not be read as CSV: {str(exc).strip()}; nothing was imported",
            problems=[str(exc).strip().replace("\n", " ")],
            path=str(path),
        ) from None
    finally:
        if bar is not None:
            bar.close()
    cur.execute(f"SELECT count(*) FROM {table}")
    return int(cur.fetchone()[0])


def _executemany(cur: Any, path: Path, table: str, cols: list[str], bar: Any) -> int:
    width = len(cols)
    bad: list[str] = []
    sql = f"INSERT INTO {table} (line_no, {', '.join(cols)}) VALUES ({', '.join(['%s'] * (width + 1))})"

    def rows(reader: Any) -> Iterator[tuple[Any, ...]]:  # a csv reader (line_num names the line)
        next(reader, None)  # the header
        for row in reader:
            if len(row) == width:
                yield (reader.line_num, *row)
            elif row:  # csv yields [] for a blank line
                bad.append(f"line {reader.line_num}: {len(row)} fields, the header has {width}")

    try:
        with path.open("rb") as raw:
            text = io.TextIOWrapper(io.BufferedReader(_Counting(raw, bar)), encoding="utf-8-sig", newline="")
            try:
                cur.cursor.executemany(sql, rows(csv.reader(text)))  # the driver's own loop, no debug wrapper
            except (UnicodeDecodeError, csv.Error) as exc:
                bad.append(f"the file is not UTF-8 CSV ({exc})")
    finally:
        if bar is not None:
            bar.close()
    if bad:
        raise ImportRejected(
            f"{path.name}: {len(bad)} malformed line(s); nothing was imported. First: {bad[0]}",
            problems=bad[:200],
            problem_count=len(bad),
            path=str(path),
        )
    cur.execute(f"SELECT count(*) FROM {table}")
    return int(cur.fetchone()[0])


WORKING_MEMORY_KIB = 64 * 1024


@contextmanager
def working_memory(kib: int = WORKING_MEMORY_KIB) -> Iterator[None]:
    """Room for a bulk path's sorts, windows and index writes (ADR 1020).

    SQLite's page caches (the database's and the temporary tables') default to 2 MiB: a file of
    100 k rows spills its staging tables and sorts to disk and re-reads index pages for every
    inserted entry. They grow to `kib` for the import and are put back after it. On PostgreSQL
    `work_mem` is raised for the transaction only (`SET LOCAL`)."""
    with connection.cursor() as cur:
        if is_postgres():
            cur.execute(f"SET LOCAL work_mem = '{int(kib)}kB'")
            yield
            return
        cur.execute("PRAGMA main.cache_size")
        main = int(cur.fetchone()[0])
        cur.execute("PRAGMA temp.cache_size")
        temp = int(cur.fetchone()[0])
        cur.execute(f"PRAGMA main.cache_size = {-int(kib)}")
        cur.execute(f"PRAGMA temp.cache_size = {-int(kib)}")
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute(f"PRAGMA main.cache_size = {main}")
            cur.execute(f"PRAGMA temp.cache_size = {temp}")


def drop_stage(table: str) -> None:
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {table}")


def load_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert plain tuples into `table`: COPY rows on PostgreSQL, executemany on SQLite."""
    with connection.cursor() as cur:
        if is_postgres():
            with cur.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cur.cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
