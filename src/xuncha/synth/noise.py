"""Realistic noise in departmental rows: old and mistyped ID numbers, homophone and
traditional-character names, stray spaces, month-only birth dates, abbreviated addresses.

Every function takes the rows it should touch and returns the noisy values plus a mask of
the rows it really changed (a name without a convertible character stays as it was)."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
StrArray = npt.NDArray[np.object_]

# Characters and a same-sound (toneless pinyin) replacement a clerk might type instead.
HOMOPHONES: dict[str, str] = {
    "丽": "莉", "伟": "玮", "静": "婧", "明": "铭", "华": "桦", "军": "君", "勇": "永", "芳": "方",
    "红": "宏", "平": "萍", "英": "瑛", "霞": "侠", "燕": "艳", "娟": "鹃", "杰": "洁", "涛": "韬",
    "斌": "彬", "刚": "钢", "辉": "晖", "峰": "锋", "建": "健", "文": "雯", "云": "芸", "兰": "岚",
    "秀": "绣", "梅": "玫", "琴": "芹", "林": "琳", "志": "智", "磊": "垒", "鹏": "朋", "宇": "雨",
    "浩": "昊", "俊": "骏", "佳": "嘉", "婷": "亭", "欣": "新", "晶": "菁", "玉": "钰", "桂": "贵",
    "兵": "冰", "超": "潮", "飞": "菲", "洋": "阳", "成": "诚", "东": "冬", "玲": "铃", "淑": "姝",
    "慧": "惠", "敏": "旻", "强": "蔷", "张": "章", "王": "汪", "徐": "许",
}  # fmt: skip

ID_OK, ID_OLD, ID_NONE, ID_TYPO, ID_OUTSIDER = 0, 1, 2, 3, 4
ID_KIND_NAMES = ("id18", "id15", "id_missing", "id_mistyped", "outsider")
NAME_KINDS = ("homophone", "traditional", "space", "fullwidth_space")


@cache
def _s2t() -> Any:
    import opencc

    return opencc.OpenCC("s2t")


def id_kinds(rng: np.random.Generator, n: int) -> IntArray:
    """The ID form of each row: ~72% correct 18 digits, 10% old 15 digits, 10% none, 4% mistyped."""
    u = rng.random(n)
    return np.select([u < 0.72, u < 0.82, u < 0.92, u < 0.96], [ID_OK, ID_OLD, ID_NONE, ID_TYPO], ID_OK)


def old_numbers(ids: list[str]) -> list[str]:
    """15-digit forms: no century digits, no check character."""
    return [x[:6] + x[8:17] for x in ids]


def mistype(rng: np.random.Generator, ids: list[str]) -> list[str]:
    """One digit changed, or two adjacent different digits swapped (positions 1–17)."""
    if not ids:
        return []
    chars = np.frombuffer("".join(ids).encode("ascii"), dtype=np.uint8).reshape(len(ids), 18).copy()
    rows = np.arange(len(ids))
    pos = rng.integers(0, 16, len(ids))
    a, b = chars[rows, pos], chars[rows, pos + 1]
    swap = (rng.random(len(ids)) < 0.5) & (a != b)
    chars[rows[swap], pos[swap]], chars[rows[swap], pos[swap] + 1] = b[swap], a[swap]
    change = ~swap
    digit = chars[rows[change], pos[change]] - ord("0")
    shift = rng.integers(1, 10, int(change.sum()))
    chars[rows[change], pos[change]] = ((digit + shift) % 10 + ord("0")).astype(np.uint8)
    return [b_.decode("ascii") for b_ in chars.view("S18").ravel()]


def name_kinds(rng: np.random.Generator, n: int, share: float = 0.14) -> IntArray:
    """-1 (clean) or an index into ``NAME_KINDS``."""
    noisy = rng.random(n) < share
    kind = rng.choice(len(NAME_KINDS), size=n, p=[0.4, 0.35, 0.15, 0.1])
    return np.where(noisy, kind, -1).astype(np.int64)


def homophone(name: str, pick: float) -> str:
    """Replace one character (the given name's first, when it has one) by a homophone."""
    spots = [i for i, ch in enumerate(name) if ch in HOMOPHONES]
    if not spots:
        return name
    given = [i for i in spots if i > 0]
    pool = given or spots
    i = pool[int(pick * len(pool))]
    return name[:i] + HOMOPHONES[name[i]] + name[i + 1 :]


def traditional(names: list[str]) -> list[str]:
    if not names:
        return []
    out = str(_s2t().convert("\n".join(names))).split("\n")
    return out if len(out) == len(names) else names


def apply_name_noise(rng: np.random.Generator, names: StrArray, kinds: IntArray) -> tuple[StrArray, IntArray]:
    """Noisy names and the kind really applied per row (-1 where the name did not change)."""
    out = names.copy()
    done = np.full(len(names), -1, dtype=np.int64)
    picks = rng.random(len(names))
    for k, label in enumerate(NAME_KINDS):
        idx = np.flatnonzero(kinds == k)
        if len(idx) == 0:
            continue
        before = [str(names[i]) for i in idx]
        after = _noisy(label, before, picks[idx])
        for i, old, new in zip(idx.tolist(), before, after, strict=True):
            if new != old:
                out[i] = new
                done[i] = k
    return out, done


def _noisy(label: str, names: list[str], picks: npt.NDArray[np.float64]) -> list[str]:
    if label == "homophone":
        return [homophone(n, float(p)) for n, p in zip(names, picks, strict=True)]
    if label == "traditional":
        return _reversible(names, traditional(names))
    gap = " " if label == "space" else "\u3000"
    return [n[:1] + gap + n[1:] if len(n) > 1 else n for n in names]


def _reversible(before: list[str], after: list[str]) -> list[str]:
    """Keep a traditional form only where simplifying it gives the name back."""
    from xuncha.identity.names import normalize_names

    back = normalize_names(after)
    return [a if b == o else o for o, a, b in zip(before, after, back, strict=True)]


_PROVINCE = re.compile(r"^四川省")
_CITY = re.compile(r"^(四川省)?南充市")
_COUNTY = re.compile(r"^(?:四川省)?(?:南充市)?(..)(县|区|市)")


def abbreviate(address: str, how: int) -> str:
    """0: drop the province; 1: drop province and city; 2: also shorten the county (仪陇县 → 仪陇)."""
    if how == 0:
        return _PROVINCE.sub("", address)
    if how == 1:
        return _CITY.sub("", address)
    return _COUNTY.sub(lambda m: m.group(1), address, count=1)


def abbreviate_many(rng: np.random.Generator, addresses: StrArray, share: float) -> tuple[StrArray, BoolArray]:
    out = addresses.copy()
    pick = np.flatnonzero(rng.random(len(addresses)) < share)
    how = rng.integers(0, 3, len(pick))
    changed = np.zeros(len(addresses), dtype=bool)
    for i, h in zip(pick.tolist(), how.tolist(), strict=True):
        new = abbreviate(str(addresses[i]), h)
        changed[i] = new != addresses[i]
        out[i] = new
    return out, changed


def birth_texts(birth_days: IntArray, month_only: BoolArray, dotted: BoolArray) -> StrArray:
    """ISO dates, or a month: ``1962.05`` (cadre-form style) or ``1962-05``."""
    days = birth_days.astype("datetime64[D]")
    full = np.datetime_as_string(days, unit="D").astype(object)
    month = np.datetime_as_string(days.astype("datetime64[M]"), unit="M").astype(object)
    dots = np.array([m.replace("-", ".") for m in month], dtype=object)
    return np.where(month_only, np.where(dotted, dots, month), full)
