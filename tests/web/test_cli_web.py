"""The application database's commands: ``xuncha user add`` (password from stdin, refusals with
bilingual messages, ``--db`` or ``XUNCHA_DB``) and ``xuncha audit verify`` on what they wrote."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from xuncha.cli import main
from xuncha.store.db import make_engine, session_factory
from xuncha.store.models import AuditEntry, User
from xuncha.store.passwords import check_password

GOOD = "s3cret-passw0rd"


def user_add(db_url: str | None, name: str, role: str, password: str, *extra: str) -> Result:
    args = ["user", "add", name, "--role", role, "--password-stdin", *extra]
    if db_url:
        args += ["--db", db_url]
    return CliRunner().invoke(main, args, input=password + "\n")


def users(db_url: str) -> dict[str, User]:
    engine = make_engine(db_url)
    try:
        with session_factory(engine)() as db:
            return {u.name: u for u in db.execute(select(User)).scalars()}
    finally:
        engine.dispose()


def audit_objects(db_url: str) -> list[str]:
    engine = make_engine(db_url)
    try:
        with session_factory(engine)() as db:
            return [e.object for e in db.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars()]
    finally:
        engine.dispose()


def test_user_add_creates_a_login_and_logs_it(db_url: str) -> None:
    result = user_add(db_url, "zhang", "member", GOOD, "--person", "P001", "--display-name", "张三")
    assert result.exit_code == 0, result.output
    assert "zhang" in result.stdout
    created = users(db_url)["zhang"]
    assert (created.role, created.person_key, created.display_name) == ("member", "P001", "张三")
    assert created.password_hash.startswith("$argon2id$")
    assert check_password(created.password_hash, GOOD)
    assert audit_objects(db_url) == ["user:zhang"]
    verify = CliRunner().invoke(main, ["audit", "verify", "--db", db_url])
    assert verify.exit_code == 0, verify.output


def test_user_add_refuses_unknown_roles_short_passwords_and_duplicates(db_url: str) -> None:
    unknown = user_add(db_url, "a1", "superuser", GOOD)
    assert unknown.exit_code == 2
    assert "unknown role superuser" in unknown.stderr
    assert "未知角色" in unknown.stderr
    short = user_add(db_url, "a2", "admin", "short")
    assert short.exit_code == 2
    assert "at least 8 characters" in short.stderr
    assert user_add(db_url, "a3", "admin", GOOD).exit_code == 0
    duplicate = user_add(db_url, "a3", "member", GOOD)
    assert duplicate.exit_code == 2
    assert "already exists" in duplicate.stderr
    assert set(users(db_url)) == {"a3"}
    assert users(db_url)["a3"].role == "admin"
    assert audit_objects(db_url) == ["user:a3"]


def test_user_add_reads_the_database_from_xuncha_db(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XUNCHA_DB", db_url)
    assert user_add(None, "wang", "auditor", GOOD).exit_code == 0
    assert users(db_url)["wang"].role == "auditor"


def test_the_installed_command_reads_the_password_from_stdin(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    command = [sys.executable, "-m", "xuncha.cli", "user", "add", "li", "--role", "unit_contact"]
    command += ["--unit", "U9", "--password-stdin", "--db", url]
    done = subprocess.run(command, input=GOOD + "\n", capture_output=True, text=True, timeout=60, env=dict(os.environ))
    assert done.returncode == 0, done.stderr
    assert users(url)["li"].unit == "U9"
    assert CliRunner().invoke(main, ["audit", "verify", "--db", url]).exit_code == 0
