"""Findings (问题), clues handed over (移交线索) and rectification items (整改) of a round's teams.

Who may write is decided here on top of the permission table: an inspector records findings only for
a team they sit on; a team leader closes rectification items only of their own team; the office any.
Categories and quality grades are declared as data below, so the forms, the checks, the evaluation
and the reports all read one list.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from xuncha.store.models import ClueHandover, Finding, Rectification, Round, Team, User
from xuncha.web.authz import ADMIN, INSPECTORS, LEADER
from xuncha.web.deps import Forbidden, Invalid, NotFound
from xuncha.web.scope import my_team_ids, require_team, visible_team_ids

# (stored value, English label): the category list of the inspection guidelines, in their order
CATEGORIES: tuple[tuple[str, str], ...] = (
    ("政治建设", "political building"),
    ("全面从严治党", "strict party self-governance"),
    ("干部队伍建设", "cadre team building"),
    ("基层党组织建设", "grassroots party organisations"),
    ("巡察整改落实", "rectification of earlier findings"),
    ("其他", "other"),
)
# quality grade -> (Chinese, English)
GRADES: dict[str, tuple[str, str]] = {"A": ("重大", "major"), "B": ("较重", "serious"), "C": ("一般", "ordinary")}
CATEGORY_NAMES: tuple[str, ...] = tuple(c for c, _ in CATEGORIES)
TITLE_MAX, TEXT_MAX, SHORT_MAX = 255, 4000, 128


@dataclass(frozen=True)
class FindingInput:
    unit: str
    category: str
    grade: str
    title: str
    description: str = ""
    lead_ref: str = ""


@dataclass(frozen=True)
class RectStats:
    """Closure of rectification items: ``rate`` is closed / total (None without items)."""

    total: int
    closed: int
    overdue: int

    @property
    def rate(self) -> float | None:
        return self.closed / self.total if self.total else None


@dataclass
class FindingView:
    finding: Finding
    clues: list[ClueHandover] = field(default_factory=list)
    items: list[Rectification] = field(default_factory=list)


# ---------------------------------------------------------------- who may write


def writable_team(db: Session, user: User, rnd: Round, team_id: int) -> Team:
    """The team, when ``user`` is an inspector sitting on it (403 otherwise)."""
    team = require_team(db, user, rnd, team_id)
    if not may_write(db, user, rnd, team.id):
        raise Forbidden("只能为本人所在巡察组登记问题", "you may record findings only for your own team")
    return team


def may_write(db: Session, user: User, rnd: Round, team_id: int) -> bool:
    """An inspector (leader or member) sitting on the team."""
    return user.role in INSPECTORS and team_id in my_team_ids(db, user, rnd.id)


def may_rectify(db: Session, user: User, rnd: Round, team_id: int) -> bool:
    """The office, or the leader of that team."""
    return user.role == ADMIN or (user.role == LEADER and team_id in my_team_ids(db, user, rnd.id))


def require_rectifier(db: Session, user: User, rnd: Round, team_id: int) -> None:
    if not may_rectify(db, user, rnd, team_id):
        raise Forbidden("只有巡察办或本组组长可以管理整改事项", "only the office or the team's leader may do this")


# ---------------------------------------------------------------- lookups


def get_finding(db: Session, user: User, rnd: Round, finding_id: int) -> Finding:
    """A finding of the round the user may see (its team visible to them)."""
    found = db.get(Finding, finding_id)
    if found is None or found.round_id != rnd.id:
        raise NotFound("问题不存在", "no such finding")
    require_team(db, user, rnd, found.team_id)
    return found


def get_rectification(db: Session, user: User, rnd: Round, item_id: int) -> tuple[Rectification, Finding]:
    item = db.get(Rectification, item_id)
    if item is None:
        raise NotFound("整改事项不存在", "no such rectification item")
    return item, get_finding(db, user, rnd, item.finding_id)


def findings_of(db: Session, round_id: str, team_ids: set[int]) -> list[FindingView]:
    """Findings of the given teams with their clues and rectification items, oldest first."""
    if not team_ids:
        return []
    rows = db.execute(
        select(Finding).where(Finding.round_id == round_id, Finding.team_id.in_(team_ids)).order_by(Finding.id)
    ).scalars()
    views = {f.id: FindingView(f) for f in rows}
    if not views:
        return []
    for clue in db.execute(
        select(ClueHandover).where(ClueHandover.finding_id.in_(views)).order_by(ClueHandover.id)
    ).scalars():
        views[clue.finding_id].clues.append(clue)
    for item in db.execute(
        select(Rectification).where(Rectification.finding_id.in_(views)).order_by(Rectification.id)
    ).scalars():
        views[item.finding_id].items.append(item)
    return list(views.values())


def visible_findings(db: Session, user: User, rnd: Round, team_id: int | None = None) -> list[FindingView]:
    """Findings of the teams the user may see (optionally one team)."""
    teams = visible_team_ids(db, user, rnd)
    return findings_of(db, rnd.id, teams & {team_id} if team_id is not None else teams)


def teams_by_ids(db: Session, team_ids: set[int]) -> list[Team]:
    if not team_ids:
        return []
    return list(db.execute(select(Team).where(Team.id.in_(team_ids)).order_by(Team.number)).scalars())


def team_label(team: Team) -> str:
    names = "、".join(str(n) for n in team.target_names) or "、".join(str(u) for u in team.targets)
    return f"第{team.number}巡察组（{names}）"


def target_choices(team: Team) -> list[tuple[str, str]]:
    """(unit key, name) of the team's targets."""
    names = list(team.target_names) + [""] * len(team.targets)
    return [(str(u), str(names[i] or u)) for i, u in enumerate(team.targets)]


