"""Finding the header row of a sheet or CSV and mapping its cells to declared columns.

Title rows above the header (often a merged title such as "XX县巡察干部信息登记表") are
skipped. A two-row header (a merged parent such as "任职经历" over "开始 | 结束") is read
from the lower row, falling back to the parent text, or parent and child joined.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xuncha.bundle.schema import Table, normalize_header

SCAN_ROWS = 20

Cell = str | None


@dataclass(frozen=True)
class Header:
    """The header found: ``index`` is the 0-based position of its (lowest) row among the rows
    scanned; ``columns`` maps a cell position to the english column name; ``texts`` keeps the
    header text as the user wrote it, by english name; ``unknown`` lists unmatched headers."""

    index: int
    width: int
    columns: dict[int, str]
    texts: dict[str, str]
    unknown: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)


def _text(cell: Cell) -> str:
    return "" if cell is None else str(cell).strip()


def _forward_fill(row: list[Cell]) -> list[str]:
    """A merged parent cell holds its text only in its first cell: carry it to the right."""
    filled: list[str] = []
    last = ""
    for cell in row:
        text = _text(cell)
        last = text or last
        filled.append(last)
    return filled


def _combine(parent: list[str], child: list[Cell], lookup: dict[str, str]) -> list[str]:
    """Per cell: the child when it names a column, else parent+child, else the parent."""
    out: list[str] = []
    for i, cell in enumerate(child):
        text = _text(cell)
        above = parent[i] if i < len(parent) else ""
        if normalize_header(text) in lookup or not above:
            out.append(text)
        elif text and normalize_header(above + text) in lookup:
            out.append(above + text)
        elif not text:
            out.append(above)
        else:
            out.append(text)
    return out


def _score(cells: list[str], lookup: dict[str, str]) -> int:
    return len({lookup[k] for k in (normalize_header(c) for c in cells if c) if k in lookup})


def _candidates(rows: list[list[Cell]], lookup: dict[str, str]) -> list[tuple[int, list[str]]]:
    out: list[tuple[int, list[str]]] = []
    for i, row in enumerate(rows[:SCAN_ROWS]):
        out.append((i, [_text(c) for c in row]))
        if i > 0:
            out.append((i, _combine(_forward_fill(rows[i - 1]), row, lookup)))
    return out


def find_header(rows: list[list[Cell]], table: Table) -> Header | None:
    """The best header among the first rows: the most declared columns matched (at least
    one, and at least half of them when the table has few); ties go to the lowest row."""
    lookup = table.header_lookup()
    best: tuple[int, int, list[str]] | None = None
    for index, cells in _candidates(rows, lookup):
        score = _score(cells, lookup)
        if score and (best is None or score >= best[0]):
            best = (score, index, cells)
    if best is None:
        return None
    return _map(best[1], best[2], lookup)


def _map(index: int, cells: list[str], lookup: dict[str, str]) -> Header:
    columns: dict[int, str] = {}
    texts: dict[str, str] = {}
    unknown: list[str] = []
    duplicates: list[str] = []
    for pos, text in enumerate(cells):
        name = lookup.get(normalize_header(text)) if text else None
        if name is None:
            if text:
                unknown.append(text)
        elif name in texts:
            duplicates.append(text)
        else:
            columns[pos] = name
            texts[name] = text
    return Header(index, len(cells), columns, texts, unknown, duplicates)
