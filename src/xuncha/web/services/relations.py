"""The automatic relationship check of an inquiry (过问登记关系核查).

The asker and the intermediary are resolved by normalised name (traditional → simplified, full-width,
spaces, middle dots: :func:`xuncha.identity.names.normalize_names`), helped by the unit they gave, to
persons of the round's bundle. Each one found is checked against the counterparts of the inquiry — the
key persons of the target asked about, the person asked about, and the inspector who received it — for

- statutory kin (spouse, lineal, collateral within three generations, close in-law), found by the
  screening engine's own kin walk (:func:`xuncha.screening.kin.derive_kin_ties`) over the bundle's graph
  (:func:`xuncha.graph.build.build_graph`) and rendered by :class:`xuncha.screening.paths.PathRenderer`;
- colleagues: positions in one unit whose periods overlap (current when both still hold them), or the
  same inspection team of a past round (``history``).

A name several persons share is never resolved silently: the candidates are listed and each is checked,
its hits marked tentative (待核实). The result is a JSON-ready dict stored in ``Inquiry.check``; its
``lines_zh``/``lines_en`` say what was found in plain language, with the evidence (``file:row``) kept.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyarrow as pa
from sqlalchemy.orm import Session

from xuncha.bundle.load import load_bundle
from xuncha.bundle.model import Bundle
from xuncha.bundle.problems import BundleError
from xuncha.engine.base import Engine, open_engine
from xuncha.graph.build import build_graph
from xuncha.identity.names import normalize_name, normalize_names, normalize_text
from xuncha.kinship.categories import STATUTORY
from xuncha.labels import CATEGORY_ZH
from xuncha.policy.model import Policy, PolicyError, load_policy
from xuncha.screening.context import round_info, setup_round
from xuncha.screening.kin import derive_kin_ties
from xuncha.screening.paths import PathRenderer
from xuncha.store.models import Round
from xuncha.web.deps import Invalid
from xuncha.web.services.common import bundle_dir

VERSION = 1
MAX_CANDIDATES = 10  # candidates of an ambiguous name that are checked (all are listed up to this)
PARTY_ZH = {"asker": "过问人", "intermediary": "中间人"}
PARTY_EN = {"asker": "the asker", "intermediary": "the intermediary"}
EXTRA_ZH = {"colleague": "同事关系", "former_colleague": "原同事关系", "team_colleague": "曾同组巡察", "self": "本人"}
EXTRA_EN = {
    "colleague": "colleagues",
    "former_colleague": "former colleagues",
    "team_colleague": "served on one inspection team",
    "self": "the same person",
}
CATEGORY_EN = {
    "spouse": "spouse",
    "lineal": "lineal kin",
    "collateral3": "collateral kin within three generations",
    "in_law": "close in-law",
}
ORDER = ("self", "spouse", "lineal", "collateral3", "in_law", "colleague", "former_colleague", "team_colleague")
COUNTY_SUFFIXES = ("自治县", "县", "区", "市", "旗")


# ------------------------------------------------------------------ inputs and intermediate values


@dataclass(frozen=True)
class Party:
    """Someone the inquiry names on the asking side: ``role`` is ``asker`` or ``intermediary``."""

    role: str
    name: str
    unit: str = ""


@dataclass(frozen=True)
class CheckInput:
    round_id: str
    on: date
    parties: tuple[Party, ...]
    about_unit: str = ""  # unit key of a target of the round
    about_person: str = ""  # a name
    inspector_key: str | None = None  # the person key of the inspector who received the inquiry


@dataclass
class Candidate:
    key: str
    node_id: int
    name: str
    birth_year: int | None
    source: str
    units: list[str] = field(default_factory=list)
    unit_match: bool = False

    def label(self) -> str:
        born = f"{self.birth_year}年生" if self.birth_year else "出生年不详"
        held = "、".join(self.units[:3]) or "无任职记录"
        return f"{self.name}（{born}，{held}；{self.source}）"

    def to_dict(self) -> dict[str, Any]:
        return {
            "person": self.key,
            "name": self.name,
            "birth_year": self.birth_year,
            "units": self.units,
            "unit_match": self.unit_match,
            "source": self.source,
        }


@dataclass
class Resolution:
    """How a typed name was resolved: ``resolved`` (one person), ``ambiguous``, ``not_found``."""

    role: str
    name: str
    unit: str
    status: str
    candidates: list[Candidate]

    @property
    def certain(self) -> bool:
        """One person, and the unit given (if any) agrees with the bundle."""
        return self.status == "resolved" and (not self.unit or self.candidates[0].unit_match)

    def to_dict(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "name": self.name,
            "unit": self.unit,
            "status": self.status,
            "certain": self.certain,
            "candidates": [c.to_dict() for c in self.candidates],
        }


@dataclass(frozen=True)
class Counterpart:
    """Someone the asking side must not be tied to: ``kind`` key_person | about_person | inspector."""

    key: str
    node_id: int
    name: str
    kind: str
    title: str = ""
    target: str = ""
    target_name: str = ""
    source: str = ""

    def phrase_zh(self) -> str:
        if self.kind == "key_person":
            return f"被巡察单位{self.target_name}{self.title}{self.name}"
        if self.kind == "inspector":
            return f"接收登记的巡察干部{self.name}"
        return f"所涉人员{self.name}"

    def phrase_en(self) -> str:
        if self.kind == "key_person":
            return f"{self.name}, {self.title} of the target {self.target_name}"
        if self.kind == "inspector":
            return f"{self.name}, the inspector who received the inquiry"
        return f"{self.name}, the person asked about"

    def to_dict(self) -> dict[str, Any]:
        return {
            "person": self.key,
            "name": self.name,
            "kind": self.kind,
            "title": self.title,
            "target": self.target,
            "target_name": self.target_name,
            "source": self.source,
        }


# ------------------------------------------------------------------ entry points


@lru_cache(maxsize=4)
def _cached_bundle(path: str, _mtime_ns: int) -> Bundle:
    return load_bundle(Path(path))


def round_bundle(db: Session, rnd: Round) -> Bundle:
    """The round's accepted bundle, loaded once per process (keyed by folder and modification time)."""
    path = bundle_dir(db, rnd)
    try:
        stamp = os.stat(path).st_mtime_ns
    except OSError as exc:
        raise Invalid("数据包文件不存在", "the bundle's files are missing") from exc
    try:
        return _cached_bundle(str(path), stamp)
    except BundleError as exc:
        raise Invalid("数据包无法读取", "the bundle cannot be read") from exc


