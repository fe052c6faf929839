"""Parsing kinship terms (称谓) into chains, from the declarations in ``terms.yaml``."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from itertools import chain as concat
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from xuncha.kinship.categories import STATUTORY, classify_chain
from xuncha.kinship.chains import Chain, is_canonical, last_gender, parse_chain, shape_of

# the C loader when PyYAML has it (same results, several times quicker)
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _yaml_load(text: str) -> Any:
    return yaml.load(text, Loader=_YAML_LOADER)


NON_CANONICAL = "non_canonical"
UNKNOWN = "unknown"
AMBIGUOUS = "ambiguous"
MIXED = "mixed"

_BRACKETED = re.compile(r"[（(\[【][^）)\]】]*[）)\]】]")
_SPACES = re.compile(r"\s+")


class TermEntry(BaseModel):
    """One term of ``terms.yaml`` (see the comment at the top of that file)."""

    model_config = ConfigDict(frozen=True)

    term: str
    chains: list[str]
    aliases: list[str] = Field(default_factory=list)
    ordinal: bool = False
    older: bool | None = None
    group: bool = False
    ambiguous: bool = False
    unrelated: bool = False
    kind: Literal["收养", "继"] | None = None
    former: bool = False
    by_ego_gender: dict[str, list[str]] = Field(default_factory=dict)
    inverse: list[str] | None = None
    note: str | None = None

    def readings(self, ego_gender: str | None = None) -> list[Chain]:
        """The chains of this term; gendered where the person's gender decides them."""
        return list(_readings(self.term, ego_gender))

    def is_ambiguous(self) -> bool:
        """Ambiguous by declaration, or a non-group term whose readings differ in category."""
        return _is_ambiguous(self.term)

    def naming_chains(self) -> list[Chain]:
        """The chains this term is the standard name of."""
        if self.inverse is not None:
            return [parse_chain(text) for text in self.inverse]
        special = self.group or self.unrelated or self.kind or self.former
        return [] if special or self.is_ambiguous() else self.readings()


class TermTable(BaseModel):
    model_config = ConfigDict(frozen=True)

    ordinal_prefixes: list[str]
    terms: list[TermEntry]


@dataclass(frozen=True, slots=True)
class TermParse:
    """The readings of one kinship term.

    ``kind`` is 收养 (adoptive) or 继 (step) for a fictive blood tie; ``former`` marks an
    ended marriage; ``group`` a term naming several people (公婆); ``unrelated`` a term
    also used for people who are not kin (阿姨).
    """

    term: str
    normalized: str
    chains: list[Chain]
    ambiguous: bool
    known: bool
    note: str | None = None
    kind: str | None = None
    former: bool = False
    group: bool = False
    unrelated: bool = False
    categories: list[str] = field(default_factory=list)

    @property
    def category(self) -> str:
        """One category; or ``unknown``, ``ambiguous``, or ``mixed`` for a group of several."""
        if not self.known:
            return UNKNOWN
        if self.ambiguous:
            return AMBIGUOUS
        return self.categories[0] if len(self.categories) == 1 else MIXED

    @property
    def statutory(self) -> bool:
        """True only if every reading is a statutory tie (and the term is surely kin)."""
        return (
            self.known
            and not self.unrelated
            and bool(self.categories)
            and all(category in STATUTORY for category in self.categories)
        )


@cache
def table() -> TermTable:
    """The declaration in ``terms.yaml``."""
    text = files("xuncha.kinship").joinpath("terms.yaml").read_text("utf-8")
    return TermTable.model_validate(_yaml_load(text))


@cache
def _entry(term: str) -> TermEntry:
    return next(entry for entry in table().terms if entry.term == term)


@cache
def _readings(term: str, ego_gender: str | None) -> tuple[Chain, ...]:
    entry = _entry(term)
    raw = entry.by_ego_gender.get(ego_gender or "", entry.chains)
    return tuple(parse_chain(text) for text in raw)


@cache
def _is_ambiguous(term: str) -> bool:
    entry = _entry(term)
    return entry.ambiguous or (not entry.group and len(_categories(entry.readings())) > 1)


@cache
def _prefixes() -> list[str]:
    return sorted(table().ordinal_prefixes, key=len, reverse=True)


@cache
def _converter() -> Callable[[str], str] | None:
    try:
        import opencc
    except ImportError:  # pragma: no cover - opencc is a pinned dependency
        return None
    converter = opencc.OpenCC("t2s")
    return lambda text: str(converter.convert(text))


