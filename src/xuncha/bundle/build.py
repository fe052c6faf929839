"""Turning one raw table into a typed, checked table: the steps every table goes through.

A ``Builder`` holds the typed columns and a reject mask; each step reports its problems
against the row numbers the user sees and marks rows to reject. Bulk work is vectorised;
Python only touches the distinct values and the bad rows.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from xuncha.bundle.convert import Converted, Reason, clean, convert_column
from xuncha.bundle.model import TableData
from xuncha.bundle.problems import Level
from xuncha.bundle.raw import RawTable
from xuncha.bundle.refs import KeyIndex, keep_unresolved
from xuncha.bundle.schema import Column, Schema

EMPTY: Reason = ("必填项为空", "required value is empty")


def _non_empty(raw: RawTable) -> pa.Array | None:
    """Rows with at least one non-empty cell (blank rows are not rows)."""
    mask: pa.Array | None = None
    for array in raw.columns.values():
        present = pc.fill_null(pc.not_equal(pc.utf8_trim_whitespace(array), ""), False)
        mask = present if mask is None else pc.or_(mask, present)
    return mask


class Builder:
    def __init__(self, raw: RawTable, schema: Schema) -> None:
        keep = _non_empty(raw)
        if keep is not None and not pc.all(keep).as_py():
            raw.columns = {k: v.filter(keep) for k, v in raw.columns.items()}
            raw.rows = raw.rows.filter(keep)
        self.raw = raw
        self.schema = schema
        self.text = {name: clean(array) for name, array in raw.columns.items()}
        self.columns: dict[str, pa.Array] = {}
        self.reject = np.zeros(raw.length, dtype=bool)
        self.rows = raw.rows.to_numpy()

    # -- reporting --------------------------------------------------------------------------

    def report(
        self,
        mask: np.ndarray,
        column: str | None,
        reason: Reason | Callable[[int, str | None], Reason],
        level: Level,
        values: pa.Array | None = None,
    ) -> None:
        """One problem per row in ``mask`` (``reason`` fixed, or computed from the row index
        and the value); errors also reject the row."""
        indices = np.flatnonzero(mask)
        if len(indices) == 0:
            return
        shown = None if values is None else values.take(pa.array(indices)).to_pylist()
        for n, i in enumerate(indices.tolist()):
            value = None if shown is None or shown[n] is None else str(shown[n])
            why = reason(i, value) if callable(reason) else reason
            self.raw.problem(why, row=int(self.rows[i]), column=column, value=value, level=level)
        if level == "error":
            self.reject[indices] = True

    def report_bad(self, name: str, converted: Converted, level: Level) -> None:
        source = self.text[name]
        mask = converted.bad_mask(source).to_numpy(zero_copy_only=False)
        bad = converted.bad
        self.report(mask, name, lambda _i, value: bad[value or ""], level, source)

    # -- steps ------------------------------------------------------------------------------

    def convert(self, column: Column) -> None:
        """Type the column; a bad value rejects the row when the column is required, else
        it is reported as a warning and left empty."""
        if column.name not in self.text:
            return
        converted = convert_column(self.text[column.name], column, self.schema)
        if converted.bad:
            self.report_bad(column.name, converted, "error" if column.required else "warning")
        self.columns[column.name] = converted.values

    def default(self, column: Column) -> None:
        if column.default is None:
            return
        value = convert_column(pa.array([column.default], pa.string()), column, self.schema)
        filler = value.values[0]
        current = self.columns.get(column.name)
        if current is None:
            self.columns[column.name] = pa.array([filler.as_py()] * self.raw.length, filler.type)
        else:
            self.columns[column.name] = pc.fill_null(current, filler)

    def require(self, column: Column) -> None:
        if not column.required or column.name not in self.columns:
            return
        missing = pc.is_null(self.columns[column.name]).to_numpy(zero_copy_only=False)
        missing &= pc.is_null(self.text[column.name]).to_numpy(zero_copy_only=False)
        self.report(missing, column.name, EMPTY, "error")

    def resolve(self, column: Column, index: KeyIndex, *, departmental: bool, what: Reason) -> None:
        """Resolve a reference column to keys. Core tables: an unknown reference rejects the
        row when the column is required, else is a warning and left empty. Departmental
        datasets keep the row and the value, and say in ``<col>_resolved`` whether it
        resolved."""
        if column.name not in self.text:
            return
        source = self.text[column.name]
        resolved = index.lookup(source)
        unknown = pc.and_(pc.is_null(resolved), pc.is_valid(source)).to_numpy(zero_copy_only=False)
        if departmental:
            self.columns[column.name] = keep_unresolved(source, resolved)
            self.columns[f"{column.name}_resolved"] = pc.is_valid(resolved)
            return
        self.report(unknown, column.name, what, "error" if column.required else "warning", source)
        self.columns[column.name] = resolved

    def unique(
        self,
        name: str,
        values: pa.Array | None = None,
        label: Reason = ("键值", "the key"),
        column: str | None = None,
    ) -> None:
        """Later rows repeating a key are rejected, naming the first row."""
        keys = self.columns.get(name) if values is None else values
        if keys is None:
            return
        keys = pc.if_else(pa.array(self.reject), pa.scalar(None, keys.type), keys)
        first = pc.fill_null(pc.index_in(keys, value_set=keys, skip_nulls=True), -1)
        first_np = first.to_numpy(zero_copy_only=False)
        dup = (first_np >= 0) & (first_np != np.arange(len(first_np)))
        rows = self.rows

        def reason(i: int, _value: str | None) -> Reason:
            row = int(rows[first_np[i]])
            return (f"{label[0]}与第{row}行重复", f"{label[1]} duplicates row {row}")

        self.report(dup, column or name, reason, "error", keys)

    def add(self, name: str, values: pa.Array) -> None:
        self.columns[name] = values

    # -- result -----------------------------------------------------------------------------

    def finish(self, order: list[str]) -> TableData:
        raw = self.raw
        sources = pc.binary_join_element_wise(
            pa.array([raw.file] * raw.length, pa.string()), pc.cast(raw.rows, pa.string()), ":"
        )
        names = [n for n in order if n in self.columns]
        arrays = [self.columns[n] for n in names] + [sources, raw.rows]
        table = pa.Table.from_arrays(arrays, names=[*names, "_source", "_row"])
        keep = pa.array(~self.reject)
        rejected = int(self.reject.sum()) + raw.rejected_at_read
        used = raw.length - int(self.reject.sum())
        return TableData(raw.table.name, raw.file, table.filter(keep), used + rejected, used, rejected)
