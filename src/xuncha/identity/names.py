"""Name and free-text normalisation for matching people across tables.

``normalize_name`` makes the forms one person's name takes in different departments'
data compare equal: traditional characters, full-width letters, stray spaces and the
many middle dots of transliterated names (阿依古丽·买买提).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

MIDDLE_DOT = "·"
# NFKC runs first, so U+FF65 has already become U+30FB and U+0387 U+00B7 by then.
_DOTS = "\u00b7\u2022\u30fb\u2027\uff65\u22c5\u2219\u2e31\u0387\u2024\u16eb"
_DOT_RE = re.compile(f"[{_DOTS}]+")
_CJK = r"\u3400-\u9fff\uf900-\ufaff"
_PERIOD_BETWEEN_CJK = re.compile(f"(?<=[{_CJK}])\\.+(?=[{_CJK}])")
_WHITESPACE = re.compile(r"\s+")
_converter: Any = None


def _t2s(text: str) -> str:
    global _converter
    if _converter is None:
        import opencc

        _converter = opencc.OpenCC("t2s")
    return str(_converter.convert(text))


def _as_text(value: object) -> str:
    """A cell as text: ``""`` for None and NaN (pandas' empty cell)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return value if isinstance(value, str) else str(value)


def normalize_name(s: str | None) -> str:
    """The comparable form of a person's name; ``""`` for None or blank."""
    return _normalize_name(_as_text(s))


@lru_cache(maxsize=1 << 17)
def _normalize_name(s: str) -> str:
    text = _pre_normalize(s)
    return _t2s(text) if text else ""


def normalize_names(values: Sequence[str | None]) -> list[str]:
    """``normalize_name`` for many values at once: one OpenCC call for the whole batch,
    which is an order of magnitude faster than one call per name."""
    pre = [_pre_normalize(_as_text(v)) for v in values]
    if not any(pre):
        return pre
    converted = _t2s("\n".join(pre)).split("\n")
    if len(converted) != len(pre):  # a conversion never adds or removes line breaks
        return [_t2s(p) if p else "" for p in pre]
    return converted


def _pre_normalize(s: str) -> str:
    if not s:
        return ""
    text = unicodedata.normalize("NFKC", s)
    text = _WHITESPACE.sub("", text)
    text = _DOT_RE.sub(MIDDLE_DOT, text)
    return _PERIOD_BETWEEN_CJK.sub(MIDDLE_DOT, text)


@lru_cache(maxsize=1 << 16)
def _char_pinyin(char: str) -> str:
    from pypinyin import Style, lazy_pinyin

    return "".join(lazy_pinyin(char, style=Style.NORMAL)).lower()


def name_pinyin(s: str | None) -> str:
    """Toneless pinyin of the normalised name, syllables joined, for homophone matching.

    Each character is read alone (its most common reading), so one character always
    gives the same syllable whatever surrounds it. Dots and punctuation are dropped;
    Latin letters and digits are kept, lowercased.
    """
    return _pinyin(normalize_name(s))


@lru_cache(maxsize=1 << 17)
def _pinyin(name: str) -> str:
    return "".join(_char_pinyin(c) for c in name if c.isalnum())


def normalize_text(s: str | None) -> str:
    """Addresses, employers and other free text: simplified, half-width, single spaces."""
    text = unicodedata.normalize("NFKC", _as_text(s))
    return _t2s(_WHITESPACE.sub(" ", text).strip())
