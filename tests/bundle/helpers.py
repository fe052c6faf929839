"""Small bundles written in tmp_path, for the bundle tests."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from xuncha.identity.idcard import make_id

# Three people of one county: a husband, his wife, their son.
HUSBAND = make_id("511323", date(1970, 5, 1), 11)
WIFE = make_id("511323", date(1972, 6, 2), 22)
SON = make_id("511323", date(1995, 1, 3), 33)

PERSONS = [
    ["person_id", "id_number", "name", "gender", "birth_date"],
    ["", HUSBAND, "张三", "男", "1970-05-01"],
    ["", WIFE, "李四", "", ""],
    ["P3", "", "王五", "男", "1980/1/2"],
    ["", SON, "张小三", "", ""],
]
OLD_SON = SON[:6] + SON[8:17]  # the 15-digit form


def csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def write_csv(path: Path, rows: list[list[str]], *, encoding: str = "utf-8", delimiter: str = ",") -> Path:
    path.write_bytes(csv_text(rows, delimiter).encode(encoding))
    return path


def minimal_bundle(root: Path) -> Path:
    """A usable bundle: persons, units, kinship and positions, all clean."""
    root.mkdir(parents=True, exist_ok=True)
    write_csv(root / "persons.csv", PERSONS)
    write_csv(
        root / "units.csv",
        [
            ["unit_id", "name", "type"],
            ["U1", "县财政局", "党政机关"],
            ["U2", "县教育局", "事业单位"],
        ],
    )
    write_csv(
        root / "kinship.csv",
        [["person", "relative", "relation"], [HUSBAND, WIFE, "妻子"], [HUSBAND, OLD_SON, "儿子"]],
    )
    write_csv(
        root / "positions.csv",
        [
            ["person", "unit", "title", "role", "start_date"],
            [HUSBAND, "U1", "局长", "一把手", "2020-01-01"],
        ],
    )
    return root


def by_column(problems: list[object], column: str) -> list[object]:
    return [p for p in problems if getattr(p, "column", None) == column]