# ---------------------------------------------------------------- writes


def no_control(value: str, zh: str, en: str) -> str:
    """Refuse NUL and other control characters (PostgreSQL cannot store NUL in text)."""
    if any(ord(ch) < 32 and ch not in "\t\r\n" for ch in value):
        raise Invalid(f"{zh}含有不可见的控制字符", f"{en} contains control characters")
    return value


def _text(value: str, limit: int, zh: str, en: str, *, required: bool = True) -> str:
    cleaned = no_control(value, zh, en).strip()
    if required and not cleaned:
        raise Invalid(f"请填写{zh}", f"{en} is required")
    if len(cleaned) > limit:
        raise Invalid(f"{zh}过长（不超过{limit}字）", f"{en} is too long (at most {limit} characters)")
    return cleaned


def add_finding(db: Session, team: Team, user: User, data: FindingInput) -> Finding:
    """Record a finding of ``team`` at one of its targets."""
    if data.unit not in {str(u) for u in team.targets}:
        raise Invalid("被巡察单位不是本组的巡察对象", "the unit is not one of the team's targets")
    if data.category not in CATEGORY_NAMES:
        raise Invalid(f"问题类别应为：{'、'.join(CATEGORY_NAMES)}", "unknown category")
    if data.grade not in GRADES:
        raise Invalid("质量等级应为 A（重大）、B（较重）或 C（一般）", "the grade must be A, B or C")
    finding = Finding(
        round_id=team.round_id,
        team_id=team.id,
        unit=data.unit,
        category=data.category,
        grade=data.grade,
        title=_text(data.title, TITLE_MAX, "问题标题", "the title"),
        description=_text(data.description, TEXT_MAX, "问题描述", "the description", required=False),
        lead_ref=_text(data.lead_ref, TITLE_MAX, "线索编号", "the lead reference", required=False),
        created_by=user.id,
    )
    db.add(finding)
    db.flush()
    return finding


def parse_day(value: str, zh: str, en: str) -> date:
    try:
        day = date.fromisoformat(value.strip())
    except ValueError as exc:
        raise Invalid(f"{zh}应写成 YYYY-MM-DD，收到「{value[:20]}」", f"{en} takes YYYY-MM-DD") from exc
    if not 2000 <= day.year <= 2100:
        raise Invalid(f"{zh}超出合理范围", f"{en} is out of range")
    return day


def at_noon(day: date) -> datetime:
    """A calendar day stored in a timezone-aware column (noon UTC keeps the day in every zone east of -12)."""
    return datetime.combine(day, time(12), tzinfo=UTC)


def add_clue(db: Session, finding: Finding, receiver: str, summary: str, handed_on: date) -> ClueHandover:
    clue = ClueHandover(
        finding_id=finding.id,
        receiver=_text(receiver, SHORT_MAX, "接收单位", "the receiver"),
        summary=_text(summary, TEXT_MAX, "线索摘要", "the summary"),
        handed_at=at_noon(handed_on),
    )
    db.add(clue)
    db.flush()
    return clue


def add_rectification(db: Session, finding: Finding, measure: str, owner: str, deadline: date) -> Rectification:
    item = Rectification(
        finding_id=finding.id,
        measure=_text(measure, TEXT_MAX, "整改措施", "the measure"),
        owner=_text(owner, SHORT_MAX, "责任人", "the owner"),
        deadline=deadline.isoformat(),
    )
    db.add(item)
    db.flush()
    return item


def close_rectification(db: Session, item: Rectification, evidence: str, closed_on: date) -> Rectification:
    """销号: close the item with its evidence (佐证材料) and the date; closing twice is refused."""
    if item.closed:
        raise Invalid("该整改事项已销号", "the item is already closed")
    text = _text(evidence, TEXT_MAX, "佐证材料", "the evidence", required=False) or item.evidence
    if not text.strip():
        raise Invalid("销号须附佐证材料", "closing needs evidence")
    item.evidence, item.closed, item.closed_at = text, True, at_noon(closed_on)
    db.flush()
    return item


# ---------------------------------------------------------------- rectification math


def is_overdue(item: Rectification, today: date) -> bool:
    """Open after its deadline."""
    return not item.closed and item.deadline < today.isoformat()


def rect_stats(items: list[Rectification], today: date) -> RectStats:
    return RectStats(len(items), sum(1 for i in items if i.closed), sum(1 for i in items if is_overdue(i, today)))


def status_label(item: Rectification, today: date) -> tuple[str, str]:
    if item.closed:
        return ("已销号", "closed")
    return ("已超期", "overdue") if is_overdue(item, today) else ("整改中", "open")


def counts_by_team(views: list[FindingView]) -> dict[int, int]:
    out: dict[int, int] = defaultdict(int)
    for v in views:
        out[v.finding.team_id] += 1
    return dict(out)
