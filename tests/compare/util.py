"""Small hand-made bundles for comparison tests, typed as the loader types them."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa

from xuncha.bundle.model import Bundle, TableData

TYPES: dict[str, pa.DataType] = {
    "birth_date": pa.date32(),
    "death_date": pa.date32(),
    "start_date": pa.date32(),
    "end_date": pa.date32(),
    "registered_date": pa.date32(),
    "date": pa.date32(),
    "amount": pa.float64(),
    "share": pa.float64(),
    "area": pa.float64(),
}


def table(name: str, rows: list[dict[str, Any]]) -> TableData:
    columns = sorted({k for r in rows for k in r})
    schema = pa.schema([(c, TYPES.get(c, pa.string())) for c in columns] + [("_source", pa.string())])
    data = [{**r, "_source": f"{name}.csv:{i + 2}"} for i, r in enumerate(rows)]
    t = pa.Table.from_pylist(data, schema=schema)
    return TableData(name=name, file=f"{name}.csv", table=t, read=len(rows), used=len(rows), rejected=0)


def bundle(**tables: list[dict[str, Any]]) -> Bundle:
    return Bundle(root=Path("memory"), tables={n: table(n, rows) for n, rows in tables.items()}, problems=[])


def person(key: str, name: str, gender: str, year: int = 1970, **extra: Any) -> dict[str, Any]:
    return {"person_key": key, "name": name, "gender": gender, "birth_date": date(year, 1, 1), **extra}


# A village: 村委 V1 (head 王父), its accountant; the township T1 (党政机关 style 乡镇(街道)).
UNITS = [
    {"unit_id": "V1", "name": "东村村委会", "type": "村(社区)"},
    {"unit_id": "T1", "name": "东镇人民政府", "type": "乡镇(街道)"},
    {"unit_id": "B1", "name": "县财政局", "type": "党政机关"},
    {"unit_id": "E1", "name": "县城投公司", "type": "国有企业"},
]
