"""Three-stage recusal screening of one round (三次回避).

Stage 1 screens inspectors who may serve as 组长 or 副组长 (at planning), stage 2 every
other available inspector (at secondment), stage 3 turns declarations and objections
into records. One record per (inspector, target, counterpart, category), the
strongest rule first and then the shortest path.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from xuncha.bundle.model import Bundle
from xuncha.bundle.problems import Problem
from xuncha.engine.base import Engine, open_engine
from xuncha.graph.build import GraphBuild, build_graph
from xuncha.policy.model import SEVERITY_RANK, Policy, Rule
from xuncha.screening import rules as sql
from xuncha.screening.context import (
    RoundInfo,
    home_region_matches,
    region_matches,
    round_info,
    setup_round,
)
from xuncha.screening.kin import derive_kin_ties
from xuncha.screening.paths import PathRenderer

KIN_CATEGORIES = ("spouse", "lineal", "collateral3", "in_law", "other_kin")
RECORD_KEYS = (
    "round", "stage", "inspector", "inspector_name", "target", "target_name", "counterpart",
    "counterpart_name", "counterpart_role", "category", "kin_term", "path", "rule", "basis",
    "severity", "sources",
)


@dataclass
class ScreenResult:
    round: RoundInfo
    records: list[dict[str, Any]]
    problems: list[Problem] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)


def screen(
    bundle: Bundle,
    round_id: str,
    policy: Policy,
    *,
    stages: Iterable[int] = (1, 2, 3),
    engine: Engine | None = None,
) -> ScreenResult:
    """Screen ``round_id`` of ``bundle`` under ``policy``."""
    info = round_info(bundle, round_id)
    eng = engine or open_engine()
    try:
        graph = build_graph(bundle, eng)
        return _screen(eng, info, policy, set(stages), graph)
    finally:
        if engine is None:
            eng.close()


def _screen(
    engine: Engine, info: RoundInfo, policy: Policy, stages: set[int], graph: GraphBuild
) -> ScreenResult:
    setup_round(engine, info, policy)
    derive_kin_ties(
        engine,
        inspectors="SELECT DISTINCT node_id FROM cands",
        counterparts="""SELECT DISTINCT n.node_id FROM nodes n WHERE n.key IN
                        (SELECT person FROM key_persons UNION SELECT person FROM employees)""",
        on=info.start_date,
        reach=policy.kin_reach,
    )
    region_matches(engine)
    home_region_matches(engine)
    queries = [q for rule in policy.rules if (q := _rule_sql(rule, info, policy))]
    if not queries:
        return ScreenResult(info, [], graph.problems, graph.stats)
    union = " UNION ALL ".join(f"({q})" for q in queries)
    engine.create("hits", union, {"round": info.round_id} if "$round" in union else None)
    hits = engine.arrow(
        "SELECT * FROM hits WHERE stage IN (SELECT unnest(?::INTEGER[]))", [sorted(stages)]
    ).to_pylist()
    records = _records(engine, info, policy, hits)
    stats = dict(graph.stats)
    stats.update(_counts(engine))
    return ScreenResult(info, records, graph.problems, stats)


def _rule_sql(rule: Rule, info: RoundInfo, policy: Policy) -> str | None:
    on = info.start_date
    keys = "[" + ", ".join(f"'{r}'" for r in policy.key_roles) + "]::VARCHAR[]"
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


def _best(hits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One hit per (inspector, target, counterpart, category): strongest, then shortest."""
    best: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for hit in hits:
        key = (hit["inspector"], hit["target"], hit["counterpart"], hit["category"])
        rank = (
            -SEVERITY_RANK[hit["severity"]],
            hit["length"],
            hit["rule_id"],
            hit["edges"] or [],
            json.dumps(hit["steps"], ensure_ascii=False, sort_keys=True, default=str),
        )
        if key not in best or rank < best[key]["_rank"]:
            best[key] = {**hit, "_rank": rank}
    return [best[k] for k in sorted(best)]


def _records(
    engine: Engine, info: RoundInfo, policy: Policy, hits: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    kept = _best(hits)
    renderer = PathRenderer(engine, {e for h in kept for e in (h["edges"] or [])})
    names = _names(engine, kept)
    rules = {r.id: r for r in policy.rules}
    return [_record(h, info, policy, rules[h["rule_id"]], renderer, names) for h in kept]


def _record(
    hit: dict[str, Any],
    info: RoundInfo,
    policy: Policy,
    rule: Rule,
    renderer: PathRenderer,
    names: dict[str, str | None],
) -> dict[str, Any]:
    edges = hit["edges"]
    kin = hit["category"] in KIN_CATEGORIES and edges
    path = renderer.steps(edges) if kin else [dict(s) for s in hit["steps"] or []]
    sources = (renderer.sources(edges) if kin else []) + list(hit["sources"] or [])
    return {
        "round": info.round_id,
        "stage": hit["stage"],
        "inspector": hit["inspector"],
        "inspector_name": names.get(hit["inspector"]),
        "target": hit["target"],
        "target_name": names.get(hit["target"]),
        "counterpart": hit["counterpart"],
        "counterpart_name": names.get(hit["counterpart"]),
        "counterpart_role": hit["counterpart_role"],
        "category": hit["category"],
        "kin_term": renderer.kin_term(edges) if kin else None,
        "path": path,
        "rule": rule.id,
        "basis": policy.basis_text(rule),
        "severity": hit["severity"],
        "sources": list(dict.fromkeys(s for s in sources if s)),
    }


def _names(engine: Engine, hits: list[dict[str, Any]]) -> dict[str, str | None]:
    keys = sorted({h[k] for h in hits for k in ("inspector", "target", "counterpart")})
    engine.create("wanted_keys", "SELECT unnest(?::VARCHAR[]) AS key", [keys])
    rows = engine.arrow(
        """SELECT n.key, n.name FROM nodes n JOIN wanted_keys USING (key)
           UNION ALL SELECT u.unit_id, u.name FROM units u JOIN wanted_keys w ON w.key = u.unit_id"""
    ).to_pylist()
    return {r["key"]: r["name"] for r in rows}


def _counts(engine: Engine) -> dict[str, int]:
    row = engine.arrow(
        """SELECT (SELECT count(*) FROM targets) AS targets,
                  (SELECT count(*) FROM cands) AS candidates,
                  (SELECT count(*) FROM cands WHERE stage = 1) AS stage1_candidates,
                  (SELECT count(*) FROM key_persons) AS key_persons,
                  (SELECT count(*) FROM employees) AS employees,
                  (SELECT count(*) FROM kin_ties) AS kin_ties"""
    ).to_pylist()[0]
    return {k: int(v) for k, v in row.items()}