@cache
def spellings() -> dict[str, TermEntry]:
    """Every accepted spelling (term and aliases) mapped to its entry."""
    found: dict[str, TermEntry] = {}
    for entry in table().terms:
        for spelling in (entry.term, *entry.aliases):
            found.setdefault(spelling, entry)
    return found


def known_terms() -> list[str]:
    """Every spelling the table accepts, without ordinal prefixes."""
    return list(spellings())


def chain_category(chain: Chain) -> str:
    """The chain's legal category, or ``non_canonical`` (e.g. a child's parent)."""
    return classify_chain(chain) if is_canonical(shape_of(chain)) else NON_CANONICAL


def _categories(chains: list[Chain]) -> list[str]:
    return list(dict.fromkeys(chain_category(chain) for chain in chains))


def normalize_term(term: str) -> tuple[str, str | None]:
    """NFKC, no spaces, bracketed remarks removed: ``"父亲（已故）"`` → ``("父亲", "已故")``."""
    text = _SPACES.sub("", unicodedata.normalize("NFKC", term))
    remarks = [match.group(0)[1:-1] for match in _BRACKETED.finditer(text)]
    text = _BRACKETED.sub("", text).replace("之", "的")
    return text, "；".join(r for r in remarks if r) or None


def _to_simplified(text: str) -> str:
    convert = _converter()
    return text if convert is None else convert(text)


def resolve(text: str) -> TermEntry | None:
    """The entry for one term without 的: exact spelling, else an ordinal prefix stripped."""
    entries = spellings()
    if text in entries:
        return entries[text]
    for prefix in _prefixes():
        rest = text.removeprefix(prefix)
        if rest != text and rest in entries and entries[rest].ordinal:
            return entries[rest]
    return None


def _resolve_parts(text: str) -> list[TermEntry] | None:
    entry = resolve(text)
    if entry is not None:
        return [entry]
    parts = text.split("的")
    if len(parts) < 2 or not all(parts):
        return None
    entries = [resolve(part) for part in parts]
    return None if any(e is None for e in entries) else [e for e in entries if e is not None]


def _compose(entries: list[TermEntry], ego_gender: str | None) -> list[Chain]:
    readings: list[Chain] = [()]
    for entry in entries:
        readings = [
            prefix + reading for prefix in readings for reading in entry.readings(last_gender(prefix, ego_gender))
        ]
    return list(dict.fromkeys(readings))


def _unknown(term: str, normalized: str, remark: str | None) -> TermParse:
    note = "未能识别的称谓 / unknown kinship term"
    return TermParse(term, normalized, [], False, False, f"{note}；{remark}" if remark else note)


def parse_term(term: str, ego_gender: str | None = None) -> TermParse:
    """Parse a kinship term (称谓), possibly a composition joined by 的, into chains.

    ``ego_gender`` ("男"/"女") is the gender of the person whose relative this is; it
    settles 配偶 → w/h. Unknown terms give ``known=False`` and no chains.
    """
    normalized, remark = normalize_term(term)
    entries = _resolve_parts(normalized)
    if entries is None:
        simplified = _to_simplified(normalized)
        entries = _resolve_parts(simplified) if simplified != normalized else None
    if not entries:
        return _unknown(term, normalized, remark)
    return _build(term, normalized, entries, ego_gender, remark)


def _build(
    term: str,
    normalized: str,
    entries: list[TermEntry],
    ego_gender: str | None,
    remark: str | None,
) -> TermParse:
    composed = _compose(entries, ego_gender)
    chains = [chain for chain in composed if is_canonical(shape_of(chain))]
    if not chains:  # e.g. 儿子的母亲 (a child's parent): no certain tie, see chains.canonical
        note = "非规范亲属链，请改用标准称谓 / non-canonical chain, use a standard term"
        return TermParse(term, normalized, [], False, False, note)
    categories = _categories(chains)
    group = any(entry.group for entry in entries)
    ambiguous = any(e.is_ambiguous() for e in entries) or (not group and len(categories) > 1)
    notes = [e.note for e in entries if e.note]
    return TermParse(
        term=term,
        normalized=normalized,
        chains=chains,
        ambiguous=ambiguous,
        known=True,
        note="；".join(concat(notes, [remark] if remark else [])) or None,
        kind=next((e.kind for e in entries if e.kind), None),
        former=any(entry.former for entry in entries),
        group=group,
        unrelated=len(entries) == 1 and entries[0].unrelated,
        categories=categories,
    )
