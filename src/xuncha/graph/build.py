"""Build the relationship graph of a bundle inside an engine.

Tables made in the engine (all keyed by integer node ids for speed):

- ``nodes(node_id, key, name, gender, birth_date, death_date, origin)``: every person,
  every cadre-form member who could not be linked to a person, and the virtual
  people a kinship term implies (表弟 names a cousin through a parent and an aunt we
  may not know).
- ``edges(edge_id, src, dst, step, kind, grp, start_date, end_date, ends, sources)``:
  base steps ``u`` (to a parent), ``d`` (to a child), ``s`` (to a spouse). Every edge
  comes with its reverse (ids ``2k`` and ``2k+1``) and keeps the ``file:row`` it rests
  on; ``ends`` is when a marriage ended (divorce or a spouse's death).
  Edges of a chain expanded from one term share ``grp``.
- ``kin_groups(grp, term, chain, source)``: the original term behind virtual edges.
- ``positions_x``: positions plus the employers named on cadre forms.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pyarrow as pa

from xuncha import progress
from xuncha.bundle.model import Bundle
from xuncha.bundle.problems import Problem
from xuncha.engine.base import Engine
from xuncha.graph.chains import base_steps
from xuncha.graph.complete import complete
from xuncha.graph.members import ROW_SCHEMA, link_members
from xuncha.graph.terms import Reading, resolve_term

KIN_ROW_SCHEMA = ROW_SCHEMA  # cadre-form rows and kinship rows share one shape


@dataclass
class GraphBuild:
    """What building the graph produced, besides the engine tables."""

    problems: list[Problem] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)
    readings: dict[tuple[str, str | None], Reading | None] = field(default_factory=dict)


@dataclass
class _Virtual:
    """Virtual nodes and the edges of expanded chains, built in Python."""

    nodes: list[dict[str, Any]] = field(default_factory=list)
    parent: list[dict[str, Any]] = field(default_factory=list)
    spouse: list[dict[str, Any]] = field(default_factory=list)
    groups: list[dict[str, Any]] = field(default_factory=list)


def build_graph(bundle: Bundle, engine: Engine) -> GraphBuild:
    """Register the bundle's tables in ``engine`` and build nodes and edges."""
    out = GraphBuild()
    with progress.step("关联干部表家庭成员", "linking cadre-form members"):
        _register_core(bundle, engine)
        members = link_members(bundle, engine, out.problems)
        engine.register("kin_rows", _kin_rows(bundle, members.rows))
        engine.register("member_nodes", members.nodes)
        engine.register("positions_x", members.positions)
    with progress.step("识别亲属称谓", "reading kinship terms"):
        out.readings = _resolve_terms(engine, out.problems)
        engine.register("term_map", term_map_table(out.readings))
        virtual = expand_complex(engine, out.readings)
        register_virtual(engine, virtual)
    with progress.step("生成关系图", "building the graph"):
        _make_nodes(engine)
        _make_edges(engine)
        out.stats = _stats(engine)
    out.stats["members_linked"] = members.linked
    out.stats["members_new"] = members.new
    return out


CORE_TABLES = (
    "persons",
    "units",
    "positions",
    "education",
    "inspectors",
    "rounds",
    "round_targets",
    "declarations",
    "objections",
    "history",
)


def _register_core(bundle: Bundle, engine: Engine) -> None:
    """Every core table, with all declared columns; an absent optional table is empty."""
    for name in CORE_TABLES:
        table = bundle.table(name) if bundle.has(name) else pa.table({})
        engine.register(name, complete(name, table))


def _column(table: pa.Table, name: str, typ: pa.DataType) -> pa.Array:
    if name in table.column_names:
        return table.column(name).cast(typ)
    return pa.nulls(table.num_rows, typ)


def _kin_rows(bundle: Bundle, member_rows: pa.Table) -> pa.Table:
    parts = [member_rows.cast(KIN_ROW_SCHEMA)]
    if bundle.has("kinship"):
        parts.insert(0, kinship_rows(bundle.table("kinship")))
    return pa.concat_tables(parts)


def kinship_rows(t: pa.Table) -> pa.Table:
    """A loaded ``kinship`` table in the shape of kin rows."""
    return pa.table({f.name: _column(t, f.name, f.type) for f in KIN_ROW_SCHEMA}, schema=KIN_ROW_SCHEMA)


