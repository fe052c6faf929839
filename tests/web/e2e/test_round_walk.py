"""A whole round in Chromium, as the office works it: log in, import, screen, staff, publish, file
and approve a recusal application (re-staffing the team), register an interference, record a
finding, download a report. Each step leaves a screenshot in test-artifacts/e2e/test_round_walk/.

Recusal applications are filed by inspectors of a published round (they see only their own team),
so the application comes after publication here; its approval re-staffs the affected team."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import docx
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.web.conftest import PASSWORD
from tests.web.county import ROUND
from tests.web.e2e.conftest import LiveServer, Shots, log_in
from xuncha.store.db import session_factory
from xuncha.store.models import RecusalApplication, Team, TeamMember
from xuncha.store.users import add_user
from xuncha.web.demo import zipped


def _session(live: LiveServer) -> Session:
    return session_factory(live.app.state.engine)()


def _page(browser: Any, live: LiveServer, name: str) -> Any:
    """A fresh browser context logged in as ``name``; every confirm() dialog is accepted."""
    return log_in(browser, live, name, accept_downloads=True)


def _staffed_teams(live: LiveServer) -> list[Team]:
    with _session(live) as db:
        teams = db.execute(select(Team).where(Team.round_id == ROUND).order_by(Team.number)).scalars().all()
        staffed = [t for t in teams if t.members]
        for team in staffed:
            _ = [m.person_key for m in team.members]  # load before the session closes
        return staffed


def test_a_whole_round_in_the_browser(
    live: LiveServer, browser: Any, shots: Shots, county: Path, tmp_path: Path
) -> None:
    with _session(live) as db:
        add_user(db, "office", "admin", PASSWORD, display_name="巡察办张科长")
        db.commit()
    office = _page(browser, live, "office")
    shots(office, "logged-in")

    # import: upload the zipped county, read the report, accept
    archive = tmp_path / "county.zip"
    archive.write_bytes(zipped(county).getvalue())
    office.goto(live.url + "/imports")
    office.set_input_files("input[name=file]", str(archive))
    office.click("form[action='/imports'] button[type=submit]")
    office.wait_for_selector("form[action$='/accept']")
    shots(office, "import-report")
    office.click("form[action$='/accept'] button")
    office.wait_for_load_state()
    shots(office, "import-accepted")

    # screening
    office.goto(f"{live.url}/screening/{ROUND}")
    office.click(f"form[action='/screening/{ROUND}/run'] button")
    office.wait_for_selector("#conflicts table tbody tr")
    shots(office, "screening")
    assert office.locator("#conflicts table tbody tr").count() > 0

    # staffing: commit to a seed, draw, publish
    office.goto(f"{live.url}/staffing/{ROUND}")
    office.fill(f"form[action='/staffing/{ROUND}/commit'] input[name=seed]", "公开抽取-浏览器测试")
    office.click(f"form[action='/staffing/{ROUND}/commit'] button")
    office.wait_for_load_state()
    shots(office, "commitment")
    office.fill(f"form[action='/staffing/{ROUND}/run'] input[name=targets_per_team]", "2")
    office.click(f"form[action='/staffing/{ROUND}/run'] button")
    office.wait_for_selector(f"form[action='/staffing/{ROUND}/publish'] button")
    shots(office, "teams-drawn")
    office.click(f"form[action='/staffing/{ROUND}/publish'] button")
    office.wait_for_load_state()
    shots(office, "published")
    teams = _staffed_teams(live)
    assert len(teams) >= 2

    # two inspectors of the published plan get logins
    first, second = teams[0], teams[1]
    leader_key = next((m.person_key for m in first.members if m.role == "组长"), first.members[0].person_key)
    applicant = next(m for m in second.members if m.role != "组长")
    with _session(live) as db:
        add_user(db, "zuzhang", "team_leader", PASSWORD, person_key=leader_key)
        add_user(db, "zuyuan", "member", PASSWORD, person_key=applicant.person_key)
        db.commit()

    # stage 3: the member declares a tie with the team's target; the office approves
    member = _page(browser, live, "zuyuan")
    member.goto(f"{live.url}/recusals/{ROUND}")
    member.select_option("select[name=target_unit]", second.targets[0])
    member.fill("input[name=related_name]", "李某某")
    member.fill("input[name=relation]", "表哥")
    member.fill("textarea[name=reason]", "表哥在该单位任财务股长")
    member.click(f"form[action='/recusals/{ROUND}'] button[type=submit]")
    member.wait_for_load_state()
    shots(member, "recusal-filed")
    with _session(live) as db:
        application = db.execute(select(RecusalApplication)).scalar_one()
    office.goto(f"{live.url}/recusals/{ROUND}/{application.id}")
    office.fill("textarea[name=reason]", "属三代以内旁系血亲，予以回避")
    office.click("button[name=decision][value=approve]")
    office.wait_for_load_state()
    shots(office, "recusal-approved")
    with _session(live) as db:
        decided = db.get(RecusalApplication, application.id)
        assert decided is not None and decided.status == "approved"
        on_team = db.execute(select(TeamMember.person_key).where(TeamMember.team_id == second.id)).scalars().all()
        assert applicant.person_key not in on_team

    # the team leader registers an interference and records a finding
    leader = _page(browser, live, "zuzhang")
    leader.goto(f"{live.url}/inquiries/{ROUND}")
    leader.fill("input[name=asker_name]", "王建国")
    leader.fill("input[name=asker_unit]", "县某局")
    leader.select_option("select[name=channel]", "电话")
    leader.select_option("select[name=about_unit]", first.targets[0])
    leader.fill("textarea[name=content]", "打听巡察组何时进驻、重点查什么")
    leader.fill("textarea[name=handling]", "当即拒绝并登记")
    leader.click(f"form[action='/inquiries/{ROUND}'] button[type=submit]")
    leader.wait_for_load_state()
    shots(leader, "inquiry-registered")
    assert "王建国" in leader.content()

    leader.goto(f"{live.url}/findings/{ROUND}/teams/{first.id}")
    leader.fill("input[name=title]", "违规发放津补贴")
    leader.fill("textarea[name=description]", "2025年以来以加班费名义发放津贴12万元")
    leader.click(f"form[action='/findings/{ROUND}/teams/{first.id}'] button[type=submit]")
    leader.wait_for_load_state()
    shots(leader, "finding-recorded")
    assert "违规发放津补贴" in leader.content()

    # the office downloads the recusal review form (回避审查表) as Word
    office.goto(f"{live.url}/reports/{ROUND}")
    shots(office, "reports")
    link = office.locator(f"a[href^='/reports/{ROUND}/download/']").first
    with office.expect_download() as info:
        link.click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert saved.stat().st_size > 0
    if saved.suffix == ".docx":
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(saved.read_bytes())).paragraphs)
        assert ROUND in text or "回避" in text
