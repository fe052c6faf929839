"""The grey zone for the office: each candidate row beside the candidate person, with an
empty 决定 column. Filled in and saved, ``review.xlsx`` is a decisions file."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from xuncha.bundle.model import Bundle
from xuncha.link.model import CANDIDATE

REVIEW_HEADERS = (
    ("table", "表 table"),
    ("column", "列 column"),
    ("source", "来源 source"),
    ("person", "人员 person"),
    ("probability", "概率 probability"),
    ("evidence", "依据 evidence"),
    ("row_name", "行姓名"),
    ("row_birth", "行出生日期"),
    ("row_address", "行地址"),
    ("person_name", "人员姓名"),
    ("person_birth", "人员出生日期"),
    ("person_address", "人员户籍地址"),
    ("decision", "决定 decision"),
)


def _lookup(table: pa.Table, key: str, wanted: pa.Array, column: str) -> pa.Array:
    if column not in table.column_names:
        return pa.nulls(len(wanted), pa.string())
    index = pc.index_in(wanted, value_set=table[key].combine_chunks())
    return pc.cast(table[column].combine_chunks(), pa.string()).take(index)


def review_table(bundle: Bundle, rows: pa.Table, links: pa.Table) -> pa.Table:
    """Candidates with the row's and the person's name, birth and address."""
    grey = links.filter(pc.equal(links["status"], CANDIDATE))
    row_key = pc.binary_join_element_wise(rows["source"], rows["column"], "|")
    grey_key = pc.binary_join_element_wise(grey["source"], grey["column"], "|")
    keyed = rows.append_column("key", row_key)
    persons = bundle.table("persons")
    person = grey["person"].combine_chunks()
    return pa.table(
        {
            "table": grey["table"],
            "column": grey["column"],
            "source": grey["source"],
            "person": person,
            "probability": grey["probability"],
            "evidence": pa.array([", ".join(e) for e in grey["evidence"].to_pylist()], pa.string()),
            "row_name": _lookup(keyed, "key", grey_key, "name"),
            "row_birth": _lookup(keyed, "key", grey_key, "birth_date"),
            "row_address": _lookup(keyed, "key", grey_key, "address"),
            "person_name": _lookup(persons, "person_key", person, "name"),
            "person_birth": _lookup(persons, "person_key", person, "birth_date"),
            "person_address": _lookup(persons, "person_key", person, "hukou_address"),
            "decision": pa.nulls(grey.num_rows, pa.string()),
        }
    )


def write_review(review: pa.Table, path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "待核对 review"
    sheet.append([label for _, label in REVIEW_HEADERS])
    for record in review.to_pylist():
        sheet.append([record[name] for name, _ in REVIEW_HEADERS])
    sheet.freeze_panes = "A2"
    book.save(path)