def round_targets(bundle: Bundle, round_id: str) -> list[tuple[str, str]]:
    """(unit key, unit name) of the round's targets, in name order."""
    if not (bundle.has("round_targets") and bundle.has("units")):
        return []
    keys = {r["unit"] for r in bundle.table("round_targets").to_pylist() if r.get("round") == round_id}
    names = {r["unit_id"]: r["name"] for r in bundle.table("units").select(["unit_id", "name"]).to_pylist()}
    return sorted(((k, str(names.get(k) or k)) for k in keys), key=lambda kv: kv[1])


def check_for_round(db: Session, rnd: Round, request: CheckInput) -> dict[str, Any]:
    """Run the check against the round's bundle; a round without a usable bundle gets a result that says so."""
    try:
        bundle = round_bundle(db, rnd)
    except Invalid as exc:
        return unavailable(exc.zh, exc.en)
    return check_inquiry(bundle, request)


def unavailable(zh: str, en: str) -> dict[str, Any]:
    return {
        "version": VERSION,
        "status": "unavailable",
        "checked_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "hits": [],
        "parties": [],
        "counterparts": [],
        "lines_zh": [f"未能自动核查：{zh}"],
        "lines_en": [f"not checked: {en}"],
        "summary_zh": f"未能自动核查：{zh}",
        "summary_en": f"not checked: {en}",
    }


