"""Give a loaded table every declared column, so that SQL can name optional ones."""

from __future__ import annotations

import pyarrow as pa

from xuncha.bundle.schema import load_schema

_ARROW: dict[str, pa.DataType] = {
    "date": pa.date32(),
    "number": pa.float64(),
    "bool": pa.bool_(),
    "list": pa.list_(pa.string()),
}
_EXTRA: dict[str, list[tuple[str, pa.DataType]]] = {
    "persons": [("person_key", pa.string()), ("id_status", pa.string())],
}


def complete(name: str, table: pa.Table) -> pa.Table:
    """``table`` with every declared column of table ``name`` (missing ones all null)."""
    declared = load_schema().table(name)
    wanted = [(c.name, _ARROW.get(c.type, pa.string())) for c in declared.columns]
    wanted += [*_EXTRA.get(name, []), ("_source", pa.string())]
    for column, typ in wanted:
        if column not in table.column_names:
            table = table.append_column(column, pa.nulls(table.num_rows, typ))
    return table