TERM_FIRST = """SELECT k.relation AS term, p.gender AS ego_gender, min(k._source) AS first
           FROM {rows} k LEFT JOIN persons p ON p.person_key = k.person
           WHERE k.relation IS NOT NULL GROUP BY ALL"""


def _resolve_terms(engine: Engine, problems: list[Problem]) -> dict[tuple[str, str | None], Reading | None]:
    pairs = engine.arrow(f"{TERM_FIRST.format(rows='kin_rows')} ORDER BY ALL").to_pylist()
    return read_terms(pairs, problems)


def read_terms(pairs: list[dict[str, Any]], problems: list[Problem]) -> dict[tuple[str, str | None], Reading | None]:
    """The reading of each (term, ego_gender, first source) row, in order; a problem per
    unknown or ambiguous term."""
    readings: dict[tuple[str, str | None], Reading | None] = {}
    for row in pairs:
        key = (row["term"], row["ego_gender"])
        reading = resolve_term(row["term"], row["ego_gender"])
        readings[key] = reading
        _term_problem(reading, row, problems)
    return readings


def _term_problem(reading: Reading | None, row: dict[str, Any], problems: list[Problem]) -> None:
    file, _, line = str(row["first"]).rpartition(":")
    if reading is None:
        problems.append(
            Problem(
                file=file,
                row=int(line) if line.isdigit() else None,
                column="relation",
                value=row["term"],
                reason_zh="无法识别的亲属称谓，相关行未用于关系图（同一称谓的其他行同此）",
                reason_en="unknown kinship term; rows with it are not used in the graph",
                level="error",
            )
        )
    elif reading.ambiguous:
        problems.append(
            Problem(
                file=file,
                row=int(line) if line.isdigit() else None,
                column="relation",
                value=row["term"],
                reason_zh=f"称谓有多种理解（{' / '.join(reading.readings)}），按最严格的"
                f"「{','.join(reading.chain)}」处理",
                reason_en=f"ambiguous term ({' / '.join(reading.readings)}); the strictest "
                f"reading {','.join(reading.chain)} is used",
                level="warning",
            )
        )


def term_map_table(readings: dict[tuple[str, str | None], Reading | None]) -> pa.Table:
    rows = [
        {
            "term": term,
            "ego_gender": gender,
            "simple": r.simple if r else None,
            "rel_gender": base_steps(r.chain)[-1][1] if r else None,
            "term_kind": r.kind if r else None,
            "known": r is not None,
        }
        for (term, gender), r in readings.items()
    ]
    schema = pa.schema(
        [
            ("term", pa.string()),
            ("ego_gender", pa.string()),
            ("simple", pa.string()),
            ("rel_gender", pa.string()),
            ("term_kind", pa.string()),
            ("known", pa.bool_()),
        ]
    )
    return pa.Table.from_pylist(rows, schema=schema)


_ROWS_WITH_TERMS = """
    SELECT k.*, t.simple, t.term_kind, p.gender AS ego_gender
    FROM {rows} k
    LEFT JOIN persons p ON p.person_key = k.person
    JOIN term_map t ON t.term = k.relation AND t.ego_gender IS NOT DISTINCT FROM p.gender
    WHERE t.known AND k.person <> k.relative
"""


def expand_complex(
    engine: Engine,
    readings: dict[tuple[str, str | None], Reading | None],
    *,
    rows_table: str = "kin_rows",
    first_grp: int = 0,
) -> _Virtual:
    """Chains of more than one base step become virtual intermediate people; their groups
    are numbered from ``first_grp`` in the order of the rows' sources."""
    query = f"SELECT * FROM ({_ROWS_WITH_TERMS.format(rows=rows_table)}) WHERE simple IS NULL ORDER BY _source"
    rows = engine.arrow(query).to_pylist()
    virtual = _Virtual()
    for grp, row in enumerate(rows, start=first_grp):
        reading = readings[(row["relation"], row["ego_gender"])]
        assert reading is not None
        _expand_one(virtual, grp, row, reading)
    return virtual


