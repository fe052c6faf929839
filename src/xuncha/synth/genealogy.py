"""Statutory relatives (spouse, lineal, collateral3, in_law) read off the synthetic genealogy,
for choosing planted leads and checking that near misses stay outside the law's list."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from xuncha.synth.kin import current_spouse
from xuncha.synth.people import Population
from xuncha.synth.rows import Rows

IntArray = npt.NDArray[np.int64]
COUSIN_TERMS = ("表弟", "表妹", "表兄", "表姐", "堂弟", "堂妹", "堂兄", "堂姐")


class Genealogy:
    """Parents, children and current spouses; a few hundred look-ups, not millions."""

    def __init__(self, pop: Population, kinship: Rows) -> None:
        c = pop.people.cols
        self.father, self.mother = c["father"], c["mother"]
        self.spouse = current_spouse(pop)
        step_child, step_parent = pop.steps["child"], pop.steps["parent"]
        child = np.concatenate([np.flatnonzero(self.father >= 0), np.flatnonzero(self.mother >= 0), step_child])
        parent = np.concatenate([self.father[self.father >= 0], self.mother[self.mother >= 0], step_parent])
        order = np.argsort(parent, kind="stable")
        self._parent_sorted, self._child_sorted = parent[order], child[order]
        self._steps = dict(zip(step_child.tolist(), step_parent.tolist(), strict=True))
        self._cousins = _direct_cousins(kinship)

    def parents(self, p: int) -> set[int]:
        found = {int(self.father[p]), int(self.mother[p])}
        if p in self._steps:
            found.add(self._steps[p])
        found.discard(-1)
        return found

    def children(self, p: int) -> set[int]:
        lo = np.searchsorted(self._parent_sorted, p, side="left")
        hi = np.searchsorted(self._parent_sorted, p, side="right")
        return {int(x) for x in self._child_sorted[lo:hi]}

    def spouse_of(self, p: int) -> int:
        return int(self.spouse[p])

    def siblings(self, p: int) -> set[int]:
        return {s for parent in self.parents(p) for s in self.children(parent)} - {p}

    def ancestors(self, p: int, depth: int = 4) -> set[int]:
        out: set[int] = set()
        level = {p}
        for _ in range(depth):
            level = {q for x in level for q in self.parents(x)}
            out |= level
        return out

    def descendants(self, p: int, depth: int = 4) -> set[int]:
        out: set[int] = set()
        level = {p}
        for _ in range(depth):
            level = {q for x in level for q in self.children(x)}
            out |= level
        return out

    def collateral3(self, p: int) -> set[int]:
        """Siblings, uncles and aunts, first cousins, nephews and nieces."""
        parents = self.parents(p)
        grand = {g for x in parents for g in self.parents(x)}
        uncles = {u for g in grand for u in self.children(g)} - parents
        cousins = {c for u in uncles for c in self.children(u)}
        siblings = self.siblings(p)
        nephews = {n for s in siblings for n in self.children(s)}
        return (siblings | uncles | cousins | nephews | self._cousins.get(p, set())) - {p}

    def statutory(self, p: int) -> set[int]:
        """Everyone the law lists for ``p``: spouse, lineal, collateral3 and in_law."""
        spouse = self.spouse_of(p)
        blood = self.ancestors(p) | self.descendants(p) | self.collateral3(p)
        kin = set(blood)
        if spouse >= 0:
            kin.add(spouse)
            in_law_blood = self.parents(spouse) | self.siblings(spouse)
            kin |= in_law_blood | {self.spouse_of(s) for s in self.siblings(spouse)}
        for child in self.children(p):
            partner = self.spouse_of(child)
            if partner >= 0:
                kin |= {partner} | self.parents(partner)
        kin |= {self.spouse_of(c) for c in self.collateral3(p)}
        kin.discard(-1)
        kin.discard(p)
        return kin

    def outside_kin(self, p: int) -> list[tuple[str, set[int]]]:
        """Relatives the law does not list: fourth-generation collaterals and the siblings of
        a sibling's or a child's spouse (亲家)."""
        spouses = {self.spouse_of(x) for x in self.siblings(p) | self.children(p)} - {-1}
        return [
            ("堂(表)侄或侄孙", self.fourth_generation(p)),
            ("兄弟姐妹或子女的配偶的兄弟姐妹", {y for x in spouses for y in self.siblings(x)}),
        ]

    def fourth_generation(self, p: int) -> set[int]:
        """Children of first cousins (堂/表侄) and grandchildren of siblings: collateral kin of
        the fourth generation, outside the statutory list."""
        grand_nephews = {g for s in self.siblings(p) for c in self.children(s) for g in self.children(c)}
        return self._cousins_children(p) | grand_nephews

    def _cousins_children(self, p: int) -> set[int]:
        parents = self.parents(p)
        grand = {g for x in parents for g in self.parents(x)}
        uncles = {u for g in grand for u in self.children(g)} - parents
        cousins = {c for u in uncles for c in self.children(u)}
        return {k for c in cousins for k in self.children(c)}


def _direct_cousins(kinship: Rows) -> dict[int, set[int]]:
    """Cousin rows registered without intermediates (not in the genealogy)."""
    relation = kinship.column("relation")
    pick = np.isin(relation.astype(str), COUSIN_TERMS) if len(relation) else np.zeros(0, bool)
    out: dict[int, set[int]] = {}
    person, relative = kinship.ints("person")[pick], kinship.ints("relative")[pick]
    for a, b in zip(person.tolist(), relative.tolist(), strict=True):
        out.setdefault(a, set()).add(b)
        out.setdefault(b, set()).add(a)
    return out
