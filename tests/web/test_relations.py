"""The automatic relationship check of an inquiry, against the synthetic county's real family tables.

Each expectation is read from the raw bundle tables here (a kinship row, a shared parent, a shared
unit), independently of the graph the check walks."""

from __future__ import annotations

from collections import Counter
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import opencc

from xuncha.bundle.load import load_bundle
from xuncha.bundle.model import Bundle
from xuncha.web.services.relations import CheckInput, Party, check_inquiry, unit_matches

ROUND = "R2026-3"
START = date(2026, 9, 1)  # the round's start date in the county bundle
ON = date(2026, 9, 10)
KEY_ROLES = ("一把手", "班子成员")


@cache
def _bundle(path: str) -> Bundle:
    return load_bundle(Path(path))


def bundle_of(county: Path) -> Bundle:
    return _bundle(str(county))


def rows(bundle: Bundle, table: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = bundle.table(table).to_pylist()
    return found


def current(p: dict[str, Any]) -> bool:
    return (p["start_date"] is None or p["start_date"] <= START) and (p["end_date"] is None or p["end_date"] >= START)


def key_persons(bundle: Bundle) -> dict[str, dict[str, Any]]:
    """person -> their current key position at a target of the round."""
    targets = {r["unit"] for r in rows(bundle, "round_targets") if r["round"] == ROUND}
    return {
        p["person"]: p
        for p in rows(bundle, "positions")
        if p["unit"] in targets and p["role"] in KEY_ROLES and current(p)
    }


def persons(bundle: Bundle) -> dict[str, dict[str, Any]]:
    return {p["person_key"]: p for p in rows(bundle, "persons")}


def unique_names(bundle: Bundle) -> set[str]:
    counts = Counter(p["name"] for p in rows(bundle, "persons"))
    return {name for name, n in counts.items() if n == 1}


def kin_row(bundle: Bundle, relation: str) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(key position, relative, kinship row) for a key person's ``relation`` with a unique name."""
    keys, people, unique = key_persons(bundle), persons(bundle), unique_names(bundle)
    for row in rows(bundle, "kinship"):
        relative = people.get(row["relative"])
        if row["relation"] == relation and row["person"] in keys and relative and relative["name"] in unique:
            return keys[row["person"]], relative, row
    raise AssertionError(f"the county has no key person with a {relation}")


def check(bundle: Bundle, asker: str, unit: str = "", about: str = "", **kw: Any) -> dict[str, Any]:
    return check_inquiry(bundle, CheckInput(ROUND, ON, (Party("asker", asker, unit),), about_unit=about, **kw))


def test_a_key_persons_father_is_found_as_lineal_kin_with_the_row_it_rests_on(county: Path) -> None:
    bundle = bundle_of(county)
    position, father, row = kin_row(bundle, "父亲")
    result = check(bundle, father["name"], about=position["unit"])
    hits = [h for h in result["hits"] if h["counterpart"] == position["person"]]
    assert [h["category"] for h in hits] == ["lineal"]
    hit = hits[0]
    assert hit["kin_term"] == "父亲" and not hit["tentative"]
    assert hit["path"] == [
        {
            "from": position["person"],
            "relation": "父亲",
            "to": father["person_key"],
            "from_name": persons(bundle)[position["person"]]["name"],
            "to_name": father["name"],
        }
    ]
    assert row["_source"] in hit["sources"] and position["_source"] in hit["sources"]
    assert hit["text_zh"].startswith(f"过问人{father['name']}系被巡察单位")
    assert hit["text_zh"].endswith(f"{persons(bundle)[position['person']]['name']}的父亲（直系血亲）")
    assert result["summary_zh"].startswith("发现1项")


def test_a_sibling_through_a_shared_parent_is_collateral_kin(county: Path) -> None:
    bundle = bundle_of(county)
    keys, people, unique = key_persons(bundle), persons(bundle), unique_names(bundle)
    children: dict[str, list[str]] = {}
    for row in rows(bundle, "kinship"):
        if row["relation"] == "父亲":
            children.setdefault(row["relative"], []).append(row["person"])
    pairs = [
        (a, b)
        for kids in children.values()
        for a in kids
        for b in kids
        if a != b and a in keys and people[b]["name"] in unique
    ]
    assert pairs, "the county has no key person with a sibling"
    key, sibling = pairs[0]
    result = check(bundle, people[sibling]["name"], about=keys[key]["unit"])
    hit = next(h for h in result["hits"] if h["counterpart"] == key)
    assert hit["category"] == "collateral3"
    assert hit["path"][0]["from"] == key and hit["path"][-1]["to"] == sibling
    assert hit["kin_term"] in {"哥哥", "弟弟", "姐姐", "妹妹", "兄弟", "姐妹", "兄弟姐妹"}
    assert "（三代以内旁系血亲）" in hit["text_zh"]


def test_a_name_typed_in_traditional_characters_resolves_the_same(county: Path) -> None:
    bundle = bundle_of(county)
    position, father, _ = kin_row(bundle, "父亲")
    traditional = opencc.OpenCC("s2t").convert(father["name"])
    result = check(bundle, f" {traditional} ", about=position["unit"])
    assert result["parties"][0]["status"] == "resolved"
    assert result["parties"][0]["candidates"][0]["person"] == father["person_key"]
    assert any(h["category"] == "lineal" for h in result["hits"])


def test_a_current_colleague_of_a_key_person_is_found(county: Path) -> None:
    bundle = bundle_of(county)
    keys, people, unique = key_persons(bundle), persons(bundle), unique_names(bundle)
    staff = [
        (k, p)
        for p in rows(bundle, "positions")
        for k in keys.values()
        if p["unit"] == k["unit"] and p["person"] not in keys and current(p) and people[p["person"]]["name"] in unique
    ]
    key, colleague = staff[0]
    result = check(bundle, people[colleague["person"]]["name"], about=key["unit"])
    hit = next(h for h in result["hits"] if h["counterpart"] == key["person"] and h["category"] == "colleague")
    assert set(hit["sources"]) >= {key["_source"], colleague["_source"]}
    assert "系同事" in hit["text_zh"]


def test_a_stranger_finds_nothing(county: Path) -> None:
    bundle = bundle_of(county)
    position = next(iter(key_persons(bundle).values()))
    result = check(bundle, "欧阳不存在", about=position["unit"])
    assert result["hits"] == []
    assert result["parties"][0]["status"] == "not_found"
    assert result["summary_zh"] == "未发现亲属或同事关系"
    assert any("未在本轮数据包中找到" in line for line in result["lines_zh"])


def test_a_common_name_lists_its_candidates_and_picks_none(county: Path) -> None:
    bundle = bundle_of(county)
    name, count = Counter(p["name"] for p in rows(bundle, "persons")).most_common(1)[0]
    assert count > 2
    position = next(iter(key_persons(bundle).values()))
    result = check(bundle, name, about=position["unit"])
    party = result["parties"][0]
    assert party["status"] == "ambiguous" and not party["certain"]
    expected = {k for k, p in persons(bundle).items() if p["name"] == name}
    assert {c["person"] for c in party["candidates"]} == expected
    assert all(h["tentative"] for h in result["hits"])
    assert any(f"有{count}人同名" in line for line in result["lines_zh"])


def test_the_unit_given_narrows_a_shared_name(county: Path) -> None:
    bundle = bundle_of(county)
    people = persons(bundle)
    units = {u["unit_id"]: u["name"] for u in rows(bundle, "units")}
    held: dict[str, set[str]] = {}
    for p in rows(bundle, "positions"):
        held.setdefault(p["person"], set()).add(units[p["unit"]])
    by_name: dict[str, list[str]] = {}
    for key, person in people.items():
        by_name.setdefault(person["name"], []).append(key)
    name, keys = next((n, ks) for n, ks in by_name.items() if len(ks) > 1 and sum(k in held for k in ks) == 1)
    chosen = next(k for k in keys if k in held)
    result = check(bundle, name, unit=sorted(held[chosen])[0])
    assert result["parties"][0]["status"] == "resolved"
    assert result["parties"][0]["candidates"][0]["person"] == chosen


def test_the_receiving_inspector_is_checked_too(county: Path) -> None:
    bundle = bundle_of(county)
    inspectors = {r["person"] for r in rows(bundle, "inspectors")}
    people, unique = persons(bundle), unique_names(bundle)
    row = next(
        r
        for r in rows(bundle, "kinship")
        if r["person"] in inspectors and r["relation"] in ("父亲", "母亲") and people[r["relative"]]["name"] in unique
    )
    result = check(bundle, people[row["relative"]]["name"], inspector_key=row["person"])
    hit = next(h for h in result["hits"] if h["counterpart_kind"] == "inspector")
    assert hit["counterpart"] == row["person"] and hit["category"] == "lineal"
    assert "接收登记的巡察干部" in hit["text_zh"]
    assert any("未选择所涉被巡察单位" in line for line in result["lines_zh"])


def test_unit_matching_accepts_short_and_mixed_forms() -> None:
    assert unit_matches("财政局", ["仪陇县财政局"])
    assert unit_matches("县财政局局长", ["仪陇县财政局"])
    assert unit_matches("仪隴縣財政局", ["仪陇县财政局"])
    assert not unit_matches("教育局", ["仪陇县财政局"])
    assert not unit_matches("", ["仪陇县财政局"])
