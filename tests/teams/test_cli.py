"""The team commands end to end on real bundles: assign, explain, draw commit/verify, plan.

Two bundles: the hand-made county of the screening tests (rounds R1, R2) and a synthetic
bundle (``write_bundle``, seed logged below) whose talent pool is partly turned full-time so
that several teams can be staffed at once.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from tests.staffable import CORE_ROLES, more_full_time
from xuncha.bundle.load import load_bundle
from xuncha.cli import main
from xuncha.policy.model import load_policy
from xuncha.screening.run import screen
from xuncha.synth.generate import write_bundle
from xuncha.teams.command import UsageProblem, parse_month, parse_pins
from xuncha.teams.from_bundle import level_of

COUNTY = Path(__file__).parents[1] / "screening" / "data" / "county"
SYNTH_SEED = 31  # the synthetic bundle's seed; a failure replays with it
ROUND = "R2026-3"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def staffed(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in rows if r.get("status") != "infeasible"]


@pytest.fixture(scope="module")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    bundle = tmp_path_factory.mktemp("synth") / "bundle"
    write_bundle(bundle, persons=3000, seed=SYNTH_SEED)
    more_full_time(bundle)
    return bundle


@pytest.fixture(scope="module")
def commitment() -> str:
    result = run("draw", "commit", "--seed", "公开抽取-1")
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if "SHA-256" in x)
    return line.split()[-1]


@pytest.fixture(scope="module")
def drawn(synth: Path, commitment: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("drawn")
    args = ("assign", synth, "--round", ROUND, "--targets-per-team", "2", "--seed", "公开抽取-1")
    result = run(*args, "--commitment", commitment, "--out", out)
    assert result.exit_code == 0, result.output
    assert "巡察组组建完成" in result.output
    return out


def test_assign_keeps_every_hard_rule(synth: Path, drawn: Path) -> None:
    rows = read_jsonl(drawn / "teams.jsonl")
    teams = staffed(rows)
    assert len(teams) >= 2, rows
    with screen(load_bundle(synth), ROUND, load_policy()) as result:
        must = {(r["inspector"], r["target"]) for r in result.records if r["severity"] == "must"}
    assert must, "the synthetic round should have must conflicts to avoid"
    inspectors = {r["person"]: r for r in csv.DictReader((synth / "inspectors.csv").open(encoding="utf-8"))}
    seen: set[str] = set()
    for team in teams:
        assert set(team) >= {"round", "target", "members", "accepted_ties", "objective"}
        assert team["round"] == ROUND and isinstance(team["target"], list)
        people = [m["person"] for m in team["members"]]
        assert not seen & set(people), "someone is on two teams"
        seen |= set(people)
        assert [m["role"] for m in team["members"]][:3] == list(CORE_ROLES)
        assert 2 <= sum(m["role"] == "组员" for m in team["members"]) <= 4
        for m in team["members"]:
            assert set(m) == {"person", "name", "role", "pool", "skills"}
            assert inspectors[m["person"]]["available"] == "是"
            assert m["pool"] == ("人才库" if m["role"] == "组员" else "专职")
            assert not any((m["person"], t) in must for t in team["target"]), (m, team["target"])
        assert all(t["severity"] in ("should", "notice") for t in team["accepted_ties"])
    for row in rows:
        if row.get("status") == "infeasible":
            assert row["reasons"] and all(isinstance(s, str) and s for s in row["reasons"])


def test_explain_member_and_non_member(drawn: Path, synth: Path) -> None:
    teams = staffed(read_jsonl(drawn / "teams.jsonl"))
    member = teams[0]["members"][0]
    result = run("explain", drawn, member["person"])
    assert result.exit_code == 0, result.output
    assert f"任{member['role']}" in result.output and "入选" in result.output
    on_team = {m["person"] for t in teams for m in t["members"]}
    people = json.loads((drawn / "assignment.json").read_text("utf-8"))["people"]
    other = next(p for p in sorted(people) if p not in on_team)
    result = run("explain", drawn, other)
    assert result.exit_code == 0, result.output
    assert any(w in result.output for w in ("不能参加", "未入选", "不可用")), result.output
    by_name = run("explain", drawn, member["name"], "--bundle", synth)
    assert by_name.exit_code == 0 and f"任{member['role']}" in by_name.output, by_name.output
    assert "不在本轮巡察干部库中" in run("explain", drawn, "NOBODY").output


def test_draw_verify_round_trip(drawn: Path, commitment: str, tmp_path: Path) -> None:
    assert {r["seed_tag"] for r in read_jsonl(drawn / "teams.jsonl")} == {commitment[:16]}
    ok = run("draw", "verify", drawn, "--seed", "公开抽取-1")
    assert ok.exit_code == 0, ok.output
    assert "验证通过" in ok.output
    wrong_seed = run("draw", "verify", drawn, "--seed", "公开抽取-2")
    assert wrong_seed.exit_code == 1 and "承诺值不符" in wrong_seed.output
    tampered = tmp_path / "tampered"
    shutil.copytree(drawn, tampered)
    data = bytearray((tampered / "teams.jsonl").read_bytes())
    data[len(data) // 2] ^= 1
    (tampered / "teams.jsonl").write_bytes(bytes(data))
    bad = run("draw", "verify", tampered, "--seed", "公开抽取-1")
    assert bad.exit_code == 1 and "不一致" in bad.output, bad.output


def test_verify_fails_for_another_seed_without_commitment(tmp_path: Path) -> None:
    out = tmp_path / "r1"
    assert run("assign", COUNTY, "--round", "R1", "--seed", "a", "--out", out).exit_code == 0
    assert not (out / "commitment.txt").exists()
    assert run("draw", "verify", out, "--seed", "a").exit_code == 0
    other = run("draw", "verify", out, "--seed", "b")
    assert other.exit_code == 1 and "不一致" in other.output, other.output


def test_wrong_commitment_refuses_the_draw(tmp_path: Path) -> None:
    result = run("assign", COUNTY, "--round", "R1", "--seed", "a", "--commitment", "00" * 32, "--out", tmp_path)
    assert result.exit_code == 2 and "承诺值不符" in result.output
    assert not (tmp_path / "teams.jsonl").exists()


def test_draw_commit_generates_a_seed() -> None:
    first, second = run("draw", "commit"), run("draw", "commit")
    assert first.exit_code == 0 and "保密" in first.output
    assert first.output != second.output


def test_ban_is_honoured_and_recorded(drawn: Path, synth: Path, tmp_path: Path) -> None:
    banned = staffed(read_jsonl(drawn / "teams.jsonl"))[0]["members"][3]["person"]
    args = ("assign", synth, "--round", ROUND, "--targets-per-team", "2", "--seed", "x")
    result = run(*args, "--ban", banned, "--ban-reason", "借调期间另有任务", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    rows = read_jsonl(tmp_path / "teams.jsonl")
    assert all(banned != m["person"] for t in staffed(rows) for m in t["members"])
    assert all(r["bans"] == [{"person": banned, "reason": "借调期间另有任务"}] for r in rows)
    assert "办公室排除：借调期间另有任务" in run("explain", tmp_path, banned).output


def test_pin_needs_a_reason(tmp_path: Path) -> None:
    result = run("assign", COUNTY, "--round", "R1", "--pin", "P-I2=U2", "--out", tmp_path)
    assert result.exit_code == 2 and "理由" in result.output
    result = run("assign", COUNTY, "--round", "R1", "--ban", "P-I2", "--ban-reason", " ", "--out", tmp_path)
    assert result.exit_code == 2 and "理由" in result.output
    assert not (tmp_path / "teams.jsonl").exists()


def test_pin_honoured_or_refused_with_the_rule(tmp_path: Path) -> None:
    pinned = run(
        "assign", COUNTY, "--round", "R1", "--pin", "P-I12=U2", "--pin-reason", "熟悉教育经费", "--out", tmp_path
    )
    assert pinned.exit_code == 0, pinned.output
    team = next(t for t in staffed(read_jsonl(tmp_path / "teams.jsonl")) if t["target"] == ["U2"])
    assert "P-I12" in {m["person"] for m in team["members"]}
    assert team["pins"] == [{"person": "P-I12", "reason": "熟悉教育经费", "target": "U2"}]
    # 王明 must step aside from U1 (his wife): the pin is refused with the reason
    refused = run(
        "assign", COUNTY, "--round", "R1", "--pin", "511324197503081237=U1", "--pin-reason", "r", "--out", tmp_path
    )
    assert refused.exit_code == 2 and "必须回避" in refused.output, refused.output


def test_missing_table_is_a_clear_error(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    shutil.copytree(COUNTY, bundle)
    (bundle / "inspectors.csv").unlink()
    result = run("assign", bundle, "--round", "R1", "--out", tmp_path / "out")
    assert result.exit_code == 1 and "巡察干部" in result.output and "inspectors" in result.output
    unknown = run("assign", COUNTY, "--round", "R9", "--out", tmp_path / "out")
    assert unknown.exit_code == 1 and "R9" in unknown.output


def test_plan_writes_files_and_reports_missing_capacity(synth: Path, tmp_path: Path) -> None:
    units = sum(1 for _ in csv.DictReader((synth / "units.csv").open(encoding="utf-8")))
    term = ("--term-start", "2026-01", "--term-end", "2027-12", "--rounds-per-year", "2")
    ok = run("plan", synth, *term, "--teams-per-round", str(units), "--as-of", "2026-08", "--out", tmp_path / "plan")
    assert ok.exit_code == 0, ok.output
    assert "本届已巡察 0，" not in ok.output, "history of 2026 counts as inspected by 2026-08"
    for name in ("plan.jsonl", "plan.xlsx", "coverage.png"):
        assert (tmp_path / "plan" / name).stat().st_size > 0
    placed = read_jsonl(tmp_path / "plan" / "plan.jsonl")
    assert {p["unit"] for p in placed if p["kind"] == "巡察"} == {
        r["unit_id"] for r in csv.DictReader((synth / "units.csv").open(encoding="utf-8"))
    }
    short = run("plan", synth, *term, "--teams-per-round", "1", "--out", tmp_path / "short")
    assert short.exit_code == 1
    assert f"缺 {units - 4} 个" in short.output, short.output
    bad = run("plan", synth, "--term-start", "2026-13", "--term-end", "2027-12", "--rounds-per-year", "2",
              "--teams-per-round", "3", "--out", tmp_path / "bad")  # fmt: skip
    assert bad.exit_code == 2


def test_parsers() -> None:
    assert parse_month("2026-01", "--x") == (2026, 1)
    with pytest.raises(UsageProblem):
        parse_month("2026-00", "--x")
    assert parse_pins(["A=U1"], ["理由"])[0].target == "U1"
    for pins, reasons in ((["A=U1"], []), (["A"], ["r"]), (["A=U1"], [""])):
        with pytest.raises(UsageProblem):
            parse_pins(pins, reasons)
    assert level_of("511300", None) == "市"
    assert level_of(None, "511324") == "县"
    assert level_of("仪陇县", "511300") == "市"
    assert level_of(None, None) == "县"