def check_inquiry(bundle: Bundle, request: CheckInput, policy: Policy | None = None) -> dict[str, Any]:
    """Resolve the parties, find the counterparts and every tie between them (see the module text)."""
    try:
        rules = policy or load_policy()
        info = round_info(bundle, request.round_id)
    except (BundleError, PolicyError) as exc:
        return unavailable("数据包中没有该轮次或政策文件无效", f"the round is not in the bundle ({exc})")
    engine = open_engine()
    try:
        build_graph(bundle, engine)
        setup_round(engine, info, rules)
        return _Check(engine, request, rules).run()
    finally:
        engine.close()


# ------------------------------------------------------------------ the check, inside one engine


class _Check:
    def __init__(self, engine: Engine, request: CheckInput, policy: Policy) -> None:
        self.engine = engine
        self.request = request
        self.policy = policy
        self.index = _NameIndex(engine)

    def run(self) -> dict[str, Any]:
        parties = [self.index.resolve(p.role, p.name, p.unit) for p in self.request.parties if p.name.strip()]
        about = self._about_person()
        counterparts = self._counterparts(about)
        hits: list[dict[str, Any]] = []
        checked = [(r, c) for r in parties for c in r.candidates[:MAX_CANDIDATES]]
        if checked and counterparts:
            hits = self._self_hits(checked, counterparts)
            hits += self._kin_hits(checked, counterparts) + self._colleague_hits(checked, counterparts)
        hits.sort(key=lambda h: (h["tentative"], h["party"] != "asker", ORDER.index(h["category"]), h["counterpart"]))
        return _result(self.request, parties, about, counterparts, hits)

    def _about_person(self) -> Resolution | None:
        name = self.request.about_person.strip()
        if not name:
            return None
        return self.index.resolve("about", name, self._target_name(self.request.about_unit))

    def _target_name(self, unit: str) -> str:
        if not unit:
            return ""
        rows = self.engine.arrow("SELECT name FROM targets WHERE target = ?", [unit]).to_pylist()
        return str(rows[0]["name"] or "") if rows else ""

    def _counterparts(self, about: Resolution | None) -> list[Counterpart]:
        found = self._key_persons(self.request.about_unit) if self.request.about_unit else []
        if about is not None and about.certain and all(c.key != about.candidates[0].key for c in found):
            person = about.candidates[0]
            found.append(Counterpart(person.key, person.node_id, person.name, "about_person", source=person.source))
        if self.request.inspector_key:
            found += self._inspector(self.request.inspector_key)
        return found

    def _key_persons(self, unit: str) -> list[Counterpart]:
        rows = self.engine.arrow(
            """SELECT k.person, n.node_id, n.name, coalesce(k.title, k.role) AS title, k.target,
                      t.name AS target_name, k.source
               FROM key_persons k JOIN nodes n ON n.key = k.person JOIN targets t ON t.target = k.target
               WHERE k.target = ? ORDER BY k.role, k.person""",
            [unit],
        ).to_pylist()
        return [
            Counterpart(
                r["person"],
                r["node_id"],
                r["name"] or r["person"],
                "key_person",
                r["title"] or "",
                r["target"],
                r["target_name"] or "",
                r["source"] or "",
            )
            for r in rows
        ]

    def _inspector(self, key: str) -> list[Counterpart]:
        rows = self.engine.arrow("SELECT node_id, name FROM nodes WHERE key = ?", [key]).to_pylist()
        return [Counterpart(key, r["node_id"], r["name"] or key, "inspector") for r in rows]

    # -------------------------------------------------------------- the three kinds of tie

    def _self_hits(self, checked: list[tuple[Resolution, Candidate]], cps: list[Counterpart]) -> list[dict[str, Any]]:
        return [
            _hit(r, c, cp, "self", sources=[c.source, cp.source]) for r, c in checked for cp in cps if c.key == cp.key
        ]

    def _kin_hits(self, checked: list[tuple[Resolution, Candidate]], cps: list[Counterpart]) -> list[dict[str, Any]]:
        self.engine.register(
            "check_parties", pa.table({"node_id": pa.array([c.node_id for _, c in checked], pa.int32())})
        )
        self.engine.register(
            "check_counterparts", pa.table({"node_id": pa.array([c.node_id for c in cps], pa.int32())})
        )
        derive_kin_ties(
            self.engine,
            inspectors="SELECT DISTINCT node_id FROM check_counterparts",
            counterparts="SELECT DISTINCT node_id FROM check_parties",
            on=self.request.on,
            reach=self.policy.kin_reach,
        )
        statutory = sorted(STATUTORY)
        ties = self.engine.arrow(
            "SELECT inspector_id, counterpart_id, edges, category FROM kin_ties WHERE list_contains(?, category) "
            "ORDER BY length, inspector_id, counterpart_id",
            [statutory],
        ).to_pylist()
        if not ties:
            return []
        renderer = PathRenderer(self.engine, {e for t in ties for e in t["edges"]})
        names = {n.key: n.name for n in renderer.nodes.values()}
        return [
            _kin_hit(r, c, cp, tie, renderer, names)
            for tie in ties
            for r, c in checked
            if c.node_id == tie["counterpart_id"]
            for cp in cps
            if cp.node_id == tie["inspector_id"]
        ]

    def _colleague_hits(
        self, checked: list[tuple[Resolution, Candidate]], cps: list[Counterpart]
    ) -> list[dict[str, Any]]:
        self.engine.register("check_party_keys", pa.table({"key": [c.key for _, c in checked]}))
        self.engine.register("check_cp_keys", pa.table({"key": [c.key for c in cps]}))
        day = self.request.on
        rows = self.engine.arrow(_COLLEAGUES, [day, day, day, day]).to_pylist()
        rows += self.engine.arrow(_TEAMS).to_pylist()
        best: dict[tuple[str, str], dict[str, Any]] = {}
        for row in rows:  # one tie per pair: current colleagues, then former, then past teams
            pair = (row["party"], row["other"])
            if pair not in best or _rank(row) < _rank(best[pair]):
                best[pair] = row
        return [
            _colleague_hit(r, c, cp, row)
            for (party, other), row in sorted(best.items())
            for r, c in checked
            if c.key == party
            for cp in cps
            if cp.key == other
        ]


