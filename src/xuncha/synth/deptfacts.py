"""What the departmental generators read off the synthetic county, computed once, and the
column accumulators they write into."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from xuncha.synth.genealogy import Genealogy
from xuncha.synth.people import NA, Population, day
from xuncha.synth.positions import HEAD, TEAM
from xuncha.synth.rows import Rows
from xuncha.synth.units import Units
from xuncha.synth.write import PersonText

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

FIRST_MONTH = (2025 - 1970) * 12 + 6  # 2025-07, months since 1970-01
LAST_MONTH = (2026 - 1970) * 12 + 5  # 2026-06
WINDOW_START = day(2025, 7, 1)
WINDOW_END = day(2026, 6, 30)
PAYROLL_TYPES = ("党政机关", "事业单位", "乡镇(街道)", "学校", "医院")
OFFICIAL_TYPES = ("党政机关", "事业单位", "乡镇(街道)")
KEY_ROLES = (HEAD, TEAM)


def month_day(month: IntArray | int) -> IntArray:
    """First day (days since 1970-01-01) of a month index."""
    m = np.asarray(month, dtype=np.int64).astype("datetime64[M]")
    return np.asarray(m.astype("datetime64[D]").astype(np.int64), dtype=np.int64)


def first_day(month: int) -> int:
    """First day of one month index, as an int."""
    return int(month_day(month))


def month_of(days: IntArray) -> IntArray:
    return np.asarray(np.asarray(days).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64), np.int64)


@dataclass
class DeptInput:
    """The parts of the synthetic world the departmental tables are drawn from."""

    pop: Population
    units: Units
    positions: Rows
    kinship: Rows
    text: PersonText
    persons: pa.Table
    seed: int


class Chunks:
    """Columns appended in chunks; scalars are repeated to the chunk's length."""

    def __init__(self, *columns: str) -> None:
        self.parts: dict[str, list[npt.NDArray[np.generic]]] = {c: [] for c in columns}

    def add(self, **values: object) -> None:
        n = next(len(v) for v in values.values() if isinstance(v, np.ndarray | list))
        for col, parts in self.parts.items():
            v = values[col]
            arr = np.asarray(v) if isinstance(v, np.ndarray | list) else np.full(n, v)
            if len(arr) != n:
                raise ValueError(f"column {col}: {len(arr)} values, expected {n}")
            parts.append(arr)

    def column(self, col: str) -> npt.NDArray[np.generic]:
        parts = self.parts[col]
        return np.concatenate(parts) if parts else np.zeros(0)

    def __len__(self) -> int:
        return sum(len(p) for p in next(iter(self.parts.values())))


@dataclass
class Facts:
    """Arrays about people, units and current posts; ``reserved`` marks planted subjects."""

    src: DeptInput
    n: int = 0
    birth: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    death: IntArray = field(default_factory=lambda: np.zeros(0, np.int64))
    male: BoolArray = field(default_factory=lambda: np.zeros(0, bool))
    reserved: BoolArray = field(default_factory=lambda: np.zeros(0, bool))

    def __post_init__(self) -> None:
        c = self.src.pop.people.cols
        self.n = self.src.pop.people.size
        self.birth, self.death, self.male = c["birth"], c["death"], c["male"] == 1
        self.reserved = np.zeros(self.n, dtype=bool)
        self.kin = Genealogy(self.src.pop, self.src.kinship)
        self.person_names = self.names()
        self.home = np.asarray(self.src.persons.column("hukou_address").to_numpy(zero_copy_only=False), dtype=object)
        self._units()
        self._posts()

    def _units(self) -> None:
        u = self.src.units
        self.unit_type = np.array(u.type, dtype=object)
        self.unit_county = np.array(u.county, dtype=np.int64)
        self.unit_parent = np.array(u.parent, dtype=np.int64)
        self.unit_name = np.array(u.name, dtype=object)
        self.payroll_unit = np.isin(self.unit_type, PAYROLL_TYPES)
        self.official_unit = np.isin(self.unit_type, OFFICIAL_TYPES)
        self.village = np.flatnonzero(self.unit_type == "村(社区)")
        self.town = np.flatnonzero(self.unit_type == "乡镇(街道)")

    def _posts(self) -> None:
        p = self.src.positions
        current = p.ints("end_date") == NA
        self.post_person = p.ints("person")[current]
        self.post_unit = p.ints("unit")[current]
        self.post_role = np.asarray(p.column("role"), dtype=object)[current]
        self.post_start = p.ints("start_date")[current]
        self.holder = np.zeros(self.n, dtype=bool)
        self.holder[self.post_person] = True
        self.unit_of = np.full(self.n, -1, dtype=np.int64)
        self.unit_of[self.post_person] = self.post_unit

    def alive_on(self, when: int) -> BoolArray:
        return np.asarray((self.death == NA) | (self.death > when), dtype=bool)

    def adults(self, born_before: int = day(2007)) -> BoolArray:
        return np.asarray(self.birth < born_before, dtype=bool)

    def village_of(self, person: IntArray) -> IntArray:
        """The village (or town) that approves a resident's benefits, stable per address."""
        c = self.src.pop.people.cols
        pool = self.village if len(self.village) else self.town
        by_county = [pool[self.unit_county[pool] == k] for k in range(int(self.unit_county.max()) + 1)]
        slot = c["town"][person] * 97 + c["village"][person] * 13 + c["group"][person]
        county = c["county"][person]
        out = np.empty(len(person), dtype=np.int64)
        for k in np.unique(county):
            rows = county == k
            local = by_county[k] if k < len(by_county) and len(by_county[k]) else pool
            out[rows] = local[slot[rows] % len(local)]
        return out

    def names(self) -> npt.NDArray[np.object_]:
        return np.asarray(self.src.persons.column("name").to_numpy(zero_copy_only=False), dtype=object)

    def hukou(self) -> npt.NDArray[np.object_]:
        return self.home

    def key_posts(self, unit_mask: BoolArray, started_by: int) -> IntArray:
        """Indices into the current posts: key persons of the masked units in post by a day."""
        key = np.isin(self.post_role, KEY_ROLES)
        ok = (
            key
            & unit_mask[self.post_unit]
            & (self.post_start <= started_by)
            & self.alive_on(WINDOW_END)[self.post_person]
        )
        return np.flatnonzero(ok)
