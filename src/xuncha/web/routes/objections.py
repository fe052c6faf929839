"""Objections (回避异议): unit contacts file, the office rules (upheld or dismissed, with a ruling).
A contact sees only their own unit's objections."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Path, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.responses import RedirectResponse, Response

from xuncha.store.models import Objection, User
from xuncha.web.authz import CONTACT, allowed
from xuncha.web.deps import Audit, get_audit, get_db, require, settings_of
from xuncha.web.scope import get_round
from xuncha.web.services import objections as service
from xuncha.web.templating import render

router = APIRouter(tags=["objections"])
RoundId = Annotated[str, Path(min_length=1, max_length=64)]
ObjectionId = Annotated[int, Path(ge=1, le=2**31 - 1)]
RESPONSES: dict[int | str, dict[str, Any]] = {401: {}, 403: {}, 404: {}, 422: {}}


# ------------------------------------------------------------------ pages


@router.get("/objections", include_in_schema=False)
def objections_index(
    request: Request,
    user: User = Depends(require("objection.read")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    rows = service.visible(db, user)
    audit(db, "read", "objections", {"count": len(rows)})
    return render(request, "objections/index.html", {"rounds": service.rounds_for(db, user), "rows": rows})


@router.get("/objections/{round_id}", include_in_schema=False)
def objections_round(
    request: Request,
    round_id: RoundId,
    user: User = Depends(require("objection.read")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    rnd = get_round(db, round_id)
    service.require_round(db, user, rnd)
    rows = service.visible(db, user, rnd.id)
    audit(db, "read", f"objections:{rnd.id}", {"count": len(rows)})
    team = service.published_team(db, rnd, user.unit) if user.role == CONTACT and user.unit else []
    context = {
        "rnd": rnd,
        "rows": rows,
        "team": team,
        "can_file": allowed(user.role, "objection.file"),
        "can_decide": allowed(user.role, "objection.decide"),
    }
    return render(request, "objections/round.html", context)


@router.post("/objections/{round_id}", include_in_schema=False)
def file_page(
    round_id: RoundId,
    reason: Annotated[str, Form(max_length=service.MAX_TEXT)],
    inspector_name: Annotated[str, Form(max_length=64)] = "",
    inspector_key: Annotated[str, Form(max_length=64)] = "",
    user: User = Depends(require("objection.file")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    _file(db, audit, user, round_id, inspector_name, inspector_key, reason)
    return RedirectResponse(f"/objections/{round_id}", status_code=303)


@router.post("/objections/{round_id}/{objection_id}/decision", include_in_schema=False)
def decide_page(
    request: Request,
    round_id: RoundId,
    objection_id: ObjectionId,
    status: Annotated[str, Form(max_length=16)],
    ruling: Annotated[str, Form(max_length=service.MAX_TEXT)],
    person_key: Annotated[str, Form(max_length=64)] = "",
    user: User = Depends(require("objection.decide")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> Response:
    _decide(request, db, audit, user, round_id, objection_id, status, ruling, person_key)
    return RedirectResponse(f"/objections/{round_id}", status_code=303)


def _file(
    db: Session, audit: Audit, user: User, round_id: str, inspector_name: str, inspector_key: str, reason: str
) -> Objection:
    rnd = get_round(db, round_id)
    row = service.file(db, user, rnd, inspector_name, inspector_key, reason)
    audit(db, "create", f"objection:{row.id}", {"round": rnd.id, "unit": row.unit, "inspector": row.inspector_name})
    return row


def _decide(
    request: Request,
    db: Session,
    audit: Audit,
    user: User,
    round_id: str,
    objection_id: int,
    status: str,
    ruling: str,
    person_key: str,
) -> service.Decision:
    rnd = get_round(db, round_id)
    obj = service.get_visible(db, user, rnd.id, objection_id)
    decision = service.decide(db, settings_of(request), user, obj, status, ruling, person_key)
    audit(db, "decide", f"objection:{obj.id}", {"status": status, "restaffing": decision.restaffing})
    return decision


# ------------------------------------------------------------------ API


class ObjectionIn(BaseModel):
    inspector_name: str = Field(default="", max_length=64)
    inspector_key: str = Field(default="", max_length=64)
    reason: str = Field(min_length=1, max_length=service.MAX_TEXT)


class DecisionIn(BaseModel):
    status: Literal["upheld", "dismissed"]
    ruling: str = Field(min_length=1, max_length=service.MAX_TEXT)
    person_key: str = Field(default="", max_length=64)


class ObjectionOut(BaseModel):
    id: int
    round_id: str
    unit: str
    inspector_name: str
    inspector_key: str | None
    reason: str
    status: str
    ruling: str
    decided_at: datetime | None
    created_at: datetime
    restaffing: str | None = None


def objection_out(row: Objection, restaffing: str | None = None) -> ObjectionOut:
    return ObjectionOut(
        id=row.id,
        round_id=row.round_id,
        unit=row.unit,
        inspector_name=row.inspector_name,
        inspector_key=row.inspector_key,
        reason=row.reason,
        status=row.status,
        ruling=row.ruling,
        decided_at=row.decided_at,
        created_at=row.created_at,
        restaffing=restaffing,
    )


@router.get("/api/v1/rounds/{round_id}/objections", response_model=list[ObjectionOut], responses=RESPONSES)
def api_list(
    round_id: RoundId,
    user: User = Depends(require("objection.read")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> list[ObjectionOut]:
    """The round's objections (a unit contact: their own unit's only)."""
    rnd = get_round(db, round_id)
    service.require_round(db, user, rnd)
    rows = service.visible(db, user, rnd.id)
    audit(db, "read", f"objections:{rnd.id}", {"count": len(rows)})
    return [objection_out(r) for r in rows]


@router.post("/api/v1/rounds/{round_id}/objections", response_model=ObjectionOut, status_code=201, responses=RESPONSES)
def api_file(
    round_id: RoundId,
    body: ObjectionIn,
    user: User = Depends(require("objection.file")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> ObjectionOut:
    """File an objection against an inspector (by name, or by person key from the published team)."""
    return objection_out(_file(db, audit, user, round_id, body.inspector_name, body.inspector_key, body.reason))


@router.get("/api/v1/rounds/{round_id}/objections/{objection_id}", response_model=ObjectionOut, responses=RESPONSES)
def api_get(
    round_id: RoundId,
    objection_id: ObjectionId,
    user: User = Depends(require("objection.read")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> ObjectionOut:
    """One objection (another unit's is not found for a unit contact)."""
    obj = service.get_visible(db, user, get_round(db, round_id).id, objection_id)
    audit(db, "read", f"objection:{obj.id}", {})
    return objection_out(obj)


@router.post(
    "/api/v1/rounds/{round_id}/objections/{objection_id}/decision",
    response_model=ObjectionOut,
    responses=RESPONSES,
)
def api_decide(
    request: Request,
    round_id: RoundId,
    objection_id: ObjectionId,
    body: DecisionIn,
    user: User = Depends(require("objection.decide")),
    db: Session = Depends(get_db),
    audit: Audit = Depends(get_audit),
) -> ObjectionOut:
    """Uphold or dismiss with a ruling; upheld adds a stage-3 conflict and re-staffs the unit's team."""
    decision = _decide(request, db, audit, user, round_id, objection_id, body.status, body.ruling, body.person_key)
    return objection_out(decision.objection, decision.restaffing)
