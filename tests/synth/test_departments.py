"""Departmental datasets of the synthetic county: spec columns, linkage noise with its truth,
and planted leads that satisfy each comparison model's conditions in the written tables."""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypinyin import lazy_pinyin

from xuncha.bundle.load import load_bundle
from xuncha.bundle.schema import load_schema
from xuncha.identity.idcard import parse_id
from xuncha.identity.names import normalize_name
from xuncha.synth import write_bundle
from xuncha.synth.codes import id_numbers
from xuncha.synth.departments import DEPARTMENT_TABLES, PERSON_COLUMN
from xuncha.synth.leads import MODELS
from xuncha.synth.noise import HOMOPHONES, abbreviate, mistype

N = 3000
SEED = 13
EXTRAS = {"source", "birth_date", "gender", "address", "employer"}
OWN_ADDRESS = {"address"}  # these tables declare address themselves
TRUTH_FILES = ("link_truth.jsonl", "planted_findings.jsonl", "planted_findings_negative.jsonl")
Table = list[dict[str, str]]


def read(out: Path, name: str) -> Table:
    with (out / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("depts") / "bundle"
    write_bundle(out, persons=N, seed=SEED)
    return out


@pytest.fixture(scope="module")
def t(bundle: Path) -> dict[str, Table]:
    names = (*DEPARTMENT_TABLES, "persons", "positions", "units", "kinship")
    return {name: read(bundle, name) for name in names}


@pytest.fixture(scope="module")
def truth(bundle: Path) -> list[dict[str, Any]]:
    return jsonl(bundle / "link_truth.jsonl")


def test_same_seed_gives_identical_files(tmp_path: Path, bundle: Path) -> None:
    again = tmp_path / "again"
    write_bundle(again, persons=N, seed=SEED)
    for name in [f"{n}.csv" for n in DEPARTMENT_TABLES] + list(TRUTH_FILES):
        assert (bundle / name).read_bytes() == (again / name).read_bytes(), f"seed {SEED}: {name}"


def test_spec_columns_first_then_allowed_extras(bundle: Path) -> None:
    schema = load_schema()
    for name in DEPARTMENT_TABLES:
        with (bundle / f"{name}.csv").open(encoding="utf-8") as fh:
            header = next(csv.reader(fh))
        own = OWN_ADDRESS if name in ("subsidies", "real_estate", "companies") else set()
        spec = [c.name for c in schema.table(name).columns if c.name not in EXTRAS or c.name in own]
        assert header[: len(spec)] == spec, name
        assert set(header[len(spec) :]) <= EXTRAS, name


def test_bundle_loads_without_errors_in_departmental_tables(bundle: Path, t: dict[str, Table]) -> None:
    loaded = load_bundle(bundle)
    errors = [p for p in loaded.problems if p.level == "error" and p.table in DEPARTMENT_TABLES]
    assert errors == []
    for name in DEPARTMENT_TABLES:
        assert loaded.table(name).num_rows == len(t[name]), name
        assert set(loaded.table(name).column("source").to_pylist()) >= {t[name][0]["source"]}


def test_sizes_scale_with_persons(t: dict[str, Table]) -> None:
    f = N / 1_000_000
    for name, at_million in (("subsidies", 200_000), ("payroll", 100_000), ("company_roles", 50_000)):
        assert 0.8 * at_million * f <= len(t[name]) <= 1.3 * at_million * f + 40, name
    assert len(t["payments"]) >= 30


def test_truth_rows_match_written_rows(bundle: Path, t: dict[str, Table], truth: list[dict[str, Any]]) -> None:
    per_table = Counter(str(r["table"]) for r in truth)
    for name in PERSON_COLUMN:
        expected = (
            len(t[name]) if name != "payments" else sum(1 for r in t[name] if r["payee"] and r["payee"][0] != "9")
        )
        assert per_table[name] == expected, name
    loaded = load_bundle(bundle)
    sources = {name: set(loaded.table(name).column("_source").to_pylist()) for name in PERSON_COLUMN}
    keys = {p["id_number"] or p["person_id"] for p in t["persons"]}
    for r in truth:
        assert r["column"] == PERSON_COLUMN[str(r["table"])]
        assert r["source"] in sources[str(r["table"])], r
        assert r["person"] is None or r["person"] in keys, r


def test_parquet_truth_sources_are_the_readers_row_numbers(tmp_path: Path) -> None:
    out = tmp_path / "pq"
    write_bundle(out, persons=1000, seed=SEED, fmt="parquet")
    loaded = load_bundle(out)
    truth = jsonl(out / "link_truth.jsonl")
    for name in PERSON_COLUMN:
        rows = {r["_source"]: r for r in loaded.table(name).to_pylist()}
        for r in (x for x in truth if x["table"] == name and "id18" in x["noise"]):
            assert rows[r["source"]][r["column"]] == r["person"], r


def _row(t: dict[str, Table], source: object) -> dict[str, str]:
    file, row = str(source).rsplit(":", 1)
    return t[file.removesuffix(".csv")][int(row) - 2]


def test_id_noise_is_what_the_truth_says(t: dict[str, Table], truth: list[dict[str, Any]]) -> None:
    for r in truth:
        value = _row(t, r["source"])[str(r["column"])]
        kinds = set(r["noise"])
        if "id18" in kinds:
            assert value == r["person"]
        elif "id15" in kinds:
            assert len(value) == 15 and parse_id(value).number == r["person"]
        elif "id_missing" in kinds:
            assert value == ""
        elif "id_mistyped" in kinds:
            assert _one_slip(value, str(r["person"])), (value, r)
        else:
            assert "outsider" in kinds and r["person"] is None


def _one_slip(a: str, b: str) -> bool:
    diff = [i for i in range(18) if a[i] != b[i]]
    if len(diff) == 1:
        return True
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]


