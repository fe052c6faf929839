"""Finding and reading a bundle's tables: a directory of files, or one workbook.

Every failure of a file becomes one file-level ``Problem``; the other tables are still read.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from xuncha.bundle.csvfile import read_csv
from xuncha.bundle.headers import find_header
from xuncha.bundle.problems import Problem
from xuncha.bundle.raw import FileProblem, RawTable, file_problem, header_problems
from xuncha.bundle.schema import Schema, Table
from xuncha.bundle.xlsxfile import open_workbook, read_sheet

TABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".parquet")


@dataclass(frozen=True)
class Found:
    """One file that holds one table."""

    table: Table
    path: Path
    label: str


def is_workbook(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in (".xlsx", ".xlsm")


def read_tables(path: Path, schema: Schema) -> tuple[list[RawTable], list[Problem]]:
    """Every table of the bundle at ``path`` (a directory, or one workbook)."""
    if is_workbook(path):
        return _read_workbook(path, schema)
    found, problems = discover(path, schema)
    tables: list[RawTable] = []
    for item in found:
        raw, problem = _read_one(item)
        if problem is not None:
            problems.append(problem)
        if raw is not None:
            tables.append(raw)
    return tables, problems


def discover(root: Path, schema: Schema) -> tuple[list[Found], list[Problem]]:
    """The table files of a directory. Unknown files are ignored with a warning; two files
    for one table are an error, and neither is read."""
    problems: list[Problem] = []
    by_table: dict[str, list[Found]] = {}
    for path in sorted(p for p in root.iterdir() if not p.name.startswith((".", "~$"))):
        table = schema.table_for(path.stem) if path.suffix.lower() in TABLE_SUFFIXES else None
        if table is None or not path.is_file():
            problems.append(_ignored(path.name))
            continue
        by_table.setdefault(table.name, []).append(Found(table, path, path.name))
    found: list[Found] = []
    for items in by_table.values():
        if len(items) == 1:
            found.extend(items)
        else:
            problems.extend(_twice(item, items) for item in items)
    return found, problems


def _ignored(name: str) -> Problem:
    return file_problem(
        None,
        name,
        ("不是数据包中的表，已忽略", "not a table of the bundle; ignored"),
        level="warning",
    )


def _twice(item: Found, items: list[Found]) -> Problem:
    names = "、".join(i.label for i in items)
    return file_problem(
        item.table,
        item.label,
        (
            f"表「{item.table.label()}」有多个文件（{names}），均未读取",
            f"table {item.table.name} is given by several files ({names}); none was read",
        ),
    )


def _read_one(item: Found) -> tuple[RawTable | None, Problem | None]:
    try:
        return _dispatch(item), None
    except FileProblem as exc:
        return None, file_problem(item.table, item.label, (exc.reason_zh, exc.reason_en))
    except Exception as exc:  # the edge of the system: a file must never stop the run
        return None, file_problem(
            item.table,
            item.label,
            (
                f"无法读取文件（{type(exc).__name__}）",
                f"cannot read the file ({type(exc).__name__}: {exc})",
            ),
        )


def _dispatch(item: Found) -> RawTable:
    suffix = item.path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_single_sheet(item)
    if suffix == ".parquet":
        return read_parquet(item.path, item.table, item.label)
    return read_csv(item.path, item.table, item.label)


def _read_single_sheet(item: Found) -> RawTable:
    book = open_workbook(item.path)
    try:
        named = [s for s in book.worksheets if s.title in item.table.spellings()]
        sheet = named[0] if named else book.worksheets[0]
        return read_sheet(sheet, item.table, item.label)
    finally:
        book.close()


def _read_workbook(path: Path, schema: Schema) -> tuple[list[RawTable], list[Problem]]:
    try:
        book = open_workbook(path)
    except FileProblem as exc:
        return [], [file_problem(None, path.name, (exc.reason_zh, exc.reason_en))]
    try:
        return _read_sheets(path.name, book, schema)
    finally:
        book.close()


def _read_sheets(name: str, book: object, schema: Schema) -> tuple[list[RawTable], list[Problem]]:
    tables: list[RawTable] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for title, sheet in _worksheets(book):
        label = f"{name}#{title}"
        table = schema.table_for(title)
        if table is None:
            problems.append(_ignored(label))
        elif table.name in seen:
            problems.append(_duplicate_sheet(table, label, seen[table.name]))
        else:
            seen[table.name] = label
            raw, problem = _sheet_or_problem(sheet, table, label)
            tables.extend([raw] if raw is not None else [])
            problems.extend([problem] if problem is not None else [])
    return tables, problems


def _worksheets(book: object) -> Iterator[tuple[str, object]]:
    for sheet in getattr(book, "worksheets", []):
        yield str(sheet.title), sheet


def _duplicate_sheet(table: Table, label: str, first: str) -> Problem:
    return file_problem(
        table,
        label,
        (
            f"表「{table.label()}」已由工作表 {first} 提供，本工作表未读取",
            f"table {table.name} already comes from sheet {first}; this sheet was not read",
        ),
    )


def _sheet_or_problem(sheet: object, table: Table, label: str) -> tuple[RawTable | None, Problem | None]:
    try:
        return read_sheet(sheet, table, label), None
    except FileProblem as exc:
        return None, file_problem(table, label, (exc.reason_zh, exc.reason_en))
    except Exception as exc:  # the edge of the system: a sheet must never stop the run
        return None, file_problem(
            table,
            label,
            (f"无法读取工作表（{type(exc).__name__}）", f"cannot read the sheet ({exc})"),
        )


def read_parquet(path: Path, table: Table, label: str) -> RawTable:
    try:
        arrow = pq.read_table(path)
    except Exception as exc:
        raise FileProblem(
            f"无法读取 Parquet 文件（{type(exc).__name__}）",
            f"cannot read the Parquet file ({exc})",
        ) from exc
    header = find_header([list(arrow.column_names)], table)
    if header is None:
        raise FileProblem("没有一列能对应到本表的列名", "no column matches this table's column names")
    columns = {name: _as_text(arrow.column(pos)) for pos, name in header.columns.items()}
    rows = pa.array(range(1, arrow.num_rows + 1), pa.int64())
    raw = RawTable(table, label, columns, rows, header.texts)
    header_problems(raw, header)
    return raw


def _as_text(column: pa.ChunkedArray) -> pa.Array:
    array = column.combine_chunks()
    if pa.types.is_timestamp(array.type):
        array = pc.cast(array, pa.date32())
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    if not pa.types.is_string(array.type):
        array = pc.cast(array, pa.string())
    return array
