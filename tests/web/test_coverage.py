"""Term coverage: the engine's rows for the round's bundle, plus units inspected by published teams."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.web.conftest import Office
from tests.web.test_findings import fast_passwords
from xuncha.store.models import AuditEntry, Round, Team, TeamMember
from xuncha.teams.coverage import coverage_rows
from xuncha.web.services.coverage import bundle_facts

__all__ = ["fast_passwords"]


def test_coverage_equals_the_engine_and_counts_published_teams(web: Office, round_ready: str) -> None:
    api = web.api("admin")
    before = api.get(f"/api/v1/rounds/{round_ready}/coverage").json()
    assert (before["term_start"], before["term_end"], before["as_of"]) == ("2024-03", "2029-02", "2026-09")
    with web.db() as db:
        rnd = db.get(Round, round_ready)
        assert rnd is not None
        facts = bundle_facts(db, rnd)
        expected = coverage_rows(facts.units, facts.history, (2024, 3), (2026, 9), facts.policy.plan)
        done = {h.unit for h in facts.history if "2024-03" <= h.date[:7] <= "2026-09"}
        fresh = next(u for u in facts.units if u.unit not in done)
    assert before["rows"] == expected
    assert before["totals"]["units"] == len(facts.units) == 30
    assert before["totals"]["inspected"] == len(done)
    with web.db() as db:  # a published round of the application inspected one more unit in June 2026
        db.add(Round(id="R-APP", name="本平台轮次", status="published", published_at=datetime(2026, 6, 1, tzinfo=UTC)))
        team = Team(round_id="R-APP", number=1, targets=[fresh.unit], target_names=[fresh.name])
        team.members = [TeamMember(person_key="P9", name="某", role="组长")]
        db.add(team)
        db.commit()
    after = api.get(f"/api/v1/rounds/{round_ready}/coverage").json()
    assert after["totals"]["inspected"] == before["totals"]["inspected"] + 1
    assert after["totals"]["due"] == before["totals"]["due"] - 1
    row = next(r for r in after["rows"] if (r["region"], r["type"]) == (fresh.region, fresh.type))
    old = next(r for r in before["rows"] if (r["region"], r["type"]) == (fresh.region, fresh.type))
    assert row["inspected"] == old["inspected"] + 1


def test_coverage_page_chart_and_term_override(web: Office, round_ready: str) -> None:
    client = web.client("leading_group")
    page = client.get(f"/coverage/{round_ready}")
    assert page.status_code == 200 and 'class="chart"' in page.text and "511324" in page.text
    chart = client.get(f"/coverage/{round_ready}/chart/region.json").json()
    totals = web.api("admin").get(f"/api/v1/rounds/{round_ready}/coverage").json()["totals"]
    assert sum(sum(s["data"]) for s in chart["series"]) == totals["units"]
    later = web.api("admin").get(f"/api/v1/rounds/{round_ready}/coverage", params={"term_start": "2026-01"}).json()
    assert later["term_start"] == "2026-01" and later["totals"]["inspected"] < totals["inspected"]
    bad = web.api("admin").get(f"/api/v1/rounds/{round_ready}/coverage", params={"term_start": "2030-01"})
    assert bad.status_code == 422  # after the default end (2029-02): the term would end before it starts
    assert web.client("supervisor").get(f"/coverage/{round_ready}").status_code == 403
    with web.db() as db:
        assert db.query(AuditEntry).filter(AuditEntry.object == f"coverage:{round_ready}").count() >= 1
