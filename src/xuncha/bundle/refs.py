"""Resolving references to persons and units to their keys.

A person may be named by the 18-digit ID number, a 15-digit one (upgraded) or the
``person_id`` of ``persons``. Exact matches are found with one Arrow ``index_in``; the few
values left over are tried again, once per distinct value, after ``parse_id``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from xuncha.identity.idcard import parse_id


@dataclass
class KeyIndex:
    """Accepted spellings of keys (``forms``) and the key each one stands for."""

    forms: pa.Array
    keys: pa.Array

    @classmethod
    def empty(cls) -> KeyIndex:
        return cls(pa.array([], pa.string()), pa.array([], pa.string()))

    @classmethod
    def of(cls, pairs: list[tuple[pa.Array, pa.Array]]) -> KeyIndex:
        forms = pa.concat_arrays([f.cast(pa.string()) for f, _ in pairs])
        keys = pa.concat_arrays([k.cast(pa.string()) for _, k in pairs])
        present = pc.is_valid(forms)
        return cls(forms.filter(present), keys.filter(present))

    def lookup(self, array: pa.Array) -> pa.Array:
        """The key per row, null where the value is no known spelling."""
        found = self._exact(array)
        missing = _odd_values(array, found)
        if len(missing) == 0:
            return found
        retried = self._retry(missing)
        second = retried.take(pc.index_in(array, value_set=missing))
        return pc.coalesce(found, second)

    def _exact(self, array: pa.Array) -> pa.Array:
        """Exact matches. Hashing the index costs most, so when the column has far fewer
        distinct values than the index has forms, the column's values are hashed instead
        and the index is narrowed to the forms that occur."""
        values = pc.unique(array.drop_null())
        if len(values) * 4 < len(self.forms):
            wanted = pc.is_in(self.forms, value_set=values)
            forms, keys = self.forms.filter(wanted), self.keys.filter(wanted)
        else:
            forms, keys = self.forms, self.keys
        return keys.take(pc.index_in(array, value_set=forms))

    def _retry(self, values: pa.Array) -> pa.Array:
        """Per value, the key of its first alternative spelling that is known."""
        owners: list[int] = []
        forms: list[str] = []
        for i, value in enumerate(values.to_pylist()):
            for form in alternatives(value):
                owners.append(i)
                forms.append(form)
        keys = self.keys.take(pc.index_in(pa.array(forms, pa.string()), value_set=self.forms))
        result: list[str | None] = [None] * len(values)
        for owner, key in zip(owners, keys.to_pylist(), strict=True):
            if result[owner] is None:
                result[owner] = key
        return pa.array(result, pa.string())


def _odd_values(array: pa.Array, found: pa.Array) -> pa.Array:
    """Distinct unresolved values that are not already canonical 18-digit numbers."""
    missing = pc.and_(pc.is_null(found), pc.is_valid(array))
    canonical = pc.fill_null(pc.match_substring_regex(array, r"^\d{17}[\dX]$"), False)
    return pc.unique(array.filter(pc.and_(missing, pc.invert(canonical))))


def alternatives(value: str) -> list[str]:
    text = "".join(unicodedata.normalize("NFKC", value).split())
    forms = [text, text.upper()]
    parsed = parse_id(value)
    if parsed.number:
        forms.append(parsed.number)
    return [f for f in forms if f != value]


def canonical_reference(value: str) -> str:
    """What an unresolved person reference is kept as: the canonical ID number when the
    value is a usable one, else the text as given."""
    parsed = parse_id(value)
    return parsed.number if parsed.usable and parsed.number else value


def keep_unresolved(array: pa.Array, resolved: pa.Array) -> pa.Array:
    """Departmental datasets: the key where resolved, else the normalised ID or raw text."""
    uniques = _odd_values(array, resolved)
    if len(uniques) == 0:
        return pc.coalesce(resolved, array)
    kept = pa.array([canonical_reference(v) for v in uniques.to_pylist()], pa.string())
    return pc.coalesce(resolved, kept.take(pc.index_in(array, value_set=uniques)), array)
