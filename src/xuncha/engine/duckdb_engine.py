"""The embedded engine: DuckDB in process, over Arrow tables."""

from __future__ import annotations

import os

import duckdb
import pyarrow as pa

from xuncha.engine.base import Params


class DuckDBEngine:
    """DuckDB behind the :class:`xuncha.engine.base.Engine` interface."""

    name = "duckdb"

    def __init__(self, *, memory_limit: str | None = None, threads: int | None = None) -> None:
        self._con = duckdb.connect(database=":memory:")
        self._con.execute(f"SET threads = {threads or os.cpu_count() or 1}")
        self._con.execute("SET preserve_insertion_order = false")
        if memory_limit:
            self._con.execute("SET memory_limit = ?", [memory_limit])
        self._tables: dict[str, pa.Table] = {}

    def register(self, name: str, table: pa.Table) -> None:
        self._tables[name] = table
        self._con.register(f"__arrow_{name}", table)
        self._con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM "__arrow_{name}"')
        self._con.unregister(f"__arrow_{name}")
        del self._tables[name]

    def create(self, name: str, query: str, params: Params = None) -> None:
        self._con.execute(f'CREATE OR REPLACE TABLE "{name}" AS {query}', params)

    def arrow(self, query: str, params: Params = None) -> pa.Table:
        result: pa.Table = self._con.sql(query, params=params).to_arrow_table()
        return result

    def scalar(self, query: str) -> object:
        row = self._con.execute(query).fetchone()
        return None if row is None else row[0]

    def close(self) -> None:
        self._con.close()
