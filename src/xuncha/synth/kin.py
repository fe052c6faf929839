"""Kinship rows from the genealogy: mostly 父亲/母亲/配偶 base facts, plus a realistic share
of other terms (儿子, 长女, 哥哥, 岳父, 姐夫, 妻子的弟弟, 表弟 without intermediates)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from xuncha.synth.people import NA, Population, years
from xuncha.synth.rows import Rows

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def current_spouse(pop: Population) -> IntArray:
    m = pop.marriages
    spouse = np.full(pop.people.size, -1, dtype=np.int64)
    live = m["end"] == NA
    spouse[m["husband"][live]] = m["wife"][live]
    spouse[m["wife"][live]] = m["husband"][live]
    return spouse


def child_rank(pop: Population) -> IntArray:
    """Birth order among the same-gender children of the same parents (0 = eldest)."""
    c = pop.people.cols
    kids = np.flatnonzero(c["father"] >= 0)
    order = kids[np.lexsort((c["birth"][kids], c["male"][kids], c["mother"][kids], c["father"][kids]))]
    keys = np.stack([c["father"][order], c["mother"][order], c["male"][order]], axis=1)
    new = np.ones(len(order), dtype=bool)
    new[1:] = np.any(keys[1:] != keys[:-1], axis=1)
    start = np.maximum.accumulate(np.where(new, np.arange(len(order)), 0))
    rank = np.full(pop.people.size, -1, dtype=np.int64)
    rank[order] = np.arange(len(order)) - start
    return rank


def child_terms(male: BoolArray, rank: IntArray, ordinal: BoolArray) -> list[str]:
    sons, daughters = ("长子", "次子", "三子"), ("长女", "次女", "三女")
    out: list[str] = []
    for m, r, o in zip(male.tolist(), rank.tolist(), ordinal.tolist(), strict=True):
        if o and 0 <= r < 3:
            out.append(sons[r] if m else daughters[r])
        else:
            out.append("儿子" if m else "女儿")
    return out


def sibling_pairs(pop: Population) -> tuple[IntArray, IntArray]:
    """(elder, younger) full siblings next to each other in birth order."""
    c = pop.people.cols
    kids = np.flatnonzero(c["father"] >= 0)
    order = kids[np.lexsort((c["birth"][kids], c["mother"][kids], c["father"][kids]))]
    same = (c["father"][order[1:]] == c["father"][order[:-1]]) & (c["mother"][order[1:]] == c["mother"][order[:-1]])
    return order[:-1][same], order[1:][same]


def build_kinship(rng: np.random.Generator, pop: Population, rows: Rows) -> None:
    _parents(rng, pop, rows)
    _marriages(rng, pop, rows)
    rows.add(person=pop.steps["child"], relative=pop.steps["parent"], relation="母亲", kind="继")
    spouse = current_spouse(pop)
    elder, younger = sibling_pairs(pop)
    _siblings(rng, pop, rows, elder, younger)
    _in_laws(rng, pop, rows, spouse)
    _sisters_husbands(rng, pop, rows, spouse, elder, younger)
    _cousins_without_intermediates(rng, pop, rows)


def _parents(rng: np.random.Generator, pop: Population, rows: Rows) -> None:
    c = pop.people.cols
    kids = np.flatnonzero(c["father"] >= 0)
    kind = np.where(c["adopted"][kids] == 1, "收养", "").astype(object)
    kind[(kind == "") & (rng.random(len(kids)) < 0.03)] = "亲生"
    rank = child_rank(pop)[kids]
    male = c["male"][kids] == 1
    for parent, term in (("father", "父亲"), ("mother", "母亲")):
        flip = rng.random(len(kids)) < 0.12
        straight = ~flip
        rows.add(
            person=kids[straight],
            relative=c[parent][kids[straight]],
            relation=term,
            kind=kind[straight],
        )
        terms = child_terms(male[flip], rank[flip], rng.random(int(flip.sum())) < 0.6)
        rows.add(person=c[parent][kids[flip]], relative=kids[flip], relation=terms, kind=kind[flip])


def _marriages(rng: np.random.Generator, pop: Population, rows: Rows) -> None:
    m = pop.marriages
    side = rng.random(len(m["husband"]))
    for lo, hi, person, relative, term in (
        (0.0, 0.4, "wife", "husband", "丈夫"),
        (0.4, 0.8, "husband", "wife", "妻子"),
        (0.8, 0.9, "husband", "wife", "配偶"),
        (0.9, 1.01, "wife", "husband", "配偶"),
    ):
        pick = (side >= lo) & (side < hi)
        rows.add(
            person=m[person][pick],
            relative=m[relative][pick],
            relation=term,
            start_date=m["start"][pick],
            end_date=m["end"][pick],
        )


def _siblings(rng: np.random.Generator, pop: Population, rows: Rows, elder: IntArray, younger: IntArray) -> None:
    male = pop.people["male"]
    pick = rng.random(len(elder)) < 0.1
    up = rng.random(len(elder)) < 0.5
    a, b = elder[pick & up], younger[pick & up]
    rows.add(person=b, relative=a, relation=np.where(male[a] == 1, "哥哥", "姐姐").astype(object))
    a, b = elder[pick & ~up], younger[pick & ~up]
    rows.add(person=a, relative=b, relation=np.where(male[b] == 1, "弟弟", "妹妹").astype(object))


def _in_laws(rng: np.random.Generator, pop: Population, rows: Rows, spouse: IntArray) -> None:
    c = pop.people.cols
    married = np.flatnonzero((spouse >= 0) & (rng.random(pop.people.size) < 0.05))
    for parent, men_term, women_term in (("father", "岳父", "公公"), ("mother", "岳母", "婆婆")):
        other = c[parent][spouse[married]]
        ok = other >= 0
        who = married[ok]
        terms = np.where(c["male"][who] == 1, men_term, women_term).astype(object)
        rows.add(person=who, relative=other[ok], relation=terms)


def _sisters_husbands(
    rng: np.random.Generator,
    pop: Population,
    rows: Rows,
    spouse: IntArray,
    elder: IntArray,
    younger: IntArray,
) -> None:
    male = pop.people["male"]
    ok = (male[elder] == 0) & (spouse[elder] >= 0)
    e, yng = elder[ok], younger[ok]
    husband = spouse[e]
    pick = rng.random(len(e)) < 0.3
    rows.add(person=yng[pick], relative=husband[pick], relation="姐夫")
    pick = rng.random(len(e)) < 0.3
    terms = np.where(male[yng[pick]] == 1, "妻子的弟弟", "妻子的妹妹").astype(object)
    rows.add(person=husband[pick], relative=yng[pick], relation=terms)


def _cousins_without_intermediates(rng: np.random.Generator, pop: Population, rows: Rows) -> None:
    """表弟/表妹 registered directly between people whose parents are not in the data."""
    c = pop.people.cols
    alone = np.flatnonzero((c["father"] < 0) & (c["death"] == NA) & (rng.random(pop.people.size) < 0.01))
    order = alone[np.lexsort((c["birth"][alone], c["county"][alone]))]
    a, b = order[0::2], order[1::2]
    a = a[: len(b)]
    close = (c["county"][a] == c["county"][b]) & (np.abs(c["birth"][b] - c["birth"][a]) < years(8))
    a, b = a[close], b[close]
    terms = np.where(c["male"][b] == 1, "表弟", "表妹").astype(object)
    rows.add(person=a, relative=b, relation=terms)
