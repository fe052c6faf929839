"""Render index-based rows into Arrow tables and write them as CSV or Parquet."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from xuncha.synth import names
from xuncha.synth.codes import id_numbers, unique_sequences
from xuncha.synth.people import NA, People, day
from xuncha.synth.places import ALL_PLACES, VILLAGE_WORDS, town_table
from xuncha.synth.rows import Rows
from xuncha.synth.units import Units

IntArray = npt.NDArray[np.int64]


def date_array(days: npt.NDArray[np.generic]) -> pa.Array:
    values = np.asarray(days, dtype=np.int64)
    missing = values == NA
    return pa.array(np.where(missing, 0, values).astype(np.int32), type=pa.date32(), mask=missing)


def _join(*parts: pa.Array) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _take(values: list[str], idx: IntArray) -> pa.Array:
    return pa.array(values, type=pa.string()).take(pa.array(idx))


def _num(values: IntArray) -> pa.Array:
    return pc.cast(pa.array(values), pa.string())


class PersonText:
    """Keys, names and places of every person, rendered once."""

    def __init__(self, rng: np.random.Generator, people: People) -> None:
        c = people.cols
        n = people.size
        self.person_id = [f"P{i + 1:07d}" for i in range(n)]
        region = np.array([int(p.code) for p in ALL_PLACES], dtype=np.int64)[c["born_place"]]
        male = c["male"] == 1
        seq = unique_sequences(rng, region, c["birth"], male)
        numbers = id_numbers(region, c["birth"].astype("datetime64[D]"), seq)
        old = (c["birth"] < day(1936)) & (c["death"] != NA)
        self.has_id = ~(old & (rng.random(n) < 0.3))
        self.id_number = [x if ok else "" for x, ok in zip(numbers, self.has_id.tolist(), strict=True)]
        self.key = [x if ok else p for x, p, ok in zip(numbers, self.person_id, self.has_id.tolist(), strict=True)]
        parts = names.given_parts()
        self.name = _join(
            _take(names.surnames(), c["surname"]),
            _take(parts, c["given1"]),
            _take(parts, c["given2"]),
        )
        self.key_array = pa.array(self.key, type=pa.string())

    def keys(self, idx: npt.NDArray[np.generic]) -> pa.Array:
        values = np.asarray(idx, dtype=np.int64)
        missing = values < 0
        taken = self.key_array.take(pa.array(np.where(missing, 0, values)))
        return pc.if_else(pa.array(missing), pa.scalar(None, pa.string()), taken)


def persons_table(people: People, text: PersonText) -> pa.Table:
    c = people.cols
    owners, towns = town_table()
    prefix = [p.prefix for p in ALL_PLACES]
    kind = ["社区" if t.endswith("街道") else "村" for t in towns]
    hukou = _join(
        _take(prefix, c["county"]),
        _take(towns, c["town"]),
        _take(list(VILLAGE_WORDS), c["village"]),
        _take(kind, c["town"]),
        _num(c["group"]),
        pa.array(["组"] * people.size),
        _num(c["house"]),
        pa.array(["号"] * people.size),
    )
    del owners
    gender = np.where(c["male"] == 1, "男", "女")
    return pa.table(
        {
            "person_id": pa.array(text.person_id),
            "id_number": pa.array(text.id_number),
            "name": text.name,
            "gender": pa.array(gender.tolist(), type=pa.string()),
            "birth_date": date_array(c["birth"]),
            "native_place": _take(prefix, c["native"]),
            "birthplace": _join(_take(prefix, c["born_place"]), _take(towns, c["born_town"])),
            "hukou_address": hukou,
            "death_date": date_array(c["death"]),
        }
    )


def rows_table(rows: Rows, text: PersonText, units: Units, rename: dict[str, str] | None = None) -> pa.Table:
    unit_ids = pa.array(units.unit_id, type=pa.string())
    cols: dict[str, pa.Array] = {}
    for col, kind in rows.kinds.items():
        values = rows.column(col)
        if kind == "person":
            cols[col] = text.keys(values)
        elif kind == "unit":
            v = np.asarray(values, dtype=np.int64)
            taken = unit_ids.take(pa.array(np.where(v < 0, 0, v)))
            cols[col] = pc.if_else(pa.array(v < 0), pa.scalar(None, pa.string()), taken)
        elif kind == "date":
            cols[col] = date_array(values)
        else:
            cols[col] = pa.array([str(x) for x in values], type=pa.string())
    names_out = [(rename or {}).get(c, c) for c in cols]
    return pa.table(list(cols.values()), names=names_out)


def units_table(units: Units) -> pa.Table:
    parent = [units.unit_id[p] if p >= 0 else None for p in units.parent]
    return pa.table(
        {
            "unit_id": pa.array(units.unit_id, type=pa.string()),
            "name": pa.array(units.name, type=pa.string()),
            "type": pa.array(units.type, type=pa.string()),
            "region": pa.array([units.region(i) for i in range(len(units))], type=pa.string()),
            "parent_unit": pa.array(parent, type=pa.string()),
            "system": pa.array(units.system, type=pa.string()),
        }
    )


def write_table(table: pa.Table, out: Path, name: str, fmt: str) -> Path:
    if fmt == "parquet":
        import pyarrow.parquet as pq

        path = out / f"{name}.parquet"
        pq.write_table(table, path, compression="zstd")
        return path
    import pyarrow.csv as pcsv

    path = out / f"{name}.csv"
    options = pcsv.WriteOptions(include_header=True, quoting_style="needed")
    pcsv.write_csv(table, path, write_options=options)
    return path
