"""Work histories: every unit's head, leadership team and staff, with earlier posts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from xuncha.synth.people import NA, People, day, years
from xuncha.synth.rows import Rows
from xuncha.synth.units import Units

IntArray = npt.NDArray[np.int64]

ROUND_DAY = day(2026, 9, 1)
HEAD, TEAM, MIDDLE, STAFF, FINANCE = "一把手", "班子成员", "中层", "一般", "财务"

# family → (head titles, team titles, middle, staff, finance)
TITLES: dict[str, tuple[tuple[str, ...], ...]] = {
    "局": (("局长", "党组书记、局长"), ("副局长", "党组成员、副局长", "纪检组长"),
          ("股长", "办公室主任", "科长"), ("科员", "一级科员", "四级主任科员"), ("会计", "出纳")),
    "办": (("主任",), ("副主任",), ("科长", "综合科科长"), ("科员", "一级主任科员"), ("会计",)),
    "部": (("部长",), ("副部长", "常务副部长"), ("科长",), ("科员", "一级科员"), ("会计",)),
    "委": (("书记",), ("副书记", "常委", "委员"), ("室主任",), ("科员", "干部"), ("会计",)),
    "inst": (("主任",), ("副主任",), ("股长",), ("工作人员", "专业技术人员"), ("会计", "出纳")),
    "soe": (("董事长",), ("总经理", "副总经理", "监事会主席"), ("部门经理",), ("职员",),
            ("财务经理", "会计")),
    "school": (("校长",), ("副校长", "党支部书记"), ("教务主任", "政教主任"), ("教师",),
               ("会计",)),
    "hospital": (("院长",), ("副院长", "党委书记"), ("科主任", "护士长"), ("医师", "护士"),
                 ("会计", "收费员")),
    "town": (("党委书记",), ("镇长", "党委副书记", "副镇长", "人大主席", "纪委书记"),
             ("党政办主任", "财政所所长"), ("科员", "工作人员"), ("财政所会计",)),
    "street": (("党工委书记",), ("主任", "党工委副书记", "副主任"), ("党政办主任",),
               ("工作人员",), ("会计",)),
    "village": (("村党支部书记",), ("村委会主任", "村委会副主任", "村监委会主任"), (),
                ("村文书", "村民小组长"), ("村会计", "报账员")),
}  # fmt: skip
ROLE_SLOT = {HEAD: 0, TEAM: 1, MIDDLE: 2, STAFF: 3, FINANCE: 4}
STAFF_MEAN = {
    "局": 8,
    "办": 6,
    "部": 6,
    "委": 8,
    "inst": 6,
    "soe": 10,
    "school": 18,
    "hospital": 22,
    "town": 10,
    "street": 8,
    "village": 1,
}


def position_rows() -> Rows:
    return Rows(
        person="person",
        unit="unit",
        title="text",
        role="text",
        start_date="date",
        end_date="date",
    )


def title_for(rng: np.random.Generator, family: str, role: str) -> str:
    titles = TITLES[family][ROLE_SLOT[role]] or TITLES[family][3]
    return titles[int(rng.integers(len(titles)))]


@dataclass
class Staffing:
    """Who holds which slot today: one entry per current position."""

    person: IntArray
    unit: IntArray
    role: list[str]
    start: IntArray


def _slots(rng: np.random.Generator, units: Units, persons: int) -> tuple[list[int], list[str]]:
    """Roles per unit; staff grows with people per unit (big counties have big offices)."""
    scale = min(max(persons / (100 * len(units)), 1.0), 3.0)
    unit_of: list[int] = []
    role_of: list[str] = []
    for u, fam in enumerate(units.family):
        team = int(rng.integers(2, 7)) if fam != "village" else int(rng.integers(2, 4))
        staff = int(rng.poisson(STAFF_MEAN[fam] * scale))
        middle = staff // 4 if TITLES[fam][2] else 0
        finance = 1 if staff >= 2 or fam == "village" else 0
        roles = [HEAD] + [TEAM] * team + [MIDDLE] * middle + [FINANCE] * finance
        roles += [STAFF] * max(0, staff - middle - finance)
        unit_of += [u] * len(roles)
        role_of += roles
    return unit_of, role_of


def _fill(rng: np.random.Generator, people: People, units: Units, unit_of: list[int], role_of: list[str]) -> IntArray:
    """People for the slots, from the unit's county; key posts to people aged 34–60."""
    birth, death = people["birth"], people["death"]
    alive = (death == NA) | (death > ROUND_DAY)
    county_of_slot = np.array([units.county[u] for u in unit_of], dtype=np.int64)
    key_slot = np.array([r in (HEAD, TEAM) for r in role_of])
    holder = np.full(len(unit_of), -1, dtype=np.int64)
    used = np.zeros(people.size, dtype=bool)
    for want_key, lo, hi in ((True, 1966, 1992), (False, 1964, 2003)):
        ok = alive & (birth >= day(lo)) & (birth < day(hi))
        for c in np.unique(county_of_slot):
            slots = np.flatnonzero((county_of_slot == c) & (key_slot == want_key))
            pool = np.flatnonzero(ok & ~used & (people["county"] == c))
            pool = rng.permutation(pool)[: len(slots)]
            if len(pool) < len(slots):
                extra = rng.choice(np.flatnonzero(ok), len(slots) - len(pool))
                pool = np.concatenate([pool, extra])
            holder[slots] = pool
            used[pool] = True
    return holder


