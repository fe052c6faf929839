"""Link the family blocks of cadre forms (家庭主要成员) to persons.

Members rarely carry an ID number. A member is linked by ID number when given; else
by normalised name and birth month, narrowed by the gender the term implies and by the
employer the form names. A member who cannot be linked stays a person of their own
(key ``FM:file:row``), and the employer text, when it names a unit, places them there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from xuncha.bundle.model import Bundle
from xuncha.bundle.problems import Problem
from xuncha.engine.base import Engine
from xuncha.graph.chains import base_steps
from xuncha.graph.terms import Reading, resolve_term
from xuncha.graph.units import UnitMatcher

DECEASED = re.compile(r"已故|已去世|去世|病故|已逝|亡故|死亡")

MEMBER_NODE_SCHEMA = pa.schema(
    [("key", pa.string()), ("name", pa.string()), ("gender", pa.string()), ("deceased", pa.bool_())]
)
POSITION_SCHEMA = pa.schema(
    [
        ("person", pa.string()),
        ("unit", pa.string()),
        ("title", pa.string()),
        ("role", pa.string()),
        ("start_date", pa.date32()),
        ("end_date", pa.date32()),
        ("_source", pa.string()),
    ]
)
ROW_SCHEMA = pa.schema(
    [
        ("person", pa.string()),
        ("relative", pa.string()),
        ("relation", pa.string()),
        ("kind", pa.string()),
        ("start_date", pa.date32()),
        ("end_date", pa.date32()),
        ("_source", pa.string()),
    ]
)


@dataclass
class Members:
    rows: pa.Table  # kin rows: cadre -> member key, with the form's term
    nodes: pa.Table  # members who are not persons of the bundle
    positions: pa.Table  # positions plus employers named on forms
    linked: int
    new: int


_CANDIDATES = """
SELECT f.idx, list(p.person_key ORDER BY p.person_key) AS by_name,
       list(p.gender ORDER BY p.person_key) AS genders
FROM fm f JOIN persons p
  ON p.name = f.name AND strftime(p.birth_date, '%Y-%m') = f.birth_month
