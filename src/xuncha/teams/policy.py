"""Team formation policy: options and weights, validated with pydantic."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field


class Weights(BaseModel):
    """Weights of the soft objective (all non-negative integers)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    should_tie: int = Field(100, ge=0)
    notice_tie: int = Field(10, ge=0)
    workload: int = Field(3, ge=0)
    extra_skill: int = Field(5, ge=0)
    veteran_shortfall: int = Field(1000, ge=0)


class PlanPolicy(BaseModel):
    """Options of the term plan."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    linked_systems: list[str] = Field(default_factory=list)  # 联动: ["*"] keeps every system together
    revisit_min_petitions: int = Field(3, ge=0)  # units with this many petitions get a 回访督查
    revisit_months: tuple[int, int] = (6, 12)
    escalate_min_petitions: int = Field(5, ge=0)  # many petitions: candidate for 提级
    escalate_types: list[str] = Field(default_factory=lambda: ["乡镇(街道)"])
    escalate_type_min_petitions: int = Field(2, ge=0)  # key townships with petitions
    overdue_months: int = Field(60, ge=1)  # last inspected longer ago than this: overdue


class TeamPolicy(BaseModel):
    """Every option of team formation; defaults follow issue 3."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rotation_rounds: int = Field(3, ge=0)
    leader_same_system: bool = False
    required_skill_groups: list[list[str]] = Field(default_factory=lambda: [["财务", "审计"], ["纪检"]])
    veteran_share: float = Field(0.5, ge=0.0, le=1.0)
    veteran_min_rounds: int = Field(1, ge=1)
    cross_variant: Literal["全部外地", "组长联络员本地"] = "全部外地"
    escalated_level: Literal["县", "市"] = "市"
    weights: Weights = Field(default_factory=lambda: Weights.model_validate({}))
    tie_break_range: int = Field(16, ge=1)
    solver_workers: int = Field(1, ge=1)
    deterministic_time: float = Field(20.0, gt=0)
    candidates_per_role: int = Field(0, ge=0)
    plan: PlanPolicy = Field(default_factory=lambda: PlanPolicy.model_validate({}))


@cache
def _default_mapping() -> dict[str, Any]:
    text = resources.files("xuncha.teams").joinpath("default_policy.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    return data


def load_team_policy(mapping: Mapping[str, Any] | None = None) -> TeamPolicy:
    """The default policy (default_policy.yaml) overridden by a policy file's ``teams:``."""
    merged = dict(_default_mapping())
    for key, value in (mapping or {}).items():
        if key in ("weights", "plan") and isinstance(value, Mapping):
            merged[key] = {**merged.get(key, {}), **value}
        else:
            merged[key] = value
    return TeamPolicy.model_validate(merged)
