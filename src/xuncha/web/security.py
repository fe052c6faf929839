"""Sessions, CSRF tokens, login throttling and the response headers every page carries."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from threading import Lock

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from xuncha.store.models import User, WebSession
from xuncha.store.passwords import check_password, hash_password, needs_rehash
from xuncha.web.settings import Settings

COOKIE = "xuncha_session"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were stored as UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# ------------------------------------------------------------------ login


class LoginRefused(Exception):
    def __init__(self, zh: str, en: str, status: int = 401) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en, self.status = zh, en, status


def authenticate(db: Session, settings: Settings, name: str, password: str) -> User:
    """The user for ``name`` and ``password``, counting failures and locking after too many.

    The message never says whether the name exists."""
    user = db.execute(select(User).where(User.name == name)).scalar()
    if user is None:
        check_password(_dummy_hash(), password)  # the same Argon2 work, so timing tells nothing
    if user is not None and user.locked_until is not None and aware(user.locked_until) > utcnow():
        raise LoginRefused("账号已临时锁定，请稍后再试", "account temporarily locked; try later", 423)
    if user is None or not user.active or not check_password(user.password_hash, password):
        if user is not None:
            _count_failure(user, settings)
        raise LoginRefused("用户名或密码错误", "wrong user name or password")
    user.failed_logins, user.locked_until = 0, None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def _count_failure(user: User, settings: Settings) -> None:
    user.failed_logins += 1
    if user.failed_logins >= settings.lockout_after:
        user.locked_until = utcnow() + timedelta(minutes=settings.lockout_minutes)
        user.failed_logins = 0


class Throttle:
    """At most ``limit`` login attempts per client address in any 60 seconds (in memory, per process)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._hits: dict[str, deque[float]] = defaultdict(deque)
        self._lock = Lock()

    def allow(self, client: str) -> bool:
        now = time.monotonic()
        with self._lock:
            hits = self._hits[client]
            while hits and now - hits[0] > 60:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            return True


# ------------------------------------------------------------------ sessions


def open_session(db: Session, settings: Settings, user: User, ip: str, kind: str = "cookie") -> tuple[str, WebSession]:
    """A new session; returns the token for the cookie (or API client) and the stored row."""
    token = secrets.token_urlsafe(32)
    row = WebSession(
        token_hash=token_hash(token),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(32),
        kind=kind,
        expires_at=utcnow() + timedelta(hours=settings.session_hours),
        ip=ip,
    )
    db.add(row)
    db.flush()
    return token, row


def find_session(db: Session, token: str | None) -> WebSession | None:
    if not token:
        return None
    row = db.execute(select(WebSession).where(WebSession.token_hash == token_hash(token))).scalar()
    if row is None or aware(row.expires_at) <= utcnow() or not row.user.active:
        return None
    return row


def close_session(db: Session, token: str | None) -> None:
    if token:
        db.execute(delete(WebSession).where(WebSession.token_hash == token_hash(token)))


def csrf_ok(row: WebSession, supplied: str | None) -> bool:
    return bool(supplied) and hmac.compare_digest(row.csrf_token, supplied or "")


def set_cookie(response: Response, settings: Settings, token: str) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(settings.session_hours * 3600),
        httponly=True,
        samesite="strict",
        secure=settings.secure_cookies,
        path="/",
    )


async def security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    return add_security_headers(await call_next(request), request.url.path)


def add_security_headers(response: Response, path: str) -> Response:
    """The CSP and friends on ``response``; also used for the 500 page, which the middleware never sees."""
    for key, value in HEADERS.items():
        response.headers.setdefault(key, value)
    if not path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""
