"""Build in-memory bundles for screening tests, typed as the loader types them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa

from xuncha.bundle.model import Bundle, TableData

TYPES: dict[str, pa.DataType] = {
    "birth_date": pa.date32(),
    "death_date": pa.date32(),
    "start_date": pa.date32(),
    "end_date": pa.date32(),
    "date": pa.date32(),
    "registered_date": pa.date32(),
    "amount": pa.float64(),
    "share": pa.float64(),
    "area": pa.float64(),
    "roles": pa.list_(pa.string()),
    "skills": pa.list_(pa.string()),
    "available": pa.bool_(),
    "core_size": pa.float64(),
    "members_min": pa.float64(),
    "members_max": pa.float64(),
}


def table(name: str, rows: list[dict[str, Any]]) -> TableData:
    columns = sorted({k for r in rows for k in r})
    schema = pa.schema([(c, TYPES.get(c, pa.string())) for c in columns] + [("_source", pa.string())])
    data = [{**r, "_source": f"{name}.csv:{i + 2}"} for i, r in enumerate(rows)]
    t = pa.Table.from_pylist(data, schema=schema)
    return TableData(name=name, file=f"{name}.csv", table=t, read=len(rows), used=len(rows), rejected=0)


def bundle(**tables: list[dict[str, Any]]) -> Bundle:
    return Bundle(root=Path("memory"), tables={n: table(n, rows) for n, rows in tables.items()}, problems=[])
