"""Dates and months as the bundle's files write them (bundle.md, "Keys → Dates").

Dates: ``2024-03-01``, ``2024/3/1``, ``2024.03.01``, ``20240301``, ``2024年3月1日``, in
full-width digits too, a trailing time of day ignored; ``date``/``datetime`` objects
(openpyxl), pandas and pyarrow timestamps; Excel serial numbers (1900 date system) only
when the cell itself is numeric.

Months (cadre forms, 干部任免审批表): ``1962.05``, ``1962.5``, ``1962年5月``, ``1962-05``,
``1962/5``, ``196205``, or a full date whose month is taken.

The one ambiguous month: cadre forms always write two-digit months (``1962.01`` for
January, ``1962.10`` for October), and Excel stores ``1962.10`` as the number 1962.1,
which then also shows (and exports to CSV) as ``1962.1``. So in a month column a
dotted value with the single digit 1 after the point — the float 1962.1 or the text
``1962.1`` — is read as October. Any other single digit (``1962.5``) is that month,
since ``.50`` is no month. ``1962/1``, ``1962-1`` and ``1962年1月`` are January.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, timedelta
from numbers import Real
from typing import Any, cast

_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_FAKE_LEAP_DAY = 60  # Excel's 1900-02-29, which never was
_MAX_SERIAL = 2958465  # 9999-12-31
_TIME = re.compile(r"[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?$")
_DATE_FORMS = (
    re.compile(r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$"),
    re.compile(r"^(\d{4})()(\d{2})(\d{2})$"),
    re.compile(r"^(\d{4})(年)(\d{1,2})月(\d{1,2})[日号]?$"),
)
_MONTH_FORMS = (
    re.compile(r"^(\d{4})([-/])(\d{1,2})$"),
    re.compile(r"^(\d{4})(年)(\d{1,2})月?$"),
    re.compile(r"^(\d{4})()(\d{2})$"),
)
_DOTTED_MONTH = re.compile(r"^(\d{4})\.(\d{1,2})$")


class DateError(ValueError):
    """A value that should be a date or month and is not; the reason in both languages."""

    def __init__(self, reason_zh: str, reason_en: str) -> None:
        super().__init__(f"{reason_zh} / {reason_en}")
        self.reason_zh = reason_zh
        self.reason_en = reason_en


def _blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, float):
        return math.isnan(value)
    if type(value).__name__ in ("NAType", "NaTType"):  # pandas.NA, pandas.NaT
        return True
    try:
        return bool(value != value)  # numpy NaN is not equal to itself
    except (TypeError, ValueError):
        return False


def _unwrap(value: object) -> object:
    """Plain Python values from pyarrow scalars and numpy scalars."""
    as_py = getattr(value, "as_py", None)
    if callable(as_py):
        return as_py()
    if type(value).__module__ == "numpy" and hasattr(value, "item"):
        if type(value).__name__ == "datetime64":  # .item() of a nanosecond one is an int
            return cast(Any, value).astype("datetime64[us]").item()
        return value.item()
    return value


def _not_a_date(value: object) -> DateError:
    return DateError(f"「{value}」不是可识别的日期", f"{value!r} is not a recognised date")


def _make_date(year: int, month: int, day: int, shown: object) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError(f"「{shown}」不是有效日期", f"{shown!r} is not a valid date") from None


def _from_serial(value: float) -> date:
    """A date from an Excel serial number (1900 date system); the time of day is dropped."""
    serial = math.floor(value)
    if serial == _EXCEL_FAKE_LEAP_DAY or not 1 <= serial <= _MAX_SERIAL:
        raise DateError(f"数字 {value} 不是有效的 Excel 日期", f"{value} is not an Excel date")
    if serial < _EXCEL_FAKE_LEAP_DAY:
        serial += 1
    return _EXCEL_EPOCH + timedelta(days=serial)


def _from_number(value: int | float) -> date:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # pandas reads an integer column with gaps as floats
    if isinstance(value, int) and 10000101 <= value <= 99991231:
        text = str(value)
        return _make_date(int(text[:4]), int(text[4:6]), int(text[6:]), value)
    number = float(value)
    if not math.isfinite(number):
        raise _not_a_date(value)
    return _from_serial(number)


def _text(value: object) -> str:
    text = unicodedata.normalize("NFKC", str(value)).strip()
    return _TIME.sub("", text).strip()


def _from_text(value: str) -> date:
    text = _text(value)
    for form in _DATE_FORMS:
        m = form.match(text)
        if m:
            return _make_date(int(m.group(1)), int(m.group(3)), int(m.group(4)), value)
    raise _not_a_date(value)


def parse_date(value: object) -> date | None:
    """A date from a cell; ``None`` for an empty one; :class:`DateError` if unreadable."""
    value = _unwrap(value)
    if _blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise _not_a_date(value)
    if isinstance(value, int):
        return _from_number(value)
    if isinstance(value, Real):
        return _from_number(float(value))
    if isinstance(value, str):
        return _from_text(value)
    raise _not_a_date(value)


def _month(year: int, month: int, shown: object) -> tuple[int, int]:
    if not 1 <= month <= 12 or year < 1:
        raise DateError(f"「{shown}」不是有效年月", f"{shown!r} is not a valid month")
    return year, month


def _dotted(year: str, digits: str, shown: object) -> tuple[int, int]:
    """``1962.05`` → May; ``1962.1`` → October (see the module's doc); ``1962.5`` → May."""
    month = 10 if digits == "1" else int(digits)
    return _month(int(year), month, shown)


def _month_from_float(value: float) -> tuple[int, int]:
    if not math.isfinite(value):
        raise _not_a_date(value)
    if value.is_integer():
        return _month_from_int(int(value))
    m = _DOTTED_MONTH.match(repr(value))
    if m:
        return _dotted(m.group(1), m.group(2), value)
    raise DateError(f"「{value}」不是可识别的年月", f"{value!r} is not a recognised month")


def _month_from_int(value: int) -> tuple[int, int]:
    if 100001 <= value <= 999912:
        return _month(value // 100, value % 100, value)
    if 1000 <= value <= 9999:
        raise DateError(f"「{value}」只有年份，缺少月份", f"{value} has a year but no month")
    found = _from_number(value)
    return found.year, found.month


def _month_from_text(value: str) -> tuple[int, int]:
    text = _text(value)
    m = _DOTTED_MONTH.match(text)
    if m:
        return _dotted(m.group(1), m.group(2), value)
    for form in _MONTH_FORMS:
        m = form.match(text)
        if m:
            return _month(int(m.group(1)), int(m.group(3)), value)
    try:
        found = _from_text(value)
    except DateError:
        raise DateError(f"「{value}」不是可识别的年月", f"{value!r} is not a recognised month") from None
    return found.year, found.month


def parse_month(value: object) -> tuple[int, int] | None:
    """``(year, month)`` from a month cell; ``None`` if empty; :class:`DateError` if unreadable."""
    value = _unwrap(value)
    if _blank(value):
        return None
    if isinstance(value, date):
        return value.year, value.month
    if isinstance(value, bool):
        raise _not_a_date(value)
    if isinstance(value, int):
        return _month_from_int(value)
    if isinstance(value, Real):
        return _month_from_float(float(value))
    if isinstance(value, str):
        return _month_from_text(value)
    raise _not_a_date(value)


def month_str(ym: tuple[int, int]) -> str:
    """``"YYYY-MM"`` for ``(year, month)``."""
    return f"{ym[0]:04d}-{ym[1]:02d}"
