"""The vectorised ID column agrees with ``parse_id`` on every value."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from xuncha.bundle.ids import id_column
from xuncha.identity.idcard import make_id, parse_id

_valid = st.builds(
    make_id,
    st.sampled_from(["511323", "110105", "440300"]),
    st.dates(date(1880, 1, 1), date.today()),
    st.integers(0, 999),
)
_mangled = _valid.flatmap(
    lambda v: st.sampled_from(
        [
            v,
            v.lower(),
            v[:-1] + "X",
            v[:-1] + "0",
            v[:6] + v[8:17],
            v[:10] + "1399" + v[14:],
            f" {v}",
            v[:6] + "2999" + v[10:],
            v[:17],
        ]
    )
)
_values = st.lists(st.one_of(_mangled, st.none(), st.text(max_size=20)), max_size=40)


@settings(max_examples=200, derandomize=True)
@given(_values)
def test_fast_path_matches_parse_id(values: list[str | None]) -> None:
    cleaned = [None if v is None or not v.strip() else v.strip() for v in values]
    column = id_column(pa.array(cleaned, pa.string()))
    for i, value in enumerate(cleaned):
        expected = parse_id(value)
        assert column.status[i].as_py() == expected.status, value
        assert column.number[i].as_py() == expected.number, value
        assert column.birth_date[i].as_py() == expected.birth_date, value
        assert column.gender[i].as_py() == expected.gender, value
