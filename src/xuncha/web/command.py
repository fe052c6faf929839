"""``xuncha serve``, ``xuncha user add`` and ``xuncha audit verify``: the application database's
commands. Each takes ``--db URL`` or reads ``XUNCHA_DB``; the schema is brought up to date first."""

from __future__ import annotations

import sys
from pathlib import Path

from xuncha.store.db import data_dir, database_url, make_engine, session_factory, session_scope
from xuncha.store.migrate import upgrade


def open_database(db: str | None, data: Path | None = None) -> str:
    """The database URL, migrated to the current schema."""
    url = database_url(db, data)
    upgrade(url)
    return url


def serve_command(db: str | None, data: Path | None, host: str, port: int, audit_algorithm: str, secure: bool) -> int:
    import uvicorn

    from xuncha.web.app import create_app
    from xuncha.web.settings import Settings

    url = open_database(db, data)
    settings = Settings(db_url=url, data_dir=data_dir(data), audit_algorithm=audit_algorithm, secure_cookies=secure)
    print(f"巡察工作平台 / xuncha web: http://{host}:{port}/  (数据库 / database: {_safe(url)})", flush=True)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning", server_header=False)
    return 0


def _safe(url: str) -> str:
    """The URL without its password, for printing."""
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    return f"{scheme}://{creds.split(':', 1)[0]}:***@{host}"


def user_add_command(
    db: str | None, name: str, role: str, password: str, person_key: str | None, unit: str | None, display_name: str
) -> int:
    from xuncha.store import audit
    from xuncha.store.passwords import WeakPassword
    from xuncha.store.users import UserError, add_user

    url = open_database(db)
    factory = session_factory(make_engine(url))
    try:
        with session_scope(factory) as session:
            user = add_user(session, name, role, password, person_key=person_key, unit=unit, display_name=display_name)
            audit.append(
                session, actor="cli", role="-", action="create", object=f"user:{user.name}", detail={"role": role}
            )
    except (UserError, WeakPassword) as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 2
    print(f"已创建用户 {name}（{role}） / user {name} created with role {role}")
    return 0


def audit_verify_command(db: str | None) -> int:
    from xuncha.store import audit

    url = database_url(db)
    factory = session_factory(make_engine(url))
    with session_scope(factory) as session:
        checked, problem = audit.verify(session)
    if problem is None:
        print(f"审计日志完整：已校验 {checked} 条 / audit log intact: {checked} entries checked")
        return 0
    print(f"审计日志被改动 / audit log tampered: {problem}", file=sys.stderr)
    return 1
