"""What changed in a bundle since the saved state, applied to the saved tables and graph.

A changed table file is loaded alone through the bundle loader (persons and units keys come
from the saved tables), its rows are diffed against the saved copy, and the saved tables
are patched: core tables replaced, kin rows, cadre-form members, virtual people, facts and
edges of the rows that went or came. Affected inspectors are named as it goes.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from xuncha.bundle.build import Builder
from xuncha.bundle.csvfile import SNIFF_BYTES, fast_records, head_records, read_csv, sniff_delimiter
from xuncha.bundle.headers import Header, find_header
from xuncha.bundle.load import TableLoader  # the loader's own per-table checks, for one table
from xuncha.bundle.model import TableData
from xuncha.bundle.problems import Problem
from xuncha.bundle.raw import FileProblem, RawTable, file_problem, header_problems
from xuncha.bundle.read import read_parquet
from xuncha.bundle.refs import KeyIndex, alternatives
from xuncha.bundle.schema import Column, Schema, Table, load_schema
from xuncha.bundle.xlsxfile import open_workbook, read_sheet
from xuncha.engine.base import Engine, as_int
from xuncha.graph.build import (
    CANON,
    EDGE_ROWS,
    TERM_FIRST,
    expand_complex,
    ids_sql,
    kinship_rows,
    read_terms,
    register_virtual,
    term_map_table,
)
from xuncha.graph.complete import complete
from xuncha.graph.members import MEMBER_NODE_SCHEMA, POSITION_SCHEMA, ROW_SCHEMA, link_rows, unit_matcher
from xuncha.graph.units import MAX_NAME, UnitMatcher, split_county
from xuncha.identity.names import normalize_text
from xuncha.screening.context import rows_in, rows_listed, sql_in
from xuncha.screening.state import Adjacency, FileStamp

CORE_TRACKED = ("inspectors", "declarations", "objections")
GRAPH_TRACKED = ("kinship", "family_members")
TRACKED = CORE_TRACKED + GRAPH_TRACKED
_NAMES = {"inspectors": "person", "declarations": "inspector", "objections": "inspector"}


@dataclass
class Delta:
    """What a change did: rows added and removed per table, affected inspectors, problems."""

    added: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)
    problems: dict[str, list[Problem]] = field(default_factory=dict)  # by table, in place of the saved ones
    appended_problems: dict[str, list[Problem]] = field(default_factory=dict)  # by table, after the saved ones
    member_problems: list[Problem] = field(default_factory=list)
    removed_member_rows: set[str] = field(default_factory=set)  # sources of form rows that went


def load_table(root: Path, name: str, path: Path, engine: Engine) -> tuple[TableData | None, list[Problem]]:
    """One table file through the bundle loader, person and unit keys from the saved tables."""
    schema = load_schema()
    table = schema.table(name)
    try:
        raw = _read(path, table)
    except FileProblem as exc:
        return None, [file_problem(table, path.name, (exc.reason_zh, exc.reason_en))]
    saved = f"src_{name}" if name in GRAPH_TRACKED else name
    loader = _OneTable(root, schema, engine, saved if engine.has_table(saved) else None)
    loader.load(raw)
    return loader.bundle.tables.get(name), loader.bundle.problems


@dataclass
class Tail:
    """The rows appended to a table file since the state was saved, loaded alone."""

    data: TableData
    problems: list[Problem]  # the loader's problems of the appended rows
    first_row: int  # the row number of the first appended row
    plain: str = ""  # the whole file's ``FileStamp.plain``


def load_tail(root: Path, name: str, path: Path, old: FileStamp, engine: Engine) -> Tail | None:
    """The saved file (``old``) is a byte prefix of the CSV file ``path``: the rows after it,
    numbered as a load of the whole file numbers them; None when that cannot be told cheaply and surely.
    A saved file already known to be plain (``old.plain``) is not checked again: only the rows after it."""
    if path.suffix.lower() != ".csv" or path.name != old.file:
        return None
    data = path.read_bytes()
    table = load_schema().table(name)
    delimiter, header = _head(data, table)
    known = bool(old.plain) and old.plain == delimiter
    cut = _appended_at(data, old.size, known)
    if cut is None or header is None or not (known or _plain(data[:cut], delimiter)):
        return None
    # records are lines here: the header's lines, then the appended ones
    header_end = _after_lines(data, header.index + 1)
    raw = fast_records(data[:header_end] + data[cut:], delimiter, header, header.width, table, path.name)
    if header_end > cut or raw is None:
        return None
    first = data.count(b"\n", 0, cut) + 1
    raw = replace(raw, rows=pa.array(range(first, first + raw.length), pa.int64()))
    header_problems(raw, header)
    loader = _OneTable(root, load_schema(), engine, None)  # the few values are looked up alone
    loader.load(raw)
    loaded = loader.bundle.tables.get(name)
    if loaded is None:
        return None
    plain = delimiter if _plain(data[cut:], delimiter) else ""
    return Tail(loaded, [p for p in loader.bundle.problems if p.row is not None], first, plain)


def plain_of(path: Path, name: str) -> str:
    """``FileStamp.plain`` of a table file: its delimiter when it is a CSV file in UTF-8 (no
    byte order mark) whose records are its lines (see ``_plain``), else ""."""
    if path.suffix.lower() != ".csv":
        return ""
    data = path.read_bytes()
    delimiter, header = _head(data, load_schema().table(name))
    plain = header is not None and data.endswith(b"\n") and _clean(data, start=True) and _plain(data, delimiter)
    return delimiter if plain else ""


def _head(data: bytes, table: Table) -> tuple[str, Header | None]:
    head = data[:SNIFF_BYTES].decode("utf-8", errors="ignore")
    delimiter = sniff_delimiter(head.split("\n", 1)[0])
    return delimiter, find_header(head_records(head, delimiter), table)


def _appended_at(data: bytes, cut: int, known: bool) -> int | None:
    """``cut`` (where the saved file ends in ``data``) when it ends a line of a UTF-8 file;
    ``known``: the saved part is known to be UTF-8 without NUL or byte order mark."""
    if len(data) <= cut or data[cut - 1 : cut] != b"\n":
        return None
    return cut if _clean(data[cut:] if known else data, start=not known) else None


def _clean(part: bytes, *, start: bool) -> bool:
    """UTF-8 without NUL; ``start``: the file's start, which has no byte order mark either."""
    if b"\x00" in part or (start and part.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF8))):
        return False
    try:
        part.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _plain(prefix: bytes, delimiter: str) -> bool:
    """No record of ``prefix`` spans lines: no bare CR, an even number of quotes before every
    line end, and no quote inside a field (where a reader takes it as a character). A file
    whose prefix and rest are each plain (the prefix ending a line) is plain."""
    a = np.frombuffer(prefix, dtype=np.uint8)
    cr = np.flatnonzero(a == 13)
    if cr.size and (cr[-1] + 1 >= a.size or bool(np.any(a[cr + 1] != 10))):
        return False
    at = np.flatnonzero(a == 34)
    if at.size == 0:
        return True
    d = ord(delimiter)
    before = np.where(at > 0, a[np.maximum(at - 1, 0)], 10)
    after = a[np.minimum(at + 1, a.size - 1)]
    edge_before = (before == 10) | (before == d) | (before == 34)
    edge_after = (after == 10) | (after == 13) | (after == d) | (after == 34)
    inside = ~edge_before & ~edge_after
    if bool(np.any(inside)):
        return False
    return not bool(np.any(np.searchsorted(at, np.flatnonzero(a == 10)) % 2))


