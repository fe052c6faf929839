"""Three-stage recusal screening of one round (三次回避).

Stage 1 screens inspectors who may serve as 组长 or 副组长 (at planning), stage 2 every
other available inspector (at secondment), stage 3 turns declarations and objections
into records. One record per (inspector, target, counterpart, category), the
strongest rule first and then the shortest path.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from xuncha import progress
from xuncha.bundle.model import Bundle
from xuncha.bundle.problems import Problem
from xuncha.engine.base import Engine, Params, as_int, open_engine
from xuncha.graph.build import GraphBuild, build_graph
from xuncha.policy.model import Policy, Rule
from xuncha.screening import rules as sql
from xuncha.screening.context import (
    RoundInfo,
    home_region_matches,
    region_matches,
    round_info,
    rows_in,
    rows_listed,
    setup_round,
)
from xuncha.screening.kin import derive_kin_ties
from xuncha.screening.paths import PathRenderer

RECORD_KEYS = (
    "round",
    "stage",
    "inspector",
    "inspector_name",
    "target",
    "target_name",
    "counterpart",
    "counterpart_name",
    "counterpart_role",
    "category",
    "kin_term",
    "path",
    "rule",
    "basis",
    "severity",
    "sources",
)


ORDER = "inspector, target, counterpart, category"


@dataclass
class ScreenResult:
    """The conflicts of one round, held in the engine as table ``conflicts``.

    Large rounds never leave the engine whole: outputs are written by the engine and
    reports read what they need. Close the result (or use it in ``with``) when done."""

    round: RoundInfo
    engine: Engine
    problems: list[Problem] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)

    def query(self, sql_text: str, params: Params = None) -> pa.Table:
        return self.engine.arrow(sql_text, params)

    @property
    def count(self) -> int:
        return as_int(self.engine.scalar("SELECT count(*) FROM conflicts"))

    @property
    def table(self) -> pa.Table:
        """Every conflict, in the contract's column order and sorted by its key."""
        return self.query(f"SELECT {', '.join(RECORD_KEYS)} FROM conflicts ORDER BY {ORDER}")

    @property
    def records(self) -> list[dict[str, Any]]:
        """The conflicts as dicts (for small rounds, tests and team formation)."""
        rows: list[dict[str, Any]] = self.table.to_pylist()
        return rows

    def close(self) -> None:
        self.engine.close()

    def __enter__(self) -> ScreenResult:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def screen(
    bundle: Bundle,
    round_id: str,
    policy: Policy,
    *,
    stages: Iterable[int] = (1, 2, 3),
    engine: Engine | None = None,
) -> ScreenResult:
    """Screen ``round_id`` of ``bundle`` under ``policy``. The result owns the engine."""
    info = round_info(bundle, round_id)
    eng = engine or open_engine()
    try:
        graph = build_graph(bundle, eng)
        return _screen(eng, info, policy, set(stages), graph)
    except BaseException:
        eng.close()
        raise


COUNTERPARTS = """SELECT DISTINCT n.node_id FROM nodes n WHERE n.key IN
                  (SELECT person FROM key_persons UNION SELECT person FROM employees)"""


def _screen(engine: Engine, info: RoundInfo, policy: Policy, stages: set[int], graph: GraphBuild) -> ScreenResult:
    with progress.step("确定巡察对象、关键人员和审查人员", "targets, key persons and inspectors"):
        setup_round(engine, info, policy)
    with progress.step("推导亲属关系", "deriving kin ties"):
        derive_kin_ties(
            engine,
            inspectors="SELECT DISTINCT node_id FROM cands",
            counterparts=COUNTERPARTS,
            on=info.start_date,
            reach=policy.kin_reach,
        )
    with progress.step("套用回避规则", "applying the recusal rules"):
        screen_rules(engine, info, policy, stages)
    stats = dict(graph.stats)
    stats.update(counts(engine))
    return ScreenResult(info, engine, graph.problems, stats)


def screen_rules(
    engine: Engine,
    info: RoundInfo,
    policy: Policy,
    stages: set[int],
    *,
    into: str = "conflicts",
    only: str | None = None,
    narrow: bool = False,
) -> None:
    """Every rule over the round's tables and ``kin_ties``: table ``into`` holds the records.
    ``only`` (a query returning ``person``) keeps the hits of those inspectors alone;
    ``narrow``: the records are few, so names are looked up by constant keys, and the
    tables ``place_checked`` and ``kin_rendered`` hold decisions of earlier runs to reuse."""
    if any(r.kind == "region_native" for r in policy.rules):
        region_matches(engine, saved=narrow)
    if any(r.kind == "region_home" and info.mode in r.modes for r in policy.rules):
        home_region_matches(engine)
    pair_rules = [r for r in policy.rules if r.kind not in REGION_KINDS]
    region_rules = [r for r in policy.rules if r.kind in REGION_KINDS]
    _create_hits(engine, "hits", [q for r in pair_rules if (q := _rule_sql(r, info, policy))], info, only)
    _create_hits(engine, "region_hits", [q for r in region_rules if (q := _rule_sql(r, info, policy))], info, only)
    engine.create("best", _best_sql(stages))
    _render_kin(engine, saved=narrow)
    engine.register("rule_bases", _bases(policy))
    nodes = "nodes"
    if narrow:  # names of the few keys on the records, found by zone maps (nodes are stored by key)
        keys = engine.arrow("SELECT inspector FROM best UNION SELECT counterpart FROM best").column(0)
        nodes = f"({_names_of(engine, keys.to_pylist())})"
    engine.create(into, _CONFLICTS.format(nodes=nodes), [info.round_id])


