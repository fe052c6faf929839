"""One Spark application for the whole test session (a session is slow to start).

Without PySpark or Java the Spark tests are skipped, and in CI a skip fails the run
(tests/conftest.py): ``make test`` needs ``pip install -e '.[spark]'`` and a Java 17+."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

TEST_SETTINGS = """\
spark.sql.shuffle.partitions: 4
spark.driver.memory: 1g
spark.ui.enabled: false
"""


def spark_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    pytest.importorskip("pyspark", reason="PySpark 未安装 / the spark extra is not installed")
    if shutil.which("java") is None:
        pytest.skip("未找到 Java / no java on PATH (Spark needs Java 17+)")
    from xuncha.engine.spark_engine import spark_session

    config: Path = tmp_path_factory.mktemp("spark") / "spark.yaml"
    config.write_text(TEST_SETTINGS, "utf-8")
    yield spark_session("local[2]", config)
