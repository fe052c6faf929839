"""The synthetic bundle: deterministic, complete, consistent, with every conflict planted."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xuncha.bundle.schema import load_schema
from xuncha.identity.idcard import check_char, make_id
from xuncha.synth import write_bundle
from xuncha.synth.codes import id_numbers, unique_sequences
from xuncha.synth.generate import TABLES

N = 2000
SEED = 11
ROUND_DAY = "2026-09-01"
PERSON_CATEGORIES = {"spouse", "lineal", "collateral3", "in_law", "other_kin", "superior", "study"}
ALL_CATEGORIES = PERSON_CATEGORIES | {"work", "region", "declared", "objection"}

Table = list[dict[str, str]]


def read(out: Path, name: str) -> Table:
    with (out / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def jsonl(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "bundle"
    write_bundle(out, persons=N, seed=SEED)
    return out


@pytest.fixture(scope="module")
def tables(bundle: Path) -> dict[str, Table]:
    return {name: read(bundle, name) for name in TABLES}


def test_same_seed_gives_identical_bytes(tmp_path: Path, bundle: Path) -> None:
    again = tmp_path / "again"
    write_bundle(again, persons=N, seed=SEED)
    names = sorted(p.name for p in bundle.iterdir())
    assert names == sorted(p.name for p in again.iterdir())
    for name in names:
        assert (bundle / name).read_bytes() == (again / name).read_bytes(), name


def test_other_seed_differs(tmp_path: Path, bundle: Path) -> None:
    other = tmp_path / "other"
    write_bundle(other, persons=N, seed=SEED + 1)
    assert (bundle / "persons.csv").read_bytes() != (other / "persons.csv").read_bytes()


def test_every_table_has_the_spec_columns(bundle: Path) -> None:
    schema = load_schema()
    for name in TABLES:
        with (bundle / f"{name}.csv").open(encoding="utf-8") as fh:
            header = next(csv.reader(fh))
        assert header == [c.name for c in schema.table(name).columns], name


def test_exact_person_count_and_unique_keys(tables: dict[str, Table]) -> None:
    persons = tables["persons"]
    assert len(persons) == N
    ids = [p["id_number"] for p in persons if p["id_number"]]
    assert len(ids) == len(set(ids))
    assert len({p["person_id"] for p in persons}) == N


def _person_keys(tables: dict[str, Table]) -> set[str]:
    return {p["id_number"] or p["person_id"] for p in tables["persons"]}


def test_references_point_at_existing_rows(tables: dict[str, Table]) -> None:
    people = _person_keys(tables)
    units = {u["unit_id"] for u in tables["units"]}
    rounds = {r["round_id"] for r in tables["rounds"]}
    person_refs = {
        "kinship": ("person", "relative"),
        "family_members": ("cadre",),
        "positions": ("person",),
        "education": ("person",),
        "inspectors": ("person",),
        "declarations": ("inspector",),
        "objections": ("inspector",),
        "history": ("person",),
    }
    for table, cols in person_refs.items():
        for row in tables[table]:
            for col in cols:
                assert row[col] in people, (table, col, row)
    unit_refs = {
        "positions": ("unit",),
        "inspectors": ("home_unit",),
        "round_targets": ("unit",),
        "history": ("unit",),
        "objections": ("unit",),
    }
    for table, cols in unit_refs.items():
        for row in tables[table]:
            for col in cols:
                assert row[col] in units, (table, col, row)
    assert all(u["parent_unit"] in units for u in tables["units"] if u["parent_unit"])
    assert all(d["counterpart"] in people | units for d in tables["declarations"])
    for table in ("declarations", "objections", "round_targets", "history"):
        assert all(r["round"] in rounds for r in tables[table]), table


def test_id_numbers_are_valid_and_match_birth_and_gender(tables: dict[str, Table]) -> None:
    for p in tables["persons"]:
        number = p["id_number"]
        if not number:
            assert p["person_id"]
            continue
        assert check_char(number[:17]) == number[17]
        assert number[6:14] == p["birth_date"].replace("-", "")
        assert (int(number[16]) % 2 == 1) == (p["gender"] == "男")


@settings(max_examples=60, deadline=None)
@given(
    region=st.sampled_from([511324, 511302, 500117, 110101]),
    birth=st.dates(min_value=date(1920, 1, 1), max_value=date(2025, 12, 31)),
    seq=st.integers(min_value=0, max_value=999),
)
def test_vectorised_id_numbers_agree_with_make_id(region: int, birth: date, seq: int) -> None:
    got = id_numbers(np.array([region]), np.array([np.datetime64(birth, "D")]), np.array([seq]))
    assert got == [make_id(str(region), birth, seq)]


def test_sequences_are_unique_and_keep_gender() -> None:
    rng = np.random.default_rng(5)
    n = 2400  # three days x two genders: about 400 per group, under the 500 a group holds
    region = np.full(n, 511324)
    days = rng.integers(0, 3, n)
    male = rng.random(n) < 0.5
    seq = unique_sequences(rng, region, days, male)
    assert len(set(zip(days.tolist(), seq.tolist(), strict=True))) == n
    assert np.all((seq % 2 == 1) == male)


def _key_persons(tables: dict[str, Table]) -> dict[str, set[str]]:
    keys: dict[str, set[str]] = defaultdict(set)
    for p in tables["positions"]:
        current = p["start_date"] <= ROUND_DAY and (not p["end_date"] or p["end_date"] >= ROUND_DAY)
        if current and p["role"] in ("一把手", "班子成员"):
            keys[p["unit"]].add(p["person"])
    return keys


def test_every_category_is_planted_for_the_main_round(bundle: Path) -> None:
    main = (bundle / "ROUND").read_text(encoding="utf-8").strip()
    planted = jsonl(bundle / "planted.jsonl")
    assert {p["category"] for p in planted if p["round"] == main} == ALL_CATEGORIES
    assert all(p["note"] for p in planted)


def test_planted_counterparts_are_key_persons_of_their_targets(bundle: Path, tables: dict[str, Table]) -> None:
    keys = _key_persons(tables)
    targets = {(t["round"], t["unit"]) for t in tables["round_targets"]}
    for p in jsonl(bundle / "planted.jsonl"):
        assert (p["round"], p["target"]) in targets, p
        if p["category"] in PERSON_CATEGORIES:
            assert p["counterpart"] in keys[p["target"]], p
        if p["category"] == "spouse":
            heads = {
                x["person"]
                for x in tables["positions"]
                if x["unit"] == p["target"] and x["role"] == "一把手" and not x["end_date"]
            }
            assert p["counterpart"] in heads


def test_work_plants_held_a_post_in_the_target_or_below(bundle: Path, tables: dict[str, Table]) -> None:
    parent = {u["unit_id"]: u["parent_unit"] for u in tables["units"]}
    posts = defaultdict(set)
    for x in tables["positions"]:
        posts[x["person"]].add(x["unit"])
        posts[x["person"]].add(parent[x["unit"]])
    for p in jsonl(bundle / "planted.jsonl"):
        if p["category"] == "work":
            assert p["target"] in posts[p["inspector"]], p


def test_cross_round_region_plant(bundle: Path, tables: dict[str, Table]) -> None:
    region = {u["unit_id"]: u["region"] for u in tables["units"]}
    home = {i["person"]: i["home_region"] for i in tables["inspectors"]}
    modes = {r["round_id"]: r["mode"] for r in tables["rounds"]}
    cross = [p for p in jsonl(bundle / "planted.jsonl") if modes[p["round"]] == "交叉"]
    assert cross
    for p in cross:
        assert home[p["inspector"]] == region[p["target"]]


def test_planted_inspectors_are_in_the_pool(bundle: Path, tables: dict[str, Table]) -> None:
    pool = {i["person"] for i in tables["inspectors"]}
    for name in ("planted.jsonl", "planted_negative.jsonl"):
        assert all(p["inspector"] in pool for p in jsonl(bundle / name))


def test_negatives_have_reasons_and_the_divorce_ended(bundle: Path, tables: dict[str, Table]) -> None:
    negatives = jsonl(bundle / "planted_negative.jsonl")
    assert {"spouse", "work", "superior", "study", "region"} <= {n["category"] for n in negatives}
    assert all(n["why"] for n in negatives)
    divorce = next(n for n in negatives if n["category"] == "spouse")
    rows = [
        k for k in tables["kinship"] if {k["person"], k["relative"]} == {divorce["inspector"], divorce["counterpart"]}
    ]
    assert rows and all(r["end_date"] and r["end_date"] < ROUND_DAY for r in rows)


def test_cadre_forms_link_only_by_name_for_the_form_only_plant(bundle: Path, tables: dict[str, Table]) -> None:
    forms = tables["family_members"]
    assert any(not f["id_number"] for f in forms)
    assert any(f["id_number"] for f in forms)
    assert all(len(f["birth_month"]) == 7 and f["birth_month"][4] == "." for f in forms)
    form_only = [p for p in jsonl(bundle / "planted.jsonl") if "干部任免审批表" in p["note"]]
    assert form_only
    pairs = {(k["person"], k["relative"]) for k in tables["kinship"]}
    names = {p["id_number"]: p["name"] for p in tables["persons"]}
    for p in form_only:
        i, k = p["inspector"], p["counterpart"]
        assert (i, k) not in pairs and (k, i) not in pairs
        rows = [f for f in forms if f["cadre"] == i and f["name"] == names[k]]
        assert rows and not rows[0]["id_number"]


def test_kinship_facts_are_consistent(tables: dict[str, Table]) -> None:
    people = {p["id_number"] or p["person_id"]: p for p in tables["persons"]}
    for k in tables["kinship"]:
        a, b = people[k["person"]], people[k["relative"]]
        if k["relation"] in ("父亲", "母亲"):
            assert b["birth_date"] < a["birth_date"]
            assert b["gender"] == ("男" if k["relation"] == "父亲" else "女")
        if k["relation"] in ("妻子", "丈夫"):
            assert b["gender"] == ("女" if k["relation"] == "妻子" else "男")
        if k["relation"] in ("哥哥", "姐姐"):
            assert b["birth_date"] < a["birth_date"]


def test_small_bundle_and_parquet(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    report = write_bundle(tmp_path / "p", persons=200, seed=3, fmt="parquet")
    assert pq.read_table(tmp_path / "p" / "persons.parquet").num_rows == 200
    text = report.describe()
    assert "persons" in text and "埋设冲突" in text and "秒" in text
    with pytest.raises(ValueError):
        write_bundle(tmp_path / "q", persons=50, seed=3)