def _after_lines(data: bytes, count: int) -> int:
    at = 0
    for _ in range(count):
        at = data.find(b"\n", at) + 1
        if at == 0:
            return len(data) + 1
    return at


class _OneTable(TableLoader):
    """The loader for one table file. Before a reference column is resolved, the keys it
    may name are looked up in the saved tables: a value that is already a person key in
    the saved copy of the table resolves to itself; for the others, the persons whose key
    or person_id is the value or one of its other spellings. These resolve every value as
    an index of all persons would (keys come before person_ids; each is unique)."""

    def __init__(self, root: Path, schema: Schema, engine: Engine, saved: str | None) -> None:
        super().__init__(root, schema, [])
        self._engine = engine
        self._saved = saved

    def _reference(self, b: Builder, table: Table, column: Column, *, late: bool = False) -> None:
        values = b.text.get(column.name)
        if values is not None and column.type in ("person", "unit", "person_or_unit"):
            known = self._known(column.name) if column.type == "person" else pa.array([], pa.string())
            forms = _forms(values, known)
            if column.type != "unit":
                self.persons = self._persons(known, forms)
            if column.type != "person":
                where = sql_in("unit_id", forms.to_pylist()) if len(forms) <= _FEW else "true"
                self.units = _index(self._engine, f"SELECT unit_id AS k, unit_id AS f FROM units WHERE {where}")
        super()._reference(b, table, column, late=late)

    def _known(self, column: str) -> pa.Array:
        if self._saved is None or column not in _columns(self._engine, self._saved):
            return pa.array([], pa.string())
        query = f'SELECT DISTINCT "{column}" FROM {self._saved} WHERE "{column}" IS NOT NULL'
        return self._engine.arrow(query).column(0).combine_chunks().cast(pa.string())

    def _persons(self, known: pa.Array, forms: pa.Array) -> KeyIndex:
        found = pa.table({"k": pa.array([], pa.string()), "f": pa.array([], pa.string())})
        if len(forms) > _FEW:
            self._engine.register("wanted_forms", pa.table({"form": forms}))
            found = self._engine.arrow(
                """SELECT person_key AS k, person_id AS f FROM persons WHERE person_key IN
                   (SELECT form FROM wanted_forms) OR person_id IN (SELECT form FROM wanted_forms)"""
            )
        elif len(forms):  # persons are saved by key, person_ids by person_id: zone maps find the few
            found = self._engine.arrow(
                f"""SELECT person_key AS k, person_id AS f FROM persons WHERE {sql_in("person_key", forms.to_pylist())}
                    UNION ALL
                    SELECT person_key, person_id FROM person_ids WHERE {sql_in("person_id", forms.to_pylist())}"""
            )
        keys = pa.concat_arrays([known, found.column("k").combine_chunks().cast(pa.string())])
        ids = found.column("f").combine_chunks().cast(pa.string())
        return KeyIndex.of([(keys, keys), (ids, found.column("k").combine_chunks())])


