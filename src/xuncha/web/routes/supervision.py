"""Supervision (督导): the teams of published rounds, commit-reveal spot-check draws, results. Pages and API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Path, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from xuncha.store.models import Round, SpotCheck, SupervisionDraw, Team, User
from xuncha.teams.draw import print_friendly
from xuncha.web.authz import SUPERVISOR
from xuncha.web.deps import Audit, Forbidden, get_audit, get_db, require
from xuncha.web.scope import get_round, plan_visible, visible_rounds
from xuncha.web.services import supervision as svc
from xuncha.web.services.inquiries import as_utc, local_text
from xuncha.web.templating import render

router = APIRouter(tags=["supervision"])

RoundId = Annotated[str, Path(max_length=64)]
RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]
ERRORS: dict[int | str, dict[str, Any]] = {401: {}, 403: {}, 404: {}, 422: {}}


def round_for(db: Session, user: User, round_id: str) -> Round:
    """The round, when the user may see it and its teams."""
    rnd = get_round(db, round_id)
    if rnd.id not in {r.id for r in visible_rounds(db, user)} or not plan_visible(user, rnd):
        raise Forbidden("该轮次的巡察组尚未公布", "the round's teams are not visible to you")
    return rnd


# ------------------------------------------------------------------ pages


@router.get("/supervision", include_in_schema=False)
def supervision_home(
    request: Request, user: User = Depends(require("supervision.read")), db: Session = Depends(get_db)
) -> Response:
    return render(request, "supervision/index.html", {"rounds": visible_rounds(db, user)})


@router.get("/supervision/{round_id}", include_in_schema=False)
def supervision_page(
    request: Request,
    round_id: RoundId,
    user: User = Depends(require("supervision.read")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    rnd = round_for(db, user, round_id)
    teams = svc.teams_of(db, rnd.id)
    audit(db, "read", f"supervision:{rnd.id}", {"teams": len(teams)})
    context = {
        "round": rnd,
        "teams": teams,
        "draws": svc.draws_of(db, rnd.id),
        "checks": svc.checks_by_team(db, rnd.id),
        "picked": svc.picked(db, rnd.id),
        "ratings": svc.RATINGS,
        "manage": user.role == SUPERVISOR,
        "seed": svc.suggest_seed(),
        "friendly": print_friendly,
        "local": local_text,
    }
    return render(request, "supervision/round.html", context)


@router.post("/supervision/{round_id}/draws", include_in_schema=False)
def commit_page(
    round_id: RoundId,
    seed: Annotated[str, Form(min_length=1, max_length=255)],
    sample_size: Annotated[int, Form(ge=0, le=999)],
    fixed: Annotated[str, Form(max_length=500)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
    user: User = Depends(require("supervision.manage")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    _commit(db, user, round_id, svc.parse_numbers(fixed), reason, sample_size, seed, audit)
    return RedirectResponse(f"/supervision/{round_id}", status_code=303)


@router.post("/supervision/{round_id}/draws/{draw_id}/reveal", include_in_schema=False)
def reveal_page(
    round_id: RoundId,
    draw_id: RowId,
    seed: Annotated[str, Form(min_length=1, max_length=255)],
    user: User = Depends(require("supervision.manage")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    _reveal(db, user, round_id, draw_id, seed, audit)
    return RedirectResponse(f"/supervision/{round_id}", status_code=303)


@router.get("/supervision/{round_id}/draws/{draw_id}/verify", include_in_schema=False)
def verify_page(
    request: Request,
    round_id: RoundId,
    draw_id: RowId,
    user: User = Depends(require("supervision.read")),
    db: Session = Depends(get_db),
) -> Response:
    rnd = round_for(db, user, round_id)
    row = svc.get_draw(db, rnd.id, draw_id)
    context = {"round": rnd, "draw": row, "result": svc.verify_draw(row), "friendly": print_friendly}
    return render(request, "supervision/verify.html", context)


@router.post("/supervision/{round_id}/teams/{team_id}/checks", include_in_schema=False)
def check_page(
    round_id: RoundId,
    team_id: RowId,
    rating: Annotated[str, Form(max_length=8)],
    result: Annotated[str, Form(min_length=1, max_length=4000)],
    user: User = Depends(require("supervision.manage")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    _check(db, user, round_id, team_id, rating, result, audit)
    return RedirectResponse(f"/supervision/{round_id}", status_code=303)


def _commit(
    db: Session, user: User, round_id: str, fixed: list[int], reason: str, k: int, seed: str, audit: Audit
) -> SupervisionDraw:
    rnd = round_for(db, user, round_id)
    row = svc.commit_draw(db, rnd, user, fixed=fixed, reason=reason, sample_size=k, seed=seed)
    detail = {"round": rnd.id, "commitment": row.commitment, "fixed": row.fixed, "k": k, "pool": row.pool}
    audit(db, "commit", f"supervision_draw:{row.id}", detail)
    return row


def _reveal(db: Session, user: User, round_id: str, draw_id: int, seed: str, audit: Audit) -> SupervisionDraw:
    rnd = round_for(db, user, round_id)
    row = svc.reveal_draw(db, svc.get_draw(db, rnd.id, draw_id), seed)
    audit(db, "reveal", f"supervision_draw:{row.id}", {"round": rnd.id, "sampled": row.sampled})
    return row


def _check(db: Session, user: User, round_id: str, team_id: int, rating: str, result: str, audit: Audit) -> SpotCheck:
    rnd = round_for(db, user, round_id)
    row = svc.record_check(db, rnd, user, team_id, rating, result)
    audit(db, "create", f"spot_check:{row.id}", {"round": rnd.id, "team": team_id, "rating": rating})
    return row


# ------------------------------------------------------------------ API


class MemberOut(BaseModel):
    person_key: str
    name: str
    role: str


class TeamOut(BaseModel):
    id: int
    number: int
    targets: list[str]
    target_names: list[str]
    members: list[MemberOut]


class DrawOut(BaseModel):
    id: int
    commitment: str
    fixed: list[int]
    reason: str
    pool: list[int]
    sample_size: int
    seed: str | None
    sampled: list[int]
    created_at: datetime
    revealed_at: datetime | None


class CheckOut(BaseModel):
    id: int
    team_id: int
    supervisor_id: int
    rating: str
    result: str
    created_at: datetime


class SupervisionOut(BaseModel):
    teams: list[TeamOut]
    draws: list[DrawOut]
    checks: list[CheckOut]


class DrawIn(BaseModel):
    fixed: list[Annotated[int, Field(ge=1, le=9999)]] = Field(default_factory=list, max_length=200)
    reason: str = Field("", max_length=2000)
    sample_size: int = Field(ge=0, le=999)
    seed: str | None = Field(None, max_length=255, description="generated (and returned once) when omitted")


class DrawCommitted(BaseModel):
    draw: DrawOut
    seed: str | None = Field(description="the generated seed, returned only here; keep it for the reveal")


class RevealIn(BaseModel):
    seed: str = Field(min_length=1, max_length=255)


class VerifyOut(BaseModel):
    ok: bool
    commitment_ok: bool
    recomputed: list[int]
    zh: str
    en: str


class CheckIn(BaseModel):
    rating: Literal["好", "较好", "一般", "差"]
    result: str = Field(min_length=1, max_length=4000)


def team_out(team: Team) -> TeamOut:
    return TeamOut(
        id=team.id,
        number=team.number,
        targets=[str(t) for t in team.targets],
        target_names=[str(t) for t in team.target_names],
        members=[MemberOut(person_key=m.person_key, name=m.name, role=m.role) for m in team.members],
    )


def draw_out(row: SupervisionDraw) -> DrawOut:
    return DrawOut(
        id=row.id,
        commitment=row.commitment,
        fixed=[int(n) for n in row.fixed],
        reason=row.reason,
        pool=[int(n) for n in row.pool],
        sample_size=row.sample_size,
        seed=row.seed,
        sampled=[int(n) for n in row.sampled],
        created_at=as_utc(row.created_at),
        revealed_at=as_utc(row.revealed_at) if row.revealed_at else None,
    )


def check_out(row: SpotCheck) -> CheckOut:
    return CheckOut(
        id=row.id,
        team_id=row.team_id,
        supervisor_id=row.supervisor_id,
        rating=row.rating,
        result=row.result,
        created_at=as_utc(row.created_at),
    )


@router.get("/api/v1/rounds/{round_id}/supervision", response_model=SupervisionOut, responses=ERRORS)
def api_overview(
    round_id: RoundId,
    user: User = Depends(require("supervision.read")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> SupervisionOut:
    """Every team of the round, the draws and the spot-check results."""
    rnd = round_for(db, user, round_id)
    teams = svc.teams_of(db, rnd.id)
    audit(db, "read", f"supervision:{rnd.id}", {"teams": len(teams), "api": True})
    checks = [c for rows in svc.checks_by_team(db, rnd.id).values() for c in rows]
    return SupervisionOut(
        teams=[team_out(t) for t in teams],
        draws=[draw_out(d) for d in svc.draws_of(db, rnd.id)],
        checks=[check_out(c) for c in sorted(checks, key=lambda c: c.id)],
    )


@router.post(
    "/api/v1/rounds/{round_id}/supervision/draws", response_model=DrawCommitted, status_code=201, responses=ERRORS
)
def api_commit(
    round_id: RoundId,
    body: DrawIn,
    user: User = Depends(require("supervision.manage")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> DrawCommitted:
    """Commit to a seed (generated when omitted) with the fixed picks and the sample size."""
    seed = body.seed if body.seed and body.seed.strip() else svc.suggest_seed()
    fixed = sorted(set(body.fixed))
    row = _commit(db, user, round_id, fixed, body.reason, body.sample_size, seed, audit)
    return DrawCommitted(draw=draw_out(row), seed=None if body.seed and body.seed.strip() else seed)


@router.post("/api/v1/rounds/{round_id}/supervision/draws/{draw_id}/reveal", response_model=DrawOut, responses=ERRORS)
def api_reveal(
    round_id: RoundId,
    draw_id: RowId,
    body: RevealIn,
    user: User = Depends(require("supervision.manage")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> DrawOut:
    """Reveal the seed; refused unless it gives the commitment. The sample is drawn from it."""
    return draw_out(_reveal(db, user, round_id, draw_id, body.seed, audit))


@router.get("/api/v1/rounds/{round_id}/supervision/draws/{draw_id}/verify", response_model=VerifyOut, responses=ERRORS)
def api_verify(
    round_id: RoundId,
    draw_id: RowId,
    user: User = Depends(require("supervision.read")),
    db: Session = Depends(get_db),
) -> VerifyOut:
    """Recompute commitment and sample from the revealed seed."""
    rnd = round_for(db, user, round_id)
    result = svc.verify_draw(svc.get_draw(db, rnd.id, draw_id))
    return VerifyOut(
        ok=result.ok, commitment_ok=result.commitment_ok, recomputed=result.recomputed, zh=result.zh, en=result.en
    )


@router.post(
    "/api/v1/rounds/{round_id}/supervision/teams/{team_id}/checks",
    response_model=CheckOut,
    status_code=201,
    responses=ERRORS,
)
def api_check(
    round_id: RoundId,
    team_id: RowId,
    body: CheckIn,
    user: User = Depends(require("supervision.manage")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> CheckOut:
    """Record a spot-check result for a team (好/较好/一般/差 and what was found)."""
    return check_out(_check(db, user, round_id, team_id, body.rating, body.result, audit))
