"""Determinism and the verifiable random draw."""

from __future__ import annotations

from pathlib import Path

import pytest

from xuncha.teams.draw import commit, print_friendly, seed_int, verify
from xuncha.teams.model import Candidate, Pool, RoundSpec, Target
from xuncha.teams.output import teams_jsonl, write_teams
from xuncha.teams.policy import load_team_policy
from xuncha.teams.solve import form_teams

from .instances import random_instance


def equal_pool() -> tuple[RoundSpec, list[Target], list[Candidate]]:
    """Many equally good choices: identical skills and past rounds everywhere."""

    def c(i: int, pool: Pool, roles: set[str]) -> Candidate:
        return Candidate(
            f"P{i:02d}",
            f"人{i}",
            pool,
            frozenset(roles),
            frozenset({"财务", "纪检"}),
            past_rounds=1,
        )

    full = [c(i, "专职", {"组长", "副组长", "联络员"}) for i in range(9)]
    pool = [c(10 + i, "人才库", {"组员"}) for i in range(12)]
    rnd = RoundSpec("R1", "第一轮", members_min=2, members_max=2)
    return rnd, [Target("A", "甲"), Target("B", "乙")], full + pool


def draw(seed: str) -> bytes:
    rnd, targets, people = equal_pool()
    got = form_teams(rnd, targets, people, [], [], load_team_policy(), seed=seed_int(seed))
    return teams_jsonl(got)


def test_same_seed_same_bytes() -> None:
    for s in range(3):
        inst = random_instance(s, 3, 12, 9)
        runs = [
            teams_jsonl(
                form_teams(
                    inst.round,
                    inst.targets,
                    inst.candidates,
                    inst.ties,
                    inst.history,
                    load_team_policy(),
                    seed=7,
                    kin_pairs=inst.kin_pairs,
                )
            )
            for _ in range(2)
        ]
        assert runs[0] == runs[1], f"instance seed={s}"


def test_seed_decides_among_equal_solutions() -> None:
    outputs = {draw(str(s)) for s in range(6)}
    assert len(outputs) >= 5, "different seeds should give different draws"


def test_commit_is_canonical_sha256() -> None:
    assert commit("2025-03") == commit(" ２０２５-０３ ")
    assert len(commit("x")) == 64 and commit("x") != commit("y")
    assert print_friendly(commit("x")).count(" ") == 7
    with pytest.raises(ValueError):
        commit("  ")


def test_verify_accepts_the_published_draw(tmp_path: Path) -> None:
    (tmp_path / "teams.jsonl").write_bytes(draw("abc"))
    assert verify(tmp_path, "abc", draw, commitment=commit("abc")).ok


def test_verify_fails_when_a_byte_changes(tmp_path: Path) -> None:
    data = bytearray(draw("abc"))
    data[len(data) // 2] ^= 1
    (tmp_path / "teams.jsonl").write_bytes(bytes(data))
    result = verify(tmp_path, "abc", draw)
    assert not result.ok and result.first_difference == len(data) // 2


def test_verify_fails_for_another_seed(tmp_path: Path) -> None:
    (tmp_path / "teams.jsonl").write_bytes(draw("abc"))
    assert not verify(tmp_path, "abd", draw).ok
    assert not verify(tmp_path, "abc", draw, commitment=commit("abd")).ok


def test_write_teams_files(tmp_path: Path) -> None:
    rnd, targets, people = equal_pool()
    got = form_teams(rnd, targets, people, [], [], load_team_policy(), seed=3)
    paths = write_teams(got, tmp_path)
    assert [p.name for p in paths] == ["teams.jsonl", "teams.xlsx", "teams.docx"]
    assert all(p.stat().st_size > 0 for p in paths)
    first = (tmp_path / "teams.jsonl").read_text("utf-8").splitlines()[0]
    assert first.startswith('{"accepted_ties": [], "bans": [], "members": [{"name": "人')
