"""The embedded engine: DuckDB in process, over Arrow tables."""

from __future__ import annotations

import atexit
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

import duckdb
import pyarrow as pa

from xuncha.engine.base import Params

DEFAULT_MEMORY_LIMIT = "2GB"  # DuckDB spills to disk beyond this; override with memory_limit

_LIMIT: ContextVar[str | None] = ContextVar("duckdb_memory_limit", default=None)
_SPILL: list[tempfile.TemporaryDirectory[str]] = []


@contextmanager
def memory_limit(limit: str | None) -> Iterator[None]:
    """Within this block, :func:`connect` gives connections held to ``limit`` (None: DuckDB's default).
    Used by code that keeps DuckDB connections of its own (linking with Splink)."""
    token = _LIMIT.set(limit)
    try:
        yield
    finally:
        _LIMIT.reset(token)


def connect() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection, under the memory limit of the enclosing :func:`memory_limit`
    block, spilling to a temporary folder of the process beyond it."""
    con = duckdb.connect()
    limit = _LIMIT.get()
    if limit:
        con.execute("SET memory_limit = ?", [limit])
        con.execute("SET temp_directory = ?", [_spill_dir()])
    return con


def _spill_dir() -> str:
    if not _SPILL:
        _SPILL.append(tempfile.TemporaryDirectory(prefix="xuncha-spill-"))
        atexit.register(_SPILL[0].cleanup)
    return _SPILL[0].name


class DuckDBEngine:
    """DuckDB behind the :class:`xuncha.engine.base.Engine` interface."""

    name = "duckdb"

    def __init__(
        self,
        *,
        memory_limit: str | None = None,
        threads: int | None = None,
        temp_dir: str | None = None,
        database: str | Path | None = None,
    ) -> None:
        """``database``: a DuckDB file to open (tables created persist there). By default the
        tables live in memory, or, when a ``memory_limit`` is given, in a scratch database file
        beside the spill folder, so that the tables themselves can leave memory too (in memory
        they count against the limit, and at 5M persons they alone exceed 4 GB)."""
        self._temp = tempfile.TemporaryDirectory(prefix="xuncha-spill-", dir=temp_dir)
        if database is None:
            database = Path(self._temp.name) / "work.duckdb" if memory_limit else ":memory:"
        self._con = duckdb.connect(database=str(database))
        self._con.execute(f"SET threads = {int(threads or os.cpu_count() or 1)}")
        self._con.execute("SET preserve_insertion_order = false")
        self._con.execute("SET memory_limit = ?", [memory_limit or DEFAULT_MEMORY_LIMIT])
        self._con.execute("SET temp_directory = ?", [str(Path(self._temp.name) / "spill")])
        self._tables: dict[str, pa.Table] = {}

    def register(self, name: str, table: pa.Table) -> None:
        """Arrow tables are scanned in place (no copy); the engine keeps them alive."""
        if name in self._tables:
            self._con.unregister(name)
        else:
            self._con.execute(f'DROP TABLE IF EXISTS "{name}"')
        self._tables[name] = table
        self._con.register(name, table)

    def create(self, name: str, query: str, params: Params = None) -> None:
        if name in self._tables:
            self._con.unregister(name)
            del self._tables[name]
        self._con.execute(f'CREATE OR REPLACE TABLE "{name}" AS {query}', params)

    def execute(self, statement: str, params: Params = None) -> None:
        self._con.execute(statement, params)

    def arrow(self, query: str, params: Params = None) -> pa.Table:
        result: pa.Table = self._con.sql(query, params=params).to_arrow_table()
        return result

    def scalar(self, query: str) -> object:
        rows = self._con.sql(query).fetchall()
        return rows[0][0] if rows else None

    def has_table(self, name: str) -> bool:
        if name in self._tables:
            return True
        rows = self._con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [name]).fetchall()
        return bool(rows[0][0])

    def write_jsonl(self, query: str, path: Path) -> None:
        target = str(path).replace("'", "''")
        self._con.execute(f"COPY ({query}) TO '{target}' (FORMAT JSON)")

    def close(self) -> None:
        self._con.close()
        self._tables.clear()
        self._temp.cleanup()
