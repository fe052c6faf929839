"""回访督查: units the term plan says are due a revisit, and revisits staffed with no one from the
unit's original inspection team (换人换组) and no one with a 'must' conflict with the unit.

Who counts as the original team: everyone the bundle's ``history`` table lists for the unit, and
every member of a team of another round in the application that had the unit among its targets.
Staff come from the round's talent pool: the bundle's inspectors (专职 or 人才库) marked available.
The checks run on the server whenever a revisit is created or re-staffed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from xuncha.store.models import Conflict, Revisit, Round, Team, User
from xuncha.teams.plan import PlanItem, TermPlan
from xuncha.web.deps import Forbidden, Invalid, NotFound
from xuncha.web.scope import visible_rounds
from xuncha.web.services.coverage import BundleFacts
from xuncha.web.services.findings import no_control

MAX_MEMBERS = 12
RESULT_MAX = 4000
REVISIT = "回访督查"


@dataclass(frozen=True)
class PoolPerson:
    person: str
    name: str
    pool: str
    blocked: str | None  # why they may not serve on this unit's revisit, or None


def require_visible(db: Session, user: User, rnd: Round) -> None:
    if rnd.id not in {r.id for r in visible_rounds(db, user)}:
        raise Forbidden("该轮次尚未发布", "the round is not published yet")


def due_revisits(plan: TermPlan) -> list[PlanItem]:
    """The plan's revisit placements (回访督查), by planned round then unit."""
    return [i for i in plan.items if i.kind == REVISIT]


def original_team(db: Session, rnd: Round, unit: str, facts: BundleFacts) -> dict[str, str]:
    """person key -> the earlier round in which they inspected ``unit``."""
    out = {h.person: h.round for h in facts.history if h.unit == unit and h.person}
    teams = db.execute(select(Team).where(Team.round_id != rnd.id)).scalars()
    for team in teams:
        if unit in {str(u) for u in team.targets}:
            out.update({m.person_key: team.round_id for m in team.members})
    return out


def must_conflicts(db: Session, rnd: Round, unit: str) -> set[str]:
    """Inspectors screening says must stay away from ``unit`` in this round."""
    rows = db.execute(
        select(Conflict.inspector_key).where(
            Conflict.round_id == rnd.id, Conflict.target_unit == unit, Conflict.severity == "must"
        )
    )
    return {str(r[0]) for r in rows}


def talent_pool(db: Session, rnd: Round, unit: str, facts: BundleFacts) -> list[PoolPerson]:
    """The round's available inspectors, each with the reason they are barred from this revisit."""
    original = original_team(db, rnd, unit, facts)
    must = must_conflicts(db, rnd, unit)
    out = []
    for person, row in sorted(facts.inspectors.items()):
        if row.get("available") is False:
            continue
        blocked = None
        if person in original:
            blocked = f"原巡察组成员（{original[person]}） / on the original team ({original[person]})"
        elif person in must:
            blocked = "与该单位存在必须回避关系 / must recuse from this unit"
        out.append(PoolPerson(person, facts.names.get(person, ""), str(row.get("pool", "")), blocked))
    return out


def check_members(db: Session, rnd: Round, unit: str, members: list[str], facts: BundleFacts) -> list[str]:
    """The members, deduplicated and checked; raises :class:`Invalid` naming every refusal."""
    chosen = list(dict.fromkeys(m.strip() for m in members if m.strip()))
    if not chosen:
        raise Invalid("请至少选择一名回访督查人员", "choose at least one person")
    if len(chosen) > MAX_MEMBERS:
        raise Invalid(f"回访督查人员不超过 {MAX_MEMBERS} 人", f"at most {MAX_MEMBERS} people")
    pool = {p.person: p for p in talent_pool(db, rnd, unit, facts)}
    unknown = [m for m in chosen if m not in pool]
    if unknown:
        raise Invalid(
            f"不在本轮巡察干部库中：{'、'.join(unknown)}", f"not in the round's talent pool: {', '.join(unknown)}"
        )
    barred = [f"{m}（{pool[m].name}）：{pool[m].blocked}" for m in chosen if pool[m].blocked]
    if barred:
        raise Invalid("以下人员不能参加该单位的回访督查：" + "；".join(barred), "barred: " + "; ".join(barred))
    return chosen


def create_revisit(
    db: Session, rnd: Round, unit: str, members: list[str], facts: BundleFacts, plan: TermPlan
) -> Revisit:
    """Plan a revisit of ``unit`` in ``rnd``; one open revisit per unit and round."""
    names = {u.unit: u.name for u in facts.units}
    if unit not in names:
        raise Invalid("数据包中没有该单位", "no such unit in the bundle")
    chosen = check_members(db, rnd, unit, members, facts)
    existing = db.execute(select(Revisit).where(Revisit.round_id == rnd.id, Revisit.unit == unit)).scalar()
    if existing is not None:
        raise Invalid("本轮已为该单位安排回访督查", "this unit already has a revisit in this round")
    row = Revisit(
        round_id=rnd.id,
        unit=unit,
        unit_name=names[unit],
        original_round=_original_round(db, rnd, unit, facts, plan),
        members=chosen,
    )
    db.add(row)
    db.flush()
    return row


def _original_round(db: Session, rnd: Round, unit: str, facts: BundleFacts, plan: TermPlan) -> str:
    planned = [i.original_round for i in due_revisits(plan) if i.unit == unit and i.original_round]
    if planned:
        return str(planned[0])
    rounds = sorted({(h.date, h.round) for h in facts.history if h.unit == unit})
    return rounds[-1][1] if rounds else ""


def get_revisit(db: Session, rnd: Round, revisit_id: int) -> Revisit:
    row = db.get(Revisit, revisit_id)
    if row is None or row.round_id != rnd.id:
        raise NotFound("回访督查不存在", "no such revisit")
    return row


def record_result(db: Session, row: Revisit, result: str, done: bool) -> Revisit:
    """Record the result; ``done`` closes the revisit (a closed one is not changed again)."""
    if row.status == "done":
        raise Invalid("该回访督查已完成，不能再修改", "the revisit is done and cannot change")
    text = no_control(result, "结果", "the result").strip()
    if len(text) > RESULT_MAX:
        raise Invalid(f"结果过长（不超过{RESULT_MAX}字）", "the result is too long")
    if done and not text:
        raise Invalid("完成前请填写回访督查结果", "record the result before marking it done")
    row.result = text
    row.status = "done" if done else "planned"
    db.flush()
    return row


def revisits_of(db: Session, rnd: Round) -> list[Revisit]:
    return list(db.execute(select(Revisit).where(Revisit.round_id == rnd.id).order_by(Revisit.id)).scalars())