def test_every_noise_kind_is_present(truth: list[dict[str, Any]]) -> None:
    kinds = Counter(k for r in truth for k in r["noise"])
    for kind in ("id18", "id15", "id_missing", "id_mistyped", "outsider", "homophone", "traditional", "space",
                 "birth_month", "address_abbreviated"):  # fmt: skip
        assert kinds[kind] > 0, kind
    share = kinds["id18"] / len(truth)
    assert 0.6 < share < 0.85


def test_name_noise_keeps_the_person_recognisable(t: dict[str, Table], truth: list[dict[str, Any]]) -> None:
    names = {p["id_number"] or p["person_id"]: p["name"] for p in t["persons"]}
    for r in truth:
        if r["person"] is None or r["table"] == "payments":
            continue
        written, true = _row(t, r["source"])["name"], names[str(r["person"])]
        kinds = set(r["noise"])
        if kinds & {"traditional", "space", "fullwidth_space"}:
            assert written != true and normalize_name(written) == true, (written, true)
        elif "homophone" in kinds:
            assert written != true and lazy_pinyin(written) == lazy_pinyin(true), (written, true)
        else:
            assert written == true


def test_every_model_has_planted_leads_with_known_persons(bundle: Path, t: dict[str, Table]) -> None:
    keys = {p["id_number"] or p["person_id"] for p in t["persons"]}
    units = {u["unit_id"] for u in t["units"]}
    leads = jsonl(bundle / "planted_findings.jsonl")
    negatives = jsonl(bundle / "planted_findings_negative.jsonl")
    assert {str(x["model"]) for x in leads} == set(MODELS)
    assert {"kin_benefit", "official_business", "dead_payment"} <= {str(x["model"]) for x in negatives}
    for x in leads + negatives:
        assert x["unit"] in units and x["persons"] and set(x["persons"]) <= keys, x
    assert all(x.get("why") for x in negatives)


# ---------------------------------------------------------------------- model conditions, checked directly
def _kin_graph(t: dict[str, Table]) -> dict[str, set[str]]:
    g: dict[str, set[str]] = defaultdict(set)
    for r in t["kinship"]:
        if not r["end_date"]:
            g[r["person"]].add(r["relative"])
            g[r["relative"]].add(r["person"])
    return g


def _near(g: dict[str, set[str]], a: str, b: str, hops: int) -> bool:
    seen, level = {a}, {a}
    for _ in range(hops):
        level = {y for x in level for y in g[x]} - seen
        seen |= level
    return b in seen


def _current_posts(t: dict[str, Table]) -> dict[str, list[dict[str, str]]]:
    posts: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in t["positions"]:
        if not r["end_date"]:
            posts[r["person"]].append(r)
    return posts


def _deaths(t: dict[str, Table]) -> dict[str, str]:
    out = {p["id_number"] or p["person_id"]: p["death_date"] for p in t["persons"] if p["death_date"]}
    for r in t["deaths"]:
        if r["person"]:
            out[r["person"]] = min(out.get(r["person"], r["death_date"]), r["death_date"])
    return out


def _active_roles(t: dict[str, Table], person: str, on: str) -> list[dict[str, str]]:
    status = {c["company_id"]: c["status"] for c in t["companies"]}
    return [
        r
        for r in t["company_roles"]
        if r["person"] == person and status[r["company"]] == "存续" and (not r["end_date"] or r["end_date"] >= on)
    ]