_COLLEAGUES = """
SELECT a.person AS party, b.person AS other, a.unit, coalesce(u.name, a.unit) AS unit_name,
       coalesce(a.title, a.role, '') AS party_title, coalesce(b.title, b.role, '') AS other_title,
       coalesce(strftime(a.start_date, '%Y-%m'), '?') || '至' || coalesce(strftime(a.end_date, '%Y-%m'), '今')
         AS party_period,
       coalesce(strftime(b.start_date, '%Y-%m'), '?') || '至' || coalesce(strftime(b.end_date, '%Y-%m'), '今')
         AS other_period,
       CASE WHEN (a.end_date IS NULL OR a.end_date >= ?::DATE) AND (b.end_date IS NULL OR b.end_date >= ?::DATE)
                 AND (a.start_date IS NULL OR a.start_date <= ?::DATE)
                 AND (b.start_date IS NULL OR b.start_date <= ?::DATE)
            THEN 'colleague' ELSE 'former_colleague' END AS category,
       [a._source, b._source] AS sources
FROM positions_x a
JOIN positions_x b ON b.unit = a.unit AND b.person <> a.person
LEFT JOIN units u ON u.unit_id = a.unit
WHERE a.person IN (SELECT key FROM check_party_keys) AND b.person IN (SELECT key FROM check_cp_keys)
  AND coalesce(a.start_date, DATE '1900-01-01') <= coalesce(b.end_date, DATE '2999-12-31')
  AND coalesce(b.start_date, DATE '1900-01-01') <= coalesce(a.end_date, DATE '2999-12-31')
ORDER BY a._source, b._source
"""

