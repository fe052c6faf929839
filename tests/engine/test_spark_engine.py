"""The Spark engine behind the same interface: Arrow in and out, values bound, JSON lines."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from tests.parity.spark import spark_fixture
from xuncha.engine.base import Engine, EngineError, open_engine


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    yield from spark_fixture(tmp_path_factory)


@pytest.fixture
def engines(spark: Any) -> Iterator[list[Engine]]:
    from xuncha.engine.spark_engine import SparkEngine

    opened: list[Engine] = [open_engine("duckdb"), SparkEngine(session=spark)]
    yield opened
    for engine in opened:
        engine.close()


def test_register_create_and_parameters(engines: list[Engine]) -> None:
    for engine in engines:
        engine.register("t", pa.table({"name": ["甲", "乙'; DROP TABLE t; --\\"], "n": [1, 2]}))
        engine.create("picked", "SELECT * FROM t WHERE name = ?", ["乙'; DROP TABLE t; --\\"])
        assert engine.arrow("SELECT n FROM picked").column(0).to_pylist() == [2], engine.name
        assert engine.scalar("SELECT count(*) FROM t") == 2
        engine.create("t", "SELECT 4 AS n")
        assert engine.scalar("SELECT n FROM t") == 4
        assert engine.has_table("picked") and not engine.has_table("nothing")


def test_macros_lists_and_dates_agree(engines: list[Engine]) -> None:
    query = """SELECT month_end(p) AS e, list(x ORDER BY x) AS xs, l[-1] AS last, len(l) AS n,
                      list_filter(l, lambda v, i: i > 1) AS tail
               FROM t GROUP BY p, l ORDER BY p"""
    results = []
    for engine in engines:
        engine.execute("CREATE OR REPLACE MACRO month_start(period) AS strptime(period || '-01', '%Y-%m-%d')::DATE")
        engine.execute("CREATE OR REPLACE MACRO month_end(period) AS last_day(month_start(period))")
        engine.register("t", pa.table({"p": ["2024-02", "2024-02", "2023-12"], "x": [3, 1, 2], "l": [[1, 2]] * 3}))
        results.append(engine.arrow(query).to_pylist())
    assert results[0] == results[1]
    assert results[0][1] == {"e": date(2024, 2, 29), "xs": [1, 3], "last": 2, "n": 2, "tail": [2]}


def test_write_jsonl_matches_duckdb(engines: list[Engine], tmp_path: Path) -> None:
    texts = []
    for engine in engines:
        engine.register("t", pa.table({"k": ["b", "a"], "d": [date(2024, 1, 2), None], "l": [["x", "y"], None]}))
        path = tmp_path / f"{engine.name}.jsonl"
        engine.write_jsonl("SELECT k, d, l, {'from': k, 'to': NULL} AS s FROM t ORDER BY k", path)
        texts.append(path.read_text("utf-8"))
    assert texts[0] == texts[1]
    assert [json.loads(line)["k"] for line in texts[1].splitlines()] == ["a", "b"]


def test_errors_are_engine_errors(engines: list[Engine]) -> None:
    spark = engines[1]
    with pytest.raises(EngineError):
        spark.arrow("SELECT no_such_column FROM nowhere")


def test_work_dir_from_the_config_is_created(spark: Any, tmp_path: Path) -> None:
    """``xuncha.work_dir`` names a folder on shared storage; it need not exist yet."""
    from xuncha.engine.spark_engine import SparkEngine

    store = tmp_path / "shared" / "store"
    config = tmp_path / "spark.yaml"
    config.write_text(f"xuncha.work_dir: {store}\n", encoding="utf-8")
    engine = SparkEngine(session=spark, config=config)
    try:
        engine.register("t", pa.table({"n": [1, 2]}))
        assert engine.scalar("SELECT sum(n) FROM t") == 3
        assert any(store.iterdir())
    finally:
        engine.close()
