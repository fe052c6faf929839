"""Cadre forms (干部任免审批表): the 家庭主要成员 block of every key person and inspector."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from xuncha.synth.kin import child_rank, child_terms, current_spouse
from xuncha.synth.people import NA, People, Population, years
from xuncha.synth.positions import HEAD, ROUND_DAY, TEAM
from xuncha.synth.rows import Rows
from xuncha.synth.units import Units

IntArray = npt.NDArray[np.int64]


def key_persons_today(positions: Rows) -> IntArray:
    role, start, end = (
        positions.column("role"),
        positions.ints("start_date"),
        positions.ints("end_date"),
    )
    key = np.isin(role, [HEAD, TEAM]) & (start <= ROUND_DAY) & ((end == NA) | (end >= ROUND_DAY))
    return np.asarray(positions.column("person")[key], dtype=np.int64)


def build_forms(rng: np.random.Generator, pop: Population, cadres: IntArray, forms: Rows) -> IntArray:
    """Add form rows for ``cadres``; return people left out of kinship (form-only members)."""
    c = pop.people.cols
    size = len(c["male"])
    cadres = cadres[cadres < len(c["father"])]
    spouse = current_spouse(pop)
    spouse = np.concatenate([spouse, np.full(size - len(spouse), -1)])
    s = spouse[cadres]
    has = s >= 0
    forms.add(
        cadre=cadres[has],
        member=s[has],
        relation=np.where(c["male"][s[has]] == 1, "丈夫", "妻子").astype(object),
    )
    for parent, term in (("father", "父亲"), ("mother", "母亲")):
        p = c[parent][cadres]
        forms.add(cadre=cadres[p >= 0], member=p[p >= 0], relation=term)
    _children(rng, pop, cadres, forms)
    fathers = c["father"][cadres]
    fathers = fathers[fathers >= 0]
    k = max(3, len(cadres) // 200)
    return np.unique(rng.choice(fathers, size=min(k, len(fathers)), replace=False))


def _children(rng: np.random.Generator, pop: Population, cadres: IntArray, forms: Rows) -> None:
    c = pop.people.cols
    is_cadre = np.zeros(len(c["male"]), dtype=bool)
    is_cadre[cadres] = True
    rank = child_rank(pop)
    for parent in ("father", "mother"):
        kids = np.flatnonzero((c[parent] >= 0) & is_cadre[np.maximum(c[parent], 0)])
        terms = child_terms(c["male"][kids] == 1, rank[kids], rng.random(len(kids)) < 0.5)
        forms.add(cadre=c[parent][kids], member=kids, relation=terms)


def mark_ids(rng: np.random.Generator, forms: Rows) -> None:
    with_id = forms.column("with_id")
    with_id[(with_id == "") & (rng.random(len(with_id)) < 0.15)] = "1"


def current_posts(people: People, positions: Rows) -> tuple[IntArray, list[str]]:
    """Unit index (or -1) and title of each person's post on the round's start date."""
    start, end = positions.ints("start_date"), positions.ints("end_date")
    now = (start <= ROUND_DAY) & ((end == NA) | (end >= ROUND_DAY))
    order = np.flatnonzero(now)
    order = order[np.argsort(start[order], kind="stable")]
    unit = np.full(people.size, -1, dtype=np.int64)
    slot = np.full(people.size, -1, dtype=np.int64)
    who = positions.column("person")[order]
    unit[who] = positions.column("unit")[order]
    slot[who] = order
    titles = positions.column("title")
    return unit, [str(titles[i]) if i >= 0 else "" for i in slot.tolist()]


def employer_texts(
    rng: np.random.Generator,
    people: People,
    units: Units,
    members: IntArray,
    post_unit: IntArray,
    post_title: list[str],
) -> list[str]:
    birth, death = people["birth"][members], people["death"][members]
    draw = rng.random(len(members))
    jobs = ("务农", "个体经营", "外出务工", "无业", "自由职业")
    out: list[str] = []
    for k, m in enumerate(members.tolist()):
        if death[k] != NA:
            out.append("已故" if draw[k] < 0.7 else "(已去世)")
        elif post_unit[m] >= 0:
            out.append(units.name[post_unit[m]] + post_title[m])
        elif birth[k] > ROUND_DAY - years(23):
            out.append("学生" if draw[k] < 0.6 else "在读")
        elif birth[k] < ROUND_DAY - years(60):
            out.append("退休" if draw[k] < 0.5 else "务农")
        else:
            out.append(jobs[int(draw[k] * len(jobs))])
    return out


def political_statuses(rng: np.random.Generator, people: People, members: IntArray) -> list[str]:
    young = people["birth"][members] > ROUND_DAY - years(28)
    draw = rng.random(len(members))
    labels = np.where(
        young & (draw < 0.4),
        "共青团员",
        np.where(draw < 0.35, "中共党员", np.where(draw < 0.96, "群众", "民盟盟员")),
    )
    return [str(x) for x in labels]
