"""The audit trail as the office lives it: logins, refusals and writes are logged with who, when,
what and from where; the auditor (and only the auditor) reads the log and its verification in the
app; tampering in the database shows in the app and in ``xuncha audit verify``."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select, text

from tests.web.conftest import PASSWORD, Office, make_office
from tests.web.test_authz_matrix import bearer, session_client
from xuncha.cli import main
from xuncha.store import audit
from xuncha.store.models import AuditEntry


def entries(office: Office) -> list[AuditEntry]:
    with office.db() as db:
        return list(db.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars())


def test_logins_failures_and_writes_are_logged_with_who_what_and_where(web: Office) -> None:
    web.user("admin")
    anon = web.anonymous()
    assert anon.post("/login", data={"name": "admin", "password": "wrong-password"}).status_code == 401
    admin = web.client("admin")
    assert admin.post("/users", data={"name": "li", "role": "member", "password": PASSWORD}).status_code == 303
    log = [(e.actor, e.role, e.action, e.object) for e in entries(web)]
    assert log == [
        ("admin", "-", "login_failed", "session"),
        ("admin", "admin", "login", "session"),
        ("admin", "admin", "create", "user:li"),
    ]
    last = entries(web)[-1]
    assert json.loads(last.detail) == {"role": "member"}
    assert last.ip == "testclient"
    assert last.at.endswith("+00:00")


def test_only_the_auditor_reads_the_trail(web: Office) -> None:
    for role in ("admin", "leading_group", "team_leader", "member", "supervisor", "unit_contact"):
        assert session_client(web, role).get("/audit").status_code == 403, role
        assert bearer(web, role).get("/api/v1/audit").status_code == 403, role
    page = session_client(web, "auditor").get("/audit")
    assert page.status_code == 200


def test_the_auditor_sees_entries_newest_first_and_pages_back(web: Office) -> None:
    with web.db() as db:
        for i in range(105):
            audit.append(db, actor=f"u{i}", role="admin", action="read", object=f"conflicts:R{i}")
        db.commit()
    api = bearer(web, "auditor")
    first = api.get("/api/v1/audit").json()
    assert len(first) == 100
    assert [e["seq"] for e in first[:2]] == [105, 104]
    assert first[0]["object"] == "conflicts:R104"
    rest = api.get("/api/v1/audit", params={"before": first[-1]["seq"]}).json()
    assert [e["seq"] for e in rest] == [5, 4, 3, 2, 1]
    page = session_client(web, "auditor").get("/audit")
    assert "conflicts:R104" in page.text


def test_verification_in_the_app_and_on_the_command_line_names_a_tampered_entry(web: Office) -> None:
    with web.db() as db:
        for i in range(5):
            audit.append(db, actor="admin", role="admin", action="read", object=f"inquiry:{i}")
        db.commit()
    api = bearer(web, "auditor")
    assert api.get("/api/v1/audit/verify").json() == {"checked": 5, "intact": True, "first_break": None}
    assert CliRunner().invoke(main, ["audit", "verify", "--db", web.settings.db_url]).exit_code == 0
    with web.factory() as db:
        db.execute(text("UPDATE audit_log SET object = 'inquiry:99' WHERE seq = 2"))
        db.commit()
    verdict = api.get("/api/v1/audit/verify").json()
    assert verdict["intact"] is False
    assert "entry 2:" in verdict["first_break"]
    page = session_client(web, "auditor").get("/audit").text
    assert "哈希链校验失败" in page
    assert "第 2 条" in page
    result = CliRunner().invoke(main, ["audit", "verify", "--db", web.settings.db_url])
    assert result.exit_code == 1
    assert "entry 2:" in result.stderr


def test_sha256_can_be_configured_instead_of_sm3(db_url: str, tmp_path: Path) -> None:
    office = make_office(db_url, tmp_path / "data", audit_algorithm="sha256")
    try:
        office.client("admin")
        log = entries(office)
        assert [e.algorithm for e in log] == ["sha256"]
        assert log[0].digest == audit.hash_hex("sha256", log[0].prev_digest.encode() + audit.canonical(log[0]))
        with office.db() as db:
            assert audit.verify(db) == (1, None)
    finally:
        office.app.state.engine.dispose()


def test_the_default_algorithm_is_sm3(web: Office) -> None:
    web.client("admin")
    assert [e.algorithm for e in entries(web)] == ["sm3"]
