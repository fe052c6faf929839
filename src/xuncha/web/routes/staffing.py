"""Staffing pages and API: pins and bans, the seed commitment, the draw, the teams, publication, verification.

Until publication the plan is for the office and the leading group only; afterwards inspectors see their
own team and supervisors all teams (``scope``). Every read of the plan and every write is audited.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Path, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.responses import JSONResponse, RedirectResponse, Response

from xuncha.store.models import Round, StaffingConstraint, Team, User
from xuncha.web.authz import allowed
from xuncha.web.deps import Audit, get_audit, get_db, require, settings_of
from xuncha.web.scope import get_round, require_team, visible_rounds
from xuncha.web.services import staffing as svc
from xuncha.web.settings import Settings
from xuncha.web.templating import render

router = APIRouter(tags=["staffing"])

RoundId = Annotated[str, Path(max_length=64)]
ItemId = Annotated[int, Path(ge=1, le=2**31 - 1)]
ERRORS: dict[int | str, dict[str, Any]] = {401: {}, 403: {}, 404: {}, 422: {}}


def _plan(round_id: str) -> str:
    return f"plan:{round_id}"


def _back(round_id: str) -> RedirectResponse:
    return RedirectResponse(f"/staffing/{round_id}", status_code=303)


def _settings(request: Request) -> Settings:
    return settings_of(request)


def team_view(team: Team) -> dict[str, Any]:
    return {
        "team": team,
        "label": svc.team_label(team),
        "staffed": svc.is_staffed(team),
        "members": svc.member_views(team),
        "ties": svc.tie_views(team),
        "reasons": list(team.explanation.get("record", {}).get("reasons", [])),
        "changes": list(team.explanation.get("changes", [])),
    }


def commitment_context(rnd: Round) -> dict[str, Any]:
    from xuncha.teams.draw import print_friendly

    return {
        "commitment": rnd.commitment,
        "friendly": print_friendly(rnd.commitment) if rnd.commitment else "",
        "seed": rnd.seed if svc.seed_visible(rnd) else None,
    }


def round_context(db: Session, user: User, rnd: Round) -> dict[str, Any]:
    office = allowed(user.role, "plan.read_draft")
    can_run = allowed(user.role, "staffing.run") and rnd.status in svc.OPEN
    return {
        "round": rnd,
        "teams": [team_view(t) for t in svc.visible_teams(db, user, rnd)],
        "constraints": svc.constraints_of(db, rnd.id) if office else [],
        "office": office,
        "can_run": can_run,
        "can_publish": allowed(user.role, "plan.publish") and rnd.status == "staffed",
        "targets": svc.round_targets(db, rnd) if can_run else [],
        "default_tpt": svc.DEFAULT_TARGETS_PER_TEAM,
        **commitment_context(rnd),
    }


# ------------------------------------------------------------------ pages


@router.get("/staffing", include_in_schema=False)
def staffing_index(
    request: Request, user: User = Depends(require("plan.read")), db: Session = Depends(get_db)
) -> Response:
    return render(request, "staffing/index.html", {"rounds": visible_rounds(db, user)})


@router.get("/staffing/{round_id}", include_in_schema=False)
def staffing_round(
    request: Request,
    round_id: RoundId,
    user: User = Depends(require("plan.read")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    rnd = svc.plan_round(db, user, round_id)
    context = round_context(db, user, rnd)
    audit(db, "read", _plan(rnd.id), {"page": "round", "teams": len(context["teams"])})
    return render(request, "staffing/round.html", context)


@router.get("/staffing/{round_id}/teams/{team_id}", include_in_schema=False)
def staffing_team(
    request: Request,
    round_id: RoundId,
    team_id: ItemId,
    user: User = Depends(require("plan.read")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    rnd = svc.plan_round(db, user, round_id)
    team = require_team(db, user, rnd, team_id)
    audit(db, "read", _plan(rnd.id), {"team": team.number})
    return render(request, "staffing/team.html", {"round": rnd, "view": team_view(team)})


@router.get("/staffing/{round_id}/commitment", include_in_schema=False)
def staffing_commitment(
    request: Request,
    round_id: RoundId,
    user: User = Depends(require("plan.read")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    """The commitment on its own, for print (published in the plan before the draw)."""
    rnd = svc.plan_round(db, user, round_id)
    audit(db, "read", _plan(rnd.id), {"page": "commitment"})
    return render(request, "staffing/commitment.html", {"round": rnd, **commitment_context(rnd)})


@router.get("/staffing/{round_id}/chart.json", include_in_schema=False)
def staffing_chart(
    round_id: RoundId,
    user: User = Depends(require("plan.read")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> JSONResponse:
    rnd = svc.plan_round(db, user, round_id)
    teams = [t for t in svc.visible_teams(db, user, rnd) if svc.is_staffed(t)]
    audit(db, "read", _plan(rnd.id), {"page": "chart"})
    return JSONResponse(svc.composition_chart(teams))


@router.post("/staffing/{round_id}/constraints", include_in_schema=False)
def staffing_add_constraint(
    round_id: RoundId,
    kind: Annotated[str, Form(max_length=8)],
    person_key: Annotated[str, Form(max_length=64)] = "",
    target: Annotated[str, Form(max_length=64)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
    user: User = Depends(require("staffing.run")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    row = svc.add_constraint(db, get_round(db, round_id), kind, person_key, target or None, reason, user.id)
    audit(db, kind, _plan(round_id), _constraint_detail(row))
    return _back(round_id)


@router.post("/staffing/{round_id}/constraints/{constraint_id}/delete", include_in_schema=False)
def staffing_remove_constraint(
    round_id: RoundId,
    constraint_id: ItemId,
    _user: User = Depends(require("staffing.run")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    row = svc.remove_constraint(db, get_round(db, round_id), constraint_id)
    audit(db, "delete", _plan(round_id), _constraint_detail(row))
    return _back(round_id)


@router.post("/staffing/{round_id}/commit", include_in_schema=False)
def staffing_commit(
    round_id: RoundId,
    seed: Annotated[str, Form(max_length=255)] = "",
    _user: User = Depends(require("staffing.run")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    digest = svc.commit_seed(db, get_round(db, round_id), seed)
    audit(db, "commit", _plan(round_id), {"commitment": digest, "generated": not seed.strip()})
    return _back(round_id)


@router.post("/staffing/{round_id}/run", include_in_schema=False)
def staffing_run(
    request: Request,
    round_id: RoundId,
    targets_per_team: Annotated[int, Form(ge=1, le=svc.MAX_TARGETS_PER_TEAM)] = svc.DEFAULT_TARGETS_PER_TEAM,
    _user: User = Depends(require("staffing.run")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    assignment = svc.run_staffing(db, _settings(request), get_round(db, round_id), targets_per_team)
    audit(db, "run", _plan(round_id), _run_detail(assignment, targets_per_team))
    return _back(round_id)


@router.post("/staffing/{round_id}/publish", include_in_schema=False)
def staffing_publish(
    round_id: RoundId,
    _user: User = Depends(require("plan.publish")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    rnd = get_round(db, round_id)
    svc.publish(db, rnd)
    audit(db, "publish", _plan(round_id), {"commitment": rnd.commitment})
    return _back(round_id)


@router.post("/staffing/{round_id}/verify", include_in_schema=False)
def staffing_verify(
    request: Request,
    round_id: RoundId,
    user: User = Depends(require("plan.read")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    """Re-run the draw and compare bytes; an htmx fragment, or a page without JavaScript."""
    rnd = svc.plan_round(db, user, round_id)
    outcome = svc.verify_draw(_settings(request), rnd)
    audit(db, "verify", _plan(round_id), {"ok": outcome.ok})
    template = "staffing/_verify.html" if request.headers.get("hx-request") else "staffing/verify.html"
    return render(request, template, {"round": rnd, "outcome": outcome})


def _constraint_detail(row: StaffingConstraint) -> dict[str, Any]:
    return {"id": row.id, "kind": row.kind, "person": row.person_key, "target": row.target, "reason": row.reason}


def _run_detail(assignment: Any, targets_per_team: int) -> dict[str, Any]:
    return {
        "targets_per_team": targets_per_team,
        "teams": len(assignment.teams),
        "infeasible": len(assignment.infeasible),
        "status": assignment.status,
    }


# ------------------------------------------------------------------ API


class MemberOut(BaseModel):
    person: str
    name: str
    role: str
    pool: str
    skills: list[str]
    why: list[str]


class TieOut(BaseModel):
    inspector: str
    target: str
    severity: str
    relation: str


class TeamOut(BaseModel):
    id: int
    number: int
    status: str
    targets: list[str]
    target_names: list[str]
    members: list[MemberOut]
    accepted_ties: list[TieOut]
    reasons: list[str]


class ConstraintIn(BaseModel):
    kind: Literal["pin", "ban"]
    person_key: str = Field(max_length=64)
    target: str | None = Field(default=None, max_length=64)
    reason: str = Field(max_length=2000)


class ConstraintOut(BaseModel):
    id: int
    kind: str
    person_key: str
    target: str | None
    reason: str


class CommitmentIn(BaseModel):
    seed: str | None = Field(default=None, max_length=255, description="留空则随机生成 / empty: a random seed")


class CommitmentOut(BaseModel):
    round_id: str
    status: str
    commitment: str | None
    print_friendly: str | None
    seed: str | None = Field(description="公布后才显示 / shown only after publication")


class RunIn(BaseModel):
    targets_per_team: int = Field(default=svc.DEFAULT_TARGETS_PER_TEAM, ge=1, le=svc.MAX_TARGETS_PER_TEAM)


class RunOut(BaseModel):
    round_id: str
    status: str
    teams: int
    infeasible: int


class VerifyOut(BaseModel):
    ok: bool
    commitment: str
    message: str


def team_out(team: Team) -> TeamOut:
    view = team_view(team)
    return TeamOut(
        id=team.id,
        number=team.number,
        status="staffed" if view["staffed"] else "infeasible",
        targets=[str(u) for u in team.targets],
        target_names=[str(n) for n in team.target_names],
        members=[MemberOut(**m) for m in view["members"]],
        accepted_ties=[TieOut(**t) for t in view["ties"]],
        reasons=view["reasons"],
    )


def constraint_out(row: StaffingConstraint) -> ConstraintOut:
    return ConstraintOut(id=row.id, kind=row.kind, person_key=row.person_key, target=row.target, reason=row.reason)


def commitment_out(rnd: Round) -> CommitmentOut:
    context = commitment_context(rnd)
    return CommitmentOut(
        round_id=rnd.id,
        status=rnd.status,
        commitment=context["commitment"],
        print_friendly=context["friendly"] or None,
        seed=context["seed"],
    )


API = "/api/v1/rounds/{round_id}/staffing"


@router.get(f"{API}/teams", response_model=list[TeamOut], responses=ERRORS)
def api_teams(
    round_id: RoundId,
    user: User = Depends(require("plan.read")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> list[TeamOut]:
    """The round's teams the caller may see (403 before publication except for the office and leading group)."""
    rnd = svc.plan_round(db, user, round_id)
    teams = svc.visible_teams(db, user, rnd)
    audit(db, "read", _plan(rnd.id), {"api": "teams", "teams": len(teams)})
    return [team_out(t) for t in teams]