REGION_KINDS = ("region_native", "region_home")


def _names_of(engine: Engine, keys: list[str]) -> str:
    """The query of (key, name) of the nodes with these keys: from ``known_names`` (the persons and units
    a saved state has met on records) where it has them, the rest looked up by key ranges."""
    if not engine.has_table("known_names"):
        return rows_in("nodes", "key", keys)
    engine.register("wanted_keys", pa.table({"key": pa.array(keys, pa.string())}))
    known = engine.arrow("SELECT key FROM known_names SEMI JOIN wanted_keys USING (key)").column(0).to_pylist()
    missing = sorted(set(keys) - set(known))
    # looked up here, once: as constants in the records' query they were planned twice, at length
    engine.register("missing_keys", pa.table({"key": pa.array(missing, pa.string())}))
    engine.register("missing_names", engine.arrow(rows_listed("nodes", "key", missing, "missing_keys", "key, name")))
    return """SELECT key, name FROM known_names SEMI JOIN wanted_keys USING (key)
              UNION ALL SELECT key, name FROM missing_names"""


def _create_hits(engine: Engine, name: str, queries: list[str], info: RoundInfo, only: str | None) -> None:
    union = " UNION ALL ".join(f"({q})" for q in queries) if queries else _EMPTY_HITS
    if only is not None:
        union = f"SELECT * FROM ({union}) WHERE inspector IN ({only})"
    engine.create(name, union, {"round": info.round_id} if "$round" in union else None)


_EMPTY_HITS = """SELECT NULL::VARCHAR AS inspector, NULL::VARCHAR AS target,
  NULL::VARCHAR AS counterpart, NULL::VARCHAR AS counterpart_role, NULL::VARCHAR AS category,
  NULL::VARCHAR AS rule_id, NULL::VARCHAR AS severity, NULL::INTEGER AS stage,
  NULL::STRUCT("from" VARCHAR, relation VARCHAR, "to" VARCHAR)[] AS steps,
  NULL::VARCHAR[] AS sources, NULL::BIGINT[] AS edges, NULL::INTEGER AS length WHERE false"""

_SEVERITY_RANK = "CASE severity WHEN 'must' THEN 3 WHEN 'should' THEN 2 ELSE 1 END"

_PAIR_KEY = (  # strongest severity, shortest path, then a stable order over the rest
    f"-({_SEVERITY_RANK})",
    "length",
    "rule_id",
    "edges",
    "steps[1].relation",
    'steps[1]."to"',
    "steps[-1].relation",
    "sources[1]",
    "steps",
    "sources",
)


def _best_sql(stages: set[int]) -> str:
    """One hit per (inspector, target, counterpart, category), the first by ``_PAIR_KEY``
    (NULLs last): written with a window so that every engine runs the same query."""
    wanted = ", ".join(str(int(s)) for s in sorted(stages)) or "NULL"
    order = ", ".join(f"{k} NULLS LAST" for k in _PAIR_KEY)
    parts = []
    for table in ("hits", "region_hits"):
        parts.append(
            f"""SELECT * EXCLUDE (rn) FROM (
                  SELECT *, row_number() OVER (PARTITION BY inspector, target, counterpart, category
                                               ORDER BY {order}) AS rn
                  FROM {table} WHERE stage IN ({wanted})) WHERE rn = 1"""
        )
    return " UNION ALL ".join(parts)


_CONFLICTS = """
SELECT ?::VARCHAR AS round, b.stage::INTEGER AS stage, b.inspector, ni.name AS inspector_name,
       b.target, ut.name AS target_name, b.counterpart,
       coalesce(nc.name, uc.name) AS counterpart_name, b.counterpart_role, b.category,
       k.kin_term, coalesce(k.path, b.steps) AS path, b.rule_id AS rule, r.basis, b.severity,
       coalesce(k.sources, list_filter(b.sources, lambda x, i: x IS NOT NULL
                                       AND list_position(b.sources, x) = i)) AS sources
FROM best b
LEFT JOIN kin_paths k ON k.inspector = b.inspector AND k.counterpart = b.counterpart
                     AND k.category = b.category AND k.edges = b.edges
LEFT JOIN {nodes} ni ON ni.key = b.inspector
LEFT JOIN units ut ON ut.unit_id = b.target
LEFT JOIN {nodes} nc ON nc.key = b.counterpart
LEFT JOIN units uc ON uc.unit_id = b.counterpart
LEFT JOIN rule_bases r ON r.rule_id = b.rule_id
"""