def _expand_one(virtual: _Virtual, grp: int, row: dict[str, Any], reading: Reading) -> None:
    steps = base_steps(reading.chain)
    kind = row["kind"] or reading.kind
    virtual.groups.append(
        {
            "grp": grp,
            "term": row["relation"],
            "chain": ",".join(reading.chain),
            "source": row["_source"],
            "person": row["person"],
        }
    )
    current = row["person"]
    for i, (step, gender) in enumerate(steps):
        last = i == len(steps) - 1
        nxt = row["relative"] if last else f"~{row['_source']}#{i}"
        if not last:
            virtual.nodes.append({"key": nxt, "gender": gender})
        fact = {"grp": grp, "source": row["_source"], "kind": kind if last else None}
        if step == "u":
            virtual.parent.append({"child": current, "parent": nxt, **fact})
        elif step == "d":
            virtual.parent.append({"child": nxt, "parent": current, **fact})
        else:
            dates = {"start_date": row["start_date"], "end_date": row["end_date"]} if last else {}
            virtual.spouse.append({"a": current, "b": nxt, **fact, **dates})
        current = nxt


def register_virtual(engine: Engine, v: _Virtual, prefix: str = "") -> None:
    """Register ``virtual_nodes``, ``virtual_parent``, ``virtual_spouse`` and ``kin_groups``
    (each name after ``prefix``)."""
    engine.register(
        f"{prefix}virtual_nodes",
        pa.Table.from_pylist(v.nodes, schema=pa.schema([("key", pa.string()), ("gender", pa.string())])),
    )
    fact = [("grp", pa.int64()), ("source", pa.string()), ("kind", pa.string())]
    engine.register(
        f"{prefix}virtual_parent",
        pa.Table.from_pylist(v.parent, schema=pa.schema([("child", pa.string()), ("parent", pa.string()), *fact])),
    )
    engine.register(
        f"{prefix}virtual_spouse",
        pa.Table.from_pylist(
            [{"start_date": None, "end_date": None, **s} for s in v.spouse],
            schema=pa.schema(
                [("a", pa.string()), ("b", pa.string()), *fact, ("start_date", pa.date32()), ("end_date", pa.date32())]
            ),
        ),
    )
    engine.register(
        f"{prefix}kin_groups",
        pa.Table.from_pylist(
            v.groups,
            schema=pa.schema([("grp", pa.int64())] + [(n, pa.string()) for n in ("term", "chain", "source", "person")]),
        ),
    )


def _make_nodes(engine: Engine) -> None:
    engine.create(
        "nodes",
        """
        WITH all_nodes AS (
          SELECT person_key AS key, name, gender, birth_date, death_date, false AS undated,
                 'person' AS origin, 0 AS o
          FROM persons
          UNION ALL
          SELECT key, name, gender, NULL::DATE, NULL::DATE, deceased, 'member', 1 FROM member_nodes
          UNION ALL
          SELECT key, NULL, gender, NULL::DATE, NULL::DATE, false, 'virtual', 2 FROM virtual_nodes
        )
        SELECT (row_number() OVER (ORDER BY o, key) - 1)::INTEGER AS node_id,
               key, name, gender, birth_date, death_date, undated AS deceased_undated, origin
        FROM all_nodes
        """,
    )


_IDS = """
WITH rows AS ({rows_with_terms}),
parent_facts AS (
  SELECT person AS child, relative AS parent, coalesce(kind, term_kind) AS kind,
         NULL::BIGINT AS grp, _source AS source
  FROM rows WHERE simple = 'parent'
  UNION ALL
  SELECT relative, person, coalesce(kind, term_kind), NULL::BIGINT, _source
  FROM rows WHERE simple = 'child'
  UNION ALL
  SELECT child, parent, kind, grp, source FROM {virtual_parent}
),
spouse_facts AS (
  SELECT person AS a, relative AS b, NULL::BIGINT AS grp, _source AS source, start_date, end_date
  FROM rows WHERE simple = 'spouse'
  UNION ALL
  SELECT a, b, grp, source, start_date, end_date FROM {virtual_spouse}
),
directed AS (
  SELECT child AS src, parent AS dst, 'u' AS step, kind, grp, source,
         NULL::DATE AS start_date, NULL::DATE AS end_date FROM parent_facts
  UNION ALL
  SELECT a, b, 's', NULL, grp, source, start_date, end_date FROM spouse_facts
),
ids AS (
  SELECT a.node_id AS s_id, b.node_id AS d_id, d.step, d.kind, d.grp, d.source,
         d.start_date, d.end_date
  FROM directed d JOIN nodes a ON a.key = d.src JOIN nodes b ON b.key = d.dst
)"""