_FEW = 500  # up to this many values are looked up as constants


def _forms(values: pa.Array | pa.ChunkedArray, known: pa.Array) -> pa.Array:
    """The distinct values not ``known`` and the other spellings ``KeyIndex.lookup`` tries for them."""
    unique = pc.unique(values.drop_null()).cast(pa.string())
    unique = unique.filter(pc.invert(pc.is_in(unique, value_set=known)))
    canonical = pc.fill_null(pc.match_substring_regex(unique, r"^\d{17}[\dX]$"), False)
    odd = unique.filter(pc.invert(canonical)).to_pylist()
    extra = pa.array([f for v in odd for f in alternatives(v)], pa.string())
    return pa.concat_arrays([unique, extra])


def _read(path: Path, table: Table) -> RawTable:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        book = open_workbook(path)
        try:
            named = [s for s in book.worksheets if s.title in table.spellings()]
            return read_sheet(named[0] if named else book.worksheets[0], table, path.name)
        finally:
            book.close()
    if suffix == ".parquet":
        return read_parquet(path, table, path.name)
    return read_csv(path, table, path.name)


def _index(engine: Engine, query: str) -> KeyIndex:
    t = engine.arrow(query)
    keys = t.column("k").combine_chunks()
    return KeyIndex.of([(keys, keys), (t.column("f").combine_chunks(), keys)])


def _columns(engine: Engine, table: str) -> list[str]:
    return [str(r["column_name"]) for r in engine.arrow(f"DESCRIBE {table}").to_pylist()]


def _cols(engine: Engine, table: str) -> str:
    return ", ".join(f'"{c}"' for c in _columns(engine, table))


def shape_differs(engine: Engine, stored: str, new: pa.Table) -> bool:
    return set(_columns(engine, stored)) != set(new.column_names)


def apply_core(engine: Engine, name: str, data: pa.Table, delta: Delta) -> None:
    """Replace a saved core table; the inspectors its added and removed rows name are affected."""
    new = complete(name, data)
    engine.register("new_rows", new)
    cols = _cols(engine, name)
    who = _NAMES[name]
    engine.create("changed_rows", _changed_sql(_columns(engine, name), "new_rows", name))
    engine.execute(f"INSERT INTO affected SELECT DISTINCT {who} FROM changed_rows WHERE {who} IS NOT NULL")
    _count(engine, name, delta)
    engine.create(name, f"SELECT {cols} FROM new_rows")


