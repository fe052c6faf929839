"""The narrow engine interface: the same set-based logic on any engine.

Screening and comparison are written as SQL over named Arrow tables. An engine only
has to register tables, run statements, and hand results back as Arrow. SQL is
written once in the DuckDB dialect; other engines translate it (see ``dialect``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pyarrow as pa

Params = Sequence[object] | Mapping[str, object] | None


class Engine(Protocol):
    """What screening and comparison need from an engine."""

    name: str

    def register(self, name: str, table: pa.Table) -> None:
        """Make an Arrow table available to SQL under ``name`` (replacing any)."""

    def create(self, name: str, query: str, params: Params = None) -> None:
        """Materialise the result of ``query`` as table ``name`` (replacing any).

        Values from users always go in ``params`` (``?`` placeholders), never in the text."""

    def execute(self, statement: str, params: Params = None) -> None:
        """Run a statement that returns nothing the caller needs (COPY, SET …)."""

    def arrow(self, query: str, params: Params = None) -> pa.Table:
        """Run ``query`` and return its result as an Arrow table."""

    def scalar(self, query: str) -> object:
        """Run ``query`` and return the first column of its first row."""

    def has_table(self, name: str) -> bool:
        """Whether a table or registered Arrow table called ``name`` exists."""

    def write_jsonl(self, query: str, path: Path) -> None:
        """Write the rows of ``query`` to ``path`` as JSON lines, in the query's order
        (compact objects, keys in column order, NULL as ``null``), by the engine itself."""

    def close(self) -> None:
        """Free the engine's resources."""


class EngineError(Exception):
    """A statement the engine could not run (engines other than DuckDB raise this)."""


def as_int(value: object) -> int:
    """A count from ``Engine.scalar`` as an int (0 for NULL)."""
    if value is None:
        return 0
    if isinstance(value, int | float | str):
        return int(value)
    raise TypeError(f"not a number: {value!r}")


ENGINES = ("duckdb", "spark")


def open_engine(
    name: str = "duckdb",
    *,
    memory_limit: str | None = None,
    spark_master: str | None = None,
    spark_config: Path | None = None,
) -> Engine:
    """Open an engine by name: ``duckdb`` (embedded) or ``spark`` (PySpark, imported only here)."""
    if name == "duckdb":
        from xuncha.engine.duckdb_engine import DuckDBEngine

        return DuckDBEngine(memory_limit=memory_limit)
    if name == "spark":
        from xuncha.engine.spark_engine import SparkEngine

        return SparkEngine(master=spark_master, config=spark_config)
    raise ValueError(f"未知引擎 / unknown engine: {name}")


@dataclass(frozen=True)
class EngineOptions:
    """The engine a command runs on (``--engine``, ``--spark-master``, ``--spark-config``,
    ``--memory-limit``: DuckDB's memory limit, beyond which it spills to disk)."""

    name: str = "duckdb"
    spark_master: str | None = None
    spark_config: Path | None = None
    memory_limit: str | None = None

    def open(self) -> Engine:
        return open_engine(
            self.name, memory_limit=self.memory_limit, spark_master=self.spark_master, spark_config=self.spark_config
        )
