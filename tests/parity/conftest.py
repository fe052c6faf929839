"""The session-wide Spark fixture for the parity suite."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.parity.spark import spark_fixture


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    yield from spark_fixture(tmp_path_factory)
