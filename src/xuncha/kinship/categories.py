"""Legal categories of a kin tie (第五条, either-side rule), from ``categories.yaml``."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from itertools import product
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict

from xuncha.kinship.chains import Chain, is_canonical, shape_of

# the C loader when PyYAML has it (same results, several times quicker)
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _yaml_load(text: str) -> Any:
    return yaml.load(text, Loader=_YAML_LOADER)


SPOUSE = "spouse"
LINEAL = "lineal"
COLLATERAL3 = "collateral3"
IN_LAW = "in_law"
OTHER_KIN = "other_kin"
STATUTORY: frozenset[str] = frozenset({SPOUSE, LINEAL, COLLATERAL3, IN_LAW})

Segment = tuple[int, int]


class SegmentSpec(BaseModel):
    """Bounds on the u's and d's of one blood segment; None = no upper bound."""

    model_config = ConfigDict(frozen=True)

    u: tuple[int, int | None]
    d: tuple[int, int | None]

    def fits(self, segment: Segment) -> bool:
        return _within(segment[0], self.u) and _within(segment[1], self.d)


class Category(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str
    zh: str
    statutory: bool
    legal_text: str
    patterns: list[list[str]]


class Rules(BaseModel):
    model_config = ConfigDict(frozen=True)

    source: str
    source_text: str
    summary: str
    either_side_rule: str
    segments: dict[str, SegmentSpec]
    categories: list[Category]
    fallback: str


def _within(value: int, bounds: tuple[int, int | None]) -> bool:
    low, high = bounds
    return value >= low and (high is None or value <= high)


@cache
def rules() -> Rules:
    """The declaration in ``categories.yaml``."""
    text = files("xuncha.kinship").joinpath("categories.yaml").read_text("utf-8")
    return Rules.model_validate(_yaml_load(text))


def categories_in_order() -> list[str]:
    """Category codes from strongest to weakest."""
    return [category.code for category in rules().categories]


def category_zh(code: str) -> str:
    """The Chinese name of a category code."""
    return next(c.zh for c in rules().categories if c.code == code)


def segments_of(shape: str) -> list[Segment]:
    """``"suud"`` → ``[(0, 0), (2, 1)]``: each blood segment's count of u's and d's."""
    return [(part.count("u"), part.count("d")) for part in shape.split("s")]


def _matches(segments: list[Segment], pattern: list[str]) -> bool:
    specs = rules().segments
    return len(segments) == len(pattern) and all(
        specs[name].fits(segment) for segment, name in zip(segments, pattern, strict=True)
    )


@cache
def classify_shape(shape: str) -> str:
    """The legal category of a canonical shape; ValueError for a non-canonical one."""
    if not is_canonical(shape):
        raise ValueError(f"非规范的亲属链形状「{shape}」/ not a canonical kinship shape {shape!r}")
    segments = segments_of(shape)
    for category in rules().categories:
        if any(_matches(segments, pattern) for pattern in category.patterns):
            return category.code
    return rules().fallback


def classify_chain(chain: Chain) -> str:
    """The legal category of a chain, via its shape."""
    return classify_shape(shape_of(chain))


def is_statutory(category: str) -> bool:
    return category in STATUTORY


def stronger(first: str, second: str) -> str:
    """The stronger of two categories (spouse > lineal > collateral3 > in_law > other_kin)."""
    order = categories_in_order()
    return first if order.index(first) <= order.index(second) else second


def all_shapes(max_steps: int = 5, max_spouse_steps: int = 2) -> dict[str, str]:
    """Every canonical shape with at most ``max_steps`` letters and ``max_spouse_steps``
    spouse steps, mapped to its category (the screening engine joins on this table)."""
    table: dict[str, str] = {}
    for length in range(1, max_steps + 1):
        for letters in product("uds", repeat=length):
            shape = "".join(letters)
            if shape.count("s") <= max_spouse_steps and is_canonical(shape):
                table[shape] = classify_shape(shape)
    return table
