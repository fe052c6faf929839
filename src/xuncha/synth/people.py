"""The population: four to five generations of families, built column-wise with numpy.

Dates are whole days since 1970-01-01 (int64); ``NA`` marks an unknown or open date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import numpy.typing as npt

from xuncha.synth import names
from xuncha.synth.places import ALL_PLACES, COUNTIES, OUTSIDE, town_table

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

NA = -(2**40)
YEAR = 365.25
CUTOFF = (date(2026, 6, 30) - date(1970, 1, 1)).days
FIELDS = (
    "male", "birth", "death", "county", "town", "village", "group", "house", "native",
    "born_place", "born_town", "surname", "given1", "given2", "father", "mother", "adopted",
)  # fmt: skip


def day(y: int, m: int = 1, d: int = 1) -> int:
    """Days since 1970-01-01."""
    return (date(y, m, d) - date(1970, 1, 1)).days


def years(x: float) -> int:
    return round(x * YEAR)


_TOWN_OWNER, _ = town_table()
_TOWN_LO = np.array([_TOWN_OWNER.index(i) for i in range(len(ALL_PLACES))], dtype=np.int64)
_TOWN_N = np.array([len(p.towns) for p in ALL_PLACES], dtype=np.int64)
_COUNTY_P = np.array([c.weight for c in COUNTIES]) / sum(c.weight for c in COUNTIES)
_OUTSIDE_P = np.array([c.weight for c in OUTSIDE]) / sum(c.weight for c in OUTSIDE)


def pick_towns(rng: np.random.Generator, place: IntArray) -> IntArray:
    return _TOWN_LO[place] + (rng.random(len(place)) * _TOWN_N[place]).astype(np.int64)


def pick_counties(rng: np.random.Generator, n: int, outside_share: float = 0.0) -> IntArray:
    inside = rng.choice(len(COUNTIES), size=n, p=_COUNTY_P)
    outside = len(COUNTIES) + rng.choice(len(OUTSIDE), size=n, p=_OUTSIDE_P)
    return np.where(rng.random(n) < outside_share, outside, inside).astype(np.int64)


@dataclass
class People:
    """Column arrays, one row per person; grown in chunks, then frozen by ``finish``."""

    chunks: dict[str, list[IntArray]] = field(default_factory=lambda: {f: [] for f in FIELDS})
    cols: dict[str, IntArray] = field(default_factory=dict)
    size: int = 0

    def add(self, **values: IntArray | int) -> IntArray:
        n = next(len(v) for v in values.values() if isinstance(v, np.ndarray))
        for name in FIELDS:
            value = values[name] if name in values else _DEFAULTS[name]
            arr = value if isinstance(value, np.ndarray) else np.full(n, value, dtype=np.int64)
            self.chunks[name].append(arr.astype(np.int64))
        first = self.size
        self.size += n
        return np.arange(first, self.size, dtype=np.int64)

    def finish(self) -> None:
        if not self.chunks["male"] and self.cols:
            return
        for name in FIELDS:
            parts = ([self.cols[name]] if name in self.cols else []) + self.chunks[name]
            self.cols[name] = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
            self.chunks[name] = []

    def __getitem__(self, name: str) -> IntArray:
        return self.cols[name]


_DEFAULTS: dict[str, int] = {
    "death": NA, "village": 0, "group": 1, "house": 1, "father": -1, "mother": -1, "adopted": 0,
    "given2": 0,
}  # fmt: skip


@dataclass
class Marriages:
    husband: list[IntArray] = field(default_factory=list)
    wife: list[IntArray] = field(default_factory=list)
    start: list[IntArray] = field(default_factory=list)
    end: list[IntArray] = field(default_factory=list)

    def add(self, husband: IntArray, wife: IntArray, start: IntArray, end: IntArray) -> None:
        self.husband.append(husband)
        self.wife.append(wife)
        self.start.append(start)
        self.end.append(end)

    def arrays(self) -> dict[str, IntArray]:
        def cat(parts: list[IntArray]) -> IntArray:
            return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

        return {
            "husband": cat(self.husband),
            "wife": cat(self.wife),
            "start": cat(self.start),
            "end": cat(self.end),
        }


@dataclass
class Population:
    people: People
    marriages: dict[str, IntArray]
    steps: dict[str, IntArray]  # child, step_parent: raised by a step-parent (继)


class _Builder:
    """One generation after another: couples have children, children marry."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.people = People()
        self.marriages = Marriages()
        self.step_child: list[IntArray] = []
        self.step_parent: list[IntArray] = []
        self.remarried: list[tuple[IntArray, IntArray, IntArray, IntArray]] = []
        self.cols: dict[str, IntArray] = {}

    def col(self, name: str) -> IntArray:
        """Current values of a column, including chunks added since the last call."""
        self.people.finish()
        return self.people[name]

    def outsiders(self, male: BoolArray, birth: IntArray, county: IntArray) -> IntArray:
        """People whose parents are not in the data (married in, moved in)."""
        rng, n = self.rng, len(male)
        native = np.where(rng.random(n) < 0.8, county, pick_counties(rng, n, 0.35))
        given1, given2 = names.draw_given(rng, male)
        return self.people.add(
            male=male.astype(np.int64),
            birth=birth,
            county=county,
            town=pick_towns(rng, county),
            village=rng.integers(0, 44, n),
            group=rng.integers(1, 12, n),
            house=rng.integers(1, 120, n),
            native=native,
            born_place=native,
            born_town=pick_towns(rng, native),
            surname=names.draw_surnames(rng, n),
            given1=given1,
            given2=given2,
        )

    def founders(self, couples: int) -> tuple[IntArray, IntArray, IntArray]:
        rng = self.rng
        hb = rng.integers(day(1928), day(1953), couples)
        wb = hb + (rng.normal(2.0, 2.0, couples) * YEAR).astype(np.int64)
        county = pick_counties(rng, couples)
        h = self.outsiders(np.ones(couples, bool), hb, county)
        w = self.outsiders(np.zeros(couples, bool), wb, county)
        self._move_wives(h, w)
        start = np.maximum(hb, wb) + (rng.uniform(19, 26, couples) * YEAR).astype(np.int64)
        self.marriages.add(h, w, start, np.full(couples, NA))
        return h, w, start

    def _move_wives(self, husband: IntArray, wife: IntArray) -> None:
        self.people.finish()
        cols = self.people.cols
        for name in ("county", "town", "village", "group", "house"):
            cols[name][wife] = cols[name][husband]

    def children(self, h: IntArray, w: IntArray, start: IntArray, cap: int = 9) -> IntArray:
        rng = self.rng
        year = 1970 + start // 365
        k = np.select(
            [year < 1972, year < 1982, year < 1996],
            [
                rng.choice(7, len(h), p=[0.03, 0.07, 0.2, 0.3, 0.22, 0.12, 0.06]),
                rng.choice(5, len(h), p=[0.04, 0.2, 0.46, 0.22, 0.08]),
                rng.choice(4, len(h), p=[0.05, 0.35, 0.45, 0.15]),
            ],
            rng.choice(4, len(h), p=[0.12, 0.5, 0.33, 0.05]),
        ).astype(np.int64)
        k = np.minimum(k, cap)
        total = int(k.sum())
        if total == 0:
            return np.zeros(0, dtype=np.int64)
        couple = np.repeat(np.arange(len(h)), k)
        has = k > 0
        starts = (np.cumsum(k) - k)[has]
        gap = (rng.uniform(1.3, 4.0, total) * YEAR).astype(np.int64)
        gap[starts] = (rng.uniform(0.8, 3.0, len(starts)) * YEAR).astype(np.int64)
        cum = np.cumsum(gap)
        birth = start[couple] + cum - np.repeat((cum - gap)[starts], k[has])
        fa, mo = h[couple], w[couple]
        mother_birth = self.col("birth")[mo]
        ok = (birth <= CUTOFF) & (birth <= mother_birth + years(45))
        fa, mo, birth = fa[ok], mo[ok], birth[ok]
        return self._born(fa, mo, birth)

    def _born(self, fa: IntArray, mo: IntArray, birth: IntArray) -> IntArray:
        rng, n = self.rng, len(fa)
        male = rng.random(n) < 0.515
        given1, given2 = names.draw_given(rng, male)
        c = self.people.cols
        county = c["county"][fa]
        moved = rng.random(n) < 0.08
        county = np.where(moved, pick_counties(rng, n), county)
        town = np.where(moved, pick_towns(rng, county), c["town"][fa])
        return self.people.add(
            male=male.astype(np.int64),
            birth=birth,
            county=county,
            town=town,
            village=np.where(moved, rng.integers(0, 44, n), c["village"][fa]),
            group=np.where(moved, rng.integers(1, 12, n), c["group"][fa]),
            house=rng.integers(1, 160, n),
            native=c["native"][fa],
            born_place=c["county"][fa],
            born_town=c["town"][fa],
            surname=c["surname"][fa],
            given1=given1,
            given2=given2,
            father=fa,
            mother=mo,
            adopted=(rng.random(n) < 0.015).astype(np.int64),
        )

    def marry(self, gen: IntArray) -> tuple[IntArray, IntArray, IntArray]:
        """Marry a generation: some among themselves, some to outsiders; a few divorce."""
        rng = self.rng
        birth = self.col("birth")[gen]
        p = np.where(birth < day(1995), 0.9, np.where(birth < day(2002), 0.55, 0.0))
        marriers = gen[rng.random(len(gen)) < p]
        inner = marriers[rng.random(len(marriers)) < 0.55]
        outer = np.setdiff1d(marriers, inner)
        h1, w1 = self._pair_inner(inner)
        h2, w2 = self._pair_outer(outer)
        h, w = np.concatenate([h1, h2]), np.concatenate([w1, w2])
        b = self.col("birth")
        start = np.maximum(b[h], b[w]) + (rng.uniform(21, 29, len(h)) * YEAR).astype(np.int64)
        ok = start <= CUTOFF
        h, w, start = h[ok], w[ok], start[ok]
        self._move_wives(h, w)
        end = self._divorces(start)
        self.marriages.add(h, w, start, end)
        rh, rw, rstart = self._remarry(h, w, end)
        return np.concatenate([h, rh]), np.concatenate([w, rw]), np.concatenate([start, rstart])

    def _pair_inner(self, inner: IntArray) -> tuple[IntArray, IntArray]:
        rng = self.rng
        c = self.people.cols
        men = inner[c["male"][inner] == 1]
        women = inner[c["male"][inner] == 0]

        def order(group: IntArray, shift: float) -> IntArray:
            key = c["birth"][group] + ((rng.normal(shift, 2.5, len(group))) * YEAR).astype(int)
            return group[np.lexsort((key, c["county"][group]))]

        men, women = order(men, 0.0), order(women, 2.0)
        n = min(len(men), len(women))
        men, women = men[:n], women[:n]
        same_f = (c["father"][men] == c["father"][women]) & (c["father"][men] >= 0)
        same_m = (c["mother"][men] == c["mother"][women]) & (c["mother"][men] >= 0)
        ok = ~(same_f | same_m)
        return men[ok], women[ok]

    def _pair_outer(self, outer: IntArray) -> tuple[IntArray, IntArray]:
        rng = self.rng
        c = self.people.cols
        male = c["male"][outer] == 1
        shift = np.where(male, rng.uniform(-1, 5, len(outer)), rng.uniform(-5, 1, len(outer)))
        birth = c["birth"][outer] + (shift * YEAR).astype(np.int64)
        stay = rng.random(len(outer)) < 0.85
        county = np.where(stay, c["county"][outer], pick_counties(rng, len(outer)))
        spouse = self.outsiders(~male, birth, county)
        return np.where(male, outer, spouse), np.where(male, spouse, outer)

    def _divorces(self, start: IntArray) -> IntArray:
        rng, n = self.rng, len(start)
        divorced = (rng.random(n) < 0.08) & (start < day(2020))
        end = start + (rng.uniform(2, 14, n) * YEAR).astype(np.int64)
        end = np.minimum(end, day(2025, 12, 31))
        return np.where(divorced & (end > start + 365), end, NA)

    def _remarry(self, h: IntArray, w: IntArray, end: IntArray) -> tuple[IntArray, IntArray, IntArray]:
        """Divorced men often remarry; some children of the first marriage are raised
        by the step-mother (继)."""
        rng = self.rng
        pick = (end != NA) & (rng.random(len(h)) < 0.6)
        men, ended = h[pick], end[pick]
        start = ended + (rng.uniform(0.5, 4, len(men)) * YEAR).astype(np.int64)
        ok = start <= CUTOFF
        men, start, first_wife = men[ok], start[ok], w[pick][ok]
        b = self.col("birth")
        wb = b[men] + (rng.uniform(1, 9, len(men)) * YEAR).astype(np.int64)
        wives = self.outsiders(np.zeros(len(men), bool), wb, self.people.cols["county"][men])
        self._move_wives(men, wives)
        self.marriages.add(men, wives, start, np.full(len(men), NA))
        self.remarried.append((men, first_wife, wives, start))
        return men, wives, start

    def steps(self) -> None:
        for men, first, step, start in self.remarried:
            self._steps(men, first, step, start)

    def _steps(self, men: IntArray, first: IntArray, step: IntArray, start: IntArray) -> None:
        c = self.people.cols
        kids = np.flatnonzero(np.isin(c["father"], men) & np.isin(c["mother"], first))
        if len(kids) == 0:
            return
        slot = {int(m): i for i, m in enumerate(men)}
        idx = np.array([slot[int(f)] for f in c["father"][kids]], dtype=np.int64)
        young = c["birth"][kids] > start[idx] - years(14)
        raised = young & (c["mother"][kids] == first[idx]) & (self.rng.random(len(kids)) < 0.6)
        self.step_child.append(kids[raised])
        self.step_parent.append(step[idx][raised])


