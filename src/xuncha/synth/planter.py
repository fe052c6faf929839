"""The means of planting: fresh people, installed key persons, fresh inspectors and records.

Plants use fresh people only, so no tie but the planted one links an inspector to the
counterpart (the base population may still add others; tests only ask for presence)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from xuncha.synth.inspection import MAIN_ROUND, Inspection, office_unit
from xuncha.synth.people import NA, People, add_people, day
from xuncha.synth.places import MAIN, NATIVE_OTHER
from xuncha.synth.positions import HEAD, ROUND_DAY, STAFF, TEAM, title_for
from xuncha.synth.rows import Rows
from xuncha.synth.units import Units


def kinship_rows() -> Rows:
    return Rows(
        person="person",
        relative="person",
        relation="text",
        kind="text",
        start_date="date",
        end_date="date",
    )


def education_rows() -> Rows:
    return Rows(person="person", school="text", klass="text", start_date="date", end_date="date")


def form_rows() -> Rows:
    return Rows(cadre="person", relation="text", member="person", with_id="text")


@dataclass
class Plant:
    round: str
    inspector: int
    target: int
    counterpart: int  # a person index, or a unit index when ``on_unit``
    category: str
    note: str
    on_unit: bool = False
    why: str = ""


@dataclass
class Planter:
    rng: np.random.Generator
    people: People
    units: Units
    positions: Rows
    ins: Inspection
    kinship: Rows
    forms: Rows
    education: Rows
    fresh: dict[str, list[int]] = field(
        default_factory=lambda: {k: [] for k in ("male", "birth", "death", "county", "native", "born_place", "surname")}
    )
    plants: list[Plant] = field(default_factory=list)
    negatives: list[Plant] = field(default_factory=list)
    head_taken: set[int] = field(default_factory=set)
    cursor: int = 0

    # ------------------------------------------------------------------ people
    def person(
        self,
        male: bool,
        born: int,
        *,
        died: int = NA,
        native: int = MAIN,
        born_place: int | None = None,
        surname_of: int | None = None,
    ) -> int:
        """A fresh person; its index is final (fresh people are appended after the base)."""
        f = self.fresh
        f["male"].append(int(male))
        f["birth"].append(born + int(self.rng.integers(0, 300)))
        f["death"].append(died)
        f["county"].append(MAIN)
        f["native"].append(native)
        f["born_place"].append(native if born_place is None else born_place)
        f["surname"].append(-1 if surname_of is None else self.surname(surname_of))
        return self.people.size + len(f["male"]) - 1

    def surname(self, idx: int) -> int:
        if idx < self.people.size:
            return int(self.people["surname"][idx])
        own = self.fresh["surname"][idx - self.people.size]
        if own < 0:
            own = int(self.rng.integers(0, 100))
            self.fresh["surname"][idx - self.people.size] = own
        return own

    def commit(self) -> None:
        if self.fresh["male"]:
            spec = {k: np.array(v, dtype=np.int64) for k, v in self.fresh.items()}
            add_people(self.rng, self.people, spec)

    # ----------------------------------------------------------------- targets
    def target(self, head: bool = False) -> int:
        """The next main-round target, round-robin; a fresh head only once per target."""
        targets = self.ins.main_targets
        for _ in range(len(targets)):
            t = targets[self.cursor % len(targets)]
            self.cursor += 1
            if not head or t not in self.head_taken:
                return t
        raise ValueError("目标单位不足以埋设冲突 / too few targets for the planted heads")

    def key_person(
        self,
        unit: int,
        male: bool,
        born: int,
        head: bool = False,
        since: int | None = None,
        surname_of: int | None = None,
    ) -> int:
        """A fresh head (replacing the current one) or a fresh leadership-team member."""
        k = self.person(male, born, surname_of=surname_of)
        start = since if since is not None else ROUND_DAY - int(self.rng.integers(200, 900))
        if head:
            self.head_taken.add(unit)
            self._end_heads(unit, start - 1)
        role = HEAD if head else TEAM
        title = title_for(self.rng, self.units.family[unit], role)
        self.positions.add(person=k, unit=unit, title=title, role=role, start_date=start)
        return k

    def _end_heads(self, unit: int, when: int) -> None:
        p = self.positions
        unit_col, role_col, end = p.column("unit"), p.column("role"), p.ints("end_date")
        start = p.ints("start_date")
        current = (unit_col == unit) & (role_col == HEAD) & (end == NA) & (start < when)
        end[current] = when

    def home_unit(self) -> int:
        """A unit of the main county that is no target, under no target, not the office."""
        banned = set(self.ins.main_targets) | set(self.ins.cross_targets)
        banned.add(office_unit(self.units))
        options = [
            u
            for u in range(len(self.units))
            if self.units.county[u] == MAIN and u not in banned and self.units.parent[u] not in banned
        ]
        return options[int(self.rng.integers(len(options)))]

    def inspector(
        self,
        male: bool,
        born: int,
        *,
        full_time: bool = False,
        native: int = NATIVE_OTHER,
        born_place: int | None = None,
        home: int | None = None,
        surname_of: int | None = None,
    ) -> int:
        """A fresh inspector with a current post in a safe unit (or in the office)."""
        i = self.person(male, born, native=native, born_place=born_place, surname_of=surname_of)
        unit = office_unit(self.units) if full_time else (home if home is not None else self.home_unit())
        start = ROUND_DAY - int(self.rng.integers(400, 2500))
        title = "巡察专员" if full_time else title_for(self.rng, self.units.family[unit], STAFF)
        self.positions.add(person=i, unit=unit, title=title, role=STAFF, start_date=start)
        self.ins.inspectors.add(
            person=i,
            pool="专职" if full_time else "人才库",
            roles="组长、副组长" if full_time else "组员",
            home_region=self.units.region(unit),
            home_unit=unit,
            skills="纪检、财务" if full_time else "审计",
            available="是",
        )
        return i

    # ------------------------------------------------------------------- facts
    def kin(
        self,
        person: int,
        relative: int,
        term: str,
        *,
        kind: str = "",
        start: int = NA,
        end: int = NA,
    ) -> None:
        self.kinship.add(
            person=person,
            relative=relative,
            relation=term,
            kind=kind,
            start_date=start,
            end_date=end,
        )

    def form(self, cadre: int, member: int, term: str, with_id: bool = False) -> None:
        self.forms.add(cadre=cadre, relation=term, member=member, with_id="1" if with_id else "")

    def record(
        self,
        category: str,
        inspector: int,
        target: int,
        counterpart: int,
        note: str,
        *,
        on_unit: bool = False,
        round_id: str = MAIN_ROUND,
    ) -> None:
        self.plants.append(Plant(round_id, inspector, target, counterpart, category, note, on_unit))

    def record_negative(
        self,
        category: str,
        inspector: int,
        target: int,
        counterpart: int,
        note: str,
        why: str,
        *,
        on_unit: bool = False,
        round_id: str = MAIN_ROUND,
    ) -> None:
        self.negatives.append(Plant(round_id, inspector, target, counterpart, category, note, on_unit, why))


def y(year: int, month: int = 1, d: int = 1) -> int:
    return day(year, month, d)
