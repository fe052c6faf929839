"""The office's decisions on candidate pairs: a CSV or xlsx with columns ``source``,
``person`` and ``decision`` (确认/否认 or confirm/reject), optionally ``table`` and ``column``.
``review.xlsx``, filled in and saved, is such a file."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from xuncha.bundle.refs import canonical_reference

CONFIRM = frozenset({"确认", "是", "confirm", "confirmed", "yes", "y", "同意", "√"})
REJECT = frozenset({"否认", "否", "reject", "rejected", "no", "n", "不同意", "×"})
_ALIASES = {
    "source": ("source", "来源"),
    "person": ("person", "人员", "候选人员"),
    "decision": ("decision", "决定"),
    "column": ("column", "列"),
    "table": ("table", "表"),
}


class DecisionsError(ValueError):
    """A decisions file that cannot be read, in Chinese and English."""


@dataclass(frozen=True)
class Decisions:
    confirmed: dict[tuple[str, str | None], str]  # (source, column or None) → person
    rejected: frozenset[tuple[str, str]]  # (source, person)

    @classmethod
    def none(cls) -> Decisions:
        return cls({}, frozenset())

    def confirmed_for(self, source: str, column: str) -> str | None:
        return self.confirmed.get((source, column)) or self.confirmed.get((source, None))


def read_decisions(path: Path | None) -> Decisions:
    if path is None:
        return Decisions.none()
    records = _read_xlsx(path) if path.suffix.lower() in (".xlsx", ".xlsm") else _read_csv(path)
    if not records:
        return Decisions.none()
    columns = _columns(records[0], path)
    confirmed: dict[tuple[str, str | None], str] = {}
    rejected: set[tuple[str, str]] = set()
    for record in records[1:]:
        _add(record, columns, confirmed, rejected)
    return Decisions(confirmed, frozenset(rejected))


def _add(
    record: list[str],
    columns: dict[str, int],
    confirmed: dict[tuple[str, str | None], str],
    rejected: set[tuple[str, str]],
) -> None:
    def cell(name: str) -> str:
        i = columns.get(name)
        return record[i].strip() if i is not None and i < len(record) and record[i] else ""

    source, person, decision = cell("source"), canonical_reference(cell("person")), cell("decision").lower()
    if not source or not person or not decision:
        return
    if decision in CONFIRM:
        confirmed[(source, cell("column") or None)] = person
    elif decision in REJECT:
        rejected.add((source, person))


def _columns(header: list[str], path: Path) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, text in enumerate(header):
        label = (text or "").strip().lower()
        for name, aliases in _ALIASES.items():
            if label in aliases or any(label.startswith(a + " ") for a in aliases):
                found.setdefault(name, i)
    missing = [n for n in ("source", "person", "decision") if n not in found]
    if missing:
        names = ", ".join(missing)
        raise DecisionsError(f"决定文件 {path} 缺少列：{names} / the decisions file {path} lacks columns: {names}")
    return found


def _read_csv(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise DecisionsError(f"无法识别决定文件的编码：{path} / cannot decode the decisions file {path}")
    return [row for row in csv.reader(io.StringIO(text)) if any(c.strip() for c in row)]


def _read_xlsx(path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    sheet = book.worksheets[0]
    rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    book.close()
    return [row for row in rows if any(c.strip() for c in row)]
