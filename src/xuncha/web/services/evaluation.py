"""Team and inspector evaluation (考核评价) of a round, built from findings, clues, rectification and
supervision spot checks; the per-round appraisal written to each inspector's record.

The proposed team score is a documented formula whose weights are declared as data (``WEIGHTS``)::

    score = base
          + Σ grade_points[g] × findings of grade g          (A 重大, B 较重, C 一般)
          + clue_points × clues handed over
          + closure_points × closure rate                    (closed / rectification items; 0 without items)
          + overdue_points × overdue items                   (negative)
          + mean(spot_points[rating]) over spot checks       (0 without spot checks)
    clamped to [0, 100] and rounded half up.

It only proposes: the office writes each inspector's score and grade itself.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xuncha.store.models import Appraisal, ClueHandover, Finding, Rectification, Round, SpotCheck, Team, TeamMember
from xuncha.web.deps import Invalid
from xuncha.web.services.findings import CATEGORY_NAMES, GRADES, RectStats, no_control, rect_stats, team_label


@dataclass(frozen=True)
class ScoreWeights:
    base: float = 60.0
    grade_points: dict[str, float] = field(default_factory=lambda: {"A": 8.0, "B": 4.0, "C": 1.0})
    clue_points: float = 3.0
    closure_points: float = 15.0
    overdue_points: float = -2.0
    spot_points: dict[str, float] = field(default_factory=lambda: {"好": 10.0, "较好": 6.0, "一般": 2.0, "差": -5.0})


WEIGHTS = ScoreWeights()
APPRAISAL_GRADES: tuple[tuple[str, str], ...] = (
    ("优秀", "excellent"),
    ("称职", "competent"),
    ("基本称职", "basically competent"),
    ("不称职", "not competent"),
)
APPRAISAL_GRADE_NAMES = tuple(g for g, _ in APPRAISAL_GRADES)
COMMENT_MAX = 2000


@dataclass
class TeamEvaluation:
    team_id: int
    number: int
    label: str
    by_grade: dict[str, int]
    by_category: dict[str, int]
    clues: int
    rectification: RectStats
    spot_ratings: dict[str, int]
    score: int = 0

    @property
    def findings(self) -> int:
        return sum(self.by_grade.values())


def propose_score(ev: TeamEvaluation, weights: ScoreWeights = WEIGHTS) -> int:
    """The documented formula above."""
    total = weights.base
    total += sum(weights.grade_points.get(g, 0.0) * n for g, n in ev.by_grade.items())
    total += weights.clue_points * ev.clues
    total += weights.closure_points * (ev.rectification.rate or 0.0)
    total += weights.overdue_points * ev.rectification.overdue
    spots = [weights.spot_points.get(r, 0.0) for r, n in ev.spot_ratings.items() for _ in range(n)]
    total += sum(spots) / len(spots) if spots else 0.0
    return math.floor(min(100.0, max(0.0, total)) + 0.5)


def round_teams(db: Session, round_id: str) -> list[Team]:
    return list(db.execute(select(Team).where(Team.round_id == round_id).order_by(Team.number)).scalars())


def team_evaluations(db: Session, rnd: Round, today: date) -> list[TeamEvaluation]:
    """One evaluation per team of the round, its proposed score included."""
    teams = round_teams(db, rnd.id)
    findings = list(db.execute(select(Finding).where(Finding.round_id == rnd.id)).scalars())
    team_of = {f.id: f.team_id for f in findings}
    clues = Counter(team_of[c.finding_id] for c in _of_findings(db, ClueHandover, team_of))
    items: dict[int, list[Rectification]] = {t.id: [] for t in teams}
    for item in _of_findings(db, Rectification, team_of):
        items[team_of[item.finding_id]].append(item)
    spots = _spot_ratings(db, [t.id for t in teams])
    out = []
    for team in teams:
        mine = [f for f in findings if f.team_id == team.id]
        ev = TeamEvaluation(
            team_id=team.id,
            number=team.number,
            label=team_label(team),
            by_grade={g: sum(1 for f in mine if f.grade == g) for g in GRADES},
            by_category={c: sum(1 for f in mine if f.category == c) for c in CATEGORY_NAMES},
            clues=clues.get(team.id, 0),
            rectification=rect_stats(items[team.id], today),
            spot_ratings=dict(spots.get(team.id, Counter())),
        )
        ev.score = propose_score(ev)
        out.append(ev)
    return out


def _of_findings(db: Session, model: Any, team_of: dict[int, int]) -> list[Any]:
    if not team_of:
        return []
    return list(db.execute(select(model).where(model.finding_id.in_(team_of))).scalars())


def _spot_ratings(db: Session, team_ids: list[int]) -> dict[int, Counter[str]]:
    out: dict[int, Counter[str]] = {}
    if not team_ids:
        return out
    for check in db.execute(select(SpotCheck).where(SpotCheck.team_id.in_(team_ids))).scalars():
        out.setdefault(check.team_id, Counter())[check.rating] += 1
    return out


# ---------------------------------------------------------------- charts (ECharts option objects)


def _bar_chart(title: str, teams: list[str], series: list[tuple[str, list[float]]]) -> dict[str, Any]:
    return {
        "title": {"text": title, "left": "center"},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"containLabel": True, "bottom": 40},
        "xAxis": {"type": "category", "data": teams},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"name": n, "type": "bar", "stack": "total", "data": d} for n, d in series],
    }


def grade_chart(evals: list[TeamEvaluation], lang: str) -> dict[str, Any]:
    names = [f"第{e.number}组" if lang == "zh" else f"Team {e.number}" for e in evals]
    series = [
        (f"{g} {lab[0] if lang == 'zh' else lab[1]}", [float(e.by_grade[g]) for e in evals])
        for g, lab in GRADES.items()
    ]
    return _bar_chart("问题数（按质量等级）" if lang == "zh" else "Findings by grade", names, series)


def category_chart(evals: list[TeamEvaluation], lang: str) -> dict[str, Any]:
    names = [f"第{e.number}组" if lang == "zh" else f"Team {e.number}" for e in evals]
    series = [(c, [float(e.by_category[c]) for e in evals]) for c in CATEGORY_NAMES]
    return _bar_chart("问题数（按类别）" if lang == "zh" else "Findings by category", names, series)


def rectification_chart(evals: list[TeamEvaluation], lang: str) -> dict[str, Any]:
    names = [f"第{e.number}组" if lang == "zh" else f"Team {e.number}" for e in evals]
    zh = lang == "zh"
    closed = [float(e.rectification.closed) for e in evals]
    overdue = [float(e.rectification.overdue) for e in evals]
    open_ = [float(e.rectification.total - e.rectification.closed - e.rectification.overdue) for e in evals]
    series = [
        ("已销号" if zh else "closed", closed),
        ("整改中" if zh else "open", open_),
        ("已超期" if zh else "overdue", overdue),
    ]
    return _bar_chart("整改事项" if zh else "Rectification items", names, series)


CHARTS = {"grades": grade_chart, "categories": category_chart, "rectification": rectification_chart}


# ---------------------------------------------------------------- appraisals


@dataclass(frozen=True)
class PersonRow:
    person_key: str
    name: str
    role: str
    team_id: int
    team_number: int
    appraisal: Appraisal | None


def round_people(db: Session, rnd: Round) -> list[PersonRow]:
    """Every inspector on a team of the round, with their appraisal when written."""
    written = {a.person_key: a for a in db.execute(select(Appraisal).where(Appraisal.round_id == rnd.id)).scalars()}
    rows = db.execute(
        select(TeamMember, Team).join(Team).where(Team.round_id == rnd.id).order_by(Team.number, TeamMember.id)
    )
    seen: set[str] = set()
    out = []
    for member, team in rows:
        if member.person_key not in seen:
            seen.add(member.person_key)
            appraisal = written.get(member.person_key)
            out.append(PersonRow(member.person_key, member.name, member.role, team.id, team.number, appraisal))
    return out


def write_appraisal(
    db: Session, rnd: Round, person_key: str, score: int, grade: str, comment: str, by: int
) -> Appraisal:
    """Write (or rewrite) the round's appraisal of an inspector who sat on one of its teams."""
    no_control(person_key + comment, "人员编号或评语", "the person key or comment")
    member = db.execute(
        select(TeamMember).join(Team).where(Team.round_id == rnd.id, TeamMember.person_key == person_key)
    ).scalar()
    if member is None:
        raise Invalid("该人员不在本轮任何巡察组中", "the person is on no team of this round")
    if not 0 <= score <= 100:
        raise Invalid("分数应在 0–100 之间", "the score must be between 0 and 100")
    if grade not in APPRAISAL_GRADE_NAMES:
        raise Invalid(f"等次应为：{'、'.join(APPRAISAL_GRADE_NAMES)}", "unknown appraisal grade")
    if len(comment) > COMMENT_MAX:
        raise Invalid(f"评语过长（不超过{COMMENT_MAX}字）", "the comment is too long")
    row = db.execute(select(Appraisal).where(Appraisal.round_id == rnd.id, Appraisal.person_key == person_key)).scalar()
    if row is None:
        row = Appraisal(round_id=rnd.id, person_key=person_key, written_by=by, score=score, grade=grade)
        db.add(row)
    row.team_id, row.score, row.grade, row.comment, row.written_by = member.team_id, score, grade, comment.strip(), by
    db.flush()
    return row


@dataclass(frozen=True)
class PersonRecord:
    person_key: str
    name: str
    appraisals: list[tuple[Appraisal, Round | None, int | None]]


def person_record(db: Session, person_key: str) -> PersonRecord:
    """An inspector's appraisals across rounds, newest first, with the round and team number."""
    rows = list(
        db.execute(
            select(Appraisal).where(Appraisal.person_key == person_key).order_by(Appraisal.created_at.desc())
        ).scalars()
    )
    name = db.execute(select(TeamMember.name).where(TeamMember.person_key == person_key).limit(1)).scalar() or ""
    out = []
    for a in rows:
        team = db.get(Team, a.team_id) if a.team_id else None
        out.append((a, db.get(Round, a.round_id), team.number if team else None))
    return PersonRecord(person_key, name, out)
