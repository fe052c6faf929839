"""The comparison point for ``bench/link.py``: the rows a default Splink configuration would
link, with no Chinese-specific work — raw names (no normalisation, no pinyin), byte-level
edit distance, raw date and address strings — scored and thresholded like :func:`link`."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from xuncha.bundle.model import Bundle
from xuncha.link.comparisons import DEFAULT, DEFAULT_BLOCKING
from xuncha.link.decisions import Decisions
from xuncha.link.model import LINK_SCHEMA
from xuncha.link.probabilistic import PRIOR_SHARE, Model, score
from xuncha.link.rows import person_rows
from xuncha.link.run import LINK_AT, _posteriors


def _text(t: pa.Table, name: str) -> pa.Array:
    if name not in t.column_names:
        return pa.nulls(t.num_rows, pa.string())
    return pc.cast(t[name].combine_chunks(), pa.string())


def link_default(bundle: Bundle) -> pa.Table:
    """Links of the rows the loader did not resolve, by the default configuration."""
    rows = person_rows(bundle)
    open_rows = rows.filter(pc.invert(rows["resolved"].combine_chunks()))
    persons = bundle.table("persons")
    left = pa.table(
        {
            "uid": pa.array([f"row:{u}" for u in open_rows["uid"].to_pylist()], pa.string()),
            "raw_name": _text(open_rows, "name"),
            "raw_birth": _text(open_rows, "birth_date"),
            "raw_address": _text(open_rows, "address"),
        }
    )
    right = pa.table(
        {
            "uid": pa.array([f"person:{k}" for k in persons["person_key"].to_pylist()], pa.string()),
            "raw_name": _text(persons, "name"),
            "raw_birth": _text(persons, "birth_date"),
            "raw_address": _text(persons, "hukou_address"),
        }
    )
    pairs = score(left, right, Model(DEFAULT, DEFAULT_BLOCKING))
    source = dict(zip(open_rows["uid"].to_pylist(), open_rows["source"].to_pylist(), strict=True))
    ranked = _posteriors(pairs, Decisions.none(), source, PRIOR_SHARE / max(1, right.num_rows)).to_pylist()
    best: dict[int, tuple[str, float]] = {}
    for record in ranked:
        best.setdefault(record["uid"], (record["person"], record["probability"]))
    out: dict[str, list[object]] = {n: [] for n in LINK_SCHEMA.names}
    for uid, table, column, src in zip(
        *(open_rows[c].to_pylist() for c in ("uid", "table", "column", "source")), strict=True
    ):
        person, probability = best.get(uid, (None, 0.0))
        linked = person is not None and probability >= LINK_AT
        values: tuple[object, ...] = (
            table,
            column,
            src,
            person if linked else None,
            probability,
            "linked" if linked else "unlinked",
            [],
        )
        for name, value in zip(LINK_SCHEMA.names, values, strict=True):
            out[name].append(value)
    return pa.table(out, schema=LINK_SCHEMA)