def _deaths(rng: np.random.Generator, people: People) -> None:
    birth = people["birth"]
    by = 1970 + birth // 365
    p = np.select(
        [by < 1935, by < 1945, by < 1955, by < 1965, by < 1975],
        [0.92, 0.7, 0.35, 0.12, 0.04],
        0.0,
    )
    lo = birth + years(60)
    dies = (rng.random(len(birth)) < p) & (lo < CUTOFF)
    when = lo + (rng.random(len(birth)) * (CUTOFF - lo)).astype(np.int64)
    people.cols["death"] = np.where(dies, when, NA)


def _generate(rng: np.random.Generator, couples: int) -> _Builder:
    b = _Builder(rng)
    h, w, start = b.founders(couples)
    for _generation in range(5):
        kids = b.children(h, w, start)
        if len(kids) == 0:
            break
        h, w, start = b.marry(kids)
    b.people.finish()
    b.steps()
    return b


def build_population(seed: int, target: int) -> Population:
    """About ``target`` persons in families (never more); call ``fill`` to make it exact."""
    couples = max(1, round(target / 11.0))
    for _attempt in range(6):
        b = _generate(np.random.default_rng([seed, 1]), couples)
        if b.people.size <= target:
            break
        couples = max(1, int(couples * target / b.people.size * 0.97))
    _deaths(np.random.default_rng([seed, 2]), b.people)
    steps = {
        "child": np.concatenate(b.step_child) if b.step_child else np.zeros(0, np.int64),
        "parent": np.concatenate(b.step_parent) if b.step_parent else np.zeros(0, np.int64),
    }
    return Population(b.people, b.marriages.arrays(), steps)


