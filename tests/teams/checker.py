"""An independent re-statement of the hard rules and the objective, for the tests."""

from __future__ import annotations

import math
from collections.abc import Sequence

from xuncha.teams.model import Candidate
from xuncha.teams.policy import TeamPolicy

from .instances import Instance

CORE = ("组长", "副组长", "联络员")
Team = tuple[str, tuple[tuple[str, str], ...]]  # target unit, ((person, role), ...)


def recent(inst: Instance, k: int) -> set[tuple[str, str]]:
    dates: dict[str, str] = {}
    for h in inst.history:
        if h.date < inst.round.start_date:
            dates[h.round] = max(dates.get(h.round, ""), h.date)
    last = sorted(dates, key=lambda r: (dates[r], r), reverse=True)[:k]
    return {(h.person, h.unit) for h in inst.history if h.round in last}


def led_system(inst: Instance) -> dict[str, str]:
    systems = {t.unit: t.system for t in inst.targets}
    order = sorted({h.round for h in inst.history}, key=lambda r: max(h.date for h in inst.history if h.round == r))
    out: dict[str, str] = {}
    for person in {h.person for h in inst.history}:
        mine = [h for h in inst.history if h.person == person]
        latest = max(mine, key=lambda h: order.index(h.round)).round
        for h in mine:
            if h.round == latest and h.role == "组长" and systems.get(h.unit):
                out[person] = systems[h.unit]  # type: ignore[assignment]
    return out


def member_ok(inst: Instance, policy: TeamPolicy, c: Candidate, unit: str, role: str) -> bool:
    target = next(t for t in inst.targets if t.unit == unit)
    if not c.available or (c.person, unit) in recent(inst, policy.rotation_rounds):
        return False
    if any(t.inspector == c.person and t.target == unit and t.severity == "must" for t in inst.ties):
        return False
    if role in CORE and (c.pool != "专职" or role not in c.roles):
        return False
    if role == "组员" and (c.pool != "人才库" or (c.roles and "组员" not in c.roles)):
        return False
    if role == "组长" and target.system and led_system(inst).get(c.person) == target.system:
        return False
    if inst.round.mode == "交叉" and c.home_region == target.region:
        return False
    return not (inst.round.mode == "提级" and c.level != "市")


def team_ok(inst: Instance, policy: TeamPolicy, team: Team) -> bool:
    unit, placed = team
    people = {c.person: c for c in inst.candidates}
    roles = [r for _, r in placed]
    if any(roles.count(r) != 1 for r in CORE):
        return False
    if not inst.round.members_min <= roles.count("组员") <= inst.round.members_max:
        return False
    if not all(member_ok(inst, policy, people[p], unit, r) for p, r in placed):
        return False
    on = {p for p, _ in placed}
    if len(on) != len(placed) or any(a in on and b in on for a, b in inst.kin_pairs):
        return False
    skills = {s for p in on for s in people[p].skills}
    groups = [set(g) for g in policy.required_skill_groups]
    groups += [{s} for s in (inst.round.required_skills or ())] if inst.round.mode == "专项" else []
    return all(skills & g for g in groups)


def team_value(inst: Instance, policy: TeamPolicy, team: Team) -> int:
    unit, placed = team
    people = {c.person: c for c in inst.candidates}
    members = [people[p] for p, _ in placed]
    w = policy.weights
    sev = [t.severity for t in inst.ties if t.target == unit and t.inspector in {p for p, _ in placed}]
    vets = sum(c.past_rounds >= policy.veteran_min_rounds for c in members)
    short = max(0, math.ceil(policy.veteran_share * len(members) - vets - 1e-9))
    skills = len({s for c in members for s in c.skills}) - len(policy.required_skill_groups)
    return (
        w.should_tie * sev.count("should")
        + w.notice_tie * sev.count("notice")
        + w.workload * sum(c.past_rounds for c in members)
        - w.extra_skill * skills
        + w.veteran_shortfall * short
    )


def violations(inst: Instance, policy: TeamPolicy, teams: Sequence[Team]) -> list[str]:
    """Every hard rule an output breaks (empty when it breaks none)."""
    out = [f"team {t[0]} breaks a rule" for t in teams if not team_ok(inst, policy, t)]
    everyone = [p for _, placed in teams for p, _ in placed]
    if len(everyone) != len(set(everyone)):
        out.append("someone is on two teams")
    return out
