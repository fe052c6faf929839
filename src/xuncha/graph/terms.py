"""Resolve the kinship terms of a bundle once per distinct (term, ego gender)."""

from __future__ import annotations

from dataclasses import dataclass

from xuncha.graph.chains import base_steps, chain_text
from xuncha.kinship import parse_term
from xuncha.kinship.categories import categories_in_order, classify_chain


@dataclass(frozen=True, slots=True)
class Reading:
    """The reading of a term used to build the graph."""

    term: str
    ego_gender: str | None
    chain: tuple[str, ...]
    category: str
    ambiguous: bool
    kind: str | None  # 收养 / 继 when the term itself says so (养父, 继母)
    readings: tuple[str, ...]  # every chain, for the record

    @property
    def relative_gender(self) -> str | None:
        """The gender the term gives the relative (父亲: 男), None when it does not say."""
        return base_steps(self.chain)[-1][1]

    @property
    def simple(self) -> str | None:
        """'parent', 'child' or 'spouse' when the chain is one base step, else None."""
        steps = base_steps(self.chain)
        if len(steps) != 1:
            return None
        return {"u": "parent", "d": "child", "s": "spouse"}[steps[0][0]]


def resolve_term(term: str, ego_gender: str | None) -> Reading | None:
    """The reading to build with: the strongest category when readings differ.

    Recusal errs on the side of stepping aside, so an ambiguous term is built with its
    most serious reading and reported as ambiguous.
    """
    parsed = parse_term(term, ego_gender=ego_gender)
    if not parsed.known or not parsed.chains:
        return None
    order = categories_in_order()
    ranked = sorted(parsed.chains, key=lambda c: (order.index(classify_chain(c)), len(c)))
    chain = tuple(ranked[0])
    return Reading(
        term=term,
        ego_gender=ego_gender,
        chain=chain,
        category=classify_chain(chain),
        ambiguous=bool(parsed.ambiguous),
        kind=getattr(parsed, "kind", None),
        readings=tuple(chain_text(c) for c in parsed.chains),
    )
