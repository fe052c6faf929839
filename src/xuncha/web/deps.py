"""What every route depends on: the database session, the logged-in user, permission checks with
CSRF, the audit trail and page rendering. Routes declare ``Depends(require("perm"))``; nothing else
decides access."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from xuncha.store import audit as audit_log
from xuncha.store.models import User, WebSession
from xuncha.web.authz import allowed
from xuncha.web.security import COOKIE, client_ip, csrf_ok, find_session
from xuncha.web.settings import Settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class LoginRequired(Exception):
    """No valid session: pages redirect to the login form, the API answers 401."""


class Forbidden(Exception):
    """Logged in but not allowed (403), or a form without a valid CSRF token.

    ``permission`` is set only by :func:`require` when the role lacks it; the response then names it
    in the ``X-Xuncha-Denied`` header, so a role refusal can be told from a row-level one."""

    def __init__(self, zh: str = "无权访问", en: str = "not allowed", *, permission: str | None = None) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en, self.permission = zh, en, permission


class NotFound(Exception):
    def __init__(self, zh: str = "未找到", en: str = "not found") -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


class Invalid(Exception):
    """A form or payload the office must correct (422), with Chinese and English text."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_db(request: Request) -> Iterator[Session]:
    """One session per request; committed when the route returns, rolled back when it raises."""
    factory: sessionmaker[Session] = request.app.state.sessions
    db = factory()
    try:
        yield db
        db.commit()
    except BaseException:
        db.rollback()
        raise
    finally:
        db.close()


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else None


def session_row(request: Request, db: Session) -> WebSession | None:
    """The caller's session, from the API bearer token or the cookie."""
    token = bearer_token(request)
    if token:
        row = find_session(db, token)
        return row if row is not None and row.kind == "api" else None
    row = find_session(db, request.cookies.get(COOKIE))
    return row if row is not None and row.kind == "cookie" else None


def current_user(request: Request, db: Session = Depends(get_db)) -> User:
    row = session_row(request, db)
    if row is None:
        raise LoginRequired()
    request.state.web_session = row
    request.state.user = row.user
    request.state.viewer = Viewer.of(row.user, row.csrf_token)
    return row.user


async def check_csrf(request: Request, row: WebSession) -> None:
    """Unsafe methods from a browser session need the session's token (form field or header)."""
    if request.method in SAFE_METHODS or row.kind == "api":
        return
    supplied = request.headers.get("x-csrf-token")
    if not supplied and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get("csrf_token")
        supplied = value if isinstance(value, str) else None
    if not csrf_ok(row, supplied):
        raise Forbidden("表单已过期，请刷新页面后重试", "missing or wrong CSRF token; reload the page")


def require(permission: str) -> Callable[..., Coroutine[Any, Any, User]]:
    """A dependency: the logged-in user holding ``permission`` (CSRF checked for writes)."""

    async def dependency(request: Request, user: User = Depends(current_user)) -> User:
        await check_csrf(request, request.state.web_session)
        if not allowed(user.role, permission):
            raise Forbidden(permission=permission)
        return user

    dependency.__name__ = f"require_{permission.replace('.', '_')}"
    return dependency


@dataclass(frozen=True)
class Viewer:
    """A detached copy of the logged-in user for templates and error pages (safe after rollback)."""

    id: int
    name: str
    display_name: str
    role: str
    person_key: str | None
    unit: str | None
    csrf_token: str

    @classmethod
    def of(cls, user: User, csrf_token: str) -> Viewer:
        return cls(user.id, user.name, user.display_name, user.role, user.person_key, user.unit, csrf_token)


@dataclass(frozen=True)
class Audit:
    """Bound to one request: ``audit(db, "read", "conflicts:R1", {...})`` appends to the trail."""

    request: Request

    def __call__(self, db: Session, action: str, object: str, detail: dict[str, Any] | None = None) -> None:
        viewer: Viewer | None = getattr(self.request.state, "viewer", None)
        audit_log.append(
            db,
            actor=viewer.name if viewer else "-",
            role=viewer.role if viewer else "-",
            action=action,
            object=object,
            detail=detail,
            ip=client_ip(self.request),
            algorithm=settings_of(self.request).audit_algorithm,
        )


def get_audit(request: Request) -> Audit:
    return Audit(request)
