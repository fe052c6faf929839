"""``write_bundle``: a whole synthetic county bundle, deterministic for a seed."""

from __future__ import annotations

import json
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from xuncha.synth import forms as formsmod
from xuncha.synth.departments import DEPARTMENT_TABLES, DeptInput, build_departments
from xuncha.synth.inspection import (
    MAIN_ROUND,
    Inspection,
    add_rounds,
    background_declarations,
    choose_inspectors,
    inspector_count,
    pick_targets,
    target_count,
)
from xuncha.synth.kin import build_kinship, current_spouse
from xuncha.synth.people import Population, add_singles, build_population
from xuncha.synth.planter import Plant, Planter, education_rows, form_rows, kinship_rows
from xuncha.synth.plants import FRESH_NEGATIVE, FRESH_PER_REPEAT, plant_all
from xuncha.synth.positions import build_positions
from xuncha.synth.rows import Rows
from xuncha.synth.schooling import add_schooling
from xuncha.synth.units import Units, build_units
from xuncha.synth.write import PersonText, persons_table, rows_table, units_table, write_table

MIN_PERSONS = 200
TABLES = (
    "persons", "kinship", "family_members", "units", "positions", "education", "inspectors",
    "declarations", "objections", "rounds", "round_targets", "history",
)  # fmt: skip


@dataclass
class SynthReport:
    out: Path
    counts: dict[str, int]
    planted: dict[str, int]
    negatives: int
    round_id: str
    seconds: float
    files: list[Path] = field(default_factory=list)

    def describe(self) -> str:
        lines = [f"模拟数据包 / synthetic bundle: {self.out}  (轮次 round {self.round_id})"]
        for name in TABLES + DEPARTMENT_TABLES:
            lines.append(f"  {name:<15} {self.counts.get(name, 0):>10,} 行 rows")
        planted = ", ".join(f"{k} {v}" for k, v in sorted(self.planted.items()))
        lines.append(f"埋设冲突 planted conflicts ({sum(self.planted.values())}): {planted}")
        lines.append(f"埋设非冲突 planted non-conflicts: {self.negatives}")
        lines.append(f"用时 elapsed: {self.seconds:.1f} 秒 s")
        return "\n".join(lines)


def _repeats(persons: int) -> int:
    return 2 if target_count(persons) >= 25 else 1


def write_bundle(out: Path, *, persons: int, seed: int, fmt: str = "csv") -> SynthReport:
    """Write a synthetic county bundle of exactly ``persons`` people into ``out``."""
    t0 = time.perf_counter()
    if persons < MIN_PERSONS:
        raise ValueError(f"人数至少为{MIN_PERSONS} / persons must be at least {MIN_PERSONS}")
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"格式须为 csv 或 parquet / format must be csv or parquet, not {fmt!r}")
    world = _build(persons, seed)
    out.mkdir(parents=True, exist_ok=True)
    counts, files = _write(world, out, fmt)
    (out / "ROUND").write_text(MAIN_ROUND + "\n", encoding="utf-8")
    _write_plants(out / "planted.jsonl", world.planter.plants, world)
    _write_plants(out / "planted_negative.jsonl", world.planter.negatives, world)
    planted = Counter(p.category for p in world.planter.plants if p.round == MAIN_ROUND)
    return SynthReport(
        out,
        counts,
        dict(planted),
        len(world.planter.negatives),
        MAIN_ROUND,
        time.perf_counter() - t0,
        files,
    )


@dataclass
class _World:
    pop: Population
    units: Units
    positions: Rows
    ins: Inspection
    planter: Planter
    kinship: Rows
    forms: Rows
    education: Rows
    text: PersonText
    rng: np.random.Generator
    seed: int = 0


def _build(persons: int, seed: int) -> _World:
    rng = np.random.default_rng([seed, 3])
    repeats = _repeats(persons)
    reserve = FRESH_PER_REPEAT * repeats + FRESH_NEGATIVE
    pop = build_population(seed, persons - reserve)
    people = pop.people
    units = build_units(rng, persons)
    positions, staffing = build_positions(rng, people, units)
    ins = Inspection()
    ins.main_targets, ins.cross_targets = pick_targets(rng, units, persons)
    kinship, forms, education = kinship_rows(), form_rows(), education_rows()
    planter = Planter(rng, people, units, positions, ins, kinship, forms, education)
    plant_all(planter, repeats)
    fresh_inspectors = len(ins.inspectors)
    base_count = max(10, inspector_count(persons) - fresh_inspectors)
    choose_inspectors(rng, people, units, staffing, positions, base_count, ins)
    add_rounds(rng, units, ins)
    fresh = range(people.size, people.size + len(planter.fresh["male"]))
    planter.commit()
    if people.size > persons:
        raise RuntimeError("埋设人员超出预留 / planted people exceed the reserve")
    add_singles(rng, people, persons - people.size)
    background_declarations(rng, current_spouse(pop), people, ins)
    cadres = np.unique(
        np.concatenate(
            [
                formsmod.key_persons_today(positions),
                np.asarray(ins.inspectors.column("person"), dtype=np.int64),
            ]
        )
    )
    form_only = formsmod.build_forms(rng, pop, cadres, forms)
    formsmod.mark_ids(rng, forms)
    build_kinship(rng, pop, kinship)
    _drop_people(kinship, form_only)
    add_schooling(rng, people, positions, education, fresh)
    text = PersonText(rng, people)
    return _World(pop, units, positions, ins, planter, kinship, forms, education, text, rng, seed)


