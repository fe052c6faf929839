"""Kinship chains (亲属链) and their shapes.

A chain is a tuple of step codes read from the person outward, e.g. 岳父 = ``("w", "f")``.
The step codes are declared in ``steps.yaml``. A shape reduces a chain to the letters
``u`` (up to a parent), ``d`` (down to a child) and ``s`` (to a spouse); a sibling step is
``ud``. Canonical shapes are blood segments ``u*d*`` separated by single ``s`` steps.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict

# the C loader when PyYAML has it (same results, several times quicker)
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _yaml_load(text: str) -> Any:
    return yaml.load(text, Loader=_YAML_LOADER)


Chain = tuple[str, ...]
Direction = Literal["up", "down", "spouse", "sib"]
Gender = Literal["男", "女"]
Age = Literal["older", "younger"]

_REVERSE_DIRECTION: dict[str, Direction] = {
    "up": "down",
    "down": "up",
    "spouse": "spouse",
    "sib": "sib",
}
_REVERSE_AGE: dict[str | None, Age | None] = {"older": "younger", "younger": "older", None: None}


class Step(BaseModel):
    """One step code as declared in ``steps.yaml``."""

    model_config = ConfigDict(frozen=True)

    code: str
    direction: Direction
    gender: Gender | None = None
    age: Age | None = None
    zh: str
    shape: str


@cache
def steps() -> dict[str, Step]:
    """Every step code, keyed by code."""
    raw = _yaml_load(files("xuncha.kinship").joinpath("steps.yaml").read_text("utf-8"))
    return {code: Step(code=code, **spec) for code, spec in raw["steps"].items()}


def step(code: str) -> Step:
    """The declared step for ``code``; ValueError for an unknown code."""
    try:
        return steps()[code]
    except KeyError:
        raise ValueError(f"未知的亲属链步骤「{code}」/ unknown chain step {code!r}") from None


def code_for(direction: str, gender: str | None, age: str | None = None) -> str:
    """The step code for a direction, the gender reached and (for siblings) the age."""
    for code, spec in steps().items():
        if (spec.direction, spec.gender, spec.age) == (direction, gender, age):
            return code
    if age is not None:
        return code_for(direction, gender, None)
    raise ValueError(f"无对应步骤 / no step code for {direction}, {gender}, {age}")


def parse_chain(text: str) -> Chain:
    """``"w,f"`` → ``("w", "f")``; every code is checked."""
    chain = tuple(part.strip() for part in text.split(",") if part.strip())
    for code in chain:
        step(code)
    return chain


def format_chain(chain: Chain) -> str:
    """``("w", "f")`` → ``"w,f"`` (the notation of bundle.md)."""
    return ",".join(chain)


def shape_of(chain: Chain) -> str:
    """Map each step to its letters: ``("f", "xs", "s")`` → ``"uudd"``."""
    return "".join(step(code).shape for code in chain)


def is_canonical(shape: str) -> bool:
    """True for a non-empty shape of blood segments ``u*d*`` joined by single ``s``."""
    return bool(shape) and set(shape) <= {"u", "d", "s"} and "ss" not in shape and "du" not in shape


def canonical(shape: str, *, child_parent_is_spouse: bool = False) -> str | None:
    """The shape if canonical, else None.

    A child's parent (``du``) is usually one's spouse but may be someone else (a former
    partner), so it is reduced to ``s`` only when the caller states it.
    """
    if child_parent_is_spouse:
        while "du" in shape:
            shape = shape.replace("du", "s")
    return shape if is_canonical(shape) else None


def reverse_shape(shape: str) -> str:
    """The shape seen from the other end: reversed, with ``u`` and ``d`` swapped."""
    return shape[::-1].translate(str.maketrans("ud", "du"))


def reverse_chain(chain: Chain, ego_gender: str | None) -> Chain:
    """The chain seen from the relative back to ego, whose gender is ``ego_gender``.

    ``("w", "f")`` for a man → ``("d", "h")`` (he is his father-in-law's daughter's husband).
    """
    genders = [ego_gender, *(step(code).gender for code in chain)]
    reversed_steps = []
    for index in range(len(chain) - 1, -1, -1):
        spec = step(chain[index])
        reversed_steps.append(code_for(_REVERSE_DIRECTION[spec.direction], genders[index], _REVERSE_AGE[spec.age]))
    return tuple(reversed_steps)


def erase_ages(chain: Chain) -> Chain:
    """Sibling steps without their age: ob → xb, ls → xs."""
    return tuple(code_for(step(c).direction, step(c).gender) for c in chain)


def last_gender(chain: Chain, ego_gender: str | None = None) -> str | None:
    """The gender of the person the chain reaches (ego's own for the empty chain)."""
    return step(chain[-1]).gender if chain else ego_gender