_STEP = pa.struct([("from", pa.string()), ("relation", pa.string()), ("to", pa.string())])
_KIN_PATHS = pa.schema(
    [
        ("inspector", pa.string()),
        ("counterpart", pa.string()),
        ("category", pa.string()),
        ("edges", pa.list_(pa.int64())),
        ("path", pa.list_(_STEP)),
        ("kin_term", pa.string()),
        ("sources", pa.list_(pa.string())),
    ]
)


def _render_kin(engine: Engine, saved: bool = False) -> None:
    """Kin ties are few: their paths and terms are rendered in Python. ``kin_rendered`` keeps
    each rendering by (edges, the hit's sources); ``saved``: it is a table of earlier
    renderings over the same graph, reused and added to."""
    rows = engine.arrow(
        """SELECT DISTINCT inspector, counterpart, category, edges, sources FROM best
           WHERE edges IS NOT NULL AND len(edges) > 0"""
    ).to_pylist()
    known: dict[tuple[tuple[int, ...], tuple[str, ...]], dict[str, Any]] = {}
    if saved:
        known = {_render_key(r["edges"], r["given"]): r for r in engine.arrow("SELECT * FROM kin_rendered").to_pylist()}
    missing = [r for r in rows if _render_key(r["edges"], r["sources"]) not in known]
    fresh = _rendered(engine, missing)
    known.update({_render_key(r["edges"], r["given"]): r for r in fresh})
    if saved:
        engine.register("kin_rendered_new", pa.Table.from_pylist(fresh, schema=_RENDERED))
        engine.execute("INSERT INTO kin_rendered SELECT * FROM kin_rendered_new")
    else:
        engine.register("kin_rendered", pa.Table.from_pylist(fresh, schema=_RENDERED))
    out = [
        {"inspector": r["inspector"], "counterpart": r["counterpart"], "category": r["category"], "edges": r["edges"]}
        | {k: known[_render_key(r["edges"], r["sources"])][k] for k in ("path", "kin_term", "sources")}
        for r in rows
    ]
    engine.register("kin_paths", pa.Table.from_pylist(out, schema=_KIN_PATHS))


def _render_key(edges: list[int], given: list[str] | None) -> tuple[tuple[int, ...], tuple[str, ...]]:
    return tuple(edges), tuple(given or ())


_RENDERED = pa.schema(
    [
        ("edges", pa.list_(pa.int64())),
        ("given", pa.list_(pa.string())),
        ("path", pa.list_(_STEP)),
        ("kin_term", pa.string()),
        ("sources", pa.list_(pa.string())),
    ]
)


def _rendered(engine: Engine, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The path, term and sources of each distinct (edges, sources) of ``rows``."""
    distinct = {_render_key(r["edges"], r["sources"]): r for r in rows}
    if not distinct:
        return []
    renderer = PathRenderer(engine, {e for r in rows for e in r["edges"]})
    return [
        {
            "edges": r["edges"],
            "given": r["sources"],
            "path": renderer.steps(r["edges"]),
            "kin_term": renderer.kin_term(r["edges"]),
            "sources": list(dict.fromkeys(s for s in renderer.sources(r["edges"]) + list(r["sources"] or []) if s)),
        }
        for r in distinct.values()
    ]


def _bases(policy: Policy) -> pa.Table:
    return pa.table(
        {
            "rule_id": [r.id for r in policy.rules],
            "basis": [policy.basis_text(r) for r in policy.rules],
        }
    )


def _rule_sql(rule: Rule, info: RoundInfo, policy: Policy) -> str | None:
    on = info.start_date
    keys = "(SELECT list(role) FROM key_roles)"
    match rule.kind:
        case "kin":
            return sql.kin_sql(rule)
        case "work_recent":
            return sql.work_recent_sql(rule, on)
        case "work_long":
            return sql.work_long_sql(rule, on)
        case "superior":
            return sql.superior_sql(rule, on, keys)
        case "study":
            return sql.study_sql(rule)
        case "region_native":
            return sql.region_native_sql(rule)
        case "region_home":
            return sql.region_home_sql(rule) if info.mode in rule.modes else None
        case "declared":
            return sql.declared_sql(rule, on)
        case "objection":
            return sql.objection_sql(rule)
    return None


def counts(engine: Engine, cands: str = "cands") -> dict[str, int]:
    """The round's counts that a summary reports (``cands``: the table of every candidate)."""
    row = engine.arrow(
        f"""SELECT (SELECT count(*) FROM targets) AS targets,
                  (SELECT count(*) FROM {cands}) AS candidates,
                  (SELECT count(*) FROM {cands} WHERE stage = 1) AS stage1_candidates,
                  (SELECT count(*) FROM key_persons) AS key_persons,
                  (SELECT count(*) FROM employees) AS employees,
                  (SELECT count(*) FROM kin_ties) AS kin_ties"""
    ).to_pylist()[0]
    return {k: int(v) for k, v in row.items()}
