"""Synthetic departmental datasets (数据交换) with linkage noise and planted leads.

``build_departments`` draws companies, company roles, payments, subsidies, payroll,
vehicles, real estate and deaths from the synthetic county (its own random stream, so the
core tables do not change), then ``Departments.write`` writes them with
``link_truth.jsonl`` (the true person of every row that names one),
``planted_findings.jsonl`` and ``planted_findings_negative.jsonl``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from xuncha.synth import names as namesmod
from xuncha.synth import noise
from xuncha.synth.background import PROGRAM_SOURCE, Accs, Sizes, company_ids, fill
from xuncha.synth.codes import id_numbers
from xuncha.synth.deptfacts import DeptInput, Facts
from xuncha.synth.leads import Lead, plant_leads
from xuncha.synth.people import day
from xuncha.synth.places import ALL_PLACES, VILLAGE_WORDS
from xuncha.synth.write import date_array

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
ObjArray = npt.NDArray[np.object_]

DEPARTMENT_TABLES = (
    "companies", "company_roles", "payments", "subsidies", "payroll", "vehicles", "real_estate", "deaths",
)  # fmt: skip
PERSON_COLUMN = {
    "company_roles": "person", "payments": "payee", "subsidies": "recipient", "payroll": "person",
    "vehicles": "owner", "real_estate": "owner", "deaths": "person",
}  # fmt: skip
FIRST_DATA_ROW = {"csv": 2, "parquet": 1}  # as the bundle reader numbers rows (a CSV header is row 1)
HINTS = {
    "company_roles": ("birth_date", "gender", "address", "employer"),
    "subsidies": ("birth_date", "gender"),
    "payroll": ("birth_date", "gender", "employer"),
    "vehicles": ("birth_date", "gender", "address"),
    "real_estate": ("birth_date", "gender"),
    "deaths": ("birth_date", "gender", "address"),
}  # fmt: skip


@dataclass
class Departments:
    tables: dict[str, pa.Table]
    truth: dict[str, tuple[list[str | None], list[list[str]]]]  # table -> (person key per row, noise per row)
    leads: list[dict[str, object]]
    negatives: list[dict[str, object]]

    def write_truth(self, out: Path, fmt: str) -> list[Path]:
        """``link_truth.jsonl``, ``planted_findings.jsonl`` and ``planted_findings_negative.jsonl``."""
        paths = [out / "link_truth.jsonl", out / "planted_findings.jsonl", out / "planted_findings_negative.jsonl"]
        for path, records in zip(paths, (self._truth_records(fmt), self.leads, self.negatives), strict=True):
            _jsonl(path, records)
        return paths

    def _truth_records(self, fmt: str) -> list[dict[str, object]]:
        records: list[dict[str, object]] = []
        first = FIRST_DATA_ROW[fmt]
        for table, (people, kinds) in self.truth.items():
            column = PERSON_COLUMN[table]
            for row, (person, noise_kinds) in enumerate(zip(people, kinds, strict=True)):
                if noise_kinds:  # a row that names no person (a payment to a company) has none
                    source = f"{table}.{fmt}:{row + first}"
                    records.append({"table": table, "column": column, "source": source, "person": person,
                                    "noise": noise_kinds})  # fmt: skip
        return records


def _jsonl(path: Path, records: list[dict[str, object]]) -> None:
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    path.write_text(text, encoding="utf-8")


def build_departments(src: DeptInput, persons: int) -> Departments:
    """All departmental tables for a county of ``persons`` people (deterministic for ``src.seed``)."""
    rng = np.random.default_rng([src.seed, 17])
    f = Facts(src)
    acc = Accs()
    planner = plant_leads(f, rng, acc, persons)
    fill(f, rng, acc, Sizes.for_persons(persons))
    r = _Renderer(f, rng, planner.used)
    tables, truth = r.all(acc)
    return Departments(
        tables,
        truth,
        [_lead_record(f, x) for x in planner.leads],
        [_lead_record(f, x) for x in planner.negatives],
    )


def _lead_record(f: Facts, lead: Lead) -> dict[str, object]:
    keys = f.src.text.key
    record: dict[str, object] = {
        "model": lead.model,
        "unit": f.src.units.unit_id[lead.unit] if lead.unit >= 0 else None,
        "persons": [keys[p] for p in lead.persons],
        "note": lead.note,
    }
    if lead.why:
        record["why"] = lead.why
    return record


def _texts(values: npt.NDArray[Any] | list[str]) -> pa.Array:
    """Text cells; empty strings become nulls (empty CSV cells)."""
    arr = pa.array(np.asarray(values, dtype=object), type=pa.string(), from_pandas=True)
    return pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)


class _Renderer:
    """Turns index rows into text tables, with noise on every row not marked clean."""

    def __init__(self, f: Facts, rng: np.random.Generator, planted: set[int]) -> None:
        self.f, self.rng = f, rng
        self.planted = np.zeros(f.n, dtype=bool)
        self.planted[list(planted)] = True
        self.keys = np.array(f.src.text.key, dtype=object)
        self.ids = np.array(f.src.text.id_number, dtype=object)
        self.hukou = f.hukou()
        self.units = np.array(f.src.units.unit_id, dtype=object)
        self.truth: dict[str, tuple[list[str | None], list[list[str]]]] = {}
        self._taken: set[str] = set()
        self.home: ObjArray = np.zeros(0, dtype=object)

    def taken_ids(self) -> set[str]:
        """Residents' ID numbers, which an outsider must never carry."""
        if not self._taken:
            self._taken = set(self.ids.tolist())
        return self._taken

    def all(self, acc: Accs) -> tuple[dict[str, pa.Table], dict[str, tuple[list[str | None], list[list[str]]]]]:
        cids = np.array(company_ids(acc), dtype=object)
        tables = {
            "companies": self.companies(acc, cids),
            "company_roles": self.company_roles(acc, cids),
            "payments": self.payments(acc, cids),
            "subsidies": self.subsidies(acc),
            "payroll": self.payroll(acc),
            "vehicles": self.vehicles(acc),
            "real_estate": self.real_estate(acc),
            "deaths": self.deaths(acc),
        }
        return tables, self.truth

    # ------------------------------------------------------------------ tables
    def companies(self, acc: Accs, cids: ObjArray) -> pa.Table:
        c = acc.companies
        return pa.table({
            "company_id": _texts(cids),
            "name": _texts(c.column("name")),
            "status": _texts(c.column("status")),
            "registered_date": date_array(c.column("reg").astype(np.int64)),
            "address": _texts(c.column("address")),
            "source": _texts(["市场监管局"] * len(c)),
        })  # fmt: skip

    def company_roles(self, acc: Accs, cids: ObjArray) -> pa.Table:
        c, order = acc.roles, self.rng.permutation(len(acc.roles))
        people = self.people("company_roles", c, order)
        share = c.column("share").astype(np.float64)[order]
        return pa.table({
            "company": _texts(cids[c.column("company").astype(np.int64)[order]]),
            "person": people.pop("person"),
            "name": people.pop("name"),
            "role": _texts(c.column("role")[order]),
            "share": pa.array(share, mask=np.isnan(share)),
            "start_date": date_array(c.column("start").astype(np.int64)[order]),
            "end_date": date_array(c.column("end").astype(np.int64)[order]),
            "source": _texts(["市场监管局"] * len(order)),
            **people,
        })  # fmt: skip

    def payments(self, acc: Accs, cids: ObjArray) -> pa.Table:
        c, order = acc.payments, self.rng.permutation(len(acc.payments))
        company = c.column("company").astype(np.int64)[order]
        person = c.column("person").astype(np.int64)[order]
        cnames = acc.companies.column("name")
        to_person = person >= 0
        payee = np.where(to_person, self.keys[np.maximum(person, 0)], cids[np.maximum(company, 0)])
        payee_name = np.where(to_person, self.f.person_names[np.maximum(person, 0)], cnames[np.maximum(company, 0)])
        keys: list[str | None] = [str(k) if t else None for k, t in zip(payee, to_person.tolist(), strict=True)]
        kinds = [["id18"] if t else [] for t in to_person.tolist()]
        self.truth["payments"] = (keys, kinds)
        return pa.table({
            "payer_unit": _texts(self.units[c.column("payer").astype(np.int64)[order]]),
            "payee": _texts(payee),
            "payee_name": _texts(payee_name),
            "amount": pa.array(c.column("amount").astype(np.float64)[order]),
            "date": date_array(c.column("date").astype(np.int64)[order]),
            "purpose": _texts(c.column("purpose")[order]),
            "contract_id": _texts(c.column("contract")[order]),
            "source": _texts(["财政局"] * len(order)),
        })  # fmt: skip

    def subsidies(self, acc: Accs) -> pa.Table:
        c, order = acc.subsidies, self.rng.permutation(len(acc.subsidies))
        people = self.people("subsidies", c, order)
        program = c.column("program")[order]
        address, _ = noise.abbreviate_many(self.rng, self.home, 0.3)
        return pa.table({
            "program": _texts(program),
            "recipient": people.pop("recipient"),
            "name": people.pop("name"),
            "amount": pa.array(c.column("amount").astype(np.float64)[order]),
            "period": _months(c.column("month").astype(np.int64)[order]),
            "approving_unit": _texts(self.units[c.column("unit").astype(np.int64)[order]]),
            "address": _texts(address),
            "source": _texts([PROGRAM_SOURCE[str(p)] for p in program]),
            **people,
        })  # fmt: skip

    def payroll(self, acc: Accs) -> pa.Table:
        c, order = acc.payroll, self.rng.permutation(len(acc.payroll))
        unit = c.column("unit").astype(np.int64)[order]
        people = self.people("payroll", c, order, employer=self.f.unit_name[unit])
        return pa.table({
            "unit": _texts(self.units[unit]),
            "person": people.pop("person"),
            "name": people.pop("name"),
            "period": _months(c.column("month").astype(np.int64)[order]),
            "amount": pa.array(c.column("amount").astype(np.float64)[order]),
            "source": _texts(["财政局"] * len(order)),
            **people,
        })  # fmt: skip

    def vehicles(self, acc: Accs) -> pa.Table:
        c, order = acc.vehicles, self.rng.permutation(len(acc.vehicles))
        people = self.people("vehicles", c, order)
        return pa.table({
            "owner": people.pop("owner"),
            "name": people.pop("name"),
            "plate": _texts(_plates(self.rng, len(order))),
            "registered_date": date_array(c.column("reg").astype(np.int64)[order]),
            "source": _texts(["公安局"] * len(order)),
            **people,
        })  # fmt: skip

    def real_estate(self, acc: Accs) -> pa.Table:
        c, order = acc.estate, self.rng.permutation(len(acc.estate))
        people = self.people("real_estate", c, order)
        address, _ = noise.abbreviate_many(self.rng, np.asarray(c.column("address")[order], dtype=object), 0.3)
        return pa.table({
            "owner": people.pop("owner"),
            "name": people.pop("name"),
            "address": _texts(address),
            "area": pa.array(c.column("area").astype(np.float64)[order]),
            "registered_date": date_array(c.column("reg").astype(np.int64)[order]),
            "source": _texts(["不动产登记中心"] * len(order)),
            **people,
        })  # fmt: skip

    def deaths(self, acc: Accs) -> pa.Table:
        c, order = acc.deaths, self.rng.permutation(len(acc.deaths))
        people = self.people("deaths", c, order)
        source = np.where(self.rng.random(len(order)) < 0.6, "公安局", "民政局")
        return pa.table({
            "person": people.pop("person"),
            "name": people.pop("name"),
            "death_date": date_array(c.column("death").astype(np.int64)[order]),
            "source": _texts(source.astype(object)),
            **people,
        })  # fmt: skip

    # ------------------------------------------------------------------ people columns
    def people(self, table: str, c: object, order: IntArray, employer: ObjArray | None = None) -> dict[str, pa.Array]:
        from xuncha.synth.deptfacts import Chunks

        assert isinstance(c, Chunks)
        person = c.column("person").astype(np.int64)[order]
        clean = c.column("clean").astype(bool)[order] | ((person >= 0) & self.planted[np.maximum(person, 0)])
        columns = _PeopleColumns(self, person, clean)
        cols, labels = columns.render(HINTS[table], employer)
        self.home = columns.home
        keys = [
            str(k) if p >= 0 else None for k, p in zip(self.keys[np.maximum(person, 0)], person.tolist(), strict=True)
        ]
        self.truth[table] = (keys, labels)
        return {PERSON_COLUMN[table]: cols.pop("person"), "name": cols.pop("name"), **cols}


