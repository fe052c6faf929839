"""回访督查: units due a revisit from the term plan; revisits staffed by no one from the original team."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from xuncha.store.models import Revisit, User
from xuncha.teams.plan import PlanItem
from xuncha.web.deps import Audit, get_audit, get_db, require
from xuncha.web.routes.coverage import term_query
from xuncha.web.scope import get_round, visible_rounds
from xuncha.web.services import revisits as svc
from xuncha.web.services.coverage import TermOverrides, term_plan
from xuncha.web.templating import render

router = APIRouter(tags=["revisits"])

RoundId = Annotated[str, Path(max_length=64, pattern=r"^[^\x00-\x1f]+$")]
IntId = Annotated[int, Path(ge=1, le=2**31 - 1)]
ERRORS: dict[int | str, dict[str, object]] = {401: {}, 403: {}, 404: {}, 422: {}}


def _object(round_id: str) -> str:
    return f"revisits:{round_id}"


@router.get("/revisits", include_in_schema=False)
def revisits_home(
    request: Request, user: User = Depends(require("revisit.read")), db: Session = Depends(get_db)
) -> Response:
    return render(request, "revisits/index.html", {"rounds": visible_rounds(db, user)})


@router.get("/revisits/{round_id}", include_in_schema=False)
def revisits_round(
    request: Request,
    round_id: RoundId,
    overrides: TermOverrides = Depends(term_query),
    user: User = Depends(require("revisit.read")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    rnd = get_round(db, round_id)
    svc.require_visible(db, user, rnd)
    plan, term, _facts = term_plan(db, rnd, overrides)
    audit(db, "read", _object(rnd.id), term.text())
    context = {
        "rnd": rnd,
        "term": term.text(),
        "due": svc.due_revisits(plan),
        "unplaced": plan.unplaced_revisits,
        "revisits": svc.revisits_of(db, rnd),
        "can_manage": user.role == "admin",
    }
    return render(request, "revisits/round.html", context)


@router.get("/revisits/{round_id}/new", include_in_schema=False)
def revisit_form(
    request: Request,
    round_id: RoundId,
    unit: Annotated[str, Query(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f]+$")],
    _user: User = Depends(require("revisit.manage")),
    db: Session = Depends(get_db),
) -> Response:
    rnd = get_round(db, round_id)
    _plan, _term, facts = term_plan(db, rnd)
    names = {u.unit: u.name for u in facts.units}
    pool = svc.talent_pool(db, rnd, unit, facts)
    return render(
        request, "revisits/new.html", {"rnd": rnd, "unit": unit, "unit_name": names.get(unit, unit), "pool": pool}
    )


@router.post("/revisits/{round_id}", include_in_schema=False)
def create_revisit_form(
    round_id: RoundId,
    unit: Annotated[str, Form(min_length=1, max_length=64)],
    members: Annotated[list[str], Form()],
    _user: User = Depends(require("revisit.manage")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    rnd = get_round(db, round_id)
    row = _create(db, rnd.id, unit, members)
    audit(db, "create", _object(rnd.id), {"revisit": row.id, "unit": row.unit, "members": row.members})
    return RedirectResponse(f"/revisits/{rnd.id}", status_code=303)


@router.post("/revisits/{round_id}/{revisit_id}/result", include_in_schema=False)
def result_form(
    round_id: RoundId,
    revisit_id: IntId,
    result: Annotated[str, Form(max_length=svc.RESULT_MAX)] = "",
    done: Annotated[str, Form(max_length=8)] = "",
    _user: User = Depends(require("revisit.manage")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    rnd = get_round(db, round_id)
    row = svc.record_result(db, svc.get_revisit(db, rnd, revisit_id), result, bool(done))
    audit(db, "update", _object(rnd.id), {"revisit": row.id, "status": row.status})
    return RedirectResponse(f"/revisits/{rnd.id}", status_code=303)


# ---------------------------------------------------------------- API


class RevisitIn(BaseModel):
    unit: str = Field(min_length=1, max_length=64)
    members: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(min_length=1, max_length=svc.MAX_MEMBERS)


class ResultIn(BaseModel):
    result: str = Field(default="", max_length=svc.RESULT_MAX)
    done: bool = False


class RevisitOut(BaseModel):
    id: int
    unit: str
    unit_name: str
    original_round: str
    members: list[str]
    status: str
    result: str


class DueOut(BaseModel):
    unit: str
    name: str
    planned_round_start: str
    original_round: str | None
    petitions: int
    exclude_persons: list[str]


class RevisitsOut(BaseModel):
    due: list[DueOut]
    unplaced: list[str]
    revisits: list[RevisitOut]


def revisit_out(r: Revisit) -> RevisitOut:
    return RevisitOut(
        id=r.id,
        unit=r.unit,
        unit_name=r.unit_name,
        original_round=r.original_round,
        members=[str(m) for m in r.members],
        status=r.status,
        result=r.result,
    )


def due_out(i: PlanItem) -> DueOut:
    return DueOut(
        unit=i.unit,
        name=i.name,
        planned_round_start=i.round_start,
        original_round=i.original_round,
        petitions=i.petitions,
        exclude_persons=list(i.exclude_persons),
    )


def _create(db: Session, round_id: str, unit: str, members: list[str]) -> Revisit:
    rnd = get_round(db, round_id)
    plan, _term, facts = term_plan(db, rnd)
    return svc.create_revisit(db, rnd, unit, members, facts, plan)


@router.get("/api/v1/rounds/{round_id}/revisits", response_model=RevisitsOut, responses=ERRORS)
def api_revisits(
    round_id: RoundId,
    overrides: TermOverrides = Depends(term_query),
    user: User = Depends(require("revisit.read")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> RevisitsOut:
    """Units the term plan says are due a revisit, and the round's revisits."""
    rnd = get_round(db, round_id)
    svc.require_visible(db, user, rnd)
    plan, term, _facts = term_plan(db, rnd, overrides)
    audit(db, "read", _object(rnd.id), term.text() | {"api": True})
    return RevisitsOut(
        due=[due_out(i) for i in svc.due_revisits(plan)],
        unplaced=list(plan.unplaced_revisits),
        revisits=[revisit_out(r) for r in svc.revisits_of(db, rnd)],
    )


@router.post("/api/v1/rounds/{round_id}/revisits", response_model=RevisitOut, status_code=201, responses=ERRORS)
def api_create_revisit(
    round_id: RoundId,
    body: RevisitIn,
    _user: User = Depends(require("revisit.manage")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> RevisitOut:
    """Plan a revisit; refused when a member sat on the unit's original team or must recuse."""
    row = _create(db, round_id, body.unit, body.members)
    audit(db, "create", _object(round_id), {"revisit": row.id, "unit": row.unit, "members": row.members})
    return revisit_out(row)


@router.post("/api/v1/rounds/{round_id}/revisits/{revisit_id}/result", response_model=RevisitOut, responses=ERRORS)
def api_revisit_result(
    round_id: RoundId,
    revisit_id: IntId,
    body: ResultIn,
    _user: User = Depends(require("revisit.manage")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> RevisitOut:
    """Record the result of a revisit; ``done`` closes it."""
    rnd = get_round(db, round_id)
    row = svc.record_result(db, svc.get_revisit(db, rnd, revisit_id), body.result, body.done)
    audit(db, "update", _object(rnd.id), {"revisit": row.id, "status": row.status})
    return revisit_out(row)
