"""The same bundles through DuckDB and Spark (local mode): identical conflicts.jsonl and
findings.jsonl after sorting their lines. Seeds of the random families are printed."""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.compare import scenario
from tests.parity.families import families_bundle
from xuncha.bundle.load import load_bundle
from xuncha.bundle.model import Bundle
from xuncha.cli import main
from xuncha.compare.output import write_jsonl
from xuncha.compare.run import compare, records
from xuncha.engine.base import Engine, open_engine
from xuncha.policy.model import load_policy
from xuncha.screening.output import write_conflicts_jsonl
from xuncha.screening.run import screen

COUNTY = Path(__file__).parents[1] / "screening" / "data" / "county"


def _engines(spark: Any) -> list[Callable[[], Engine]]:
    from xuncha.engine.spark_engine import SparkEngine

    return [lambda: open_engine("duckdb"), lambda: SparkEngine(session=spark)]


def _lines(path: Path) -> list[str]:
    return sorted(path.read_text("utf-8").splitlines())


def _screened(bundle: Bundle, round_id: str, engine: Engine, out: Path) -> list[str]:
    with screen(bundle, round_id, load_policy(None), engine=engine) as result:
        write_conflicts_jsonl(result, out)
    return _lines(out)


def _assert_same(got: dict[str, list[str]]) -> None:
    duck, spark = got["duckdb"], got["spark"]
    assert len(duck) == len(spark)
    for a, b in zip(duck, spark, strict=True):
        assert a == b


def test_county_conflicts(spark: Any, tmp_path: Path) -> None:
    county = load_bundle(COUNTY)
    got = {}
    for make in _engines(spark):
        engine = make()
        got[engine.name] = _screened(county, "R1", engine, tmp_path / f"{engine.name}.jsonl")
    assert got["duckdb"], "the hand-made county has conflicts"
    _assert_same(got)


def test_county_through_the_command(spark: Any, tmp_path: Path) -> None:
    """``xuncha screen --engine spark`` (the session of the suite is reused) against DuckDB."""
    del spark
    got = {}
    for engine in ("duckdb", "spark"):
        out = tmp_path / engine
        args = ["screen", str(COUNTY), "--round", "R2", "--out", str(out), "--engine", engine]
        result = CliRunner().invoke(main, [*args, "--spark-master", "local[2]"])
        assert result.exit_code == 0, result.output
        got[engine] = _lines(out / "conflicts.jsonl")
    assert got["duckdb"]
    _assert_same(got)


def test_random_families_conflicts(spark: Any, tmp_path: Path) -> None:
    base = int(os.environ.get("XUNCHA_PARITY_SEED", random.randrange(1_000_000)))
    seeds = [base + i for i in range(12)]
    print(f"random families: XUNCHA_PARITY_SEED={base} (family seeds {seeds[0]}..{seeds[-1]})")
    families = families_bundle(seeds)
    got = {}
    for make in _engines(spark):
        engine = make()
        got[engine.name] = _screened(families, "RF", engine, tmp_path / f"{engine.name}.jsonl")
    _assert_same(got)


def _findings(spark: Any, bundle: Bundle, links: Any, folder: Path) -> dict[str, list[str]]:
    """Sorted findings.jsonl lines of every built-in model on each engine."""
    got = {}
    for make in _engines(spark):
        engine = make()
        try:
            found = records(compare(bundle, links, engine=engine))
        finally:
            engine.close()
        write_jsonl(found, folder / f"{engine.name}-findings.jsonl")
        got[engine.name] = _lines(folder / f"{engine.name}-findings.jsonl")
    return got


def test_compare_findings(spark: Any, tmp_path: Path) -> None:
    got = _findings(spark, scenario.county(), None, tmp_path)
    assert len(got["duckdb"]) >= 6, "every built-in model finds its planted case"
    _assert_same(got)


@pytest.fixture(scope="module")
def synth50k(tmp_path_factory: pytest.TempPathFactory) -> tuple[Bundle, str, Path]:
    """A 50,000-person synthetic county (seed 2026, with departmental tables), as Parquet."""
    from xuncha.synth.generate import write_bundle

    folder = tmp_path_factory.mktemp("synth50k")
    write_bundle(folder / "bundle", persons=50_000, seed=2026, fmt="parquet")
    round_id = (folder / "bundle" / "ROUND").read_text("utf-8").strip()
    return load_bundle(folder / "bundle"), round_id, folder


def test_synthetic_50k_conflicts(spark: Any, synth50k: tuple[Bundle, str, Path]) -> None:
    county, round_id, folder = synth50k
    got = {}
    for make in _engines(spark):
        engine = make()
        got[engine.name] = _screened(county, round_id, engine, folder / f"{engine.name}.jsonl")
    assert len(got["duckdb"]) > 1000
    _assert_same(got)


def test_synthetic_50k_findings(spark: Any, synth50k: tuple[Bundle, str, Path]) -> None:
    """All six models over the 50k county's departmental tables, with its rows linked once
    (Splink) and the same links given to both engines."""
    from xuncha.link.run import link

    county, _, folder = synth50k
    got = _findings(spark, county, link(county), folder)
    models = {line.split('"model": "')[1].split('"')[0] for line in got["duckdb"]}
    assert len(models) == 6, models  # every built-in model finds leads in the synthetic county
    _assert_same(got)
