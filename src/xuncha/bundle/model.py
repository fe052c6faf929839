"""The loaded bundle: one Arrow table per bundle table, and every problem met on the way."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from xuncha.bundle.problems import BundleError, Problem
from xuncha.bundle.schema import load_schema


@dataclass
class TableData:
    """One table: ``table`` holds the declared columns (english names) found in the file,
    typed, plus ``_source`` ("file:row") and ``_row``; only the rows that can be used."""

    name: str
    file: str
    table: pa.Table
    read: int
    used: int
    rejected: int


@dataclass
class Bundle:
    """``fatal`` lists the problems that make the bundle unusable (a missing required table
    or column); they are in ``problems`` too."""

    root: Path
    tables: dict[str, TableData]
    problems: list[Problem]
    fatal: list[Problem] = field(default_factory=list)

    def has(self, name: str) -> bool:
        return name in self.tables

    def table(self, name: str) -> pa.Table:
        """The table, or ``BundleError`` naming it (in Chinese and English) when missing."""
        if name not in self.tables:
            raise BundleError(missing_table(name, str(self.root)))
        return self.tables[name].table

    def summary(self) -> list[dict[str, object]]:
        return [
            {
                "table": t.name,
                "file": t.file,
                "read": t.read,
                "used": t.used,
                "rejected": t.rejected,
            }
            for t in self.tables.values()
        ]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]


def missing_table(name: str, where: str) -> Problem:
    try:
        zh = load_schema().table(name).zh
    except KeyError:
        zh = name
    return Problem(
        file=where,
        row=None,
        column=None,
        value=None,
        reason_zh=f"数据包缺少表「{zh}」({name}.csv 或 {zh}.csv)",
        reason_en=f"the bundle has no table {name} ({name}.csv or {zh}.csv)",
        level="error",
        table=name,
    )
