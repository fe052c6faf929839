"""Column-wise row collections: references stay integer indices until the bundle is written."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt

Kind = Literal["person", "unit", "date", "text"]
Value = npt.NDArray[np.generic] | Sequence[object] | int | str | None

NA = -(2**40)
_MISSING: dict[Kind, object] = {"person": -1, "unit": -1, "date": NA, "text": ""}


class Rows:
    """The rows of one output table, collected in chunks of columns."""

    def __init__(self, **kinds: Kind) -> None:
        self.kinds: dict[str, Kind] = dict(kinds)
        self.parts: dict[str, list[npt.NDArray[np.generic]]] = {c: [] for c in kinds}

    def add(self, **values: Value) -> None:
        """Append rows; scalars are repeated, missing columns left empty."""
        unknown = set(values) - set(self.kinds)
        if unknown:
            raise KeyError(f"unknown columns {sorted(unknown)}")
        n = _length(values)
        for col, kind in self.kinds.items():
            self.parts[col].append(_column(values.get(col), kind, n))

    def column(self, col: str) -> npt.NDArray[np.generic]:
        parts = self.parts[col]
        if not parts:
            dtype = object if self.kinds[col] == "text" else np.int64
            return np.zeros(0, dtype=dtype)
        if len(parts) > 1:
            self.parts[col] = [np.concatenate(parts)]
        return self.parts[col][0]

    def ints(self, col: str) -> npt.NDArray[np.int64]:
        """An integer column (person, unit, date); the stored array itself, so edits stick."""
        return np.asarray(self.column(col), dtype=np.int64)

    def __len__(self) -> int:
        first = next(iter(self.kinds))
        return sum(len(p) for p in self.parts[first])

    def keep(self, mask: npt.NDArray[np.bool_]) -> None:
        """Drop the rows where ``mask`` is false."""
        for col in self.kinds:
            self.parts[col] = [self.column(col)[mask]]


def _length(values: dict[str, Value]) -> int:
    for v in values.values():
        if isinstance(v, np.ndarray | list | tuple):
            return len(v)
    return 1


def _column(value: Value, kind: Kind, n: int) -> npt.NDArray[np.generic]:
    if value is None:
        value = _MISSING[kind]  # type: ignore[assignment]
    if kind == "text":
        if isinstance(value, str):
            return np.full(n, value, dtype=object)
        return np.asarray(value, dtype=object).reshape(n)
    if isinstance(value, int | np.integer):
        return np.full(n, int(value), dtype=np.int64)
    return np.asarray(value, dtype=np.int64).reshape(n)
