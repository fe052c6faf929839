from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from tests.exchange.conftest import add_row
from xuncha.cli import main
from xuncha.exchange import Store


def test_ingest_command_new_then_unchanged(bundle_dir: Path, store_dir: Path) -> None:
    runner = CliRunner()
    first = runner.invoke(main, ["ingest", str(bundle_dir), "--store", str(store_dir)])
    assert first.exit_code == 0, first.output
    snapshot = Store(store_dir).latest()
    assert snapshot is not None
    assert f"已导入新快照 {snapshot}" in first.output
    assert "subsidies" in first.output and "problems.json" in first.output
    assert "不是数字" in first.output
    second = runner.invoke(main, ["ingest", str(bundle_dir), "--store", str(store_dir)])
    assert second.exit_code == 0
    assert "以前已导入" in second.output and snapshot in second.output
    assert Store(store_dir).ids() == [snapshot]


def test_ingest_command_table_counts(bundle_dir: Path, store_dir: Path) -> None:
    add_row(bundle_dir / "persons.csv", "P-BAD,,,男,,,")
    result = CliRunner().invoke(main, ["ingest", str(bundle_dir), "--store", str(store_dir)])
    assert result.exit_code == 0
    persons = next(line for line in result.output.splitlines() if line.startswith("persons"))
    assert persons.split() == ["persons", "31", "30", "1"]


def test_ingest_command_strict_exits_1(bundle_dir: Path, store_dir: Path) -> None:
    add_row(bundle_dir / "persons.csv", "P-BAD,,,男,,,")
    result = CliRunner().invoke(main, ["ingest", str(bundle_dir), "--store", str(store_dir), "--strict"])
    assert result.exit_code == 1
    assert "persons.csv" in result.output
    assert Store(store_dir).snapshots() == []


def test_ingest_command_store_not_writable(bundle_dir: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a store", "utf-8")
    result = CliRunner().invoke(main, ["ingest", str(bundle_dir), "--store", str(blocker)])
    assert result.exit_code == 1
    assert "无法写入数据交换库" in result.output