def _changed_sql(names: list[str], new: str, old: str) -> str:
    """Rows of ``new`` not in ``old`` ('added') and of ``old`` not in ``new`` ('removed').
    Rows are numbered (``_row``, unique in a table file), so this is ``EXCEPT ALL`` both
    ways, found by joining on the number."""
    cols = ", ".join(f'"{c}"' for c in names)
    differs = " OR ".join(f'n."{c}" IS DISTINCT FROM o."{c}"' for c in names)
    pairs = f"""(SELECT n._row AS new_row, o._row AS old_row FROM {new} n FULL JOIN {old} o ON n._row = o._row
                 WHERE n._row IS NULL OR o._row IS NULL OR {differs})"""
    return f"""SELECT 'added' AS change, {cols} FROM {new} WHERE _row IN (SELECT new_row FROM {pairs})
               UNION ALL
               SELECT 'removed', {cols} FROM {old} WHERE _row IN (SELECT old_row FROM {pairs})"""


def _count(engine: Engine, name: str, delta: Delta) -> None:
    rows = engine.arrow("SELECT change, count(*) AS n FROM changed_rows GROUP BY change").to_pylist()
    got = {r["change"]: int(r["n"]) for r in rows}
    delta.added[name] = got.get("added", 0)
    delta.removed[name] = got.get("removed", 0)


def diff_kinship(engine: Engine, data: pa.Table, delta: Delta) -> tuple[list[str], pa.Table]:
    """(sources of kinship rows that went, kin rows of rows that came)."""
    engine.register("new_rows", data)
    cols = _cols(engine, "src_kinship")
    engine.create("changed_rows", _changed_sql(_columns(engine, "src_kinship"), "new_rows", "src_kinship"))
    _count(engine, "kinship", delta)
    removed = engine.arrow("SELECT _source FROM changed_rows WHERE change = 'removed'").column(0).to_pylist()
    added = engine.arrow(f"SELECT {cols} FROM changed_rows WHERE change = 'added' ORDER BY _row")
    engine.execute(
        "DELETE FROM src_kinship WHERE _source IN (SELECT _source FROM changed_rows WHERE change = 'removed')"
    )
    engine.execute(f"INSERT INTO src_kinship SELECT {cols} FROM changed_rows WHERE change = 'added'")
    return [str(s) for s in removed], kinship_rows(added)


def append_members(engine: Engine, tail: Tail, delta: Delta) -> pa.Table | None:
    """The form rows of ``tail`` put after the saved ones (the rows that came; none went), or
    None when the saved rows do not end before the tail (the whole file is diffed then)."""
    names = _columns(engine, "src_family_members")
    last = engine.scalar("SELECT max(_row) FROM src_family_members")
    if set(names) != set(tail.data.table.column_names) or (last is not None and as_int(last) >= tail.first_row):
        return None
    added = tail.data.table.select(names)
    engine.register("new_rows", added)
    cols = ", ".join(f'"{c}"' for c in names)
    engine.execute(f"INSERT INTO src_family_members SELECT {cols} FROM new_rows")
    delta.added["family_members"], delta.removed["family_members"] = added.num_rows, 0
    return added


def diff_members(engine: Engine, data: pa.Table, delta: Delta) -> tuple[list[str], pa.Table]:
    """Form rows are linked in order (an earlier row's employer helps tell later namesakes
    apart), so every row from the first that differs on is taken out and linked again:
    (sources of form rows that went, form rows that came)."""
    engine.register("new_rows", data)
    names = _columns(engine, "src_family_members")
    cols = ", ".join(f'"{c}"' for c in names)
    differs = " OR ".join(f'n."{c}" IS DISTINCT FROM s."{c}"' for c in names)
    first = engine.scalar(  # rows are numbered: the first number whose row went, came or differs
        f"""SELECT min(coalesce(n._row, s._row)) FROM new_rows n FULL JOIN src_family_members s ON n._row = s._row
            WHERE n._row IS NULL OR s._row IS NULL OR {differs}"""
    )
    m = as_int(first) if first is not None else None
    if m is None:
        removed: list[str] = []
        added = data.schema.empty_table()
    else:
        removed = [str(s) for s in _sources(engine, f"SELECT _source FROM src_family_members WHERE _row >= {m}")]
        added = engine.arrow(f"SELECT {cols} FROM new_rows WHERE _row >= {m} ORDER BY _row")
    delta.added["family_members"], delta.removed["family_members"] = added.num_rows, len(removed)
    if m is not None:
        engine.execute(f"DELETE FROM src_family_members WHERE _row >= {m}")
        engine.execute(f"INSERT INTO src_family_members SELECT {cols} FROM new_rows WHERE _row >= {m}")
    return removed, added


def _sources(engine: Engine, query: str) -> list[object]:
    values: list[object] = engine.arrow(query).column(0).to_pylist()
    return values


