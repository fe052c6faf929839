"""Reports: docx opened with python-docx, xlsx with openpyxl, UTF-8 file names, audit of every download."""

from __future__ import annotations

import io
from urllib.parse import quote

from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from tests.web.conftest import Office
from tests.web.test_findings import ROUND, fast_passwords, seed_round
from xuncha.store.models import AuditEntry, Conflict, Finding, Rectification
from xuncha.web.services.reports import content_disposition

__all__ = ["fast_passwords"]
BASIS = "《中国共产党巡视工作条例》第四十一条"


def seed_conflicts(web: Office) -> None:
    """P2 (on team 1, targets U1/U2) has a should tie with U1 (kept) and a must tie with U3 (kept away)."""
    with web.db() as db:
        for unit, name, sev, cat in (("U1", "甲局", "should", "study"), ("U3", "丙公司", "must", "spouse")):
            record = {"counterpart_name": "钱五", "counterpart_role": "一把手", "basis": BASIS}
            if cat == "spouse":
                record["kin_term"] = "妻子"
            db.add(
                Conflict(
                    round_id=ROUND, stage=2, severity=sev, category=cat, inspector_key="P2", inspector_name="李二",
                    target_unit=unit, target_name=name, record=record,
                )
            )  # fmt: skip
        db.commit()


def text_of(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_recusal_review_docx_lists_each_conflict_with_basis_and_decision(web: Office) -> None:
    seed_round(web)
    seed_conflicts(web)
    response = web.client("leading_group").get(f"/reports/{ROUND}/download/recusal-review")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment;") and f"filename*=UTF-8''{quote('回避审查表_R-F1.docx')}" in disposition
    text = text_of(response.content)
    assert "李二（P2）" in text and "钱五（一把手）" in text and BASIS in text and "妻子" in text
    assert "保留在第1巡察组" in text  # the should tie with U1, kept on team 1
    assert "已回避，未安排至该单位巡察组" in text  # the must tie with U3
    with web.db() as db:
        entries = list(db.execute(select(AuditEntry).where(AuditEntry.action == "download")).scalars())
    assert [e.object for e in entries] == [f"report:recusal-review:{ROUND}"]


def test_team_plan_docx_has_members_roles_commitment_and_seed(web: Office) -> None:
    seed_round(web)
    text = text_of(web.api("admin").get(f"/api/v1/rounds/{ROUND}/reports/team-plan").content)
    for expected in ("巡察组组成方案", "第1巡察组（甲局、乙镇）", "张一", "组长", "赵四", "ab" * 32, "s33d"):
        assert expected in text


def test_xlsx_lists_open_with_the_expected_rows(web: Office) -> None:
    teams = seed_round(web)
    seed_conflicts(web)
    uid = web.user("admin").id
    with web.db() as db:
        f = Finding(
            round_id=ROUND,
            team_id=teams[1],
            unit="U1",
            category="其他",
            grade="B",
            title="=HYPERLINK()",
            created_by=uid,
        )
        db.add(f)
        db.flush()
        db.add(Rectification(finding_id=f.id, measure="整改", owner="局长", deadline="2020-01-01"))
        db.commit()
    api = web.api("leading_group")

    def sheet(kind: str) -> list[tuple[object, ...]]:
        response = api.get(f"/api/v1/rounds/{ROUND}/reports/{kind}")
        assert response.status_code == 200
        return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))

    conflicts = sheet("conflicts")
    assert [(r[1], r[4], r[7]) for r in conflicts[1:]] == [("李二", "U1", "建议回避"), ("李二", "U3", "必须回避")]
    teams_rows = sheet("teams")
    assert [(r[0], r[2], r[4]) for r in teams_rows[1:]] == [
        (1, "张一", "组长"),
        (1, "李二", "组员"),
        (2, "王三", "组长"),
        (2, "赵四", "组员"),
    ]
    findings = sheet("findings")
    assert findings[0][9] == "整改状态"
    assert findings[1][4] == "'=HYPERLINK()" and findings[1][9] == "已超期" and findings[1][11] == "是"
    listing = api.get(f"/api/v1/rounds/{ROUND}/reports").json()
    assert {r["kind"] for r in listing} == {"recusal-review", "team-plan", "conflicts", "teams", "findings"}


def test_reports_are_for_the_office_and_leading_group_only(web: Office) -> None:
    seed_round(web)
    for role in ("member", "team_leader", "supervisor", "unit_contact"):
        assert web.client(role).get(f"/reports/{ROUND}/download/teams").status_code == 403
    page = web.client("admin").get(f"/reports/{ROUND}")
    assert page.status_code == 200 and f'action="/inquiries/{ROUND}/report.docx"' in page.text
    assert web.client("admin").get(f"/reports/{ROUND}/download/nonsense").status_code == 422


def test_content_disposition_is_rfc5987() -> None:
    header = content_disposition("巡察组名单_R1.xlsx")
    assert (
        header
        == "attachment; filename=\"R1.xlsx\"; filename*=UTF-8''%E5%B7%A1%E5%AF%9F%E7%BB%84%E5%90%8D%E5%8D%95_R1.xlsx"
    )
