"""Whatever bytes a file holds, reading the bundle never raises."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xuncha.bundle.load import read_bundle

from .helpers import PERSONS, csv_text, minimal_bundle

_HEADERED = st.builds(
    lambda body: (csv_text(PERSONS[:1]) + body).encode("utf-8"),
    st.text(alphabet=st.sampled_from(list('ab张,"\n\r;\t 1X0')), max_size=200),
)


@settings(max_examples=60, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=300), _HEADERED))
def test_any_persons_file_is_read_or_reported(content: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = minimal_bundle(Path(tmp) / "b")
        (root / "persons.csv").write_bytes(content)
        bundle = read_bundle(root)
        if "persons" not in bundle.tables:
            assert any(p.file == "persons.csv" or p.table == "persons" for p in bundle.problems)
        else:
            data = bundle.tables["persons"]
            assert data.read == data.used + data.rejected
            assert data.table.num_rows == data.used
