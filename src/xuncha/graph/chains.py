"""Turning kinship chains into base steps of the family graph.

A chain (``f,xs,s``) becomes base steps: ``u`` to a parent, ``d`` to a child, ``s`` to a
spouse; a sibling step goes up to a shared parent and down again. Each base step
carries the gender of the node it reaches (None when the chain does not say).
"""

from __future__ import annotations

from collections.abc import Sequence

Step = tuple[str, str | None]

_BASE: dict[str, list[Step]] = {
    "f": [("u", "男")],
    "m": [("u", "女")],
    "p": [("u", None)],
    "s": [("d", "男")],
    "d": [("d", "女")],
    "c": [("d", None)],
    "h": [("s", "男")],
    "w": [("s", "女")],
    "sp": [("s", None)],
    "ob": [("u", None), ("d", "男")],
    "lb": [("u", None), ("d", "男")],
    "xb": [("u", None), ("d", "男")],
    "os": [("u", None), ("d", "女")],
    "ls": [("u", None), ("d", "女")],
    "xs": [("u", None), ("d", "女")],
    "sib": [("u", None), ("d", None)],
}


def base_steps(chain: Sequence[str]) -> list[Step]:
    """The base steps of a chain; raises KeyError on an unknown code."""
    steps: list[Step] = []
    for code in chain:
        steps.extend(_BASE[code])
    return steps


def chain_text(chain: Sequence[str]) -> str:
    return ",".join(chain)


def parse_chain_text(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in text.split(",") if p.strip())
