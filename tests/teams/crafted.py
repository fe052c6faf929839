"""A small hand-made round: two targets, a pool just large enough to staff both."""

from __future__ import annotations

from typing import Any

from xuncha.teams.model import Candidate, RoundSpec, Target

ROUND = RoundSpec("R3", "第三轮巡察", start_date="2025-03-01", members_min=2, members_max=2)
TARGETS = [Target("A", "甲局", "R1", "教育"), Target("B", "乙局", "R2", "卫健")]


def full(person: str, name: str, role: str, skills: str = "", **kw: Any) -> Candidate:
    return Candidate(
        person, name, "专职", frozenset({role}), frozenset(skills.split()), home_region="R9", past_rounds=1, **kw
    )


def pool(person: str, name: str, skills: str = "", **kw: Any) -> Candidate:
    return Candidate(
        person, name, "人才库", frozenset({"组员"}), frozenset(skills.split()), home_region="R9", past_rounds=1, **kw
    )


def people() -> list[Candidate]:
    """Four leaders, two deputies, two liaisons, six pool members (财务 and 纪检 in both halves)."""
    return [
        full("L1", "张一", "组长"),
        full("L2", "张二", "组长"),
        full("L3", "张三", "组长"),
        full("L4", "张四", "组长"),
        full("D1", "李一", "副组长"),
        full("D2", "李二", "副组长"),
        full("C1", "王一", "联络员"),
        full("C2", "王二", "联络员"),
        pool("M1", "赵一", "财务"),
        pool("M2", "赵二", "纪检"),
        pool("M3", "赵三", "审计"),
        pool("M4", "赵四", "纪检"),
        pool("M5", "赵五", "法律"),
        pool("M6", "赵六"),
    ]