WHERE p.person_key <> f.cadre
GROUP BY f.idx
"""


def _positions(bundle: Bundle) -> pa.Table:
    if not bundle.has("positions"):
        return POSITION_SCHEMA.empty_table()
    t = bundle.table("positions")
    cols = {
        f.name: t.column(f.name).cast(f.type) if f.name in t.column_names else pa.nulls(t.num_rows, f.type)
        for f in POSITION_SCHEMA
    }
    return pa.table(cols, schema=POSITION_SCHEMA)


def link_members(bundle: Bundle, engine: Engine, problems: list[Problem]) -> Members:
    positions = _positions(bundle)
    if not bundle.has("family_members"):
        return Members(ROW_SCHEMA.empty_table(), MEMBER_NODE_SCHEMA.empty_table(), positions, 0, 0)
    linker = link_rows(bundle.table("family_members"), engine, _unit_matcher(bundle), "positions", problems)
    return linker.result(positions)


def link_rows(fm: pa.Table, engine: Engine, units: UnitMatcher, held_from: str, problems: list[Problem]) -> _Linker:
    """Link the form rows ``fm`` (in order) against the engine's ``persons``; ``held_from``
    names the table of positions already held (``person``, ``unit``)."""
    fm = fm.append_column("idx", pa.array(range(fm.num_rows), pa.int64()))
    for col in ("birth_month", "id_number", "employer_title"):
        if col not in fm.column_names:
            fm = fm.append_column(col, pa.nulls(fm.num_rows, pa.string()))
    engine.register("fm", fm)
    engine.create("fm_candidates", _CANDIDATES)
    candidates = {r["idx"]: r for r in engine.arrow("SELECT * FROM fm_candidates").to_pylist()}
    keys = set(
        engine.arrow("SELECT person_key FROM persons WHERE person_key IN (SELECT id_number FROM fm)")
        .column(0)
        .to_pylist()
    )
    held = _held(engine, held_from)
    linker = _Linker(keys, candidates, _cadre_genders(engine), units, held, problems)
    for row in fm.to_pylist():
        linker.add(row)
    return linker


def _cadre_genders(engine: Engine) -> dict[str, str | None]:
    rows = engine.arrow("SELECT person_key, gender FROM persons WHERE person_key IN (SELECT cadre FROM fm)").to_pylist()
    return {r["person_key"]: r["gender"] for r in rows}


def _unit_matcher(bundle: Bundle) -> UnitMatcher:
    if not bundle.has("units"):
        return UnitMatcher([])
    return unit_matcher(bundle.table("units"))


def unit_matcher(t: pa.Table) -> UnitMatcher:
    """The matcher of employer texts over a ``units`` table."""
    region = t.column("region").to_pylist() if "region" in t.column_names else [None] * t.num_rows
    return UnitMatcher(zip(t.column("unit_id").to_pylist(), t.column("name").to_pylist(), region, strict=True))


def _held(engine: Engine, table: str) -> set[tuple[str, str]]:
    """The (person, unit) pairs held by anyone a form row may be linked to: by ID number or
    by name and birth month (no one else's positions are ever looked up)."""
    rows = engine.arrow(
        f"""SELECT DISTINCT person, unit FROM {table} WHERE person IN (
              SELECT id_number FROM fm UNION SELECT unnest(by_name) FROM fm_candidates)"""
    )
    return set(zip(rows.column("person").to_pylist(), rows.column("unit").to_pylist(), strict=True))


class _Linker:
    """Links one form row at a time and collects the results."""

    def __init__(
        self,
        keys: set[str],
        candidates: dict[int, dict[str, Any]],
        genders: dict[str, str | None],
        units: UnitMatcher,
        held: set[tuple[str, str]],
        problems: list[Problem],
    ) -> None:
        self.keys, self.candidates, self.genders = keys, candidates, genders
        self.units, self.held, self.problems = units, held, problems
        self.readings: dict[tuple[str, str | None], Reading | None] = {}
        self.rows: list[dict[str, Any]] = []
        self.nodes: list[dict[str, Any]] = []
        self.positions: list[dict[str, Any]] = []
        self.linked = 0

    def _reading(self, term: str, cadre: str) -> Reading | None:
        key = (term, self.genders.get(cadre))
        if key not in self.readings:
            self.readings[key] = resolve_term(term, key[1]) if term else None
        return self.readings[key]

    def add(self, row: dict[str, Any]) -> None:
        reading = self._reading(row.get("relation") or "", row["cadre"])
        gender = base_steps(reading.chain)[-1][1] if reading else None
        employer = row.get("employer_title") or ""
        unit, title = self.units.match(employer)
        key = self._link(row, gender, unit)
        if key is None:
            key = f"FM:{row['_source']}"
            self.nodes.append(
                {
                    "key": key,
                    "name": row["name"],
                    "gender": gender,
                    "deceased": bool(DECEASED.search(employer)),
                }
            )
        else:
            self.linked += 1
        self.rows.append(
            {
                "person": row["cadre"],
                "relative": key,
                "relation": row.get("relation"),
                "kind": None,
                "start_date": None,
                "end_date": None,
                "_source": row["_source"],
            }
        )
        if unit and (key, unit) not in self.held and not DECEASED.search(employer):
            self.held.add((key, unit))
            self.positions.append(
                {
                    "person": key,
                    "unit": unit,
                    "title": title or employer,
                    "role": "一般",
                    "start_date": None,
                    "end_date": None,
                    "_source": row["_source"],
                }
            )

    def _link(self, row: dict[str, Any], gender: str | None, unit: str | None) -> str | None:
        id_number = row.get("id_number")
        if id_number and id_number in self.keys:
            return str(id_number)
        found = self.candidates.get(row["idx"])
        if not found:
            return None
        pairs = [
            k
            for k, g in zip(found["by_name"], found["genders"], strict=True)
            if gender is None or g is None or g == gender
        ]
        if len(pairs) > 1 and unit:
            pairs = [k for k in pairs if (k, unit) in self.held] or pairs
        if len(pairs) == 1:
            return str(pairs[0])
        if len(pairs) > 1:
            self._ambiguous(row, pairs)
        return None

    def _ambiguous(self, row: dict[str, Any], keys: list[str]) -> None:
        file, _, line = str(row["_source"]).rpartition(":")
        self.problems.append(
            Problem(
                file=file,
                row=int(line) if line.isdigit() else None,
                column="name",
                value=row["name"],
                reason_zh=f"家庭成员同名同出生年月的人员有{len(keys)}位（{'、'.join(keys[:5])}），"
                "无法确定是谁，按单独人员处理",
                reason_en=f"{len(keys)} persons share this member's name and birth month; "
                "kept as a person of their own",
                level="warning",
            )
        )

    def result(self, positions: pa.Table) -> Members:
        extra = pa.Table.from_pylist(self.positions, schema=POSITION_SCHEMA)
        return Members(
            rows=pa.Table.from_pylist(self.rows, schema=ROW_SCHEMA),
            nodes=pa.Table.from_pylist(self.nodes, schema=MEMBER_NODE_SCHEMA),
            positions=pa.concat_tables([positions, extra]),
            linked=self.linked,
            new=len(self.nodes),
        )
