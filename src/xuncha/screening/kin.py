"""Kin ties between inspectors and counterparts, as set-based SQL.

Meet in the middle: walks of up to ``ceil(n/2)`` steps out from every inspector and of
up to ``floor(n/2)`` steps out from every counterpart are joined where they meet. A walk
only grows while its shape (``u`` up to a parent, ``d`` down to a child, ``s`` to a
spouse) is the prefix of a canonical kin shape, and never revisits a node, so every
path found is a simple path of at most ``n`` steps whose shape the kinship module
classifies. One path per (inspector, counterpart, category) is kept: the shortest,
ties broken by edge ids so that results are deterministic.
"""

from __future__ import annotations

from datetime import date

import pyarrow as pa

from xuncha.engine.base import Engine
from xuncha.graph.build import in_force
from xuncha.kinship.categories import STATUTORY, all_shapes
from xuncha.policy.model import KinReach
from xuncha.screening.context import rows_in


def shape_tables(reach: KinReach) -> tuple[pa.Table, pa.Table]:
    """(shapes with their category, every prefix a walk may have)."""
    shapes = all_shapes(max_steps=reach.max_steps, max_spouse_steps=reach.max_spouse_steps)
    prefixes = sorted({s[:i] for s in shapes for i in range(1, len(s) + 1)})
    return (
        pa.table({"shape": list(shapes), "category": list(shapes.values())}),
        pa.table({"prefix": prefixes}),
    )


def _walks(engine: Engine, name: str, starts: str, depth: int, on: date) -> None:
    """Materialise ``name``: every allowed walk of 0..depth steps from ``starts``."""
    engine.create(
        f"{name}_0",
        f"""SELECT node_id AS origin, node_id AS node, '' AS shape,
                   [node_id] AS nodes, []::BIGINT[] AS edges FROM ({starts})""",
    )
    for k in range(1, depth + 1):
        engine.create(
            f"{name}_{k}",
            f"""SELECT w.origin, e.dst AS node, w.shape || e.step AS shape,
                       list_append(w.nodes, e.dst) AS nodes,
                       list_append(w.edges, e.edge_id) AS edges
                FROM {name}_{k - 1} w
                JOIN edges e ON e.src = w.node
                JOIN kin_prefix p ON p.prefix = w.shape || e.step
                WHERE NOT list_contains(w.nodes, e.dst) AND {in_force("e", on)}""",
        )
    union = " UNION ALL ".join(f"SELECT * FROM {name}_{k}" for k in range(depth + 1))
    engine.create(name, union)


_JOIN = """
WITH met AS (
  SELECT f.origin AS inspector_id, b.origin AS counterpart_id,
         f.shape || translate(reverse(b.shape), 'ud', 'du') AS shape,
         f.edges || list_reverse(list_transform(b.edges, lambda x: x + 1 - 2 * (x % 2))) AS edges
  FROM kin_fwd f JOIN kin_bwd b ON f.node = b.node
  WHERE f.origin <> b.origin
    AND NOT list_has_any(f.nodes, list_slice(b.nodes, 1, len(b.nodes) - 1))
),
classified AS (
  SELECT m.*, s.category, length(m.shape) AS length FROM met m JOIN kin_shapes s USING (shape)
),
best AS (
  SELECT *, row_number() OVER (
      PARTITION BY inspector_id, counterpart_id, category ORDER BY length, edges) AS rn
  FROM classified
),
kept AS (SELECT * EXCLUDE (rn) FROM best WHERE rn = 1)
SELECT k.* FROM kept k
WHERE k.category <> 'other_kin' OR NOT EXISTS (
  SELECT 1 FROM kept s WHERE s.inspector_id = k.inspector_id
    AND s.counterpart_id = k.counterpart_id AND s.category IN ({statutory}))
"""


