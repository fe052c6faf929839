"""The inspector pool, the rounds, their targets and the record of past rounds."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from xuncha.synth.people import NA, People, day
from xuncha.synth.places import ALL_PLACES, CROSS, MAIN
from xuncha.synth.positions import HEAD, ROUND_DAY, STAFF, TEAM, Staffing, position_rows
from xuncha.synth.rows import Rows
from xuncha.synth.units import Units

IntArray = npt.NDArray[np.int64]

MAIN_ROUND = "R2026-3"
CROSS_ROUND = "R2026-X1"
CROSS_DAY = day(2026, 10, 12)
SKILLS = ("财务", "审计", "纪检", "法律", "组织", "工程", "信访")
SYSTEM_SKILL = {
    "财政": "财务",
    "审计": "审计",
    "纪检监察": "纪检",
    "政法": "法律",
    "组织": "组织",
    "住建": "工程",
    "交通": "工程",
    "水利": "工程",
    "信访": "信访",
    "巡察": "纪检",
}
# (id, name, mode, level, start, end)
PAST_ROUNDS = (
    ("R2024-1", "十三届县委第九轮巡察", day(2024, 3, 11), day(2024, 5, 20)),
    ("R2024-2", "十三届县委第十轮巡察", day(2024, 9, 2), day(2024, 11, 8)),
    ("R2025-1", "十四届县委第一轮巡察", day(2025, 3, 10), day(2025, 5, 16)),
    ("R2025-2", "十四届县委第二轮巡察", day(2025, 9, 8), day(2025, 11, 14)),
    ("R2026-1", "十四届县委第一轮巡察回访督查", day(2026, 3, 9), day(2026, 4, 17)),
    ("R2026-2", "十四届县委第二轮巡察", day(2026, 5, 11), day(2026, 7, 10)),
)


def round_rows() -> Rows:
    return Rows(
        round_id="text",
        name="text",
        mode="text",
        level="text",
        start_date="date",
        end_date="date",
        core_size="text",
        members_min="text",
        members_max="text",
    )


def inspector_rows() -> Rows:
    return Rows(
        person="person",
        pool="text",
        roles="text",
        home_region="text",
        home_unit="unit",
        skills="text",
        available="text",
    )


@dataclass
class Inspection:
    inspectors: Rows = field(default_factory=inspector_rows)
    rounds: Rows = field(default_factory=round_rows)
    targets: Rows = field(default_factory=lambda: Rows(round="text", unit="unit"))
    history: Rows = field(
        default_factory=lambda: Rows(round="text", unit="unit", person="person", role="text", date="date")
    )
    declarations: Rows = field(
        default_factory=lambda: Rows(
            round="text",
            inspector="person",
            counterpart="person",
            counterpart_unit="unit",
            relation="text",
            date="date",
        )
    )
    objections: Rows = field(
        default_factory=lambda: Rows(round="text", unit="unit", inspector="person", reason="text", date="date")
    )
    main_targets: list[int] = field(default_factory=list)
    cross_targets: list[int] = field(default_factory=list)
    full_time: list[int] = field(default_factory=list)
    pool: list[int] = field(default_factory=list)


def inspector_count(persons: int) -> int:
    return max(40, persons // 200)


def target_count(persons: int) -> int:
    return max(8, persons // 2000)


def office_unit(units: Units) -> int:
    """The inspection office (巡察办) of the county under inspection."""
    return next(i for i, n in enumerate(units.name) if n.endswith("巡察工作领导小组办公室"))


def pick_targets(rng: np.random.Generator, units: Units, persons: int) -> tuple[list[int], list[int]]:
    office = office_unit(units)
    weight = {
        "党政机关": 3.0,
        "乡镇(街道)": 3.0,
        "国有企业": 2.0,
        "事业单位": 1.0,
        "学校": 1.0,
        "医院": 1.0,
        "村(社区)": 0.3,
    }
    has_villages = {p for p in units.parent if p >= 0}
    main = [u for u in range(len(units)) if units.county[u] == MAIN and u != office]
    town = next(u for u in main if u in has_villages)
    rest = [u for u in main if u != town and not units.name[u].endswith(("纪委监委", "委组织部"))]
    w = np.array([weight[units.type[u]] for u in rest])
    n = min(target_count(persons), len(rest) + 1) - 1
    chosen = rng.choice(len(rest), size=n, replace=False, p=w / w.sum())
    main_targets = sorted([town, *(rest[int(i)] for i in chosen)])
    cross = [u for u in range(len(units)) if units.county[u] == CROSS]
    k = min(len(cross) - 1, max(3, len(main_targets) // 4))  # one cross unit stays a home, not a target
    cross_targets = sorted(int(cross[int(i)]) for i in rng.choice(len(cross), k, replace=False))
    return main_targets, cross_targets


def add_rounds(rng: np.random.Generator, units: Units, ins: Inspection) -> None:
    r = ins.rounds
    r.add(
        round_id=MAIN_ROUND,
        name="十四届县委第三轮巡察",
        mode="常规",
        level="县",
        start_date=ROUND_DAY,
        end_date=day(2026, 11, 13),
        core_size="3",
        members_min="2",
        members_max="4",
    )
    r.add(
        round_id=CROSS_ROUND,
        name="南充市委2026年交叉巡察(营山县)",
        mode="交叉",
        level="市",
        start_date=CROSS_DAY,
        end_date=day(2026, 12, 11),
        core_size="3",
        members_min="2",
        members_max="4",
    )
    for rid, name, start, end in PAST_ROUNDS:
        r.add(
            round_id=rid,
            name=name,
            mode="常规",
            level="县",
            start_date=start,
            end_date=end,
            core_size="3",
            members_min="2",
            members_max="4",
        )
    ins.targets.add(round=MAIN_ROUND, unit=ins.main_targets)
    ins.targets.add(round=CROSS_ROUND, unit=ins.cross_targets)
    main = [u for u in range(len(units)) if units.county[u] == MAIN and u != office_unit(units)]
    for rid, _name, start, _end in PAST_ROUNDS:
        k = max(2, len(ins.main_targets) // 2)
        done = sorted(int(main[int(i)]) for i in rng.choice(len(main), k, replace=False))
        ins.targets.add(round=rid, unit=done)
        _history(rng, ins, rid, done, start)


def _history(rng: np.random.Generator, ins: Inspection, rid: str, done: list[int], when: int) -> None:
    full, pool = ins.full_time, ins.pool
    for t in range(0, len(done), 2):
        team_units = done[t : t + 2]
        core = rng.choice(full, size=min(3, len(full)), replace=False)
        members = rng.choice(pool, size=min(int(rng.integers(2, 5)), len(pool)), replace=False)
        people = [*core.tolist(), *members.tolist()]
        roles = ["组长", "副组长", "联络员"][: len(core)] + ["组员"] * len(members)
        for u in team_units:
            ins.history.add(round=rid, unit=u, person=people, role=roles, date=when)


def choose_inspectors(
    rng: np.random.Generator,
    people: People,
    units: Units,
    staffing: Staffing,
    positions: Rows,
    count: int,
    ins: Inspection,
) -> None:
    """Full-time staff moved into the office; talent-pool cadres from units, mostly local."""
    office = office_unit(units)
    excluded = set(ins.main_targets) | set(ins.cross_targets) | {office}
    role = np.array(staffing.role)
    unit = staffing.unit
    ok_unit = np.array([u not in excluded and units.type[u] != "村(社区)" for u in unit])
    county = np.array(units.county)[unit]
    candidates = np.flatnonzero(ok_unit & np.isin(role, [STAFF, "中层", TEAM]))
    _, first = np.unique(staffing.person[candidates], return_index=True)
    candidates = candidates[np.sort(first)]
    native_main = people["native"][staffing.person[candidates]] == MAIN
    weight = np.where(native_main, 0.3, 1.0) * np.where(county[candidates] == MAIN, 1.0, 0.15)
    n = min(count, len(candidates))
    if n <= 0:
        return
    chosen = rng.choice(candidates, size=n, replace=False, p=weight / weight.sum())
    n_full = max(3, n // 5)
    in_main = chosen[county[chosen] == MAIN]
    full_slots, pool_slots = in_main[:n_full], np.setdiff1d(chosen, in_main[:n_full])
    _full_time(rng, units, staffing, positions, full_slots, office, ins)
    _talent_pool(rng, units, staffing, pool_slots, ins)


def _full_time(
    rng: np.random.Generator,
    units: Units,
    s: Staffing,
    positions: Rows,
    slots: IntArray,
    office: int,
    ins: Inspection,
) -> None:
    moved = ROUND_DAY - rng.integers(200, 2200, len(slots))
    moved = np.maximum(moved, s.start[slots] + 200)
    end = positions.ints("end_date")
    end[slots] = moved - 1
    titles = ["一级主任科员", "二级主任科员", "巡察专员", "副主任"]
    new = position_rows()
    new.add(
        person=s.person[slots],
        unit=office,
        title=[titles[i % 4] for i in range(len(slots))],
        role=STAFF,
        start_date=moved,
    )
    positions.add(**{c: new.column(c) for c in new.kinds})
    roles = ["组长", "副组长", "联络员"]
    for k, person in enumerate(s.person[slots]):
        ins.inspectors.add(
            person=int(person),
            pool="专职",
            roles=roles[k % 3],
            home_region=units.region(office),
            home_unit=office,
            skills=_skills(rng, "巡察"),
            available="是",
        )
        ins.full_time.append(int(person))


def _talent_pool(rng: np.random.Generator, units: Units, s: Staffing, slots: IntArray, ins: Inspection) -> None:
    for slot in slots:
        person, unit = int(s.person[slot]), int(s.unit[slot])
        roles = "副组长、组员" if s.role[slot] in (TEAM, HEAD) or rng.random() < 0.15 else "组员"
        ins.inspectors.add(
            person=person,
            pool="人才库",
            roles=roles,
            home_region=units.region(unit),
            home_unit=unit,
            skills=_skills(rng, units.system[unit]),
            available="否" if rng.random() < 0.04 else "是",
        )
        ins.pool.append(person)


def _skills(rng: np.random.Generator, system: str) -> str:
    picked = [SYSTEM_SKILL[system]] if system in SYSTEM_SKILL else []
    for k in rng.choice(len(SKILLS), size=int(rng.integers(1, 3)), replace=False):
        if SKILLS[int(k)] not in picked:
            picked.append(SKILLS[int(k)])
    return "、".join(picked)


def background_declarations(rng: np.random.Generator, spouse: IntArray, people: People, ins: Inspection) -> None:
    """A few inspectors declare their own spouses (true facts, not planted)."""
    for person in ins.pool[: max(2, len(ins.pool) // 50)]:
        other = int(spouse[person])
        if other >= 0 and people["death"][other] == NA:
            ins.declarations.add(
                round=MAIN_ROUND,
                inspector=person,
                counterpart=other,
                relation="配偶",
                date=ROUND_DAY - int(rng.integers(5, 20)),
            )


def is_key_role(role: str) -> bool:
    return role in (HEAD, TEAM)


def region_code(place: int) -> str:
    return ALL_PLACES[place].code