class _PeopleColumns:
    """ID, name and hint columns of rows that name a person, with the noise of each row."""

    def __init__(self, r: _Renderer, person: IntArray, clean: BoolArray) -> None:
        self.r, self.f, self.rng = r, r.f, r.rng
        self.person, self.clean = person, clean
        self.n = len(person)
        self.inside = person >= 0
        self.p = np.maximum(person, 0)
        self.home: ObjArray = np.zeros(0, dtype=object)
        self.none: BoolArray = np.zeros(self.n, dtype=bool)

    def render(self, hints: tuple[str, ...], employer: ObjArray | None) -> tuple[dict[str, pa.Array], list[list[str]]]:
        kinds = self._id_kinds()
        birth, male, names, address = self._identity()
        self.home = address
        value = self._id_values(kinds)
        name_kind = noise.name_kinds(self.rng, self.n)
        name_kind[self.clean] = -1
        names, applied = noise.apply_name_noise(self.rng, names, name_kind)
        self.none = kinds == noise.ID_NONE
        cols: dict[str, pa.Array] = {"person": _texts(value), "name": _texts(names)}
        labels = [[noise.ID_KIND_NAMES[k]] for k in kinds.tolist()]
        for i in np.flatnonzero(applied >= 0).tolist():
            labels[i].append(noise.NAME_KINDS[applied[i]])
        if "birth_date" in hints:
            cols["birth_date"] = self._births(birth, labels)
        if "gender" in hints:
            cols["gender"] = _texts(np.where(self._show(0.9, 0.4), np.where(male, "男", "女"), ""))
        if "address" in hints:
            cols["address"] = self._address(address, labels)
        if "employer" in hints:
            work = employer if employer is not None else self._employers()
            cols["employer"] = _texts(np.where(self._show(1.0, 0.3), work, ""))
        return cols, labels

    def _show(self, p_none: float, p_other: float) -> BoolArray:
        """Which rows carry a hint: rows without an ID number usually do."""
        u = self.rng.random(self.n)
        return np.asarray(np.where(self.none, u < p_none, u < p_other), dtype=bool)

    def _births(self, birth: IntArray, labels: list[list[str]]) -> pa.Array:
        month_only = self._show(0.4, 0.2)
        text = noise.birth_texts(birth, month_only, self.rng.random(self.n) < 0.7)
        shown = self._show(1.0, 0.4)
        for i in np.flatnonzero(shown & month_only).tolist():
            labels[i].append("birth_month")
        return _texts(np.where(shown, text, ""))

    def _address(self, address: ObjArray, labels: list[list[str]]) -> pa.Array:
        abbreviated, changed = noise.abbreviate_many(self.rng, address, 0.3)
        shown = self._show(0.85, 0.4)
        for i in np.flatnonzero(shown & changed).tolist():
            labels[i].append("address_abbreviated")
        return _texts(np.where(shown, abbreviated, ""))

    def _id_kinds(self) -> IntArray:
        f, p = self.f, self.p
        kinds = noise.id_kinds(self.rng, self.n)
        has_id = self.r.ids[p] != ""
        born_ok = (f.birth[p] >= day(1900)) & (f.birth[p] < day(2000))
        kinds[(kinds == noise.ID_OLD) & ~(has_id & born_ok)] = noise.ID_OK
        kinds[~has_id] = noise.ID_NONE  # a department never knows the office's local person_id
        kinds[self.clean] = noise.ID_OK
        kinds[~self.inside] = noise.ID_OUTSIDER
        return kinds

    def _identity(self) -> tuple[IntArray, BoolArray, ObjArray, ObjArray]:
        f, p, out = self.f, self.p, ~self.inside
        birth, male = f.birth[p].copy(), f.male[p].copy()
        names = np.asarray(f.person_names[p], dtype=object).copy()
        address = np.asarray(self.r.hukou[p], dtype=object).copy()
        k = int(out.sum())
        if k:
            self.fake = _Outsiders(self.rng, k, self.r.taken_ids())
            birth[out], male[out], names[out], address[out] = (
                self.fake.birth,
                self.fake.male,
                self.fake.names,
                self.fake.address,
            )
        return birth, male, names, address

    def _id_values(self, kinds: IntArray) -> ObjArray:
        value = np.asarray(self.r.keys[self.p], dtype=object).copy()
        ids = self.r.ids[self.p]
        value[kinds == noise.ID_NONE] = ""
        old = np.flatnonzero(kinds == noise.ID_OLD)
        value[old] = np.array(noise.old_numbers([str(x) for x in ids[old]]) or [], dtype=object)
        typo = np.flatnonzero(kinds == noise.ID_TYPO)
        value[typo] = np.array(noise.mistype(self.rng, [str(x) for x in ids[typo]]) or [], dtype=object)
        out = np.flatnonzero(kinds == noise.ID_OUTSIDER)
        if len(out):
            value[out] = np.where(self.rng.random(len(out)) < 0.8, self.fake.ids, "")
        return value

    def _employers(self) -> ObjArray:
        unit = self.f.unit_of[self.p]
        names = np.where(unit >= 0, self.f.unit_name[np.maximum(unit, 0)], "")
        return np.asarray(np.where(self.inside, names, ""), dtype=object)


