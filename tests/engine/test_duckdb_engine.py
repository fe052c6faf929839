"""The embedded engine: Arrow in, Arrow out, values bound as parameters."""

from __future__ import annotations

import pyarrow as pa

from xuncha.engine.base import open_engine


def test_register_create_and_parameters() -> None:
    engine = open_engine()
    try:
        engine.register("t", pa.table({"name": ["甲", "乙'; DROP TABLE t; --"], "n": [1, 2]}))
        engine.create("picked", "SELECT * FROM t WHERE name = ?", ["乙'; DROP TABLE t; --"])
        assert engine.arrow("SELECT n FROM picked").column(0).to_pylist() == [2]
        assert engine.scalar("SELECT count(*) FROM t") == 2
        engine.register("t", pa.table({"name": ["丙"], "n": [3]}))
        assert engine.arrow("SELECT name FROM t").column(0).to_pylist() == ["丙"]
        engine.create("t", "SELECT 4 AS n")
        assert engine.scalar("SELECT n FROM t") == 4
    finally:
        engine.close()


def test_memory_limit_is_set() -> None:
    engine = open_engine(memory_limit="512MB")
    try:
        assert "MiB" in str(engine.scalar("SELECT current_setting('memory_limit')")) or "MB" in str(
            engine.scalar("SELECT current_setting('memory_limit')")
        )
    finally:
        engine.close()
