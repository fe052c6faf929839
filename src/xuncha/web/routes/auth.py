"""Log in and out (pages and API), and the language switch."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.responses import JSONResponse, RedirectResponse, Response

from xuncha.store import audit as audit_log
from xuncha.store.models import User
from xuncha.web.deps import bearer_token, get_db, require, settings_of
from xuncha.web.security import COOKIE, LoginRefused, authenticate, client_ip, close_session, open_session, set_cookie
from xuncha.web.templating import render

router = APIRouter(tags=["auth"])


def _log(request: Request, db: Session, user: User | None, name: str, action: str) -> None:
    audit_log.append(
        db,
        actor=user.name if user else name[:64],
        role=user.role if user else "-",
        action=action,
        object="session",
        ip=client_ip(request),
        algorithm=settings_of(request).audit_algorithm,
    )


def _login(request: Request, db: Session, name: str, password: str) -> User:
    """Throttle by address, authenticate, and log success and failure alike."""
    if not request.app.state.throttle.allow(client_ip(request)):
        raise LoginRefused("尝试过于频繁，请一分钟后再试", "too many attempts; wait a minute", 429)
    try:
        user = authenticate(db, settings_of(request), name, password)
    except LoginRefused:
        _log(request, db, None, name, "login_failed")
        db.commit()  # the failure count and the log survive the refusal
        raise
    _log(request, db, user, name, "login")
    return user


@router.get("/login", include_in_schema=False)
def login_form(request: Request) -> Response:
    return render(request, "login.html", {"error": None})


@router.post("/login", include_in_schema=False)
def login(
    request: Request,
    name: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    db: Session = Depends(get_db),
) -> Response:
    try:
        user = _login(request, db, name, password)
    except LoginRefused as exc:
        return render(request, "login.html", {"error": exc}, status_code=exc.status)
    token, _row = open_session(db, settings_of(request), user, client_ip(request))
    response = RedirectResponse("/", status_code=303)
    set_cookie(response, settings_of(request), token)
    return response


@router.post("/logout", include_in_schema=False)
def logout(request: Request, user: User = Depends(require("home.view")), db: Session = Depends(get_db)) -> Response:
    _log(request, db, user, user.name, "logout")
    close_session(db, request.cookies.get(COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.post("/lang/{lang}", include_in_schema=False)
def switch_language(lang: str, _user: User = Depends(require("home.view"))) -> Response:
    response = RedirectResponse("/", status_code=303)
    response.set_cookie("lang", "en" if lang == "en" else "zh", httponly=True, samesite="strict", max_age=31536000)
    return response


class Credentials(BaseModel):
    name: str = Field(max_length=64)
    password: str = Field(max_length=256)


class TokenOut(BaseModel):
    token: str
    role: str
    expires_at: str


@router.post("/api/v1/session", response_model=TokenOut, responses={401: {}, 423: {}, 429: {}})
def api_login(body: Credentials, request: Request, db: Session = Depends(get_db)) -> Response:
    """Exchange a name and password for a bearer token (send it as ``Authorization: Bearer …``)."""
    try:
        user = _login(request, db, body.name, body.password)
    except LoginRefused as exc:
        return JSONResponse({"error": {"zh": exc.zh, "en": exc.en}}, status_code=exc.status)
    token, row = open_session(db, settings_of(request), user, client_ip(request), kind="api")
    return JSONResponse({"token": token, "role": user.role, "expires_at": row.expires_at.isoformat()})


@router.delete("/api/v1/session", status_code=204, responses={401: {}, 403: {}})
def api_logout(request: Request, user: User = Depends(require("home.view")), db: Session = Depends(get_db)) -> Response:
    """End the bearer token's session."""
    _log(request, db, user, user.name, "logout")
    close_session(db, bearer_token(request))
    return Response(status_code=204)
