"""Recusal applications (自报回避, stage 3): an inspector declares a tie with a target; the office
approves (the affected team is re-staffed through :func:`staffing.restaff_after_recusal`) or rejects.

Need-to-know: inspectors see only their own applications; the office and the leading group see all.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from xuncha.store.models import RecusalApplication, Round, User, utcnow
from xuncha.web.authz import INSPECTORS
from xuncha.web.deps import Forbidden, Invalid, NotFound
from xuncha.web.scope import OFFICE, get_round, my_team_ids, visible_rounds
from xuncha.web.services import staffing
from xuncha.web.settings import Settings

DECISIONS = {"approve": "approved", "reject": "rejected"}
CLOSED = frozenset({"closed"})
_SPECIAL_ZH = {"unknown": "无法识别", "ambiguous": "有歧义", "mixed": "多人多类", "non_canonical": "非规范亲属链"}


# ------------------------------------------------------------------ reading


def sees_all(user: User) -> bool:
    return user.role in OFFICE


def applications(db: Session, user: User, round_id: str | None = None) -> list[RecusalApplication]:
    """Applications ``user`` may see, newest first (optionally of one round)."""
    query = select(RecusalApplication).order_by(RecusalApplication.id.desc())
    if round_id is not None:
        query = query.where(RecusalApplication.round_id == round_id)
    if not sees_all(user):
        query = query.where(RecusalApplication.applicant_id == user.id)
    return list(db.execute(query).scalars())


def get_application(db: Session, user: User, round_id: str, app_id: int) -> RecusalApplication:
    """One application, or 404 (elsewhere) / 403 (someone else's)."""
    found = db.get(RecusalApplication, app_id)
    if found is None or found.round_id != round_id:
        raise NotFound("回避申请不存在", "no such application")
    if not sees_all(user) and found.applicant_id != user.id:
        raise Forbidden("只能查看本人的回避申请", "you may see only your own applications")
    return found


def fileable_rounds(db: Session, user: User) -> list[Round]:
    """Rounds ``user`` may file in: an inspector with a person key, in the rounds they may see."""
    if user.role not in INSPECTORS or not user.person_key:
        return []
    return [r for r in visible_rounds(db, user) if r.status not in CLOSED]


def default_target(db: Session, user: User, rnd: Round) -> str:
    """The first target of the user's own team in the round, if any."""
    for team in staffing.teams_of(db, rnd.id):
        if team.id in my_team_ids(db, user, rnd.id) and team.targets:
            return str(team.targets[0])
    return ""


def target_names(db: Session, rnd: Round) -> dict[str, str]:
    try:
        return dict(staffing.round_targets(db, rnd))
    except Invalid:
        return {}


def relation_category(relation: str) -> tuple[str, str]:
    """The statutory category of a kinship term (《公务员回避规定》第五条), in Chinese and English."""
    from xuncha.kinship import parse_term
    from xuncha.kinship.categories import category_zh

    parsed = parse_term(relation.strip()) if relation.strip() else None
    if parsed is None or not parsed.known or not parsed.categories:
        return (
            "非亲属称谓或无法识别（如同学、老同事），由办公室判断",
            "not a kinship term (e.g. classmate): the office judges",
        )
    names = "、".join(_SPECIAL_ZH.get(c) or category_zh(c) for c in parsed.categories)
    codes = ", ".join(parsed.categories)
    if parsed.statutory:
        return (f"{names}：属于法定回避的亲属关系", f"{codes}: a statutory kinship tie")
    return (f"{names}：不属于法定回避的亲属关系，由办公室判断", f"{codes}: not a statutory tie; the office judges")


# ------------------------------------------------------------------ writing


def file_application(
    db: Session, user: User, rnd: Round, target_unit: str, related_name: str, relation: str, reason: str
) -> RecusalApplication:
    """An inspector's declaration; refused without a person key, outside their rounds, or incomplete."""
    if not user.person_key:
        raise Invalid("你的账号未关联巡察干部人员编号，请联系办公室", "your login has no person key; ask the office")
    if rnd.id not in {r.id for r in fileable_rounds(db, user)}:
        raise Forbidden("只能在本人参加的轮次中申请回避", "you may file only in a round you take part in")
    if target_unit not in target_names(db, rnd):
        raise Invalid("请选择本轮的巡察对象", "choose a target of the round")
    if not relation.strip():
        raise Invalid("请填写与相关人员的关系（称谓）", "the relation (kinship term) is required")
    row = RecusalApplication(
        round_id=rnd.id,
        applicant_id=user.id,
        person_key=user.person_key,
        target_unit=target_unit,
        related_name=related_name.strip(),
        relation=relation.strip(),
        reason=reason.strip(),
    )
    db.add(row)
    db.flush()
    return row


def decide(
    db: Session, settings: Settings, app: RecusalApplication, decision: str, reason: str, actor: User
) -> RecusalApplication:
    """Approve (keep the inspector off the target's team and re-staff it) or reject, with a reason."""
    if app.status != "pending":
        raise Invalid("该申请已处理", "the application was already decided")
    if decision not in DECISIONS:
        raise Invalid("请选择批准或不批准", "decision must be approve or reject")
    if not reason.strip():
        raise Invalid("审批必须写明理由", "a decision needs a reason")
    if decision == "approve":
        rnd = get_round(db, app.round_id)
        why = f"自报回避（{app.relation} {app.related_name}）：{reason.strip()}"
        app.outcome = staffing.restaff_after_recusal(db, settings, rnd, app.person_key, app.target_unit, why, actor.id)
    app.status, app.decision_reason = DECISIONS[decision], reason.strip()
    app.decided_by, app.decided_at = actor.id, utcnow()
    db.flush()
    return app
