"""Row-level need-to-know: which rounds, teams and records a user may see. Every list and detail
route filters through these, so hiding a link is never the only protection."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from xuncha.store.models import Round, Team, TeamMember, User
from xuncha.web.authz import ADMIN, INSPECTORS, LEADING, SUPERVISOR
from xuncha.web.deps import Forbidden, NotFound

OFFICE = frozenset({ADMIN, LEADING})
PUBLISHED = frozenset({"published", "closed"})


def get_round(db: Session, round_id: str) -> Round:
    if len(round_id) > 64 or not round_id.isprintable():
        raise NotFound("轮次不存在", "no such round")
    found = db.get(Round, round_id)
    if found is None:
        raise NotFound("轮次不存在", "no such round")
    return found


def plan_visible(user: User, rnd: Round) -> bool:
    """The plan (teams) of a round: the office and the leading group always; others once published."""
    return user.role in OFFICE or (rnd.status in PUBLISHED and user.role in INSPECTORS | {SUPERVISOR})


def my_team_ids(db: Session, user: User, round_id: str) -> set[int]:
    """The teams of ``round_id`` the user sits on (by their person key)."""
    if not user.person_key:
        return set()
    rows = db.execute(
        select(Team.id).join(TeamMember).where(Team.round_id == round_id, TeamMember.person_key == user.person_key)
    )
    return {int(r[0]) for r in rows}


def visible_team_ids(db: Session, user: User, rnd: Round) -> set[int]:
    """Teams the user may see: all for the office, leading group and supervisors (once published);
    their own for inspectors (once published); none otherwise."""
    if not plan_visible(user, rnd):
        return set()
    if user.role in INSPECTORS:
        return my_team_ids(db, user, rnd.id)
    return {int(r[0]) for r in db.execute(select(Team.id).where(Team.round_id == rnd.id))}


def require_team(db: Session, user: User, rnd: Round, team_id: int) -> Team:
    """The team, or 403/404 when the user may not see it."""
    team = db.get(Team, team_id)
    if team is None or team.round_id != rnd.id:
        raise NotFound("巡察组不存在", "no such team")
    if team_id not in visible_team_ids(db, user, rnd):
        raise Forbidden("只能查看本人所在巡察组", "you may see only your own team")
    return team


def visible_rounds(db: Session, user: User) -> list[Round]:
    """Rounds to list: all for the office and leading group; published ones for supervisors;
    published ones with a team of theirs for inspectors; none for auditors and unit contacts
    (their pages do not depend on a round list)."""
    rounds = list(db.execute(select(Round).order_by(Round.created_at.desc())).scalars())
    if user.role in OFFICE:
        return rounds
    if user.role == SUPERVISOR:
        return [r for r in rounds if r.status in PUBLISHED]
    if user.role in INSPECTORS:
        return [r for r in rounds if r.status in PUBLISHED and my_team_ids(db, user, r.id)]
    return []
