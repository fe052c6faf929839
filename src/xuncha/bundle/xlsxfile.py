"""Excel tables (openpyxl): one sheet per table, title rows skipped, merged cells filled.

Workbooks up to ``FULL_MODE_BYTES`` are opened in full mode, which knows merged cells (a
cadre's name merged down over their family rows is read on every row); bigger ones in
read-only mode.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
from openpyxl import load_workbook

from xuncha.bundle.headers import SCAN_ROWS, Header, find_header
from xuncha.bundle.raw import FileProblem, RawTable, header_problems
from xuncha.bundle.schema import Table

FULL_MODE_BYTES = 20 << 20
ID_TYPES = frozenset({"id", "person", "person_or_unit"})
# Excel keeps 15 significant digits: an ID number stored as a number has lost its tail.
_EXACT_LIMIT = 1e15


def open_workbook(path: Path) -> Any:
    read_only = path.stat().st_size > FULL_MODE_BYTES
    try:
        return load_workbook(path, read_only=read_only, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise FileProblem(
            f"无法打开 Excel 文件（{type(exc).__name__}）",
            f"cannot open the Excel file ({type(exc).__name__}: {exc})",
        ) from exc


def _sheet_rows(sheet: Any) -> list[list[Any]]:
    if hasattr(sheet, "reset_dimensions"):  # read-only: do not trust the stored dimensions
        sheet.reset_dimensions()
    rows = [list(r) for r in sheet.iter_rows(min_row=1, min_col=1, values_only=True)]
    for merged in getattr(sheet, "merged_cells", None) or []:
        _fill(rows, merged.min_row, merged.max_row, merged.min_col, merged.max_col)
    return rows


def _fill(rows: list[list[Any]], r0: int, r1: int, c0: int, c1: int) -> None:
    """Copy a merged range's value into every cell it covers (data rows only: a merged
    header is handled by the header finder, which sees the parent once)."""
    if r1 == r0 or r0 > len(rows):
        return
    value = rows[r0 - 1][c0 - 1] if c0 - 1 < len(rows[r0 - 1]) else None
    for r in range(r0, min(r1, len(rows))):
        row = rows[r]
        for c in range(c0 - 1, min(c1, len(row))):
            if row[c] is None:
                row[c] = value


def read_sheet(sheet: Any, table: Table, label: str) -> RawTable:
    rows = _sheet_rows(sheet)
    while rows and all(_blank(c) for c in rows[-1]):
        rows.pop()
    if not rows:
        raise FileProblem("工作表为空", "the sheet is empty")
    header = find_header(rows[:SCAN_ROWS], table)
    if header is None:
        raise FileProblem(
            "找不到表头（没有一列能对应到本表的列名）",
            "no header row found (no column name of this table)",
        )
    raw = _to_raw(rows, header, table, label)
    header_problems(raw, header)
    return raw


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _to_raw(rows: list[list[Any]], header: Header, table: Table, label: str) -> RawTable:
    first = header.index + 1
    columns: dict[str, pa.Array] = {}
    for pos, name in header.columns.items():
        kind = table.column(name).type
        values = (cell_text(r[pos] if pos < len(r) else None, kind) for r in rows[first:])
        columns[name] = pa.array(list(values), pa.string())
    numbers = pa.array(range(first + 1, len(rows) + 1), pa.int64())
    return RawTable(table, label, columns, numbers, header.texts)


def cell_text(value: Any, kind: str) -> str | None:
    """A cell as the text the user meant: whole numbers without ".0", dates as ISO, months
    as YYYY.MM; an ID number stored as a number with lost digits stays visibly broken."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime | dt.date):
        return _date_text(value, kind)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float_text(value, kind)
    return str(value)


def _date_text(value: dt.date, kind: str) -> str:
    if kind == "month":
        return f"{value.year}-{value.month:02d}"
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def _float_text(value: float, kind: str) -> str:
    if kind in ID_TYPES and abs(value) >= _EXACT_LIMIT:
        return f"{value:.15E}"
    if kind == "month":
        return f"{value:.2f}"
    if value.is_integer():
        return str(int(value))
    return repr(value)


def sheets(workbook: Any) -> Iterable[tuple[str, Any]]:
    for sheet in workbook.worksheets:
        yield sheet.title, sheet