def _satisfies(t: dict[str, Table], lead: dict[str, Any]) -> bool:
    model, unit = lead["model"], str(lead["unit"])
    persons = [str(p) for p in lead["persons"]]
    posts, kin = _current_posts(t), _kin_graph(t)
    utype = {u["unit_id"]: u["type"] for u in t["units"]}
    subs = [r for r in t["subsidies"] if r["recipient"] == persons[0]]
    if model == "kin_benefit":
        staff = any(p["unit"] == unit for p in posts[persons[1]])
        low = any(r["approving_unit"] == unit and r["program"] in ("低保", "特困") for r in subs)
        return staff and low and _near(kin, persons[0], persons[1], 3)
    if model == "official_business":
        official = any(utype[p["unit"]] in ("党政机关", "事业单位", "乡镇(街道)") for p in posts[persons[0]])
        active = bool(_active_roles(t, persons[-1], "2026-06-30"))
        family = len(persons) == 1 or _near(kin, persons[0], persons[1], 1)
        return official and active and family
    if model == "kin_contract":
        key = any(p["unit"] == unit and p["role"] in ("一把手", "班子成员") for p in posts[persons[0]])
        firms = {
            r["company"]
            for r in t["company_roles"]
            if r["person"] == persons[1] and r["role"] in ("法定代表人", "股东")
        }
        paid = any(r["payer_unit"] == unit and (r["payee"] == persons[1] or r["payee"] in firms) for r in t["payments"])
        return key and paid and _near(kin, persons[0], persons[1], 3)
    if model == "dead_payment":
        died = _deaths(t).get(persons[0], "9999")[:7]
        pay = [r["period"] for r in subs] + [r["period"] for r in t["payroll"] if r["person"] == persons[0]]
        return any(p > died for p in pay)
    if model == "double_payroll":
        units_by_month: dict[str, set[str]] = defaultdict(set)
        for r in t["payroll"]:
            if r["person"] == persons[0]:
                units_by_month[r["period"]].add(r["unit"])
        return any(len(u) > 1 for u in units_by_month.values())
    return _ineligible(t, persons[0], subs)


def _ineligible(t: dict[str, Table], person: str, subs: list[dict[str, str]]) -> bool:
    months = {r["period"] for r in subs if r["program"] in ("低保", "特困")}
    paid = {r["period"] for r in t["payroll"] if r["person"] == person}
    owned = [r["registered_date"] for name in ("vehicles", "real_estate") for r in t[name] if r["owner"] == person]
    roles = any(_active_roles(t, person, m + "-01") and r["start_date"] < m + "-01" for m in months
                for r in _active_roles(t, person, m + "-01"))  # fmt: skip
    return bool(months & paid) or any(d < m + "-01" for d in owned for m in months) or roles


def test_planted_leads_satisfy_their_model(bundle: Path, t: dict[str, Table]) -> None:
    for lead in jsonl(bundle / "planted_findings.jsonl"):
        assert _satisfies(t, lead), f"seed {SEED}: {lead}"


def test_near_misses_do_not_satisfy_their_model(bundle: Path, t: dict[str, Table]) -> None:
    for lead in jsonl(bundle / "planted_findings_negative.jsonl"):
        if lead["model"] == "kin_benefit":  # the tie is real, but outside the statutory list
            continue
        assert not _satisfies(t, lead), f"seed {SEED}: {lead}"


def test_background_benefits_are_never_paid_after_death(bundle: Path, t: dict[str, Table]) -> None:
    died = _deaths(t)
    planted = {str(x["persons"][0]) for x in jsonl(bundle / "planted_findings.jsonl")}
    for r in t["subsidies"]:
        if r["recipient"] in died and r["recipient"] not in planted:
            assert r["period"] <= died[r["recipient"]][:7], r


# ---------------------------------------------------------------------- noise functions
@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_mistype_is_one_slip(seed: int) -> None:
    rng = np.random.default_rng(seed)
    ids = id_numbers(
        np.array([511324] * 20), rng.integers(0, 15000, 20).astype("datetime64[D]"), rng.integers(0, 999, 20)
    )
    for good, bad in zip(ids, mistype(rng, ids), strict=True):
        assert bad != good and _one_slip(bad, good), (seed, good, bad)


def test_homophones_sound_the_same() -> None:
    for a, b in HOMOPHONES.items():
        assert lazy_pinyin(a) == lazy_pinyin(b) and a != b, (a, b)


def test_abbreviated_addresses_keep_the_town() -> None:
    home = "四川省南充市仪陇县新政镇桂花村3组12号"
    assert [abbreviate(home, h) for h in range(3)] == [
        "南充市仪陇县新政镇桂花村3组12号",
        "仪陇县新政镇桂花村3组12号",
        "仪陇新政镇桂花村3组12号",
    ]
