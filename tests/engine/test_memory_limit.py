"""``--memory-limit`` reaches DuckDB: the engine a command opens carries the limit."""

from __future__ import annotations

from click.testing import CliRunner

from xuncha.cli import _engine, main
from xuncha.engine.base import EngineOptions


def test_memory_limit_reaches_duckdb() -> None:
    options = _engine("duckdb", "local[*]", None, "512MB")
    assert options == EngineOptions("duckdb", "local[*]", None, "512MB")
    engine = options.open()
    try:
        setting = str(engine.scalar("SELECT current_setting('memory_limit')"))
    finally:
        engine.close()
    assert setting.startswith(("488", "512")), setting  # 512 MB is shown as 488.2 MiB


def test_default_engine_keeps_the_commands_defaults() -> None:
    assert _engine("duckdb", "local[*]", None) is None


def test_screen_accepts_memory_limit() -> None:
    result = CliRunner().invoke(main, ["screen", "--help"])
    assert "--memory-limit" in result.output