def _drop_people(kinship: Rows, gone: npt.NDArray[np.int64]) -> None:
    keep = ~(np.isin(kinship.column("person"), gone) | np.isin(kinship.column("relative"), gone))
    kinship.keep(keep)


def _write(world: _World, out: Path, fmt: str) -> tuple[dict[str, int], list[Path]]:
    w = world
    tables: dict[str, pa.Table] = {
        "persons": persons_table(w.pop.people, w.text),
        "kinship": rows_table(w.kinship, w.text, w.units),
        "family_members": _family_table(w),
        "units": units_table(w.units),
        "positions": rows_table(w.positions, w.text, w.units),
        "education": rows_table(w.education, w.text, w.units, {"klass": "class"}),
        "inspectors": rows_table(w.ins.inspectors, w.text, w.units),
        "declarations": _declarations_table(w),
        "objections": rows_table(w.ins.objections, w.text, w.units),
        "rounds": rows_table(w.ins.rounds, w.text, w.units),
        "round_targets": rows_table(w.ins.targets, w.text, w.units),
        "history": rows_table(w.ins.history, w.text, w.units),
        "petitions": _petitions_table(w),
    }
    depts = build_departments(
        DeptInput(w.pop, w.units, w.positions, w.kinship, w.text, tables["persons"], w.seed), w.pop.people.size
    )
    tables.update(depts.tables)
    files = [write_table(t, out, name, fmt) for name, t in tables.items()]
    files += depts.write_truth(out, fmt)
    return {name: t.num_rows for name, t in tables.items()}, files


PETITION_SUMMARIES = (
    "反映低保评定不公，优亲厚友",
    "反映工程项目招投标不规范",
    "反映村干部侵占集体资金",
    "反映惠农补贴发放不到位",
    "反映单位负责人违规经商办企业",
    "反映公车私用、违规吃喝",
)


def _petitions_table(w: _World) -> pa.Table:
    """信访: a few units draw most petitions (drives term-plan priority and revisits)."""
    n_units = len(w.units.unit_id)
    hot = w.rng.choice(n_units, size=max(1, n_units // 8), replace=False)
    counts = w.rng.geometric(0.35, size=len(hot))
    units = np.repeat(hot, counts)
    days = w.rng.integers(0, 730, size=len(units))
    start = np.datetime64("2024-09-01")
    return pa.table(
        {
            "unit": pa.array([w.units.unit_id[i] for i in units], pa.string()),
            "date": pa.array((start + days.astype("timedelta64[D]")).astype("datetime64[D]"), pa.date32()),
            "summary": pa.array(
                [PETITION_SUMMARIES[i] for i in w.rng.integers(0, len(PETITION_SUMMARIES), size=len(units))],
                pa.string(),
            ),
        }
    )


def _declarations_table(w: _World) -> pa.Table:
    t = rows_table(w.ins.declarations, w.text, w.units)
    merged = pc.coalesce(t.column("counterpart"), t.column("counterpart_unit"))
    t = t.set_column(t.schema.get_field_index("counterpart"), "counterpart", merged)
    return t.drop_columns(["counterpart_unit"])


def _family_table(w: _World) -> pa.Table:
    people, f = w.pop.people, w.forms
    member = np.asarray(f.column("member"), dtype=np.int64)
    post_unit, post_title = formsmod.current_posts(people, w.positions)
    employer = formsmod.employer_texts(w.rng, people, w.units, member, post_unit, post_title)
    birth = people["birth"][member].astype("datetime64[D]")
    months = np.datetime_as_string(birth.astype("datetime64[M]"), unit="M")
    with_id = np.asarray(f.column("with_id")) == "1"
    ids = [w.text.id_number[m] if ok else "" for m, ok in zip(member.tolist(), with_id.tolist(), strict=True)]
    return pa.table(
        {
            "cadre": w.text.keys(f.column("cadre")),
            "relation": pa.array([str(x) for x in f.column("relation")], type=pa.string()),
            "name": w.text.name.take(pa.array(member)),
            "birth_month": pa.array([m.replace("-", ".") for m in months.tolist()], type=pa.string()),
            "political_status": pa.array(formsmod.political_statuses(w.rng, people, member)),
            "employer_title": pa.array(employer, type=pa.string()),
            "id_number": pa.array(ids, type=pa.string()),
        }
    )


def _write_plants(path: Path, plants: list[Plant], w: _World) -> None:
    lines = []
    for p in plants:
        record: dict[str, str] = {
            "round": p.round,
            "inspector": w.text.key[p.inspector],
            "target": w.units.unit_id[p.target],
            "counterpart": w.units.unit_id[p.counterpart] if p.on_unit else w.text.key[p.counterpart],
            "category": p.category,
            "note": p.note,
        }
        if p.why:
            record["why"] = p.why
        lines.append(json.dumps(record, ensure_ascii=False))
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
