"""``--memory-limit`` reaches DuckDB: the engine a command opens carries the limit."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from xuncha.cli import _engine, main
from xuncha.engine.base import EngineOptions
from xuncha.engine.duckdb_engine import connect, memory_limit


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


def test_linking_connections_carry_the_limit() -> None:
    """Splink and the link step keep DuckDB connections of their own: inside ``memory_limit``
    they are held to it and spill to a temporary folder; outside it DuckDB's default stands."""
    with memory_limit("256MB"):
        con = connect()
        inside = con.execute("SELECT current_setting('memory_limit'), current_setting('temp_directory')").fetchone()
        con.close()
    con = connect()
    outside = con.execute("SELECT current_setting('memory_limit')").fetchone()
    con.close()
    assert inside is not None and outside is not None
    assert str(inside[0]).startswith(("244", "256")), inside
    assert "xuncha-spill-" in str(inside[1])
    assert not str(outside[0]).startswith(("244", "256")), outside


def test_compare_links_under_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """``compare --memory-limit`` links inside the limit (the setting seen by the link step)."""
    from xuncha.compare import command

    seen: list[str | None] = []

    def fake_links(bundle: object, decisions: object) -> None:
        con = connect()
        row = con.execute("SELECT current_setting('memory_limit')").fetchone()
        con.close()
        seen.append(str(row[0]) if row else None)

    monkeypatch.setattr(command, "_links", fake_links)
    monkeypatch.setattr(command, "compare", lambda *a, **k: [])
    monkeypatch.setattr(command, "records", lambda found: [])
    command._run(None, [], None, None, EngineOptions("duckdb", "local[*]", None, "300MB"))  # type: ignore[arg-type]
    assert seen and str(seen[0]).startswith(("286", "300")), seen