def add_singles(rng: np.random.Generator, people: People, n: int) -> IntArray:
    """People without kin in the data (moved in for work, or whose records are elsewhere)."""
    if n <= 0:
        return np.zeros(0, dtype=np.int64)
    b = _Builder(rng)
    b.people = people
    male = rng.random(n) < 0.52
    birth = rng.integers(day(1950), day(2006), n)
    idx = b.outsiders(male, birth, pick_counties(rng, n))
    people.finish()
    return idx


def add_people(
    rng: np.random.Generator,
    people: People,
    spec: dict[str, IntArray],
) -> IntArray:
    """Append people whose ``male``, ``birth``, ``death``, ``county``, ``native``,
    ``born_place`` and ``surname`` are given (-1 surname: draw one)."""
    n = len(spec["male"])
    male = spec["male"].astype(bool)
    given1, given2 = names.draw_given(rng, male)
    surname = np.where(spec["surname"] >= 0, spec["surname"], names.draw_surnames(rng, n))
    county = spec["county"]
    idx = people.add(
        male=male.astype(np.int64),
        birth=spec["birth"],
        death=spec["death"],
        county=county,
        town=pick_towns(rng, county),
        village=rng.integers(0, 44, n),
        group=rng.integers(1, 12, n),
        house=rng.integers(1, 120, n),
        native=spec["native"],
        born_place=spec["born_place"],
        born_town=pick_towns(rng, spec["born_place"]),
        surname=surname,
        given1=given1,
        given2=given2,
    )
    people.finish()
    return idx