_TEAMS = """
SELECT a.person AS party, b.person AS other, a.unit, coalesce(u.name, a.unit) AS unit_name,
       coalesce(a.role, '') AS party_title, coalesce(b.role, '') AS other_title,
       a.round AS party_period, a.round AS other_period, 'team_colleague' AS category,
       [a._source, b._source] AS sources
FROM history a
JOIN history b ON b.round = a.round AND b.unit = a.unit AND b.person <> a.person
LEFT JOIN units u ON u.unit_id = a.unit
WHERE a.person IN (SELECT key FROM check_party_keys) AND b.person IN (SELECT key FROM check_cp_keys)
ORDER BY a.round DESC, a._source, b._source
"""


def _rank(row: dict[str, Any]) -> int:
    return ("colleague", "former_colleague", "team_colleague").index(row["category"])


# ------------------------------------------------------------------ resolving typed names


class _NameIndex:
    """Persons and cadre-form members of the graph by normalised name, with the units they held."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        rows = engine.arrow(
            """SELECT n.node_id, n.key, n.name, year(n.birth_date) AS birth_year,
                      coalesce(p._source, n.key) AS source
               FROM nodes n LEFT JOIN persons p ON p.person_key = n.key
               WHERE n.origin IN ('person', 'member') AND n.name IS NOT NULL ORDER BY n.key"""
        ).to_pylist()
        self.by_name: dict[str, list[dict[str, Any]]] = {}
        for row, norm in zip(rows, normalize_names([r["name"] for r in rows]), strict=True):
            self.by_name.setdefault(norm, []).append(row)

    def resolve(self, role: str, name: str, unit: str) -> Resolution:
        found = [self._candidate(r, unit) for r in self.by_name.get(normalize_name(name), [])]
        if not found:
            return Resolution(role, name, unit, "not_found", [])
        narrowed = [c for c in found if c.unit_match] if unit.strip() else found
        if len(narrowed) == 1:
            return Resolution(role, name, unit, "resolved", narrowed)
        if not narrowed and len(found) == 1:
            return Resolution(role, name, unit, "resolved", found)
        return Resolution(role, name, unit, "ambiguous", narrowed or found)

    def _candidate(self, row: dict[str, Any], unit: str) -> Candidate:
        held = self.engine.arrow(
            """SELECT DISTINCT coalesce(u.name, p.unit) AS unit_name FROM positions_x p
               LEFT JOIN units u ON u.unit_id = p.unit WHERE p.person = ? ORDER BY 1""",
            [row["key"]],
        ).column(0)
        units = [str(u) for u in held.to_pylist() if u]
        return Candidate(
            key=row["key"],
            node_id=row["node_id"],
            name=row["name"],
            birth_year=row["birth_year"],
            source=row["source"],
            units=units,
            unit_match=unit_matches(unit, units),
        )


def unit_matches(given: str, held: list[str]) -> bool:
    """Whether the unit text someone gave names one of the units held: either text contains the other, or
    the unit's name without its county prefix (仪陇县财政局 → 财政局) appears in the text given."""
    text = normalize_text(given).replace(" ", "")
    if not text:
        return False
    for name in held:
        full = normalize_text(name).replace(" ", "")
        if full and (text in full or full in text or _core(full) in text):
            return True
    return False


def _core(name: str) -> str:
    for suffix in COUNTY_SUFFIXES:
        pos = name.find(suffix)
        if 1 <= pos <= 6 and len(name) > pos + len(suffix) + 1:
            return name[pos + len(suffix) :]
    return name


# ------------------------------------------------------------------ hits and plain language


