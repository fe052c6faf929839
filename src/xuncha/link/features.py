"""Comparable features for linking, computed once per distinct value: normalised name,
toneless pinyin (whole name and surname), birth day / month / year, gender, county codes, town and
village, and character bigrams of address and employer text."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import TypeVar

import pyarrow as pa
import pyarrow.compute as pc

from xuncha.identity.names import name_pinyin, normalize_names, normalize_text
from xuncha.identity.regions import regions_in_text

T = TypeVar("T")
_COUNTY_END = re.compile(r"(?:自治县|自治旗|县|区|旗|市(?!辖))")
_HEAD = 24
_ID_SHAPE = r"^\d{17}[\dX]$"


def per_distinct(array: pa.Array, fn: Callable[[list[str | None]], list[T]], kind: pa.DataType) -> pa.Array:
    """Apply ``fn`` to the distinct values of ``array`` and spread the results back."""
    uniques = pc.unique(array)
    values = pa.array(fn(uniques.to_pylist()), kind)
    return values.take(pc.index_in(array, value_set=uniques))


def names(array: pa.Array) -> tuple[pa.Array, pa.Array, pa.Array]:
    """Normalised name, its pinyin, and the pinyin of its first character (the surname)."""
    norm = per_distinct(array, lambda v: [n or None for n in normalize_names(v)], pa.string())
    pinyin = per_distinct(norm, lambda v: [name_pinyin(n) or None if n else None for n in v], pa.string())
    surname = per_distinct(norm, lambda v: [name_pinyin(n[0]) or None if n else None for n in v], pa.string())
    return norm, pinyin, surname


def birth_parts(text: pa.Array) -> tuple[pa.Array, pa.Array, pa.Array]:
    """``YYYY-MM-DD`` or ``YYYY-MM`` text → (day or null, month, year)."""
    text = pc.cast(text, pa.string())
    length = pc.utf8_length(text)
    day = pc.if_else(pc.equal(length, 10), text, pa.scalar(None, pa.string()))
    month = pc.if_else(pc.greater_equal(length, 7), pc.utf8_slice_codeunits(text, 0, 7), pa.scalar(None, pa.string()))
    year = pc.utf8_slice_codeunits(month, 0, 4)
    return day, month, year


def id_shaped(values: pa.Array) -> pa.Array:
    """Whether each value has the shape of an 18-character ID number."""
    return pc.fill_null(pc.match_substring_regex(values, _ID_SHAPE), False)


def birth_from_id(values: pa.Array) -> pa.Array:
    """``YYYY-MM-DD`` read from an ID-shaped value (even one whose check fails), else null."""
    shaped = id_shaped(values)
    safe = pc.if_else(shaped, values, pa.scalar("000000190001010000"))
    text = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(safe, 6, 10),
        pc.utf8_slice_codeunits(safe, 10, 12),
        pc.utf8_slice_codeunits(safe, 12, 14),
        "-",
    )
    parsed = pc.strptime(text, format="%Y-%m-%d", unit="s", error_is_null=True)
    ok = pc.and_(shaped, pc.is_valid(parsed))
    return pc.if_else(ok, text, pa.scalar(None, pa.string()))


def gender_from_id(values: pa.Array) -> pa.Array:
    shaped = id_shaped(values)
    digit = pc.utf8_slice_codeunits(values, 16, 17)
    odd = pc.is_in(digit, value_set=pa.array(list("13579")))
    return pc.if_else(shaped, pc.if_else(odd, "男", "女"), pa.scalar(None, pa.string()))


def id_region(values: pa.Array) -> pa.Array:
    """The 6-digit county prefix of an ID-shaped value, else null."""
    return pc.if_else(id_shaped(values), pc.utf8_slice_codeunits(values, 0, 6), pa.scalar(None, pa.string()))


@lru_cache(maxsize=1 << 16)
def _county_of(prefix: str) -> str | None:
    found = regions_in_text(prefix)
    return found[0].code if found else None


def _region_of(text: str | None) -> str | None:
    """The county of the first head of ``text`` that ends in a county suffix and names one."""
    if not text:
        return None
    for end in _COUNTY_END.finditer(text, 0, _HEAD + 3):
        found = _county_of(text[: end.end()])  # few distinct heads: 四川省南充市, 四川省南充市仪陇县, ...
        if found:
            return found
    return _county_of(text[:40])


def text_region(array: pa.Array) -> pa.Array:
    """The first county code a place text names (read on the text up to its county)."""
    return per_distinct(array, lambda v: [_region_of(t) for t in v], pa.string())


_TOWN = re.compile(r"([^省市县区旗]{1,8}?(?:镇|乡|街道))")


_VILLAGE = re.compile(r"([^省市县区旗]{1,8}?(?:镇|乡|街道))([^省市县区旗镇乡]{1,8}?(?:村|社区|居委会))")


def _without_county(town: str) -> str:
    """An abbreviated county name (suffix left off) taken off the front of a town:
    仪陇新政镇 → 新政镇. What is left keeps at least three characters (新政镇, not 镇 of 李渡镇)."""
    for cut in (2, 3):
        if len(town) - cut >= 3 and _county_of(town[:cut]):
            return town[cut:]
    return town


def _town_of_clean(clean: str | None) -> str | None:
    found = _TOWN.search(clean) if clean else None
    return _without_county(found.group(1)) if found else None


def _village_of_clean(clean: str | None) -> str | None:
    found = _VILLAGE.search(clean) if clean else None
    return _without_county(found.group(1)) + found.group(2) if found else None


def _bigrams_of_clean(clean: str | None) -> list[str] | None:
    if not clean:
        return None
    if len(clean) < 2:
        return [clean]
    return sorted({clean[i : i + 2] for i in range(len(clean) - 1)})


def place_features(array: pa.Array) -> tuple[pa.Array, pa.Array, pa.Array, pa.Array]:
    """Of a place text, normalised once per distinct value: its town (镇, 乡 or 街道, for blocking
    on abbreviated addresses), its village (town and 村/社区 together), the clean text and its
    character bigrams."""
    clean = clean_texts(array)
    town = per_distinct(clean, lambda v: [_town_of_clean(t) for t in v], pa.string())
    village = per_distinct(clean, lambda v: [_village_of_clean(t) for t in v], pa.string())
    grams = per_distinct(clean, lambda v: [_bigrams_of_clean(t) for t in v], pa.list_(pa.string()))
    return town, village, clean, grams


_PUNCT = re.compile(r"[\s,，、;；:：()（）\-—#]+")


def _clean_text(text: str | None) -> str | None:
    return _PUNCT.sub("", normalize_text(text)) or None if text else None


def clean_texts(array: pa.Array) -> pa.Array:
    """Free text normalised with spaces and punctuation removed."""
    return per_distinct(array, lambda v: [_clean_text(t) for t in v], pa.string())


def _bigrams(text: str | None) -> list[str] | None:
    return _bigrams_of_clean(_clean_text(text))


def bigrams(array: pa.Array) -> pa.Array:
    """The distinct character bigrams of a free text (normalised), for containment scores."""
    return per_distinct(array, lambda v: [_bigrams(t) for t in v], pa.list_(pa.string()))


def first_valid(arrays: Sequence[pa.Array]) -> pa.Array:
    return pc.coalesce(*arrays)