@dataclass
class GraphChange:
    """The kin rows and form rows that went and came."""

    removed_sources: list[str]  # kin rows (kinship rows and form rows) that went
    removed_forms: list[str]  # form rows that went
    kin_rows: pa.Table  # kinship rows that came (kin-row shape)
    forms: pa.Table | None  # form rows that came (loaded shape)


def apply_graph(
    engine: Engine, change: GraphChange, reach: int, delta: Delta, adjacency: Adjacency | None = None
) -> None:
    """Patch kin rows, members, positions, virtual people, nodes, facts and edges; put every
    candidate within ``reach`` steps of a touched node into ``affected`` (walked over the
    saved ``adjacency`` and ``edges_since`` when given, else over ``edges``)."""
    engine.register("gone_sources", pa.table({"source": pa.array(change.removed_sources, pa.string())}))
    engine.create("touched", "SELECT NULL::INTEGER AS node_id WHERE false")
    engine.create("moved_units", "SELECT NULL::VARCHAR AS unit WHERE false")  # where positions came or went
    _remove(engine, change)
    members = _link(engine, change.forms, delta)
    kin_rows = pa.concat_tables([change.kin_rows, members.rows.cast(ROW_SCHEMA)])
    engine.register("new_kin_rows", kin_rows)
    engine.execute("INSERT INTO kin_rows SELECT * FROM new_kin_rows")
    # the few persons and nodes the new rows name stand in for the saved ones (and spare scans of them)
    people = _column_of(kin_rows, ["person", "relative"]).to_pylist()
    with _shadow(engine, "persons", "person_key", people, "person_key, gender"):
        _add_terms(engine)
        _add_nodes(engine, members.nodes)
        named = engine.arrow(
            """SELECT key FROM new_virtual_nodes UNION SELECT child FROM new_virtual_parent
               UNION SELECT parent FROM new_virtual_parent UNION SELECT a FROM new_virtual_spouse
               UNION SELECT b FROM new_virtual_spouse"""
        )
        keys = people + _column_of(members.positions, ["person"]).to_pylist() + named.column(0).to_pylist()
        keys += _column_of(members.nodes, ["key"]).to_pylist()
        with _shadow(engine, "nodes", "key", keys, "node_id, key"):
            _add_positions(engine, members.positions)
            engine.create(
                "new_facts", f"{ids_sql('new_kin_rows', 'new_virtual_parent', 'new_virtual_spouse')} SELECT * FROM ids"
            )
    engine.execute("INSERT INTO facts SELECT * FROM new_facts")
    engine.execute("INSERT INTO facts_touched SELECT * FROM new_facts")
    _rebuild_edges(engine)
    _affected_by_reach(engine, reach, adjacency)


@contextmanager
def _shadow(engine: Engine, table: str, column: str, values: list[str], columns: str) -> Iterator[None]:
    """A temporary ``table`` of the rows whose ``column`` is one of ``values`` (only ``columns``:
    a query of others fails, it is not wrong) stands in for the saved one (read only) while the block runs."""
    engine.register(f"{table}_wanted", pa.table({column: pa.array(sorted(set(values)), pa.string())}))
    engine.execute(
        f"CREATE OR REPLACE TEMP TABLE {table} AS "
        + rows_listed(f"main.{table}", column, set(values), f"{table}_wanted", columns)
    )
    try:
        yield
    finally:
        engine.execute(f"DROP TABLE temp.{table}")


def _remove(engine: Engine, change: GraphChange) -> None:
    """Take out what the rows that went made: facts, virtual people, members, positions."""
    gone = "(SELECT source FROM gone_sources)"
    if not change.removed_sources and not change.removed_forms:  # rows only came (a cadre form appended)
        engine.create("facts_touched", "SELECT * FROM facts WHERE false")
        return
    engine.create("facts_touched", f"SELECT * FROM facts WHERE source IN {gone}")
    engine.execute(f"DELETE FROM facts WHERE source IN {gone}")
    forms = pa.array(change.removed_forms, pa.string())
    engine.register("gone_forms", pa.table({"source": forms}))
    engine.execute(
        """INSERT INTO touched SELECT n.node_id FROM positions_x p JOIN nodes n ON n.key = p.person
           WHERE p._source IN (SELECT source FROM gone_forms)"""
    )
    _positions_touch(engine, "(SELECT * FROM positions_x WHERE _source IN (SELECT source FROM gone_forms))")
    engine.execute(
        "INSERT INTO moved_units SELECT unit FROM positions_x WHERE _source IN (SELECT source FROM gone_forms)"
    )
    engine.execute("DELETE FROM positions_x WHERE _source IN (SELECT source FROM gone_forms)")
    engine.execute("DELETE FROM member_nodes WHERE key IN (SELECT 'FM:' || source FROM gone_forms)")
    engine.execute(f"DELETE FROM kin_rows WHERE _source IN {gone}")
    engine.execute(f"DELETE FROM kin_groups_all WHERE source IN {gone}")
    engine.execute(
        f"""DELETE FROM nodes WHERE (origin = 'member' AND key IN (SELECT 'FM:' || source FROM gone_forms))
              OR (origin = 'virtual' AND regexp_replace(key, '^~(.*)#[0-9]+$', '\\1') IN {gone})"""
    )


