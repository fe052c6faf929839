"""Checks that need the kinship engine: unknown or ambiguous terms, parent cycles,
parents younger than their children. Called by ``xuncha validate``."""

from __future__ import annotations

from dataclasses import replace
from pathlib import PurePath
from typing import Any

import numpy as np
import pyarrow as pa

from xuncha.bundle.model import Bundle
from xuncha.bundle.problems import Problem
from xuncha.engine.base import Engine, open_engine
from xuncha.graph.complete import complete
from xuncha.graph.terms import Reading, resolve_term

_MAX_LISTED = 200  # rows listed one by one per term; the rest are counted


def integrity_problems(bundle: Bundle) -> list[Problem]:
    if not bundle.has("persons"):
        return []
    engine = open_engine()
    try:
        engine.register("persons", complete("persons", bundle.table("persons")))
        for name in ("kinship", "family_members"):
            engine.register(name, complete(name, bundle.table(name) if bundle.has(name) else pa.table({})))
        readings = _readings(engine)
        problems = _term_problems(engine, readings)
        parents = _parent_edges(engine, readings)
        problems += _cycles(parents)
        problems += _age_order(engine, parents)
        problems += _gender_mismatch(engine, readings)
        return [replace(p, table=p.table or _table_of(p.file)) for p in problems]
    finally:
        engine.close()


_TERMS = """
SELECT k.relation AS term, p.gender AS ego, list(k._source ORDER BY k._source) AS sources
FROM (SELECT person, relation, _source FROM kinship
      UNION ALL SELECT cadre, relation, _source FROM family_members) k
LEFT JOIN persons p ON p.person_key = k.person
WHERE k.relation IS NOT NULL GROUP BY ALL ORDER BY ALL
"""


def _readings(engine: Engine) -> list[tuple[dict[str, Any], Reading | None]]:
    return [(r, resolve_term(r["term"], r["ego"])) for r in engine.arrow(_TERMS).to_pylist()]


def _table_of(file: str) -> str:
    stem = PurePath(file.split("#")[-1]).stem
    return "family_members" if stem in ("family_members", "家庭成员") else "kinship"


def _at(source: str) -> tuple[str, int | None]:
    file, _, line = source.rpartition(":")
    return file, int(line) if line.isdigit() else None


def _term_problems(engine: Engine, readings: list[tuple[dict[str, Any], Reading | None]]) -> list[Problem]:
    del engine
    out: list[Problem] = []
    for row, reading in readings:
        if reading is not None and not reading.ambiguous:
            continue
        sources = row["sources"]
        for source in sources[:_MAX_LISTED]:
            file, line = _at(source)
            if reading is None:
                out.append(
                    Problem(
                        file,
                        line,
                        "relation",
                        row["term"],
                        "无法识别的亲属称谓，该行不进入关系图",
                        "unknown kinship term; the row is left out of the graph",
                    )
                )
            else:
                out.append(
                    Problem(
                        file,
                        line,
                        "relation",
                        row["term"],
                        f"称谓有多种理解（{' / '.join(reading.readings)}），按最严格的一种处理",
                        f"ambiguous term ({' / '.join(reading.readings)}); the strictest reading is used",
                        level="warning",
                    )
                )
        if len(sources) > _MAX_LISTED:
            file, _ = _at(sources[0])
            out.append(
                Problem(
                    file,
                    None,
                    "relation",
                    row["term"],
                    f"另有{len(sources) - _MAX_LISTED}行同样问题",
                    f"{len(sources) - _MAX_LISTED} more rows with the same problem",
                    level="warning",
                )
            )
    return out


def _parent_edges(engine: Engine, readings: list[tuple[dict[str, Any], Reading | None]]) -> pa.Table:
    simple = [
        {"term": r["term"], "ego": r["ego"], "simple": reading.simple}
        for r, reading in readings
        if reading is not None and reading.simple in ("parent", "child")
    ]
    schema = pa.schema([("term", pa.string()), ("ego", pa.string()), ("simple", pa.string())])
    engine.register("simple_terms", pa.Table.from_pylist(simple, schema=schema))
    return engine.arrow(
        """SELECT CASE t.simple WHEN 'parent' THEN k.person ELSE k.relative END AS child,
                  CASE t.simple WHEN 'parent' THEN k.relative ELSE k.person END AS parent,
                  k._source AS source
           FROM kinship k LEFT JOIN persons p ON p.person_key = k.person
           JOIN simple_terms t ON t.term = k.relation AND t.ego IS NOT DISTINCT FROM p.gender"""
    )


