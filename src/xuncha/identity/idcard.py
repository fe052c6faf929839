"""Resident ID numbers (居民身份证号码) per GB 11643-1999.

``parse_id`` turns whatever a spreadsheet cell holds into an :class:`IdParse`. A number
whose check character fails is kept as an unverified identifier (status ``bad_check``)
and never "corrected" by guessing.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from operator import mul
from typing import Literal

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_EARLIEST = date(1880, 1, 1)
_EXACT_FLOAT_LIMIT = 2**53  # a float holds every integer below this exactly (15 digits)

Status = Literal["valid", "upgraded", "bad_check", "bad_date", "bad_format", "empty"]
Gender = Literal["男", "女"]

_APOSTROPHES = "'‘’`"
_SCIENTIFIC = re.compile(r"^\d+(\.\d+)?E\+?\d+$")
_TRAILING_ZERO = re.compile(r"^(\d+)\.0+$")
_ID18 = re.compile(r"^\d{17}[\dX]$")
_ID15 = re.compile(r"^\d{15}$")

_EXCEL_ZH = "Excel 把号码存成了数字，后几位已丢失"
_EXCEL_EN = "stored as a number by Excel, digits lost"


def check_char(body17: str) -> str:
    """The check character (ISO 7064 MOD 11-2) of the first 17 digits."""
    if len(body17) != 17 or not (body17.isascii() and body17.isdigit()):
        raise ValueError(f"need 17 digits, got {body17!r}")
    total = sum(map(mul, map(int, body17), _WEIGHTS))
    return _CHECK[total % 11]


def make_id(region: str, birth: date, seq: int) -> str:
    """Build a valid 18-digit number; ``seq`` is the 3-digit sequence (odd = male)."""
    body = f"{region}{birth:%Y%m%d}{seq % 1000:03d}"
    return body + check_char(body)


@dataclass(frozen=True)
class IdParse:
    """The reading of one ID cell.

    ``number`` is the canonical 18-character number (uppercase X) for ``valid``,
    ``upgraded`` (from 15 digits) and ``bad_check`` (as given, never corrected);
    ``None`` otherwise.
    """

    raw: str
    number: str | None
    status: Status
    birth_date: date | None = None
    gender: Gender | None = None
    region_code: str | None = None
    reason_zh: str | None = None
    reason_en: str | None = None

    @property
    def usable(self) -> bool:
        """Whether the number can serve as a person key (bad_check ones unverified)."""
        return self.status in ("valid", "upgraded", "bad_check")


class _Reject(Exception):
    def __init__(self, status: Status, zh: str, en: str) -> None:
        super().__init__(en)
        self.status: Status = status
        self.zh = zh
        self.en = en


def parse_id(raw: object) -> IdParse:
    """Read an ID number from a str, int or float cell; never raises."""
    shown = "" if raw is None else str(raw)
    try:
        text = _clean(raw)
        if not text:
            return IdParse(shown, None, "empty", reason_zh="身份证号为空", reason_en="ID number is empty")
        return _parse_text(shown, text)
    except _Reject as rej:
        return IdParse(shown, None, rej.status, reason_zh=rej.zh, reason_en=rej.en)


def _clean(raw: object) -> str:
    if raw is None:
        return ""
    if isinstance(raw, bool):
        raise _Reject("bad_format", "身份证号不能是真/假值", "ID number cannot be a boolean")
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float):
        return _from_float(raw)
    text = str(raw)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    text = "".join(text.split()).lstrip(_APOSTROPHES).upper()
    if _SCIENTIFIC.match(text):
        raise _Reject("bad_format", _EXCEL_ZH, _EXCEL_EN)
    zero = _TRAILING_ZERO.match(text)
    if zero and len(zero.group(1)) <= 15:
        return zero.group(1)
    return text


def _from_float(value: float) -> str:
    if math.isnan(value):
        return ""
    if math.isinf(value) or not value.is_integer():
        raise _Reject("bad_format", "身份证号不是整数", "ID number is not a whole number")
    if abs(value) >= _EXACT_FLOAT_LIMIT:
        raise _Reject("bad_format", _EXCEL_ZH, _EXCEL_EN)
    return str(int(value))


def _parse_text(shown: str, text: str) -> IdParse:
    if _ID15.match(text):
        body = f"{text[:6]}19{text[6:]}"
        number = body + check_char(body)
        return _with_fields(shown, number, "upgraded", text[6:12], "19")
    if not _ID18.match(text):
        raise _Reject("bad_format", *_format_reason(text))
    if check_char(text[:17]) != text[17]:
        zh = f"校验位不符（应为 {check_char(text[:17])}），作为未核实号码保留"
        en = f"check character fails (expected {check_char(text[:17])}); kept unverified"
        return _with_fields(shown, text, "bad_check", text[6:14], "", zh, en)
    return _with_fields(shown, text, "valid", text[6:14], "")


def _format_reason(text: str) -> tuple[str, str]:
    if len(text) not in (15, 18):
        return (
            f"身份证号应为18位或15位，实为{len(text)}位",
            f"ID number must have 18 or 15 characters, has {len(text)}",
        )
    return ("身份证号含有非法字符", "ID number contains invalid characters")


def _with_fields(
    shown: str,
    number: str,
    status: Status,
    digits: str,
    century: str,
    zh: str | None = None,
    en: str | None = None,
) -> IdParse:
    birth = _birth(century + digits)
    gender: Gender = "男" if int(number[16]) % 2 else "女"
    return IdParse(shown, number, status, birth, gender, number[:6], zh, en)


def _birth(yyyymmdd: str) -> date:
    try:
        born = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        raise _Reject("bad_date", f"出生日期 {yyyymmdd} 不是有效日期", f"birth date {yyyymmdd} is not a date") from None
    if born > date.today():
        raise _Reject("bad_date", f"出生日期 {born} 晚于今天", f"birth date {born} is in the future")
    if born < _EARLIEST:
        raise _Reject("bad_date", f"出生日期 {born} 早于1880年", f"birth date {born} is before 1880")
    return born


_GENDERS: dict[str, Gender] = {
    "男": "男",
    "男性": "男",
    "m": "男",
    "male": "男",
    "1": "男",
    "女": "女",
    "女性": "女",
    "f": "女",
    "female": "女",
    "2": "女",
}


def normalize_gender(value: object) -> Gender | None:
    """男/女 from 男, 女, 男性, 女性, M, F, male, female, 1, 2; ``None`` if unknown."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value)).strip().lower()
    return _GENDERS.get(text)


def cross_check(parse: IdParse, gender: str | None, birth_date: date | None) -> list[tuple[str, str, str]]:
    """Mismatches between the ID number and the given gender and birth date.

    Returns ``(column, reason_zh, reason_en)`` per mismatching column; empty when the
    number carries no birth date or gender, or when nothing is given to compare.
    """
    problems: list[tuple[str, str, str]] = []
    if isinstance(birth_date, datetime):
        birth_date = birth_date.date()
    given = normalize_gender(gender)
    if parse.gender and given and given != parse.gender:
        problems.append(
            (
                "gender",
                f"性别「{given}」与身份证号（{parse.gender}）不符",
                f"gender {given} does not match the ID number ({parse.gender})",
            )
        )
    if parse.birth_date and birth_date and birth_date != parse.birth_date:
        problems.append(
            (
                "birth_date",
                f"出生日期 {birth_date} 与身份证号（{parse.birth_date}）不符",
                f"birth date {birth_date} does not match the ID number ({parse.birth_date})",
            )
        )
    return problems