@router.get(f"{API}/constraints", response_model=list[ConstraintOut], responses=ERRORS)
def api_constraints(
    round_id: RoundId,
    _user: User = Depends(require("plan.read_draft")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> list[ConstraintOut]:
    rnd = get_round(db, round_id)
    audit(db, "read", _plan(rnd.id), {"api": "constraints"})
    return [constraint_out(r) for r in svc.constraints_of(db, rnd.id)]


@router.post(f"{API}/constraints", response_model=ConstraintOut, status_code=201, responses=ERRORS)
def api_add_constraint(
    round_id: RoundId,
    body: ConstraintIn,
    user: User = Depends(require("staffing.run")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> ConstraintOut:
    """A pin or ban; the reason is required (422 when empty)."""
    rnd = get_round(db, round_id)
    row = svc.add_constraint(db, rnd, body.kind, body.person_key, body.target, body.reason, user.id)
    audit(db, body.kind, _plan(round_id), _constraint_detail(row))
    return constraint_out(row)


@router.get(f"{API}/commitment", response_model=CommitmentOut, responses=ERRORS)
def api_commitment(
    round_id: RoundId, user: User = Depends(require("plan.read")), db: Session = Depends(get_db)
) -> CommitmentOut:
    """The seed commitment; the seed itself only once the plan is published."""
    return commitment_out(svc.plan_round(db, user, round_id))


@router.post(f"{API}/commitment", response_model=CommitmentOut, responses=ERRORS)
def api_commit(
    round_id: RoundId,
    body: CommitmentIn,
    _user: User = Depends(require("staffing.run")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> CommitmentOut:
    rnd = get_round(db, round_id)
    digest = svc.commit_seed(db, rnd, body.seed)
    audit(db, "commit", _plan(round_id), {"commitment": digest, "generated": not (body.seed or "").strip()})
    return commitment_out(rnd)


@router.post(f"{API}/run", response_model=RunOut, responses=ERRORS)
def api_run(
    request: Request,
    round_id: RoundId,
    body: RunIn,
    _user: User = Depends(require("staffing.run")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> RunOut:
    rnd = get_round(db, round_id)
    assignment = svc.run_staffing(db, _settings(request), rnd, body.targets_per_team)
    audit(db, "run", _plan(round_id), _run_detail(assignment, body.targets_per_team))
    return RunOut(
        round_id=rnd.id, status=rnd.status, teams=len(assignment.teams), infeasible=len(assignment.infeasible)
    )


@router.post(f"{API}/publish", response_model=CommitmentOut, responses=ERRORS)
def api_publish(
    round_id: RoundId,
    _user: User = Depends(require("plan.publish")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> CommitmentOut:
    rnd = get_round(db, round_id)
    svc.publish(db, rnd)
    audit(db, "publish", _plan(round_id), {"commitment": rnd.commitment})
    return commitment_out(rnd)


@router.post(f"{API}/verify", response_model=VerifyOut, responses=ERRORS)
def api_verify(
    request: Request,
    round_id: RoundId,
    user: User = Depends(require("plan.read")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> VerifyOut:
    """Re-run the published draw with the revealed seed; ``ok`` when teams.jsonl matches byte for byte."""
    rnd = svc.plan_round(db, user, round_id)
    outcome = svc.verify_draw(_settings(request), rnd)
    audit(db, "verify", _plan(round_id), {"ok": outcome.ok})
    return VerifyOut(ok=outcome.ok, commitment=outcome.commitment, message=outcome.message)