def build_positions(rng: np.random.Generator, people: People, units: Units) -> tuple[Rows, Staffing]:
    unit_of, role_of = _slots(rng, units, people.size)
    holder = _fill(rng, people, units, unit_of, role_of)
    unit = np.array(unit_of, dtype=np.int64)
    key = np.array([r in (HEAD, TEAM) for r in role_of])
    span = np.where(key, rng.uniform(0.3, 8, len(unit)), rng.uniform(0.2, 15, len(unit)))
    earliest = people["birth"][holder] + years(22)
    start = np.maximum(ROUND_DAY - (span * 365.25).astype(np.int64), earliest)
    start = np.minimum(start, ROUND_DAY - 30)
    rows = position_rows()
    titles = [title_for(rng, units.family[u], r) for u, r in zip(unit_of, role_of, strict=True)]
    rows.add(person=holder, unit=unit, title=titles, role=role_of, start_date=start)
    staffing = Staffing(holder, unit, role_of, start)
    _earlier_posts(rng, people, units, rows, staffing)
    _former_heads(rng, people, units, rows, staffing)
    return rows, staffing


def _other_unit(rng: np.random.Generator, units: Units, unit: IntArray) -> IntArray:
    """A random unit of the same county (different from ``unit`` where possible)."""
    county = np.array(units.county, dtype=np.int64)
    order = np.argsort(county, kind="stable")
    lo = np.searchsorted(county[order], county[unit], side="left")
    hi = np.searchsorted(county[order], county[unit], side="right")
    pick = order[lo + (rng.random(len(unit)) * (hi - lo)).astype(np.int64)]
    return np.asarray(pick, dtype=np.int64)


def _earlier_posts(rng: np.random.Generator, people: People, units: Units, rows: Rows, s: Staffing) -> None:
    key = np.array([r in (HEAD, TEAM) for r in s.role])
    chosen = np.flatnonzero(rng.random(len(s.person)) < np.where(key, 0.45, 0.15))
    person, start = s.person[chosen], s.start[chosen]
    end = start - rng.integers(1, 40, len(chosen))
    begin = end - (rng.uniform(1.2, 8, len(chosen)) * 365.25).astype(np.int64)
    ok = begin > people["birth"][person] + years(21)
    chosen, person, end, begin = chosen[ok], person[ok], end[ok], begin[ok]
    unit = _other_unit(rng, units, s.unit[chosen])
    roles = [TEAM if key[i] and rng.random() < 0.5 else MIDDLE if key[i] else STAFF for i in chosen]
    titles = [title_for(rng, units.family[u], r) for u, r in zip(unit, roles, strict=True)]
    rows.add(person=person, unit=unit, title=titles, role=roles, start_date=begin, end_date=end)


def _former_heads(rng: np.random.Generator, people: People, units: Units, rows: Rows, s: Staffing) -> None:
    """Earlier heads of 60% of units: today's key persons of other units, rotated."""
    head = np.array([r == HEAD for r in s.role])
    heads = np.flatnonzero(head & (rng.random(len(s.person)) < 0.6))
    if len(heads) < 2:
        return
    donors = np.flatnonzero(np.array([r in (HEAD, TEAM) for r in s.role]))
    donor = donors[rng.integers(0, len(donors), len(heads))]
    end = s.start[heads] - 1
    begin = end - (rng.uniform(2, 7, len(heads)) * 365.25).astype(np.int64)
    person = s.person[donor]
    ok = (person != s.person[heads]) & (begin > people["birth"][person] + years(25))
    ok &= (s.unit[donor] != s.unit[heads]) & (s.start[donor] > end)
    heads, person, begin, end = heads[ok], person[ok], begin[ok], end[ok]
    unit = s.unit[heads]
    titles = [title_for(rng, units.family[u], HEAD) for u in unit]
    rows.add(person=person, unit=unit, title=titles, role=HEAD, start_date=begin, end_date=end)