@dataclass
class _Members:
    rows: pa.Table
    nodes: pa.Table
    positions: pa.Table


def _link(engine: Engine, forms: pa.Table | None, delta: Delta) -> _Members:
    """Member linking for the form rows that came, against the saved persons and positions."""
    if forms is None or forms.num_rows == 0:
        return _Members(ROW_SCHEMA.empty_table(), MEMBER_NODE_SCHEMA.empty_table(), POSITION_SCHEMA.empty_table())
    units = _units(engine, forms)
    # the linker looks persons up by ID number, cadre and name: a temporary ``persons`` of
    # just the persons those name stands in for the saved one (and spares it scans of 1M rows)
    keys, names = _column_of(forms, ["cadre", "id_number"]), _column_of(forms, ["name"])
    if len(keys) + len(names) > _FEW:
        engine.register("forms_keys", pa.table({"v": keys}))
        engine.register("forms_names", pa.table({"v": names}))
        where = "person_key IN (SELECT v FROM forms_keys) OR name IN (SELECT v FROM forms_names)"
    else:  # saved persons by key and their names by name: zone maps find the few
        named = engine.arrow(f"SELECT person_key FROM person_names WHERE {sql_in('name', names.to_pylist())}")
        where = sql_in("person_key", keys.to_pylist() + named.column(0).to_pylist())
    engine.execute(  # the columns the linker reads
        f"""CREATE OR REPLACE TEMP TABLE persons AS
            SELECT person_key, name, birth_date, gender FROM main.persons WHERE {where}"""
    )
    try:
        linker = link_rows(forms, engine, units, "positions_x", delta.member_problems)
    finally:
        engine.execute("DROP TABLE temp.persons")
    return _Members(
        pa.Table.from_pylist(linker.rows, schema=ROW_SCHEMA),
        pa.Table.from_pylist(linker.nodes, schema=MEMBER_NODE_SCHEMA),
        pa.Table.from_pylist(linker.positions, schema=POSITION_SCHEMA),
    )


def _units(engine: Engine, forms: pa.Table) -> UnitMatcher:
    """The matcher of employer texts; with no employer text on the forms, one with no units
    (it matches nothing, as the full one matches nothing in an empty text). Over the saved
    ``unit_texts``, a matcher of just the units it may look up for these texts: those whose
    name or name without county is a start of a text or of its rest, and the last unit of
    its county (whose region the matcher keeps for the county), in the units' order: it
    answers these texts as the matcher of every unit does."""
    texts = [t for t in (normalize_text(v) for v in _column_of(forms, ["employer_title"]).to_pylist()) if t]
    if not texts:
        return UnitMatcher([])
    if not engine.has_table("unit_texts"):
        return unit_matcher(engine.arrow("SELECT unit_id, name, region FROM units"))
    starts, rests, counties = set(), set(), set()
    for text in texts:
        county, rest = split_county(text)
        starts |= {text[:n] for n in range(2, min(len(text), MAX_NAME) + 1)}
        rests |= {rest[:n] for n in range(2, min(len(rest), MAX_NAME) + 1)}
        counties |= {county} if county else set()
    last = f"SELECT max(ord) FROM unit_texts WHERE {sql_in('county', counties)} GROUP BY county"
    where = " OR ".join([sql_in("text", starts), sql_in("rest", rests), f"ord IN ({last})"])
    return unit_matcher(engine.arrow(f"SELECT unit_id, name, region FROM unit_texts WHERE {where} ORDER BY ord"))


