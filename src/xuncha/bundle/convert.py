"""Typed columns from string columns, one Python call per distinct value, not per row.

Each converter returns the converted Arrow array and the distinct input values that could not
be converted, each with its reason in Chinese and English.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from xuncha.bundle.schema import Column, Schema
from xuncha.identity.idcard import normalize_gender
from xuncha.identity.names import normalize_name, normalize_names

Reason = tuple[str, str]


class CellError(ValueError):
    def __init__(self, reason_zh: str, reason_en: str) -> None:
        super().__init__(reason_en)
        self.reason_zh = reason_zh
        self.reason_en = reason_en


@dataclass
class Converted:
    values: pa.Array
    bad: dict[str, Reason] = field(default_factory=dict)

    def bad_mask(self, source: pa.Array) -> pa.Array:
        """Rows whose source value could not be converted."""
        if not self.bad:
            return pa.array([False] * len(source), pa.bool_())
        found = pc.is_in(source, value_set=pa.array(list(self.bad), pa.string()))
        return pc.fill_null(found, False)


def clean(array: pa.Array) -> pa.Array:
    """Strings trimmed, empty ones null."""
    trimmed = pc.utf8_trim_whitespace(array)
    return pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)


def map_distinct(array: pa.Array, fn: Callable[[str], Any], out_type: pa.DataType) -> Converted:
    """``fn`` applied once per distinct non-null value; a ``ValueError`` marks a bad value."""
    uniques = pc.unique(array.drop_null())
    results: list[Any] = []
    bad: dict[str, Reason] = {}
    for value in uniques.to_pylist():
        try:
            results.append(fn(value))
        except ValueError as exc:
            results.append(None)
            bad[value] = reason_of(exc)
    converted = pa.array(results, out_type)
    return Converted(converted.take(pc.index_in(array, value_set=uniques)), bad)


def reason_of(exc: ValueError) -> Reason:
    zh = getattr(exc, "reason_zh", None)
    en = getattr(exc, "reason_en", None)
    if zh and en:
        return str(zh), str(en)
    return f"无法识别的值（{exc}）", f"cannot read the value ({exc})"


# -- one function per column type ------------------------------------------------------------


def _date(text: str) -> date | None:
    from xuncha.bundle.dates import parse_date

    return parse_date(text)


def _month(text: str) -> str | None:
    from xuncha.bundle.dates import month_str, parse_month

    month = parse_month(text)
    return None if month is None else month_str(month)


def _date_or_month(text: str) -> str | None:
    try:
        day = _date(text)
    except ValueError:
        return _month(text)
    return None if day is None else day.isoformat()


_NUMBER_NOISE = re.compile(r"[,，\s¥￥元$]")


def _number(text: str) -> float:
    cleaned = _NUMBER_NOISE.sub("", unicodedata.normalize("NFKC", text)).rstrip("%")
    try:
        return float(cleaned)
    except ValueError:
        raise CellError(f"不是数字：{text}", f"not a number: {text}") from None


_TRUE = frozenset({"是", "y", "yes", "1", "true", "t", "√", "可用", "有"})
_FALSE = frozenset({"否", "n", "no", "0", "false", "f", "×", "不可用", "无"})


def _bool(text: str) -> bool:
    key = unicodedata.normalize("NFKC", text).strip().lower()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise CellError(f"应为 是/否：{text}", f"expected yes/no (是/否): {text}")


_LIST_SPLIT = re.compile(r"[、;；,，/\s]+")


def _list(text: str) -> list[str]:
    return [item for item in _LIST_SPLIT.split(text) if item]


def _gender(text: str) -> str:
    gender = normalize_gender(text)
    if gender is None:
        raise CellError(f"性别应为 男/女：{text}", f"gender must be 男/女 (M/F): {text}")
    return gender


def _name(text: str) -> str | None:
    return normalize_name(text) or None


def _enum(lookup: dict[str, str], allowed: list[str]) -> Callable[[str], str]:
    from xuncha.bundle.schema import normalize_header

    def convert(text: str) -> str:
        found = lookup.get(normalize_header(text))
        if found is None:
            shown = "、".join(allowed)
            raise CellError(f"不是允许的值（{shown}）", f"not an allowed value ({', '.join(allowed)})")
        return found

    return convert


_SIMPLE: dict[str, tuple[Callable[[str], Any], pa.DataType]] = {
    "date": (_date, pa.date32()),
    "month": (_month, pa.string()),
    "date_or_month": (_date_or_month, pa.string()),
    "number": (_number, pa.float64()),
    "bool": (_bool, pa.bool_()),
    "list": (_list, pa.list_(pa.string())),
    "gender": (_gender, pa.string()),
    "name": (_name, pa.string()),
}


def convert_column(array: pa.Array, column: Column, schema: Schema) -> Converted:
    """The typed column; reference and ID columns are left as (clean) strings here."""
    if column.type == "number":
        fast = _fast_number(array)
        if fast is not None:
            return Converted(fast)
    if column.type == "name":
        return _names(array)
    if column.type in _SIMPLE:
        fn, out_type = _SIMPLE[column.type]
        return map_distinct(array, fn, out_type)
    if column.type == "enum" and column.enum is not None:
        decl = schema.enums[column.enum]
        return map_distinct(array, _enum(decl.lookup(), decl.values), pa.string())
    return Converted(array)


def _names(array: pa.Array) -> Converted:
    """Names normalised once per distinct value, in one batch (see ``normalize_names``)."""
    uniques = pc.unique(array.drop_null())
    normalised = [n or None for n in normalize_names(uniques.to_pylist())]
    converted = pa.array(normalised, pa.string())
    return Converted(converted.take(pc.index_in(array, value_set=uniques)))


def _fast_number(array: pa.Array) -> pa.Array | None:
    """The whole column cast at once, or None when Arrow cannot (invalid text, a type it does
    not cast): the caller then reads the values one by one and reports each bad one."""
    try:
        return pc.cast(array, pa.float64())
    except pa.ArrowException:
        return None
