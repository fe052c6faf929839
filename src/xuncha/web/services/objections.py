"""Objections (回避异议): a unit contact objects to an inspector in a round where their unit is
a target; the office upholds or dismisses it with a written ruling. An upheld objection becomes a
stage-3 conflict (must) and keeps the inspector off the unit's team (re-staffing)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xuncha.store.models import Conflict, Objection, Round, Team, TeamMember, User, utcnow
from xuncha.web.authz import CONTACT
from xuncha.web.deps import Forbidden, Invalid, NotFound
from xuncha.web.scope import OFFICE, PUBLISHED
from xuncha.web.services.imports import targets_of
from xuncha.web.settings import Settings

RULINGS = {"upheld": ("支持异议", "upheld"), "dismissed": ("驳回异议", "dismissed")}
OPEN_STATUSES = frozenset({"draft", "screened", "staffed", "published"})
MAX_TEXT = 2000
OBJECTION_ROLE = "提出异议的被巡察单位"
FALLBACK_BASIS = "市县巡察“三次回避”工作要求：巡察前本人自查申报及被巡察单位异议（第三次回避）"


def unit_of(user: User) -> str:
    """A unit contact's unit; a contact without one cannot use the objection pages."""
    if not user.unit:
        raise Forbidden("该账号未关联被巡察单位", "this login is not tied to an inspected unit")
    return user.unit


def round_targets(db: Session, rnd: Round) -> set[str]:
    """The round's targets: from the accepted bundle, and from its teams once staffed."""
    teams = db.execute(select(Team.targets).where(Team.round_id == rnd.id)).scalars()
    return targets_of(db, rnd) | {str(u) for targets in teams for u in targets}


def contact_rounds(db: Session, user: User) -> list[Round]:
    """Open rounds in which the contact's unit is a target."""
    unit = unit_of(user)
    rounds = db.execute(select(Round).where(Round.status.in_(OPEN_STATUSES)).order_by(Round.created_at.desc()))
    return [r for r in rounds.scalars() if unit in round_targets(db, r)]


def rounds_for(db: Session, user: User) -> list[Round]:
    """Rounds the objection pages list for ``user``."""
    if user.role == CONTACT:
        return contact_rounds(db, user)
    return list(db.execute(select(Round).order_by(Round.created_at.desc())).scalars())


def require_round(db: Session, user: User, rnd: Round) -> None:
    """A contact may use only rounds where their unit is a target."""
    if user.role == CONTACT and unit_of(user) not in round_targets(db, rnd):
        raise Forbidden("本单位不是该轮次的巡察对象", "your unit is not a target of this round")


def published_team(db: Session, rnd: Round, unit: str) -> list[TeamMember]:
    """The members of the published team that inspects ``unit`` (empty before publication)."""
    if rnd.status not in PUBLISHED:
        return []
    teams = db.execute(select(Team).where(Team.round_id == rnd.id)).scalars()
    for team in teams:
        if unit in team.targets:
            return list(team.members)
    return []


def _text(value: str, zh: str, en: str) -> str:
    text = value.strip()
    if not text:
        raise Invalid(f"请填写{zh}", f"{en} is required")
    if len(text) > MAX_TEXT:
        raise Invalid(f"{zh}不能超过 {MAX_TEXT} 字", f"{en} is longer than {MAX_TEXT} characters")
    return text


def file(db: Session, user: User, rnd: Round, inspector_name: str, inspector_key: str, reason: str) -> Objection:
    """A unit contact's objection. A chosen team member fixes the inspector's key; a typed name is
    matched against the published team when it names exactly one member."""
    unit = unit_of(user)
    require_round(db, user, rnd)
    if rnd.status not in OPEN_STATUSES:
        raise Invalid("该轮次已结束，不能再提出异议", "the round is closed; objections are no longer taken")
    team = published_team(db, rnd, unit)
    key, name = _inspector(team, inspector_key.strip(), inspector_name.strip())
    row = Objection(
        round_id=rnd.id,
        filed_by=user.id,
        unit=unit,
        inspector_name=name,
        inspector_key=key,
        reason=_text(reason, "异议理由", "the reason"),
    )
    db.add(row)
    db.flush()
    return row


def _inspector(team: list[TeamMember], key: str, name: str) -> tuple[str | None, str]:
    if key:
        member = next((m for m in team if m.person_key == key), None)
        if member is None:
            raise Invalid("所选人员不在本单位的巡察组中", "the person chosen is not on your unit's team")
        return member.person_key, member.name
    name = _text(name, "巡察干部姓名", "the inspector's name")[:64]
    same = [m for m in team if m.name == name]
    return (same[0].person_key if len(same) == 1 else None), name