def unit_texts(units: pa.Table) -> pa.Table:
    """``unit_texts``: each unit's normalized name split as the matcher of employer texts
    splits it, in the order of ``units`` (see ``_units``)."""
    names = units.column("name").to_pylist()
    texts = [normalize_text(n) for n in names]
    split = [split_county(t) for t in texts]
    region = units.column("region") if "region" in units.column_names else pa.nulls(units.num_rows, pa.string())
    return pa.table(
        {
            "ord": pa.array(range(units.num_rows), pa.int64()),
            "unit_id": units.column("unit_id").cast(pa.string()),
            "name": pa.array(names, pa.string()),
            "region": region.cast(pa.string()),
            "text": pa.array(texts, pa.string()),
            "county": pa.array([c for c, _ in split], pa.string()),
            "rest": pa.array([r for _, r in split], pa.string()),
        }
    )


def _column_of(table: pa.Table, names: list[str]) -> pa.Array:
    """The distinct values of the named columns of ``table`` (those it has)."""
    parts = [table.column(n).cast(pa.string()).combine_chunks() for n in names if n in table.column_names]
    return pc.unique(pa.concat_arrays(parts).drop_null()) if parts else pa.array([], pa.string())


def _add_terms(engine: Engine) -> None:
    """Readings of terms not met before; the virtual people of the new complex rows."""
    pairs = engine.arrow(TERM_FIRST.format(rows="new_kin_rows") + " ORDER BY ALL").to_pylist()
    readings = read_terms(pairs, [])
    known = {(r["term"], r["ego_gender"]) for r in engine.arrow("SELECT term, ego_gender FROM term_map").to_pylist()}
    fresh = {k: v for k, v in readings.items() if k not in known}
    if fresh:
        engine.register("fresh_terms", term_map_table(fresh))
        engine.execute("INSERT INTO term_map SELECT * FROM fresh_terms")
    first = as_int(engine.scalar("SELECT coalesce(max(grp), -1) + 1 FROM kin_groups_all"))
    virtual = expand_complex(engine, readings, rows_table="new_kin_rows", first_grp=first)
    register_virtual(engine, virtual, prefix="new_")
    engine.execute("INSERT INTO kin_groups_all SELECT * FROM new_kin_groups")


def _add_nodes(engine: Engine, members: pa.Table) -> None:
    engine.register("new_member_nodes", members)
    engine.execute("INSERT INTO member_nodes SELECT * FROM new_member_nodes")
    engine.execute(
        """INSERT INTO nodes
           SELECT ((SELECT coalesce(max(node_id), -1) FROM nodes) + row_number() OVER (ORDER BY o, key))::INTEGER,
                  key, name, gender, NULL::DATE, NULL::DATE, undated, origin
           FROM (SELECT key, name, gender, deceased AS undated, 'member' AS origin, 1 AS o FROM new_member_nodes
                 UNION ALL
                 SELECT key, NULL, gender, false, 'virtual', 2 FROM new_virtual_nodes)"""
    )


def _add_positions(engine: Engine, positions: pa.Table) -> None:
    engine.register("new_positions", positions)
    engine.execute("INSERT INTO positions_x SELECT * FROM new_positions")
    engine.execute("INSERT INTO moved_units SELECT unit FROM new_positions")
    engine.execute("INSERT INTO touched SELECT n.node_id FROM new_positions p JOIN nodes n ON n.key = p.person")
    _positions_touch(engine, "new_positions")


def _positions_touch(engine: Engine, rows: str) -> None:
    """A position that came or went changes who works with whom (inspectors at the same
    unit) and what a declared person's units are (inspectors who declared the person)."""
    engine.execute(
        f"""INSERT INTO affected
            SELECT p.person FROM positions_x p JOIN {rows} r ON r.unit = p.unit
            WHERE p.person IN (SELECT person FROM inspectors)
            UNION SELECT d.inspector FROM declarations d JOIN {rows} r ON r.person = d.counterpart"""
    )


_PAIR = """CASE WHEN step = 's' AND s_id > d_id THEN d_id ELSE s_id END AS a_id,
           CASE WHEN step = 's' AND s_id > d_id THEN s_id ELSE d_id END AS b_id, step"""


