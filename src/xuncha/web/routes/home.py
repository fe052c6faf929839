"""The start page: the rounds this user may see, and what waits for them."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel
from sqlalchemy.orm import Session
from starlette.responses import Response

from xuncha.store.models import User
from xuncha.web.deps import get_db, require
from xuncha.web.scope import visible_rounds
from xuncha.web.templating import render

router = APIRouter(tags=["rounds"])


class RoundOut(BaseModel):
    id: str
    name: str
    mode: str
    status: str


@router.get("/", include_in_schema=False)
def home(request: Request, user: User = Depends(require("home.view")), db: Session = Depends(get_db)) -> Response:
    return render(request, "home.html", {"rounds": visible_rounds(db, user)})


@router.get("/api/v1/rounds", response_model=list[RoundOut], responses={401: {}, 403: {}})
def api_rounds(user: User = Depends(require("round.list")), db: Session = Depends(get_db)) -> list[RoundOut]:
    """The rounds the caller may see."""
    return [RoundOut(id=r.id, name=r.name, mode=r.mode, status=r.status) for r in visible_rounds(db, user)]
