"""Which Spark master a run asks for: the one given, spark-submit's, or local mode."""

from __future__ import annotations

from xuncha.engine.spark_engine import DEFAULT_MASTER, master_for


def test_a_given_master_wins() -> None:
    assert master_for("spark://head:7077", {"PYSPARK_GATEWAY_PORT": "1234"}) == "spark://head:7077"


def test_under_spark_submit_its_master_stands() -> None:
    assert master_for(None, {"PYSPARK_GATEWAY_PORT": "1234"}) is None


def test_alone_it_runs_locally() -> None:
    assert master_for(None, {}) == DEFAULT_MASTER == "local[*]"