def _hit(r: Resolution, c: Candidate, cp: Counterpart, category: str, **extra: Any) -> dict[str, Any]:
    tentative = not r.certain
    who_zh = f"{PARTY_ZH[r.role]}{c.name}"
    who_en = f"{PARTY_EN[r.role]} {c.name}"
    hit: dict[str, Any] = {
        "party": r.role,
        "party_name": r.name,
        "person": c.key,
        "person_name": c.name,
        "tentative": tentative,
        "counterpart": cp.key,
        "counterpart_name": cp.name,
        "counterpart_kind": cp.kind,
        "counterpart_title": cp.title,
        "target": cp.target,
        "target_name": cp.target_name,
        "category": category,
        "category_zh": CATEGORY_ZH.get(category) or EXTRA_ZH[category],
        "kin_term": "",
        "path": [],
        "sources": [],
    }
    hit.update(extra)
    hit["sources"] = [s for s in dict.fromkeys(hit["sources"]) if s]
    if category == "self":
        hit["text_zh"] = f"{who_zh}即{cp.phrase_zh()}本人"
        hit["text_en"] = f"{who_en} is {cp.phrase_en()} in person"
    if tentative:
        hit["text_zh"] = f"【待核实：同名候选人 {c.label()}】" + hit.get("text_zh", "")
        hit["text_en"] = f"[to verify: candidate {c.key}] " + hit.get("text_en", "")
    return hit


def _kin_hit(
    r: Resolution, c: Candidate, cp: Counterpart, tie: dict[str, Any], renderer: PathRenderer, names: dict[str, Any]
) -> dict[str, Any]:
    term = renderer.kin_term(tie["edges"])
    category = str(tie["category"])
    path = [
        {
            **step,
            "from_name": names.get(step["from"]) or "（未登记亲属）",
            "to_name": names.get(step["to"]) or "（未登记亲属）",
        }
        for step in renderer.steps(tie["edges"])
    ]
    text_zh = f"{PARTY_ZH[r.role]}{c.name}系{cp.phrase_zh()}的{term}（{CATEGORY_ZH[category]}）"
    text_en = f"{PARTY_EN[r.role]} {c.name} is the {term} ({CATEGORY_EN[category]}) of {cp.phrase_en()}"
    return _with_text(
        _hit(r, c, cp, category, kin_term=term, path=path, sources=[*renderer.sources(tie["edges"]), cp.source]),
        text_zh,
        text_en,
    )


def _colleague_hit(r: Resolution, c: Candidate, cp: Counterpart, row: dict[str, Any]) -> dict[str, Any]:
    category = str(row["category"])
    who_zh, who_en = f"{PARTY_ZH[r.role]}{c.name}", f"{PARTY_EN[r.role]} {c.name}"
    if category == "team_colleague":
        relation = f"{row['party_period']}轮次同在巡察{row['unit_name']}的巡察组"
        text_zh = f"{who_zh}与{cp.phrase_zh()}曾同组巡察（{row['party_period']}轮次巡察{row['unit_name']}）"
        text_en = f"{who_en} and {cp.phrase_en()} served on one inspection team ({row['party_period']})"
    else:
        word = "同事" if category == "colleague" else "原同事"
        relation = (
            f"同在{row['unit_name']}任职：{row['party_title']}（{row['party_period']}）；"
            f"{row['other_title']}（{row['other_period']}）"
        )
        text_zh = f"{who_zh}与{cp.phrase_zh()}系{word}（{relation}）"
        text_en = f"{who_en} and {cp.phrase_en()} are {EXTRA_EN[category]} at {row['unit_name']}"
    path = [{"from": c.key, "from_name": c.name, "relation": relation, "to": cp.key, "to_name": cp.name}]
    hit = _hit(r, c, cp, category, path=path, sources=list(row["sources"] or []))
    return _with_text(hit, text_zh, text_en)


def _with_text(hit: dict[str, Any], zh: str, en: str) -> dict[str, Any]:
    prefix_zh = hit.get("text_zh", "")
    prefix_en = hit.get("text_en", "")
    hit["text_zh"], hit["text_en"] = prefix_zh + zh, prefix_en + en
    return hit


