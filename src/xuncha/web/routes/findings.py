"""Findings (问题), clues handed over and rectification (整改) per team, as pages and as API."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from xuncha.store.models import ClueHandover, Finding, Rectification, Round, User
from xuncha.web.deps import Audit, get_audit, get_db, require
from xuncha.web.scope import get_round, require_team, visible_rounds, visible_team_ids
from xuncha.web.services import findings as svc
from xuncha.web.templating import render

router = APIRouter(tags=["findings"])

RoundId = Annotated[str, Path(max_length=64, pattern=r"^[^\x00-\x1f]+$")]
IntId = Annotated[int, Path(ge=1, le=2**31 - 1)]
ERRORS: dict[int | str, dict[str, object]] = {401: {}, 403: {}, 404: {}, 422: {}}


def _object(round_id: str) -> str:
    return f"findings:{round_id}"


# ---------------------------------------------------------------- pages


@router.get("/findings", include_in_schema=False)
def findings_home(
    request: Request, user: User = Depends(require("finding.read")), db: Session = Depends(get_db)
) -> Response:
    return render(request, "findings/index.html", {"rounds": visible_rounds(db, user)})


@router.get("/findings/{round_id}", include_in_schema=False)
def findings_round(
    request: Request,
    round_id: RoundId,
    user: User = Depends(require("finding.read")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    rnd = get_round(db, round_id)
    team_ids = visible_team_ids(db, user, rnd)
    views = svc.findings_of(db, rnd.id, team_ids)
    teams = svc.teams_by_ids(db, team_ids)
    audit(db, "read", _object(rnd.id), {"teams": sorted(team_ids)})
    today = date.today()
    per_team = {
        t.id: svc.rect_stats([i for v in views if v.finding.team_id == t.id for i in v.items], today) for t in teams
    }
    return render(
        request,
        "findings/round.html",
        {"rnd": rnd, "teams": teams, "counts": svc.counts_by_team(views), "stats": per_team, "label": svc.team_label},
    )


@router.get("/findings/{round_id}/teams/{team_id}", include_in_schema=False)
def findings_team(
    request: Request,
    round_id: RoundId,
    team_id: IntId,
    user: User = Depends(require("finding.read")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    rnd = get_round(db, round_id)
    team = require_team(db, user, rnd, team_id)
    views = svc.findings_of(db, rnd.id, {team.id})
    audit(db, "read", _object(rnd.id), {"team": team.number})
    context = {
        "rnd": rnd,
        "team": team,
        "label": svc.team_label(team),
        "views": views,
        "targets": svc.target_choices(team),
        "categories": svc.CATEGORIES,
        "grades": svc.GRADES,
        "today": date.today(),
        "status_label": svc.status_label,
        "can_write": svc.may_write(db, user, rnd, team.id),
        "can_rectify": svc.may_rectify(db, user, rnd, team.id),
    }
    return render(request, "findings/team.html", context)


@router.post("/findings/{round_id}/teams/{team_id}", include_in_schema=False)
def create_finding_form(
    round_id: RoundId,
    team_id: IntId,
    unit: Annotated[str, Form(max_length=64)],
    category: Annotated[str, Form(max_length=64)],
    grade: Annotated[str, Form(max_length=4)],
    title: Annotated[str, Form(max_length=svc.TITLE_MAX)],
    description: Annotated[str, Form(max_length=svc.TEXT_MAX)] = "",
    lead_ref: Annotated[str, Form(max_length=svc.TITLE_MAX)] = "",
    user: User = Depends(require("finding.write")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    rnd = get_round(db, round_id)
    found = _create(db, user, rnd, team_id, svc.FindingInput(unit, category, grade, title, description, lead_ref))
    audit(db, "create", _object(rnd.id), {"finding": found.id, "team": team_id, "grade": found.grade})
    return RedirectResponse(f"/findings/{rnd.id}/teams/{team_id}", status_code=303)


def _create(db: Session, user: User, rnd: Round, team_id: int, data: svc.FindingInput) -> Finding:
    team = svc.writable_team(db, user, rnd, team_id)
    return svc.add_finding(db, team, user, data)


@router.post("/findings/{round_id}/items/{finding_id}/clues", include_in_schema=False)
def create_clue_form(
    round_id: RoundId,
    finding_id: IntId,
    receiver: Annotated[str, Form(max_length=svc.SHORT_MAX)],
    summary: Annotated[str, Form(max_length=svc.TEXT_MAX)],
    handed_on: Annotated[str, Form(max_length=10)] = "",
    user: User = Depends(require("finding.write")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    rnd = get_round(db, round_id)
    clue = _clue(db, user, rnd, finding_id, ClueIn(receiver=receiver, summary=summary, handed_on=handed_on or None))
    audit(db, "create", _object(rnd.id), {"finding": finding_id, "clue": clue.id})
    return RedirectResponse(f"/findings/{rnd.id}/teams/{_team_of(db, finding_id)}", status_code=303)


def _team_of(db: Session, finding_id: int) -> int:
    found = db.get(Finding, finding_id)
    return found.team_id if found else 0


@router.post("/findings/{round_id}/items/{finding_id}/rectifications", include_in_schema=False)
def create_rectification_form(
    round_id: RoundId,
    finding_id: IntId,
    measure: Annotated[str, Form(max_length=svc.TEXT_MAX)],
    owner: Annotated[str, Form(max_length=svc.SHORT_MAX)],
    deadline: Annotated[str, Form(max_length=10)],
    user: User = Depends(require("rectification.write")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    rnd = get_round(db, round_id)
    item = _rectification(db, user, rnd, finding_id, RectificationIn(measure=measure, owner=owner, deadline=deadline))
    audit(db, "create", _object(rnd.id), {"finding": finding_id, "rectification": item.id})
    return RedirectResponse(f"/findings/{rnd.id}/teams/{_team_of(db, finding_id)}", status_code=303)


@router.post("/findings/{round_id}/rectifications/{item_id}/close", include_in_schema=False)
def close_rectification_form(
    round_id: RoundId,
    item_id: IntId,
    evidence: Annotated[str, Form(max_length=svc.TEXT_MAX)] = "",
    closed_on: Annotated[str, Form(max_length=10)] = "",
    user: User = Depends(require("rectification.write")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    rnd = get_round(db, round_id)
    item, finding = _close(db, user, rnd, item_id, CloseIn(evidence=evidence, closed_on=closed_on or None))
    audit(db, "close", _object(rnd.id), {"finding": finding.id, "rectification": item.id})
    return RedirectResponse(f"/findings/{rnd.id}/teams/{finding.team_id}", status_code=303)


# ---------------------------------------------------------------- API models


class ClueIn(BaseModel):
    receiver: str = Field(min_length=1, max_length=svc.SHORT_MAX)
    summary: str = Field(min_length=1, max_length=svc.TEXT_MAX)
    handed_on: str | None = Field(default=None, max_length=10, description="YYYY-MM-DD; default today")


class RectificationIn(BaseModel):
    measure: str = Field(min_length=1, max_length=svc.TEXT_MAX)
    owner: str = Field(min_length=1, max_length=svc.SHORT_MAX)
    deadline: str = Field(max_length=10, description="YYYY-MM-DD")


class CloseIn(BaseModel):
    evidence: str = Field(default="", max_length=svc.TEXT_MAX)
    closed_on: str | None = Field(default=None, max_length=10, description="YYYY-MM-DD; default today")


class FindingIn(BaseModel):
    unit: str = Field(min_length=1, max_length=64)
    category: str = Field(max_length=64, description="、".join(svc.CATEGORY_NAMES))
    grade: str = Field(max_length=4, description="A 重大, B 较重, C 一般")
    title: str = Field(min_length=1, max_length=svc.TITLE_MAX)
    description: str = Field(default="", max_length=svc.TEXT_MAX)
    lead_ref: str = Field(default="", max_length=svc.TITLE_MAX)


class ClueOut(BaseModel):
    id: int
    receiver: str
    summary: str
    handed_on: str


class RectificationOut(BaseModel):
    id: int
    measure: str
    owner: str
    deadline: str
    evidence: str
    closed: bool
    closed_on: str | None
    overdue: bool


class FindingOut(BaseModel):
    id: int
    team_id: int
    unit: str
    category: str
    grade: str
    title: str
    description: str
    lead_ref: str
    clues: list[ClueOut] = []
    rectifications: list[RectificationOut] = []


def clue_out(c: ClueHandover) -> ClueOut:
    return ClueOut(id=c.id, receiver=c.receiver, summary=c.summary, handed_on=c.handed_at.date().isoformat())


def rect_out(r: Rectification, today: date) -> RectificationOut:
    closed_on = r.closed_at.date().isoformat() if r.closed_at else None
    return RectificationOut(
        id=r.id,
        measure=r.measure,
        owner=r.owner,
        deadline=r.deadline,
        evidence=r.evidence,
        closed=r.closed,
        closed_on=closed_on,
        overdue=svc.is_overdue(r, today),
    )


def finding_out(view: svc.FindingView, today: date) -> FindingOut:
    f = view.finding
    return FindingOut(
        id=f.id,
        team_id=f.team_id,
        unit=f.unit,
        category=f.category,
        grade=f.grade,
        title=f.title,
        description=f.description,
        lead_ref=f.lead_ref,
        clues=[clue_out(c) for c in view.clues],
        rectifications=[rect_out(r, today) for r in view.items],
    )


def _clue(db: Session, user: User, rnd: Round, finding_id: int, body: ClueIn) -> ClueHandover:
    finding = svc.get_finding(db, user, rnd, finding_id)
    svc.writable_team(db, user, rnd, finding.team_id)
    handed = svc.parse_day(body.handed_on, "移交日期", "handed_on") if body.handed_on else date.today()
    return svc.add_clue(db, finding, body.receiver, body.summary, handed)


def _rectification(db: Session, user: User, rnd: Round, finding_id: int, body: RectificationIn) -> Rectification:
    finding = svc.get_finding(db, user, rnd, finding_id)
    svc.require_rectifier(db, user, rnd, finding.team_id)
    deadline = svc.parse_day(body.deadline, "整改时限", "deadline")
    return svc.add_rectification(db, finding, body.measure, body.owner, deadline)


def _close(db: Session, user: User, rnd: Round, item_id: int, body: CloseIn) -> tuple[Rectification, Finding]:
    item, finding = svc.get_rectification(db, user, rnd, item_id)
    svc.require_rectifier(db, user, rnd, finding.team_id)
    closed_on = svc.parse_day(body.closed_on, "销号日期", "closed_on") if body.closed_on else date.today()
    return svc.close_rectification(db, item, body.evidence, closed_on), finding


# ---------------------------------------------------------------- API


@router.get("/api/v1/rounds/{round_id}/findings", response_model=list[FindingOut], responses=ERRORS)
def api_findings(
    round_id: RoundId,
    user: User = Depends(require("finding.read")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> list[FindingOut]:
    """Findings of the teams the caller may see, with clues and rectification items."""
    rnd = get_round(db, round_id)
    views = svc.visible_findings(db, user, rnd)
    audit(db, "read", _object(rnd.id), {"api": True, "findings": len(views)})
    today = date.today()
    return [finding_out(v, today) for v in views]


@router.post(
    "/api/v1/rounds/{round_id}/teams/{team_id}/findings", response_model=FindingOut, status_code=201, responses=ERRORS
)
def api_create_finding(
    round_id: RoundId,
    team_id: IntId,
    body: FindingIn,
    user: User = Depends(require("finding.write")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> FindingOut:
    """Record a finding for a team the caller sits on."""
    rnd = get_round(db, round_id)
    data = svc.FindingInput(body.unit, body.category, body.grade, body.title, body.description, body.lead_ref)
    found = _create(db, user, rnd, team_id, data)
    audit(db, "create", _object(rnd.id), {"finding": found.id, "team": team_id, "grade": found.grade})
    return finding_out(svc.FindingView(found), date.today())


@router.post(
    "/api/v1/rounds/{round_id}/findings/{finding_id}/clues", response_model=ClueOut, status_code=201, responses=ERRORS
)
def api_create_clue(
    round_id: RoundId,
    finding_id: IntId,
    body: ClueIn,
    user: User = Depends(require("finding.write")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> ClueOut:
    """Record a clue handed over (移交线索) for a finding of the caller's team."""
    rnd = get_round(db, round_id)
    clue = _clue(db, user, rnd, finding_id, body)
    audit(db, "create", _object(rnd.id), {"finding": finding_id, "clue": clue.id})
    return clue_out(clue)


@router.post(
    "/api/v1/rounds/{round_id}/findings/{finding_id}/rectifications",
    response_model=RectificationOut,
    status_code=201,
    responses=ERRORS,
)
def api_create_rectification(
    round_id: RoundId,
    finding_id: IntId,
    body: RectificationIn,
    user: User = Depends(require("rectification.write")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> RectificationOut:
    """Add a rectification item (整改) to a finding (the office or the team's leader)."""
    rnd = get_round(db, round_id)
    item = _rectification(db, user, rnd, finding_id, body)
    audit(db, "create", _object(rnd.id), {"finding": finding_id, "rectification": item.id})
    return rect_out(item, date.today())


@router.post(
    "/api/v1/rounds/{round_id}/rectifications/{item_id}/close", response_model=RectificationOut, responses=ERRORS
)
def api_close_rectification(
    round_id: RoundId,
    item_id: IntId,
    body: CloseIn,
    user: User = Depends(require("rectification.write")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> RectificationOut:
    """销号: close a rectification item with its evidence."""
    rnd = get_round(db, round_id)
    item, finding = _close(db, user, rnd, item_id, body)
    audit(db, "close", _object(rnd.id), {"finding": finding.id, "rectification": item.id})
    return rect_out(item, date.today())
