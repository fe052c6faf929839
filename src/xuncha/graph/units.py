"""Find the unit named in a free employer text (工作单位及职务), e.g. 仪陇县财政局科员."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from xuncha.identity.names import normalize_text

MAX_NAME = 40


def split_county(text: str) -> tuple[str | None, str]:
    """(the county name that starts a normalized unit or employer text, the rest)."""
    for suffix in ("自治县", "县", "区", "市", "旗"):
        pos = text.find(suffix)
        if 1 <= pos <= 6 and len(text) > pos + len(suffix):
            return text[: pos + len(suffix)], text[pos + len(suffix) :]
    return None, text


class UnitMatcher:
    """Longest-prefix match of employer texts against unit names.

    Unit names are indexed as given and without a leading county name, so that
    "仪陇县财政局科员" finds a unit called either 仪陇县财政局 or 财政局 in 仪陇县.
    """

    def __init__(self, units: Iterable[tuple[str, str, str | None]]) -> None:
        self._full: dict[str, list[str]] = defaultdict(list)
        self._short: dict[tuple[str, str | None], list[str]] = defaultdict(list)
        self._county_names: dict[str, str | None] = {}
        for unit_id, name, region in units:
            text = normalize_text(name)
            if not text:
                continue
            self._full[text].append(unit_id)
            county, rest = self._split_county(text)
            if county:
                self._county_names[county] = region
            self._short[(rest, region)].append(unit_id)

    _split_county = staticmethod(split_county)

    def match(self, employer: str | None) -> tuple[str | None, str]:
        """(unit key, remaining title text); (None, text) when no unit is named."""
        text = normalize_text(employer)
        if not text:
            return None, ""
        for length in range(min(len(text), MAX_NAME), 1, -1):
            hits = self._full.get(text[:length])
            if hits and len(hits) == 1:
                return hits[0], text[length:]
        county, rest = self._split_county(text)
        region = self._county_names.get(county) if county else None
        for length in range(min(len(rest), MAX_NAME), 1, -1):
            hits = self._short.get((rest[:length], region))
            if hits and len(hits) == 1:
                return hits[0], rest[length:]
        return None, text