def _cycles(edges: pa.Table) -> list[Problem]:
    """Peel nodes with no remaining parent edge until none is left; what remains is on,
    or hangs below, a cycle (someone who is their own ancestor)."""
    if edges.num_rows == 0:
        return []
    child = edges.column("child").to_numpy(zero_copy_only=False)
    parent = edges.column("parent").to_numpy(zero_copy_only=False)
    keys, codes = np.unique(np.concatenate([child, parent]), return_inverse=True)
    c, p = codes[: len(child)], codes[len(child) :]
    alive = np.ones(len(c), dtype=bool)
    while True:
        has_child = np.zeros(len(keys), dtype=bool)
        has_child[p[alive]] = True
        # an edge whose child has no children left can be peeled (leaves upward)
        peel = alive & ~has_child[c]
        if not peel.any():
            break
        alive &= ~peel
    if not alive.any():
        return []
    stuck = sorted({str(keys[i]) for i in np.concatenate([c[alive], p[alive]])})
    sources = edges.column("source").to_numpy(zero_copy_only=False)[alive]
    file, line = _at(str(sources[0]))
    names = "、".join(stuck[:10])
    return [
        Problem(
            file,
            line,
            "relation",
            None,
            f"父母子女关系出现循环（有人成了自己的祖先），涉及：{names}；相关行：{'、'.join(map(str, sources[:10]))}",
            f"parent edges form a cycle (someone is their own ancestor): {names}",
        )
    ]


def _age_order(engine: Engine, edges: pa.Table) -> list[Problem]:
    """A parent born after their child is a data error worth a warning (row kept)."""
    engine.register("parent_edges", edges)
    rows = engine.arrow(
        """SELECT e.source, e.child, e.parent, c.birth_date AS child_born, p.birth_date AS parent_born
           FROM parent_edges e JOIN persons c ON c.person_key = e.child
           JOIN persons p ON p.person_key = e.parent
           WHERE p.birth_date >= c.birth_date ORDER BY e.source LIMIT 1000"""
    ).to_pylist()
    out = []
    for r in rows:
        file, line = _at(r["source"])
        out.append(
            Problem(
                file,
                line,
                "relation",
                f"{r['child']}→{r['parent']}",
                f"父母（{r['parent_born']}出生）不早于子女（{r['child_born']}出生）出生",
                f"the parent (born {r['parent_born']}) is not older than the child (born {r['child_born']})",
                level="warning",
            )
        )
    return out


def _gender_mismatch(engine: Engine, readings: list[tuple[dict[str, Any], Reading | None]]) -> list[Problem]:
    """A term that names a man for a woman (姐姐 for a brother) is reported; row kept."""
    rows = [
        {"term": r["term"], "ego": r["ego"], "rel_gender": reading.relative_gender}
        for r, reading in readings
        if reading is not None and reading.relative_gender
    ]
    schema = pa.schema([("term", pa.string()), ("ego", pa.string()), ("rel_gender", pa.string())])
    engine.register("term_genders", pa.Table.from_pylist(rows, schema=schema))
    found = engine.arrow(
        """SELECT k._source AS source, k.relation, r.gender
           FROM kinship k LEFT JOIN persons p ON p.person_key = k.person
           JOIN persons r ON r.person_key = k.relative
           JOIN term_genders t ON t.term = k.relation AND t.ego IS NOT DISTINCT FROM p.gender
           WHERE r.gender IS NOT NULL AND r.gender <> t.rel_gender ORDER BY k._source LIMIT 1000"""
    ).to_pylist()
    out = []
    for r in found:
        file, line = _at(r["source"])
        out.append(
            Problem(
                file,
                line,
                "relation",
                r["relation"],
                f"称谓「{r['relation']}」与亲属的性别（{r['gender']}）不符，请核对",
                f"the term {r['relation']} does not fit the relative's gender ({r['gender']})",
                level="warning",
            )
        )
    return out
