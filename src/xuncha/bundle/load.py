"""``load_bundle``: read every table, type and check it, resolve references to keys.

Persons come first (their keys resolve every person reference), then units (their keys
resolve every unit reference), then the other tables in the order of ``tables.yaml``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from xuncha.bundle.build import Builder
from xuncha.bundle.convert import Reason
from xuncha.bundle.model import Bundle, TableData, missing_table
from xuncha.bundle.persons import build_persons, check_ids
from xuncha.bundle.problems import BundleError, Problem
from xuncha.bundle.raw import RawTable
from xuncha.bundle.read import is_workbook, read_tables
from xuncha.bundle.refs import KeyIndex
from xuncha.bundle.schema import Column, Schema, Table, load_schema

UNKNOWN_PERSON: Reason = ("指向不存在的人员", "points at an unknown person")
UNKNOWN_UNIT: Reason = ("指向不存在的单位", "points at an unknown unit")
UNKNOWN_EITHER: Reason = ("既不是已知人员也不是已知单位", "neither a known person nor a known unit")
SELF_KIN: Reason = ("本人不能是自己的亲属", "a person cannot be their own relative")


def load_bundle(path: Path, *, strict: bool = False) -> Bundle:
    """The bundle at ``path`` (a directory of tables or one workbook). ``BundleError`` when a
    required table or column is missing, or, with ``strict``, at the first error."""
    bundle = read_bundle(path)
    if bundle.fatal:
        raise BundleError(bundle.fatal[0])
    if strict and bundle.errors:
        raise BundleError(bundle.errors[0])
    return bundle


def read_bundle(path: Path) -> Bundle:
    """Like ``load_bundle`` but never raises for bad data: fatal problems are listed in
    ``Bundle.fatal``."""
    schema = load_schema()
    if not (path.is_dir() or is_workbook(path)):
        return _not_a_bundle(path)
    raws, problems = read_tables(path, schema)
    loader = TableLoader(path, schema, problems)
    by_name = {raw.table.name: raw for raw in raws}
    for name in table_order(schema):
        raw = by_name.get(name)
        if raw is not None:
            loader.load(raw)
        elif schema.table(name).required:
            loader.fail(missing_table(name, path.name))
    return loader.bundle


def _not_a_bundle(path: Path) -> Bundle:
    problem = Problem(
        file=str(path),
        row=None,
        column=None,
        value=None,
        reason_zh="数据包应是一个目录或一个 .xlsx 工作簿",
        reason_en="a bundle is a directory or one .xlsx workbook",
    )
    return Bundle(path, {}, [problem], [problem])


def table_order(schema: Schema) -> list[str]:
    first = ["persons", "units"]
    return first + [t.name for t in schema.tables if t.name not in first]


class TableLoader:
    def __init__(self, root: Path, schema: Schema, problems: list[Problem]) -> None:
        self.schema = schema
        self.bundle = Bundle(root, {}, problems)
        self.persons = KeyIndex.empty()
        self.units = KeyIndex.empty()

    def fail(self, problem: Problem) -> None:
        self.bundle.problems.append(problem)
        self.bundle.fatal.append(problem)

    def load(self, raw: RawTable) -> None:
        missing = _missing_columns(raw)
        if missing:
            for problem in missing:
                self.fail(problem)
            self.bundle.problems.extend(raw.problems)
            return
        data = self._build(raw)
        self.bundle.problems.extend(sorted(raw.problems, key=lambda p: p.row or 0))
        self.bundle.tables[data.name] = data

    def _build(self, raw: RawTable) -> TableData:
        b = Builder(raw, self.schema)
        table = raw.table
        for column in table.columns:
            b.convert(column)
            b.default(column)
            b.require(column)
        self._special(b, table)
        for column in table.columns:
            self._reference(b, table, column)
            if column.key and table.name != "persons":
                b.unique(column.name)
        if table.name == "kinship":
            _no_self_kin(b)
        if table.name == "units":
            self.units = _unit_index(b)
            self._reference(b, table, table.column("parent_unit"), late=True)
        return b.finish(_order_of(table))

    def _special(self, b: Builder, table: Table) -> None:
        if table.name == "persons":
            self.persons = build_persons(b)
        elif any(c.type == "id" for c in table.columns):
            for column in table.columns:
                if column.type == "id":
                    check_ids(b, column.name)
        if table.departmental:
            b.add("source", pc.fill_null(b.columns.get("source", _nulls(b)), b.raw.file))

    def _reference(self, b: Builder, table: Table, column: Column, *, late: bool = False) -> None:
        if column.type not in ("person", "unit", "person_or_unit"):
            return
        if table.name == "units" and not late:
            return
        index, what = self._index_for(column)
        b.resolve(column, index, departmental=table.departmental, what=what)

    def _index_for(self, column: Column) -> tuple[KeyIndex, Reason]:
        if column.type == "person":
            return self.persons, UNKNOWN_PERSON
        if column.type == "unit":
            return self.units, UNKNOWN_UNIT
        both = KeyIndex.of([(self.persons.forms, self.persons.keys), (self.units.forms, self.units.keys)])
        return both, UNKNOWN_EITHER


def _nulls(b: Builder) -> pa.Array:
    return pa.nulls(b.raw.length, pa.string())


def _missing_columns(raw: RawTable) -> list[Problem]:
    have = set(raw.columns)
    wanted = [c for c in raw.table.columns if c.required and c.name not in have]
    if raw.table.name == "persons" and not have & {"id_number", "person_id"}:
        wanted.append(raw.table.column("id_number"))
    return [_missing_column(raw, c) for c in wanted]


def _missing_column(raw: RawTable, column: Column) -> Problem:
    return Problem(
        file=raw.file,
        row=None,
        column=column.zh,
        value=None,
        reason_zh=f"表「{raw.table.zh}」缺少必需的列「{column.zh}」({column.name})",
        reason_en=f"table {raw.table.name} lacks the required column {column.name} ({column.zh})",
        level="error",
        table=raw.table.name,
    )


def _no_self_kin(b: Builder) -> None:
    person, relative = b.columns.get("person"), b.columns.get("relative")
    if person is None or relative is None:
        return
    same = pc.fill_null(pc.equal(person, relative), False).to_numpy(zero_copy_only=False)
    b.report(np.asarray(same, dtype=bool), "relative", SELF_KIN, "error", relative)


def _unit_index(b: Builder) -> KeyIndex:
    keys = b.columns["unit_id"].filter(pa.array(~b.reject))
    return KeyIndex.of([(keys, keys)])


def _order_of(table: Table) -> list[str]:
    names: list[str] = []
    for column in table.columns:
        names.append(column.name)
        if column.type in ("person", "unit", "person_or_unit") and table.departmental:
            names.append(f"{column.name}_resolved")
        if table.name == "persons" and column.name == "id_number":
            names.extend(["person_key", "id_status"])
    return names
