"""What a reader hands on: one table's cells as strings, under english column names."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

from xuncha.bundle.headers import Header
from xuncha.bundle.problems import Level, Problem
from xuncha.bundle.schema import Table


class FileProblem(Exception):
    """A whole file cannot be read."""

    def __init__(self, reason_zh: str, reason_en: str) -> None:
        super().__init__(f"{reason_zh} / {reason_en}")
        self.reason_zh = reason_zh
        self.reason_en = reason_en


@dataclass
class RawTable:
    """``columns`` hold strings (or nulls) by english column name; ``rows`` the row numbers
    the user sees; ``headers`` the header text as written in the file."""

    table: Table
    file: str
    columns: dict[str, pa.Array]
    rows: pa.Array
    headers: dict[str, str]
    problems: list[Problem] = field(default_factory=list)
    rejected_at_read: int = 0

    @property
    def length(self) -> int:
        return len(self.rows)

    def header(self, column: str) -> str:
        return self.headers.get(column, column)

    def problem(
        self,
        reason: tuple[str, str],
        *,
        row: int | None = None,
        column: str | None = None,
        value: str | None = None,
        level: Level = "error",
    ) -> Problem:
        problem = Problem(
            file=self.file,
            row=row,
            column=None if column is None else self.header(column),
            value=value,
            reason_zh=reason[0],
            reason_en=reason[1],
            level=level,
            table=self.table.name,
        )
        self.problems.append(problem)
        return problem


def header_problems(raw: RawTable, header: Header) -> None:
    for text in header.unknown:
        raw.problem(("未知列，已忽略", "unknown column, ignored"), column=text, level="warning")
    for text in header.duplicates:
        raw.problem(
            ("重复的列，已忽略（使用第一列）", "duplicate column, ignored (the first one is used)"),
            column=text,
            level="warning",
        )


def file_problem(table: Table | None, file: str, reason: tuple[str, str], level: Level = "error") -> Problem:
    return Problem(
        file=file,
        row=None,
        column=None,
        value=None,
        reason_zh=reason[0],
        reason_en=reason[1],
        level=level,
        table=None if table is None else table.name,
    )