class _Outsiders:
    """People who are in no table of the county: own IDs (never a resident's), names and homes."""

    def __init__(self, rng: np.random.Generator, n: int, taken: set[str]) -> None:
        self.male = rng.random(n) < 0.5
        self.birth = rng.integers(day(1940), day(2003), n)
        region = np.array([int(p.code) for p in ALL_PLACES], dtype=np.int64)[rng.integers(0, len(ALL_PLACES), n)]
        seq = rng.integers(0, 500, n) * 2 + self.male.astype(np.int64)
        ids = id_numbers(region, self.birth.astype("datetime64[D]"), seq)
        self.ids = np.array([x if x not in taken else "" for x in ids], dtype=object)
        parts, surnames = namesmod.given_parts(), namesmod.surnames()
        g1, g2 = namesmod.draw_given(rng, self.male)
        s = namesmod.draw_surnames(rng, n)
        self.names = np.array(
            [surnames[a] + parts[b] + parts[c] for a, b, c in zip(s, g1, g2, strict=True)], dtype=object
        )
        self.address = _fake_addresses(rng, n)


def _fake_addresses(rng: np.random.Generator, n: int) -> ObjArray:
    place = rng.integers(0, len(ALL_PLACES), n)
    word = rng.integers(0, len(VILLAGE_WORDS), n)
    group, house = rng.integers(1, 12, n), rng.integers(1, 200, n)
    return np.array(
        [
            f"{ALL_PLACES[p].prefix}{ALL_PLACES[p].towns[h % len(ALL_PLACES[p].towns)]}{VILLAGE_WORDS[w]}村{g}组{h}号"
            for p, w, g, h in zip(place.tolist(), word.tolist(), group.tolist(), house.tolist(), strict=True)
        ],
        dtype=object,
    )


def _months(month: IntArray) -> pa.Array:
    return pa.array(np.datetime_as_string(month.astype("datetime64[M]"), unit="M").tolist(), type=pa.string())


def _plates(rng: np.random.Generator, n: int) -> ObjArray:
    alphabet = np.frombuffer(b"0123456789ABCDEFGHJKLMNPQRSTUVWXYZ", dtype=np.uint8)
    chars = alphabet[rng.integers(0, len(alphabet), (n, 5))]
    return np.array(["川R·" + b.decode("ascii") for b in chars.view("S5").ravel()], dtype=object)


__all__ = ["DEPARTMENT_TABLES", "PERSON_COLUMN", "Departments", "DeptInput", "build_departments"]