def _resolution_lines(r: Resolution, has_hits: bool) -> tuple[list[str], list[str]]:
    who_zh = PARTY_ZH.get(r.role, "所涉人员")
    who_en = PARTY_EN.get(r.role, "the person asked about")
    if r.status == "not_found":
        return (
            [f"{who_zh}“{r.name}”未在本轮数据包中找到，无法自动核查（可能为数据包以外人员）"],
            [f"{who_en} {r.name!r} is not in the round's bundle; not checked"],
        )
    if r.status == "ambiguous":
        listed = "；".join(c.label() for c in r.candidates[:MAX_CANDIDATES])
        more = f"等{len(r.candidates)}人" if len(r.candidates) > MAX_CANDIDATES else ""
        return (
            [f"{who_zh}“{r.name}”在数据包中有{len(r.candidates)}人同名，未自动认定，请人工核对：{listed}{more}"],
            [f"{who_en} {r.name!r} matches {len(r.candidates)} persons; not resolved, please check by hand"],
        )
    if not r.certain:
        return (
            [
                f"{who_zh}“{r.name}”按姓名对应{r.candidates[0].label()}，但所报单位“{r.unit}”与记录不符，请人工核对是否同一人"
            ],
            [f"{who_en} {r.name!r} matches one person by name, but the unit given does not agree; please verify"],
        )
    if has_hits or r.role not in PARTY_ZH:
        return [], []
    return (
        [f"{who_zh}{r.name}（{r.candidates[0].source}）与所涉单位关键人员及接收人之间未发现亲属或同事关系"],
        [f"{who_en} {r.name} ({r.candidates[0].source}): no kin or colleague tie found"],
    )


def _result(
    request: CheckInput,
    parties: list[Resolution],
    about: Resolution | None,
    counterparts: list[Counterpart],
    hits: list[dict[str, Any]],
) -> dict[str, Any]:
    lines_zh = [h["text_zh"] for h in hits]
    lines_en = [h["text_en"] for h in hits]
    for r in parties + ([about] if about else []):
        zh, en = _resolution_lines(r, any(h["party"] == r.role for h in hits))
        lines_zh += zh
        lines_en += en
    notes_zh, notes_en = _scope_notes(request, counterparts)
    certain = sum(1 for h in hits if not h["tentative"])
    if certain:
        summary = (
            f"发现{certain}项亲属或同事关系，请领导小组关注",
            f"{certain} tie(s) found; for the leading group's attention",
        )
    elif hits:
        summary = (f"发现{len(hits)}项待核实关系（同名或单位不符）", f"{len(hits)} tie(s) to verify (ambiguous names)")
    else:
        summary = ("未发现亲属或同事关系", "no kin or colleague tie found")
    return {
        "version": VERSION,
        "status": "done",
        "on": request.on.isoformat(),
        "checked_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "parties": [r.to_dict() for r in parties],
        "about_person": about.to_dict() if about else None,
        "counterparts": [c.to_dict() for c in counterparts],
        "hits": hits,
        "lines_zh": lines_zh + notes_zh,
        "lines_en": lines_en + notes_en,
        "summary_zh": summary[0],
        "summary_en": summary[1],
    }


def _scope_notes(request: CheckInput, counterparts: list[Counterpart]) -> tuple[list[str], list[str]]:
    zh: list[str] = []
    en: list[str] = []
    if request.about_unit and not any(c.kind == "key_person" for c in counterparts):
        zh.append("所涉单位在本轮开始时无在任关键人员记录，未核查与关键人员的关系")
        en.append("the target has no key persons on record; ties to key persons not checked")
    if not request.about_unit:
        zh.append("未选择所涉被巡察单位，未核查与关键人员的关系")
        en.append("no target chosen; ties to key persons not checked")
    if not request.inspector_key:
        zh.append("登记人未关联巡察干部人员编号，未核查与接收人的关系")
        en.append("the recording user has no person key; ties to the receiving inspector not checked")
    return zh, en