def _rebuild_edges(engine: Engine) -> None:
    """Edges of every pair whose facts changed are made again from all their facts; a pair
    that had an edge keeps its id, a new pair gets a fresh one."""
    engine.create("pairs_touched", f"SELECT DISTINCT {_PAIR} FROM facts_touched")
    engine.execute("INSERT INTO touched SELECT a_id FROM pairs_touched UNION SELECT b_id FROM pairs_touched")
    ids = engine.arrow("SELECT a_id FROM pairs_touched UNION SELECT b_id FROM pairs_touched").column(0).to_pylist()
    both = list(ids)
    # both ends of a touched pair are in ``ids``: constant lists let zone maps (edges by src, facts by s_id) skip
    engine.create(
        "old_k",
        f"""SELECT e.src AS a_id, e.dst AS b_id, e.step, e.edge_id // 2 AS k FROM ({rows_in("edges", "src", ids)}) e
           JOIN pairs_touched p ON e.src = p.a_id AND e.dst = p.b_id AND e.step = p.step
           WHERE e.edge_id % 2 = 0""",
    )
    base = as_int(engine.scalar("SELECT coalesce(max(edge_id), 0) // 2 + 1 FROM edges"))
    # what edge ids now stand for other edges: those of the touched pairs, and any from ``base`` on
    engine.create("edges_renumbered", f"SELECT k, {base}::BIGINT AS base FROM old_k UNION ALL SELECT NULL, {base}")
    engine.execute(f"DELETE FROM edges WHERE {sql_in('src', ids)} AND edge_id // 2 IN (SELECT k FROM old_k)")
    k = (
        "coalesce((SELECT o.k FROM old_k o WHERE o.a_id = c.a_id AND o.b_id = c.b_id AND o.step = c.step), "
        f"{base} + row_number() OVER (ORDER BY c.a_id, c.b_id, c.step))"
    )
    ids = f"""WITH ids AS (SELECT f.* FROM ({rows_in("facts", "s_id", ids)}) f
                 SEMI JOIN pairs_touched p ON p.a_id = (CASE WHEN f.step = 's' AND f.s_id > f.d_id THEN f.d_id
                                                          ELSE f.s_id END)
                   AND p.b_id = (CASE WHEN f.step = 's' AND f.s_id > f.d_id THEN f.s_id ELSE f.d_id END)
                   AND p.step = f.step)"""
    # the nodes of the touched pairs stand in for ``nodes`` (and spare a scan of all of them)
    engine.execute(f"CREATE OR REPLACE TEMP TABLE nodes AS {rows_in('main.nodes', 'node_id', both)}")
    try:
        engine.execute(f"CREATE OR REPLACE TEMP TABLE edges_new AS {ids}{CANON.format(k=k)}{EDGE_ROWS}")
    finally:
        engine.execute("DROP TABLE temp.nodes")
    engine.execute("INSERT INTO edges SELECT * FROM edges_new")
    if engine.has_table("edges_since"):  # the edges added since the saved adjacency
        engine.execute("INSERT INTO edges_since SELECT src, dst FROM edges_new")


def _affected_by_reach(engine: Engine, reach: int, adjacency: Adjacency | None) -> None:
    """Every candidate within ``reach`` steps (any edges) of a touched node (kin ties are
    found for candidates alone: the records of the other inspectors do not follow the graph).
    ``cands_all`` holds every candidate whose row did not change (those that did are affected)."""
    touched = {int(v) for v in engine.arrow("SELECT DISTINCT node_id FROM touched WHERE node_id IS NOT NULL").column(0)}
    if adjacency is not None and engine.has_table("edges_since"):
        seen = adjacency.within(touched, reach, edges_since(engine))
    else:
        seen = _walk(engine, touched, reach)
    engine.register("seen_nodes", pa.table({"node_id": pa.array(sorted(seen), pa.int32())}))
    engine.execute("INSERT INTO affected SELECT DISTINCT person FROM cands_all SEMI JOIN seen_nodes USING (node_id)")


def edges_since(engine: Engine) -> dict[int, set[int]]:
    """The edges added since the saved adjacency, by ``src``."""
    since = engine.arrow("SELECT src, dst FROM edges_since").to_pydict()
    more: dict[int, set[int]] = {}
    for a, b in zip(since["src"], since["dst"], strict=True):
        more.setdefault(int(a), set()).add(int(b))
    return more


def _walk(engine: Engine, start: set[int], reach: int) -> set[int]:
    """The nodes within ``reach`` steps of ``start`` over ``edges``."""
    seen, frontier = set(start), set(start)
    for _ in range(reach):
        if not frontier:
            break
        # joined, not listed: only ``src`` and ``dst`` are read, and a join reads them from fewer rows
        engine.register("frontier", pa.table({"node_id": pa.array(sorted(frontier), pa.int32())}))
        found = engine.arrow("SELECT DISTINCT e.dst FROM edges e SEMI JOIN frontier f ON e.src = f.node_id").column(0)
        frontier = {int(v) for v in found.to_pylist()} - seen
        seen |= frontier
    return seen