def ids_sql(
    rows: str = "kin_rows", virtual_parent: str = "virtual_parent", virtual_spouse: str = "virtual_spouse"
) -> str:
    """A ``WITH`` clause ending in ``ids``: every directed kin fact of ``rows`` and the
    virtual facts, as node ids (``s_id``, ``d_id``, ``step``, ``kind``, ``grp``, ``source``, dates)."""
    return _IDS.format(
        rows_with_terms=_ROWS_WITH_TERMS.format(rows=rows),
        virtual_parent=virtual_parent,
        virtual_spouse=virtual_spouse,
    )


CANON_GROUP = """,
canon AS (  -- one undirected fact per pair and step, with all its sources
  SELECT
    CASE WHEN step = 's' AND s_id > d_id THEN d_id ELSE s_id END AS a_id,
    CASE WHEN step = 's' AND s_id > d_id THEN s_id ELSE d_id END AS b_id,
    step, max(kind) AS kind, min(grp) AS grp,
    list(DISTINCT source) AS sources,
    min(start_date) AS start_date,
    CASE WHEN bool_or(end_date IS NULL) THEN NULL ELSE max(end_date) END AS end_date
  FROM ids GROUP BY 1, 2, 3
)"""

NUMBERED = """,
numbered AS (  -- edge ids from the pair itself: unique, stable, no global sort
  SELECT c.* REPLACE (list_sort(c.sources) AS sources),
         {k} AS k,
         CASE WHEN c.step = 's' THEN least(
           c.end_date, na.death_date, nb.death_date,
           CASE WHEN na.deceased_undated OR nb.deceased_undated THEN DATE '0001-01-01' END)
         END AS ends
  FROM canon c JOIN nodes na ON na.node_id = c.a_id JOIN nodes nb ON nb.node_id = c.b_id
)
"""


CANON = CANON_GROUP + NUMBERED

PAIR_K = "(c.a_id::BIGINT * (SELECT count(*) FROM nodes) + c.b_id) * 2 + (c.step = 's')::BIGINT"

EDGE_ROWS = """
SELECT (2 * k)::BIGINT AS edge_id, a_id AS src, b_id AS dst, step, kind, grp,
       start_date, end_date, ends, sources FROM numbered
UNION ALL
SELECT (2 * k + 1)::BIGINT, b_id, a_id, CASE step WHEN 'u' THEN 'd' ELSE step END,
       kind, grp, start_date, end_date, ends, sources FROM numbered
"""


def _make_edges(engine: Engine) -> None:
    """``facts`` (every directed fact as node ids), then ``edge_pairs`` (one per pair and step),
    then ``edges``: three statements, not one, so that each can spill under a memory limit
    (as one statement it ran out of memory at 5M persons with a 4 GB limit)."""
    engine.create("facts", ids_sql() + " SELECT * FROM ids")
    engine.create("edge_pairs", "WITH ids AS (SELECT DISTINCT * FROM facts)" + CANON_GROUP + " SELECT * FROM canon")
    engine.create("edges", "WITH canon AS (SELECT * FROM edge_pairs)" + NUMBERED.format(k=PAIR_K) + EDGE_ROWS)
    engine.execute("DROP TABLE IF EXISTS edge_pairs")


def _stats(engine: Engine) -> dict[str, int]:
    row = engine.arrow(
        """SELECT (SELECT count(*) FROM nodes) AS nodes,
                  (SELECT count(*) FROM nodes WHERE origin = 'virtual') AS virtual_nodes,
                  (SELECT count(*) FROM edges) AS edges"""
    ).to_pylist()[0]
    return {k: int(v) for k, v in row.items()}


def in_force(alias: str, on: date) -> str:
    """SQL predicate: edge ``alias`` holds on a date. A marriage that ended, or whose
    spouse died (or is marked 已故 on a cadre form), is gone; other edges always hold."""
    return f"({alias}.ends IS NULL OR {alias}.ends > DATE '{on.isoformat()}')"


def keys_of(values: Iterable[str]) -> list[str]:
    return sorted(set(values))
