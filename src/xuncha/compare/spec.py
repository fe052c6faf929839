"""Comparison model declarations (比对模型): YAML files read into typed objects.

Built-in models live in ``models/*.yaml`` beside this file, in exactly the format a user
puts in ``--rules DIR``. A user model adds to the built-ins, or replaces the built-in with
the same ``id``. A malformed file is a :class:`RuleError` naming the file and line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from xuncha.bundle.problems import Problem

BUILTIN_DIR = Path(__file__).parent / "models"
BUILTIN_PARAMS = ("as_of",)
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")

Severity = Literal["must", "should", "notice"]


class Parameter(BaseModel):
    model_config = ConfigDict(extra="forbid")
    default: Any
    description: str = ""


class ModelSpec(BaseModel):
    """One comparison model. Columns named in ``unit``, ``persons``, ``evidence``, ``path``
    and ``key`` must be returned by ``query``; ``summary`` fills ``{column}`` placeholders
    (and ``{kin_term}`` when ``path`` is set)."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=1)
    severity: Severity
    description: str = Field(min_length=1)
    basis: str = Field(min_length=1)
    parameters: dict[str, Parameter] = Field(default_factory=dict)
    query: str = Field(min_length=1)
    summary: str = Field(min_length=1)
    unit: str | None = None
    persons: list[str] = Field(min_length=1)
    evidence: list[str] = Field(min_length=1)
    path: str | None = None
    key: list[str] = Field(default_factory=list)
    file: str = ""
    line: int = 0

    @field_validator("query")
    @classmethod
    def _read_only(cls, query: str) -> str:
        head = query.lstrip().split(None, 1)[0].upper() if query.strip() else ""
        if head not in ("SELECT", "WITH", "FROM"):
            raise ValueError("query must be a SELECT (or WITH … SELECT) / 查询须为 SELECT 语句")
        return query

    def used_params(self) -> list[str]:
        return sorted(set(_PARAM.findall(self.query)))

    def bind(self, builtins: dict[str, object]) -> dict[str, object]:
        """The parameters the query uses, with their defaults (never formatted into text)."""
        values = {name: p.default for name, p in self.parameters.items()}
        values.update(builtins)
        return {name: values[name] for name in self.used_params()}


class RuleError(Exception):
    """Malformed model files; ``problems`` name file and line in Chinese and English."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("\n".join(p.to_text() for p in problems))
        self.problems = list(problems)


def rule_problem(file: str, line: int | None, field: str | None, zh: str, en: str) -> Problem:
    return Problem(file=file, row=line, column=field, value=None, reason_zh=zh, reason_en=en)


def _node_at(node: yaml.Node, loc: Iterable[int | str]) -> yaml.Node:
    """The deepest YAML node along a pydantic error location."""
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = [(k, v) for k, v in node.value if getattr(k, "value", None) == part]
            if not match:
                return node
            node = match[0][1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            return node
    return node


def _compose(path: Path) -> tuple[yaml.Node | None, Any]:
    text = path.read_text(encoding="utf-8-sig")
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader), yaml.safe_load(text)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else None
        raise RuleError(
            [rule_problem(str(path), line, None, f"YAML 语法错误：{err.problem}", f"YAML syntax error: {err.problem}")]
        ) from err


def load_model(path: Path) -> ModelSpec:
    """Read and validate one model file."""
    node, data = _compose(path)
    if node is None or not isinstance(data, dict):
        raise RuleError(
            [rule_problem(str(path), 1, None, "模型文件须为 YAML 映射", "a model file must be a YAML mapping")]
        )
    try:
        spec = ModelSpec.model_validate({**data, "file": str(path), "line": node.start_mark.line + 1})
    except ValidationError as err:
        raise RuleError([_validation_problem(path, node, e) for e in err.errors()]) from err
    _check_params(path, node, spec)
    return spec


def _validation_problem(path: Path, root: yaml.Node, error: Any) -> Problem:
    loc = tuple(error["loc"])
    where = _node_at(root, loc)
    field = ".".join(str(p) for p in loc) or None
    kind = error["type"]
    zh = {
        "missing": "缺少必填项",
        "extra_forbidden": "不认识的字段",
        "literal_error": "取值不在允许范围内（must / should / notice）",
        "string_pattern_mismatch": "编号须为小写字母、数字和下划线",
    }.get(kind, "取值无效")
    return rule_problem(str(path), where.start_mark.line + 1, field, f"{zh}：{field}", f"{error['msg']}: {field}")


def _check_params(path: Path, root: yaml.Node, spec: ModelSpec) -> None:
    unknown = [p for p in spec.used_params() if p not in spec.parameters and p not in BUILTIN_PARAMS]
    if unknown:
        where = _node_at(root, ("query",))
        names = ", ".join(f"${p}" for p in unknown)
        raise RuleError(
            [
                rule_problem(
                    str(path),
                    where.start_mark.line + 1,
                    "query",
                    f"查询使用了未声明的参数 {names}",
                    f"the query uses undeclared parameters {names}",
                )
            ]
        )


def load_dir(folder: Path) -> list[ModelSpec]:
    """Every ``*.yaml``/``*.yml`` file of ``folder``, sorted by name; all problems at once."""
    specs: list[ModelSpec] = []
    problems: list[Problem] = []
    for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
        try:
            specs.append(load_model(path))
        except RuleError as err:
            problems.extend(err.problems)
    if problems:
        raise RuleError(problems)
    return specs


def load_models(rules_dir: Path | None = None) -> dict[str, ModelSpec]:
    """Built-in models, then the user's (a user model with a built-in's id replaces it)."""
    models = {m.id: m for m in load_dir(BUILTIN_DIR)}
    if rules_dir is not None:
        if not rules_dir.is_dir():
            raise RuleError(
                [rule_problem(str(rules_dir), None, None, "规则目录不存在", "the rules directory does not exist")]
            )
        models.update({m.id: m for m in load_dir(rules_dir)})
    return models


def select_models(models: dict[str, ModelSpec], wanted: str | Sequence[str]) -> list[ModelSpec]:
    """``"all"`` or ids (a list or comma-separated text); an unknown id is a RuleError."""
    if isinstance(wanted, str):
        if wanted.strip() in ("", "all"):
            return list(models.values())
        wanted = [w.strip() for w in wanted.split(",") if w.strip()]
    unknown = [w for w in wanted if w not in models]
    if unknown:
        known = ", ".join(models)
        raise RuleError(
            [
                rule_problem(
                    "--models",
                    None,
                    None,
                    f"未知模型 {', '.join(unknown)}（已有：{known}）",
                    f"unknown models {', '.join(unknown)} (known: {known})",
                )
            ]
        )
    return [models[w] for w in dict.fromkeys(wanted)]