def visible(db: Session, user: User, round_id: str | None = None) -> list[Objection]:
    """Objections the user may read: all for the office and the leading group; a contact only
    their own unit's."""
    query = select(Objection).order_by(Objection.created_at.desc(), Objection.id.desc())
    if round_id is not None:
        query = query.where(Objection.round_id == round_id)
    if user.role == CONTACT:
        query = query.where(Objection.unit == unit_of(user))
    elif user.role not in OFFICE:
        raise Forbidden()
    return list(db.execute(query).scalars())


def get_visible(db: Session, user: User, round_id: str, objection_id: int) -> Objection:
    """One objection; another unit's objection is reported as absent to a contact."""
    found = db.get(Objection, objection_id)
    if found is None or found.round_id != round_id:
        raise NotFound("异议不存在", "no such objection")
    if user.role == CONTACT and found.unit != unit_of(user):
        raise NotFound("异议不存在", "no such objection")
    if user.role != CONTACT and user.role not in OFFICE:
        raise Forbidden()
    return found


@dataclass(frozen=True)
class Decision:
    objection: Objection
    restaffing: str | None  # the staffing area's summary when upheld


def decide(
    db: Session, settings: Settings, user: User, obj: Objection, status: str, ruling: str, person_key: str = ""
) -> Decision:
    """Uphold or dismiss a pending objection with a ruling. Upheld needs the inspector's person key
    (from the objection or given now): a stage-3 conflict is added and the team re-staffed."""
    if status not in RULINGS:
        raise Invalid("裁定结果只能是支持或驳回", "the ruling is upheld or dismissed")
    if obj.status != "pending":
        raise Invalid("该异议已裁定", "the objection was already ruled on")
    text = _text(ruling, "裁定意见", "the ruling")
    if status == "upheld" and not (obj.inspector_key or person_key.strip()):
        raise Invalid(
            "支持异议前请填写被异议巡察干部的人员编号", "give the inspector's person key before upholding the objection"
        )
    if status == "upheld" and not obj.inspector_key:
        obj.inspector_key = person_key.strip()[:64]
    obj.status, obj.ruling, obj.decided_by, obj.decided_at = status, text, user.id, utcnow()
    db.flush()
    if status == "dismissed":
        return Decision(obj, None)
    return Decision(obj, _uphold(db, settings, user, obj))


def _uphold(db: Session, settings: Settings, user: User, obj: Objection) -> str:
    from xuncha.web.services.screening import row_of
    from xuncha.web.services.staffing import restaff_after_recusal

    rnd = db.get(Round, obj.round_id)
    assert rnd is not None and obj.inspector_key is not None
    db.add(Conflict(**row_of(rnd.id, objection_record(db, rnd, obj))))
    reason = f"回避异议成立（异议 #{obj.id}）：{obj.ruling}"
    return restaff_after_recusal(db, settings, rnd, obj.inspector_key, obj.unit, reason, user.id)


def _target_name(db: Session, rnd: Round, unit: str) -> str:
    name = db.execute(
        select(Conflict.target_name).where(Conflict.round_id == rnd.id, Conflict.target_unit == unit).limit(1)
    ).scalar()
    if name:
        return str(name)
    for team in db.execute(select(Team).where(Team.round_id == rnd.id)).scalars():
        if unit in team.targets and len(team.target_names) == len(team.targets):
            return str(team.target_names[team.targets.index(unit)])
    return unit


def _basis() -> str:
    from xuncha.policy.model import load_policy

    policy = load_policy(None)
    rule = next((r for r in policy.rules_of("objection")), None)
    return policy.basis_text(rule) if rule is not None else FALLBACK_BASIS


def objection_record(db: Session, rnd: Round, obj: Objection) -> dict[str, Any]:
    """The upheld objection in the spec's conflict format, the ruling kept as evidence."""
    target_name = _target_name(db, rnd, obj.unit)
    return {
        "round": rnd.id,
        "stage": 3,
        "inspector": obj.inspector_key or "",
        "inspector_name": obj.inspector_name,
        "target": obj.unit,
        "target_name": target_name,
        "counterpart": obj.unit,
        "counterpart_name": target_name,
        "counterpart_role": OBJECTION_ROLE,
        "category": "objection",
        "kin_term": None,
        "path": [
            {"from": obj.inspector_key or "", "relation": f"被巡察单位提出回避异议：{obj.reason}", "to": obj.unit}
        ],
        "rule": "OBJECTION",
        "basis": _basis(),
        "severity": "must",
        "sources": [f"objection:{obj.id}"],
        "evidence": [{"source": f"objection:{obj.id}", "ruling": obj.ruling}],
    }


def upheld_records(db: Session, rnd: Round) -> list[dict[str, Any]]:
    """Records of the round's upheld objections (kept when screening is run again)."""
    rows = db.execute(
        select(Objection).where(Objection.round_id == rnd.id, Objection.status == "upheld").order_by(Objection.id)
    ).scalars()
    return [objection_record(db, rnd, o) for o in rows]
