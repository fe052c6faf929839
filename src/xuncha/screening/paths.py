"""Render kin edges as evidence paths and standard kinship terms."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from xuncha.engine.base import Engine
from xuncha.kinship.naming import term_for_steps
from xuncha.screening.context import rows_in

_DIRECTION = {"u": "up", "d": "down", "s": "spouse"}
_BASE_TERM = {
    ("u", "男"): "父亲",
    ("u", "女"): "母亲",
    ("u", None): "父母",
    ("d", "男"): "儿子",
    ("d", "女"): "女儿",
    ("d", None): "子女",
    ("s", "男"): "丈夫",
    ("s", "女"): "妻子",
    ("s", None): "配偶",
}
_KIND_PREFIX = {"收养": "养", "继": "继"}
_SHORT = {"父亲": "父", "母亲": "母", "父母": "父母", "儿子": "子", "女儿": "女", "子女": "子女"}


@dataclass(frozen=True, slots=True)
class Edge:
    edge_id: int
    src: int
    dst: int
    step: str
    kind: str | None
    grp: int | None
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Node:
    key: str
    name: str | None
    gender: str | None
    birth_date: date | None


_FEW = 500  # up to this many edges are looked up by constants (zone maps skip the rest of ``edges``)


def _wanted(engine: Engine, edge_ids: set[int]) -> str:
    """The query of the rows of ``edges`` whose id is in ``edge_ids``."""
    if len(edge_ids) <= _FEW:
        return rows_in("edges", "edge_id", edge_ids)
    engine.create("wanted_edges", "SELECT unnest(?::BIGINT[]) AS edge_id", [sorted(edge_ids)])
    return "SELECT e.* FROM edges e JOIN wanted_edges w USING (edge_id)"


class PathRenderer:
    """Looks up the edges and nodes of kin ties once, then renders each tie."""

    def __init__(self, engine: Engine, edge_ids: set[int]) -> None:
        rows = engine.arrow(f"SELECT edge_id, src, dst, step, kind, grp, sources FROM ({_wanted(engine, edge_ids)})")
        rows = rows.to_pylist()
        self.edges = {
            r["edge_id"]: Edge(
                r["edge_id"],
                r["src"],
                r["dst"],
                r["step"],
                r["kind"],
                r["grp"],
                tuple(r["sources"] or ()),
            )
            for r in rows
        }
        ids = sorted({n for e in self.edges.values() for n in (e.src, e.dst)})
        engine.create("wanted_nodes", "SELECT unnest(?::INTEGER[]) AS node_id", [ids])
        self.nodes = {
            r["node_id"]: Node(r["key"], r["name"], r["gender"], r["birth_date"])
            for r in engine.arrow(
                """SELECT n.node_id, n.key, n.name, n.gender, n.birth_date
                   FROM nodes n JOIN wanted_nodes USING (node_id)"""
            ).to_pylist()
        }
        self.groups = {
            r["grp"]: r for r in engine.arrow("SELECT grp, term, chain, source, person FROM kin_groups").to_pylist()
        }

    def steps(self, edge_ids: Sequence[int]) -> list[dict[str, Any]]:
        """The path as steps {from, relation, to}; a chain from one term is one step."""
        out: list[dict[str, Any]] = []
        for run in self._runs(edge_ids):
            first, last = run[0], run[-1]
            out.append(
                {
                    "from": self.nodes[first.src].key,
                    "relation": self._relation(run),
                    "to": self.nodes[last.dst].key,
                }
            )
        return out

    def _runs(self, edge_ids: Sequence[int]) -> list[list[Edge]]:
        runs: list[list[Edge]] = []
        for edge in (self.edges[i] for i in edge_ids):
            if runs and edge.grp is not None and runs[-1][-1].grp == edge.grp:
                runs[-1].append(edge)
            else:
                runs.append([edge])
        return runs

    def _relation(self, run: list[Edge]) -> str:
        if len(run) == 1 and run[0].grp is None:
            edge = run[0]
            base = _BASE_TERM[(edge.step, self.nodes[edge.dst].gender)]
            prefix = _KIND_PREFIX.get(edge.kind or "") if edge.step != "s" else None
            return prefix + _SHORT[base] if prefix else base
        group = self.groups.get(run[0].grp) if run[0].grp is not None else None
        if group and self.nodes[run[0].src].key == group["person"]:
            return str(group["term"])
        return term_for_steps(self._gendered(run))

    def _gendered(self, run: Sequence[Edge]) -> list[tuple[str, str | None]]:
        return [(_DIRECTION[e.step], self.nodes[e.dst].gender) for e in run]

    def kin_term(self, edge_ids: Sequence[int]) -> str:
        """The counterpart's standard term seen from the inspector (表兄 vs 表弟 by age)."""
        run = [self.edges[i] for i in edge_ids]
        ego, other = self.nodes[run[0].src], self.nodes[run[-1].dst]
        older = None
        same_generation = sum({"u": 1, "d": -1}.get(e.step, 0) for e in run) == 0
        if same_generation and ego.birth_date and other.birth_date and ego.birth_date != other.birth_date:
            older = other.birth_date < ego.birth_date
        return term_for_steps(self._gendered(run), relative_older=older)

    def sources(self, edge_ids: Sequence[int]) -> list[str]:
        seen: list[str] = []
        for i in edge_ids:
            for s in self.edges[i].sources:
                if s not in seen:
                    seen.append(s)
        return seen