def derive_kin_ties(engine: Engine, *, inspectors: str, counterparts: str, on: date, reach: KinReach) -> None:
    """Create table ``kin_ties(inspector_id, counterpart_id, shape, edges, category, length)``.

    ``inspectors`` and ``counterparts`` are queries returning a ``node_id`` column.
    """
    shapes, prefixes = shape_tables(reach)
    engine.register("kin_shapes", shapes)
    engine.register("kin_prefix", prefixes)
    _walks(engine, "kin_fwd", inspectors, (reach.max_steps + 1) // 2, on)
    _walks(engine, "kin_bwd", counterparts, reach.max_steps // 2, on)
    statutory = ", ".join(f"'{c}'" for c in sorted(STATUTORY))
    engine.create("kin_ties", _JOIN.format(statutory=statutory))


# The order a full build gives edge ids: node ids follow (origin, key), an edge's id follows
# (child or first spouse, parent or second spouse, spouse?, reversed?). Ranking edges by these
# keys breaks ties exactly as a full run does, whatever ids a patched graph gave them.
_EDGE_ORDER = """
WITH e AS (
  SELECT e.edge_id, e.step, e.grp,
         CASE ns.origin WHEN 'person' THEN 0 WHEN 'member' THEN 1 ELSE 2 END AS os, ns.key AS ks,
         CASE nd.origin WHEN 'person' THEN 0 WHEN 'member' THEN 1 ELSE 2 END AS od, nd.key AS kd
  FROM ({edges}) e
  JOIN nodes ns ON ns.node_id = e.src JOIN nodes nd ON nd.node_id = e.dst),
o AS (
  SELECT edge_id, step, grp,
         step = 'd' OR (step = 's' AND (od < os OR (od = os AND kd < ks))) AS rev, os, ks, od, kd FROM e)
SELECT edge_id, grp, row_number() OVER (ORDER BY
    CASE WHEN rev THEN od ELSE os END, CASE WHEN rev THEN kd ELSE ks END,
    CASE WHEN rev THEN os ELSE od END, CASE WHEN rev THEN ks ELSE kd END,
    step = 's', rev) AS r
FROM o
"""

_FORWARD_BEST = """
WITH ranked AS (
  SELECT u.pid, list(o.r ORDER BY u.i) AS ranks
  FROM (SELECT pid, unnest(edges) AS edge_id, generate_subscripts(edges, 1) AS i FROM kin_found) u
  JOIN kin_edge_order o USING (edge_id) GROUP BY u.pid),
best AS (
  SELECT f.* EXCLUDE (pid), row_number() OVER (
      PARTITION BY inspector_id, counterpart_id, category ORDER BY length, r.ranks) AS rn
  FROM kin_found f JOIN ranked r USING (pid)),
kept AS (SELECT * EXCLUDE (rn) FROM best WHERE rn = 1)
SELECT k.inspector_id, k.counterpart_id, k.shape, k.edges, k.category, k.length FROM kept k
WHERE k.category <> 'other_kin' OR NOT EXISTS (
  SELECT 1 FROM kept s WHERE s.inspector_id = k.inspector_id
    AND s.counterpart_id = k.counterpart_id AND s.category IN ({statutory}))
"""


def derive_kin_ties_forward(
    engine: Engine, *, inspectors: str, counterparts: str, on: date, reach: KinReach, into: str, shapes: bool = True
) -> None:
    """The rows ``derive_kin_ties`` would give ``inspectors``, found for a few of them by walking
    the whole reach from the inspectors alone (kin shapes are closed under reversal, so these
    are the same simple paths), into table ``into``. Ties are broken by the order of edge ids
    in a full build, so a patched graph with other ids gives the same choice. ``shapes=False``:
    tables ``kin_shapes`` and ``kin_prefix`` of this reach are there already."""
    if shapes:
        shape_table, prefixes = shape_tables(reach)
        engine.register("kin_shapes", shape_table)
        engine.register("kin_prefix", prefixes)
    _walks(engine, "kin_all", inspectors, reach.max_steps, on)
    engine.create(
        "kin_found",
        f"""SELECT row_number() OVER () AS pid, w.origin AS inspector_id, w.node AS counterpart_id,
                   w.shape, w.edges, s.category, length(w.shape) AS length, w.nodes
            FROM kin_all w JOIN kin_shapes s USING (shape)
            WHERE w.origin <> w.node AND w.node IN ({counterparts})""",
    )
    engine.create("kin_edge_order", _EDGE_ORDER.format(edges=_found_edges(engine)))
    statutory = ", ".join(f"'{c}'" for c in sorted(STATUTORY))
    engine.create(into, _FORWARD_BEST.format(statutory=statutory))


_FEW = 500  # up to this many edges are looked up by constants (zone maps skip the rest of ``edges``)


def _found_edges(engine: Engine) -> str:
    """The query of the edges on the paths of ``kin_found``: looked up by the nodes they leave
    (``edges`` is stored by ``src``), when these are few."""
    wanted = "SELECT DISTINCT unnest(edges) AS edge_id FROM kin_found"
    starts = engine.arrow("SELECT DISTINCT unnest(nodes) FROM kin_found").column(0).to_pylist()
    edges = rows_in("edges", "src", starts) if len(starts) <= _FEW else "SELECT * FROM edges"
    return f"SELECT * FROM ({edges}) SEMI JOIN ({wanted}) w USING (edge_id)"
