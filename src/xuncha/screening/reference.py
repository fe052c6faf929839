"""A plain-Python reference for kin derivation, used by tests and benchmarks.

It shares no code with the SQL path except the category rules of the kinship module:
it builds its own adjacency from base facts and enumerates every simple walk of at
most ``max_steps`` steps depth-first, checking the canonical grammar itself.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from xuncha.kinship.categories import STATUTORY, classify_shape

CANONICAL = re.compile(r"^u*d*(s(u+d*|d+))*s?$")


@dataclass(frozen=True)
class Facts:
    """Base facts: (child, parent) pairs and (a, b, end_date) marriages; deaths by person."""

    parents: list[tuple[str, str]]
    marriages: list[tuple[str, str, date | None]]
    deaths: dict[str, date]


def adjacency(facts: Facts, on: date) -> dict[str, list[tuple[str, str]]]:
    adj: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for child, parent in facts.parents:
        adj[child].add(("u", parent))
        adj[parent].add(("d", child))
    for a, b, end in facts.marriages:
        if (end is None or end > on) and all(facts.deaths.get(x) is None or facts.deaths[x] > on for x in (a, b)):
            adj[a].add(("s", b))
            adj[b].add(("s", a))
    return {k: sorted(v) for k, v in adj.items()}


def valid_shape(shape: str, max_steps: int, max_spouse_steps: int) -> bool:
    return 0 < len(shape) <= max_steps and shape.count("s") <= max_spouse_steps and bool(CANONICAL.match(shape))


def kin_ties(
    adj: dict[str, list[tuple[str, str]]],
    inspectors: Iterable[str],
    counterparts: Iterable[str],
    *,
    max_steps: int = 5,
    max_spouse_steps: int = 2,
) -> dict[tuple[str, str, str], int]:
    """{(inspector, counterpart, category): shortest length}, other_kin dropped where a
    statutory tie exists for the pair."""
    wanted = set(counterparts)
    found: dict[tuple[str, str, str], int] = {}
    for start in sorted(set(inspectors)):
        stack: list[tuple[str, str, frozenset[str]]] = [(start, "", frozenset([start]))]
        while stack:
            node, shape, seen = stack.pop()
            if shape and node in wanted and node != start and valid_shape(shape, max_steps, max_spouse_steps):
                key = (start, node, classify_shape(shape))
                found[key] = min(found.get(key, 99), len(shape))
            if len(shape) == max_steps:
                continue
            for step, nxt in adj.get(node, ()):
                if nxt not in seen:
                    stack.append((nxt, shape + step, seen | {nxt}))
    statutory_pairs = {(a, b) for (a, b, c) in found if c in STATUTORY}
    return {k: v for k, v in found.items() if k[2] != "other_kin" or (k[0], k[1]) not in statutory_pairs}
