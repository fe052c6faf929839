"""The recusal policy as typed configuration, validated at the edge."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

# the C loader when PyYAML has it (same results, several times quicker)
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _yaml_load(text: str) -> Any:
    return yaml.load(text, Loader=_YAML_LOADER)


Severity = Literal["must", "should", "notice"]
RuleKind = Literal[
    "kin",
    "work_recent",
    "work_long",
    "superior",
    "study",
    "region_native",
    "region_home",
    "declared",
    "objection",
]
KinCategory = Literal["spouse", "lineal", "collateral3", "in_law", "other_kin"]
SEVERITY_RANK: dict[str, int] = {"must": 3, "should": 2, "notice": 1}
DEFAULT_POLICY = Path(__file__).with_name("default.yaml")


class RoleSeverity(BaseModel):
    """Severity that depends on the role an inspector may take."""

    model_config = ConfigDict(extra="forbid")
    leader: Severity
    other: Severity


class Rule(BaseModel):
    """One recusal rule."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    name: str
    kind: RuleKind
    severity: Severity | RoleSeverity
    basis: str
    categories: list[KinCategory] = Field(default_factory=list)
    counterpart: Literal["key_person", "employee"] = "key_person"
    years: int = 3
    min_years: int = 3
    include_subunits: bool = True
    same_class: bool = False
    modes: list[str] = Field(default_factory=list)

    def severity_for(self, *, leader: bool) -> Severity:
        if isinstance(self.severity, RoleSeverity):
            return self.severity.leader if leader else self.severity.other
        return self.severity


class KinReach(BaseModel):
    model_config = ConfigDict(extra="forbid")
    max_steps: int = Field(default=5, ge=1, le=6)
    max_spouse_steps: int = Field(default=2, ge=0, le=2)


class Policy(BaseModel):
    """A whole recusal policy file."""

    model_config = ConfigDict(extra="forbid")
    version: int = 1
    key_roles: list[str] = Field(default_factory=lambda: ["一把手", "班子成员"])
    leader_roles: list[str] = Field(default_factory=lambda: ["组长", "副组长"])
    kin_reach: KinReach = Field(default_factory=KinReach)
    bases: dict[str, str] = Field(default_factory=dict)
    rules: list[Rule]
    teams: dict[str, Any] | None = None

    @field_validator("rules")
    @classmethod
    def _unique_ids(cls, rules: list[Rule]) -> list[Rule]:
        ids = [r.id for r in rules]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"规则编号重复 / duplicate rule ids: {', '.join(dup)}")
        return rules

    def basis_text(self, rule: Rule) -> str:
        """The legal or policy text a rule rests on (a key of ``bases`` or literal text)."""
        return self.bases.get(rule.basis, rule.basis)

    def rules_of(self, kind: str) -> list[Rule]:
        return [r for r in self.rules if r.kind == kind]


class PolicyError(Exception):
    """An invalid policy file, with a bilingual message naming the file and the field."""


def load_policy(path: Path | None = None) -> Policy:
    """Load ``path`` (or the default policy). Errors name the file and the field."""
    source = path or DEFAULT_POLICY
    try:
        data = _yaml_load(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise PolicyError(f"无法读取政策文件 / cannot read policy file {source}: {exc}") from exc
    if not isinstance(data, dict):
        raise PolicyError(f"政策文件应为映射 / policy file must be a mapping: {source}")
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        lines = [f"  {'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()]
        raise PolicyError(f"政策文件无效 / invalid policy file {source}:\n" + "\n".join(lines)) from exc
