"""The tables of one round: its targets, candidates, key persons and staff."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pyarrow as pa

from xuncha.bundle.model import Bundle
from xuncha.bundle.problems import BundleError, Problem
from xuncha.engine.base import Engine
from xuncha.identity.regions import resolve_region, same_region
from xuncha.policy.model import Policy


@dataclass(frozen=True)
class RoundInfo:
    round_id: str
    name: str
    mode: str
    level: str
    start_date: date


def _missing(table: str, zh: str) -> BundleError:
    return BundleError(
        Problem(
            file=table,
            row=None,
            column=None,
            value=None,
            reason_zh=f"缺少「{zh}」表（{table}），无法审查该轮次",
            reason_en=f"the bundle has no {table} table, which screening needs",
        )
    )


def round_row(bundle: Bundle, round_id: str) -> dict[str, Any]:
    """The row of ``rounds`` with this id, or a bilingual error listing the known ids."""
    rows: list[dict[str, Any]] = [r for r in bundle.table("rounds").to_pylist() if r.get("round_id") == round_id]
    if rows:
        return rows[0]
    known = "、".join(sorted(str(r) for r in bundle.table("rounds").column("round_id").to_pylist()))
    raise BundleError(
        Problem(
            file="rounds",
            row=None,
            column="round_id",
            value=round_id,
            reason_zh=f"没有编号为「{round_id}」的轮次（已有：{known}）",
            reason_en=f"no round with id {round_id!r} (known: {known})",
        )
    )


def round_info(bundle: Bundle, round_id: str) -> RoundInfo:
    for table, zh in (
        ("rounds", "巡察轮次"),
        ("round_targets", "巡察对象"),
        ("inspectors", "巡察干部"),
        ("units", "单位"),
        ("positions", "任职经历"),
    ):
        if not bundle.has(table):
            raise _missing(table, zh)
    r = round_row(bundle, round_id)
    if r.get("start_date") is None:
        raise BundleError(
            Problem(
                file="rounds",
                row=None,
                column="start_date",
                value=None,
                reason_zh="该轮次没有开始日期，无法确定关键人员和时限",
                reason_en="the round has no start date; key persons and look-back need one",
            )
        )
    return RoundInfo(
        round_id,
        r.get("name") or round_id,
        r.get("mode") or "常规",
        r.get("level") or "县",
        r["start_date"],
    )


def setup_round(engine: Engine, info: RoundInfo, policy: Policy) -> None:
    """Create ``targets``, ``unit_tree``, ``cands``, ``key_persons`` and ``employees``."""
    round_units(engine, info)
    register_roles(engine, policy)
    engine.create("cands", cands_sql())
    round_staff(engine, info)


def round_units(engine: Engine, info: RoundInfo) -> None:
    """``targets`` and ``unit_tree`` (each target's units, up to six levels down)."""
    engine.create(
        "targets",
        """SELECT DISTINCT u.unit_id AS target, u.name, u.region, u.type, u.system
            FROM round_targets t JOIN units u ON u.unit_id = t.unit
            WHERE t.round = ?""",
        [info.round_id],
    )
    engine.create(
        "unit_tree",
        """WITH RECURSIVE tree(target, unit, depth) AS (
             SELECT target, target, 0 FROM targets
             UNION ALL
             SELECT t.target, u.unit_id, t.depth + 1 FROM tree t
             JOIN units u ON u.parent_unit = t.unit WHERE t.depth < 6)
           SELECT DISTINCT target, unit, min(depth) AS depth FROM tree GROUP BY ALL""",
    )


def register_roles(engine: Engine, policy: Policy) -> None:
    engine.register("key_roles", pa.table({"role": pa.array(policy.key_roles, pa.string())}))
    engine.register("leader_roles", pa.table({"role": pa.array(policy.leader_roles, pa.string())}))


def cands_sql(where: str = "true") -> str:
    """The candidates (available inspectors with their node) among the inspectors ``where`` holds."""
    leaders = "(SELECT list(role) FROM leader_roles)"
    return f"""SELECT i.person, n.node_id, n.name, i.home_region, i.home_unit, i.roles, i.pool,
                   CASE WHEN list_has_any(coalesce(i.roles, []), {leaders}) THEN 1 ELSE 2 END AS stage,
                   i._source AS source
            FROM inspectors i JOIN nodes n ON n.key = i.person
            WHERE coalesce(i.available, true) AND {where}"""


def round_staff(engine: Engine, info: RoundInfo, *, targets: str = "targets", prefix: str = "") -> None:
    """``staff`` of the targets on the round's start date, split into ``key_persons`` and ``employees``
    (each per target; ``targets``: of those targets alone, into tables named with ``prefix``)."""
    day = f"DATE '{info.start_date.isoformat()}'"
    current = f"(p.start_date IS NULL OR p.start_date <= {day}) AND (p.end_date IS NULL OR p.end_date >= {day})"
    keys = "(SELECT list(role) FROM key_roles)"
    engine.create(
        f"{prefix}staff",
        f"""SELECT t.target, p.person, p.role, p.title, p._source AS source,
                   list_contains({keys}, p.role) AS is_key
            FROM {targets} t JOIN positions_x p ON p.unit = t.target WHERE {current}""",
    )
    engine.create(
        f"{prefix}key_persons",
        "SELECT target, person, any_value(role) AS role, any_value(title) AS title, "
        f"min(source) AS source FROM {prefix}staff WHERE is_key GROUP BY target, person",
    )
    engine.create(
        f"{prefix}employees",
        f"""SELECT target, person, any_value(role) AS role, any_value(title) AS title,
                  min(source) AS source FROM {prefix}staff s
           WHERE NOT EXISTS (SELECT 1 FROM {prefix}key_persons k WHERE k.target = s.target AND k.person = s.person)
           GROUP BY target, person""",
    )


def region_matches(engine: Engine, *, saved: bool = False) -> None:
    """Create ``native_in_target(person, target, field, text, source)``: the inspector's
    native place or birthplace names the target's county. Each distinct (place text,
    region) pair is matched once in Python (kept in ``place_checked``; ``saved``: it is a
    table of pairs decided by earlier runs, and only new pairs are matched), the rest is a join."""
    pairs_sql = """WITH places AS (
             SELECT native_place AS text FROM persons WHERE person_key IN (SELECT person FROM cands)
             UNION SELECT birthplace FROM persons WHERE person_key IN (SELECT person FROM cands))
           SELECT DISTINCT p.text, t.region FROM places p CROSS JOIN (SELECT DISTINCT region
             FROM targets WHERE region IS NOT NULL) t WHERE p.text IS NOT NULL"""
    if saved:
        pairs_sql = f"""SELECT * FROM ({pairs_sql}) p WHERE NOT EXISTS
                        (SELECT 1 FROM place_checked c WHERE c.text = p.text AND c.region = p.region)"""
    rows = [r | {"hit": same_region(r["text"], r["region"])} for r in engine.arrow(pairs_sql).to_pylist()]
    schema = pa.schema([("text", pa.string()), ("region", pa.string()), ("hit", pa.bool_())])
    if saved:
        engine.register("place_new", pa.Table.from_pylist(rows, schema=schema))
        engine.execute("INSERT INTO place_checked SELECT * FROM place_new")
    else:
        engine.register("place_checked", pa.Table.from_pylist(rows, schema=schema))
    engine.create("place_hits", "SELECT text, region FROM place_checked WHERE hit")
    engine.create(
        "native_in_target",
        """SELECT DISTINCT ON (c.person, t.target) c.person, t.target, f.field, f.text,
                  p._source AS source
           FROM cands c JOIN persons p ON p.person_key = c.person
           CROSS JOIN (VALUES ('native_place'), ('birthplace')) AS v(field)
           CROSS JOIN LATERAL (SELECT v.field AS field,
                CASE v.field WHEN 'native_place' THEN p.native_place ELSE p.birthplace END AS text) f
           JOIN targets t ON true
           JOIN place_hits h ON h.text = f.text AND h.region = t.region
           ORDER BY c.person, t.target, f.field DESC""",
    )


def home_region_matches(engine: Engine) -> None:
    """Create ``home_in_target(person, target, region)``: the inspector's home region is
    the target's region (codes and names both accepted)."""
    values = (
        engine.arrow(
            """SELECT DISTINCT home_region AS v FROM cands WHERE home_region IS NOT NULL
           UNION SELECT DISTINCT region FROM targets WHERE region IS NOT NULL"""
        )
        .column(0)
        .to_pylist()
    )
    rows = []
    for value in values:
        region = resolve_region(value)
        rows.append({"value": value, "code": region.code if region else value})
    schema = pa.schema([("value", pa.string()), ("code", pa.string())])
    engine.register("region_codes", pa.Table.from_pylist(rows, schema=schema))
    engine.create(
        "home_in_target",
        """SELECT c.person, t.target, t.region FROM cands c
           JOIN region_codes a ON a.value = c.home_region
           JOIN targets t ON true
           JOIN region_codes b ON b.value = t.region
           WHERE a.code = b.code""",
    )


def sql_in(column: str, values: Iterable[Any]) -> str:
    """``column`` is one of the constant ``values`` (all text or all integers). Their range is
    given as well: on a table stored in the column's order, the range lets zone maps skip
    row groups and segments, the list alone only row groups."""
    items = sorted({v for v in values if v is not None})
    if not items:
        return "false"
    text = ["'" + v.replace("'", "''") + "'" if isinstance(v, str) else str(int(v)) for v in items]
    if len(text) == 1:
        return f"{column} = {text[0]}"
    return f"({column} BETWEEN {text[0]} AND {text[-1]} AND {column} IN ({', '.join(text)}))"


def rows_listed(table: str, column: str, values: Iterable[str], listed: str, columns: str = "*") -> str:
    """The rows of ``table`` whose text ``column`` is in table ``listed`` (which holds ``values``
    in a column of the same name): one range per group of near values (the same first two
    characters), which zone maps skip to, and no long lists of constants to plan."""
    groups: dict[str, list[str]] = {}
    for value in values:
        if value is not None:
            groups.setdefault(value[:2], []).append(value)
    quoted = {k: ["'" + v.replace("'", "''") + "'" for v in (min(g), max(g))] for k, g in groups.items()}
    parts = [
        f"SELECT {columns} FROM {table} WHERE {column} BETWEEN {lo} AND {hi}"
        f" AND {column} IN (SELECT {column} FROM {listed})"
        for _, (lo, hi) in sorted(quoted.items())
    ]
    return " UNION ALL ".join(parts) or f"SELECT {columns} FROM {table} WHERE false"


def rows_in(table: str, column: str, values: Iterable[Any]) -> str:
    """The rows of ``table`` whose ``column`` is one of ``values``, as one query per group
    of near values (text: the same first two characters; integers: the same 65536): on a
    table stored in the column's order, each group's range lets zone maps skip nearly
    everything (keys of persons, units and cadre-form members lie far apart)."""
    groups: dict[Any, list[Any]] = {}
    for value in values:
        if value is not None:
            groups.setdefault(value[:2] if isinstance(value, str) else int(value) >> 16, []).append(value)
    parts = [f"SELECT * FROM {table} WHERE {sql_in(column, group)}" for _, group in sorted(groups.items())]
    return " UNION ALL ".join(parts) or f"SELECT * FROM {table} WHERE false"
