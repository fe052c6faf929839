"""The distributed engine: Spark SQL over the same DuckDB-dialect queries, translated.

PySpark is an optional extra (``pip install xuncha[spark]``) imported only when this
module is. Every engine shares one Spark application per process (a SparkContext is
slow to start); each engine is its own Spark session, so its tables never meet another
engine's. Tables are stored as Parquet (see :class:`SparkEngine`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from xuncha.engine.base import EngineError, Params
from xuncha.engine.dialect import SparkTranslator

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

DEFAULTS = Path(__file__).with_name("spark.yaml")
DEFAULT_MASTER = "local[*]"
WORK_DIR = "xuncha.work_dir"  # where tables are stored as Parquet (not passed to Spark)

_shared: dict[str, Any] = {}


def spark_settings(config: Path | None = None) -> dict[str, str]:
    """The defaults of ``spark.yaml``, then ``config`` (a YAML mapping) on top."""
    settings: dict[str, str] = {}
    for path in (DEFAULTS, config):
        if path is None:
            continue
        data = yaml.safe_load(Path(path).read_text("utf-8")) or {}
        if not isinstance(data, dict):
            raise EngineError(f"Spark 配置文件须为键值映射 / the Spark config must be a mapping: {path}")
        settings.update({str(k): _text(v) for k, v in data.items()})
    return settings


def _text(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def spark_session(master: str | None = None, config: Path | None = None) -> SparkSession:
    """The process's Spark application, started on first use (later calls reuse it)."""
    if "session" in _shared:
        session: SparkSession = _shared["session"]
        return session
    _require_java()
    try:
        from pyspark.sql import SparkSession
    except ImportError as err:
        raise EngineError(
            "未安装 PySpark，请执行 pip install 'xuncha[spark]' / PySpark is missing: pip install 'xuncha[spark]'"
        ) from err
    builder = SparkSession.builder
    chosen = master_for(master, os.environ)
    if chosen is not None:
        builder = builder.master(chosen)
    for key, value in spark_settings(config).items():
        if not key.startswith("xuncha."):
            builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    _shared["session"] = session
    return session


def master_for(given: str | None, environ: Mapping[str, str]) -> str | None:
    """The master to set: the one given, else none under spark-submit (which has set it; its
    driver runs with ``PYSPARK_GATEWAY_PORT``), else ``local[*]``."""
    if given:
        return given
    return None if environ.get("PYSPARK_GATEWAY_PORT") else DEFAULT_MASTER


def _require_java() -> None:
    home = os.environ.get("JAVA_HOME")
    if shutil.which("java") or (home and (Path(home) / "bin" / "java").exists()):
        return
    raise EngineError("Spark 需要 Java 17 或更高版本，未找到 java / Spark needs Java 17+; no java was found")


class SparkEngine:
    """Spark behind the :class:`xuncha.engine.base.Engine` interface.

    Every table, registered or created, is stored as Parquet under a work folder (on a
    cluster: a folder every executor sees, ``xuncha.work_dir`` in the Spark config) and
    read back, so each query starts from stored rows and never re-runs earlier plans."""

    name = "spark"

    def __init__(
        self, *, master: str | None = None, config: Path | None = None, session: SparkSession | None = None
    ) -> None:
        self._spark = (session or spark_session(master, config)).newSession()
        self._translator = SparkTranslator()
        self._views: set[str] = set()
        base = spark_settings(config).get(WORK_DIR) or None
        if base:
            Path(base).mkdir(parents=True, exist_ok=True)
        self._work = tempfile.TemporaryDirectory(prefix="xuncha-spark-", dir=base)
        self._serial = 0

    def register(self, name: str, table: pa.Table) -> None:
        path = self._path(name)
        pq.write_table(_sparkable(table), path)
        self._keep(name, self._spark.read.parquet(str(path)))

    def create(self, name: str, query: str, params: Params = None) -> None:
        frame = self._frame(query, params)
        path = self._path(name)
        try:
            _storable(frame).write.parquet(str(path))
        except Exception as err:  # errors found only when the plan runs
            raise EngineError(_message(err)) from err
        self._keep(name, self._spark.read.parquet(str(path)))

    def execute(self, statement: str, params: Params = None) -> None:
        if self._translator.define(statement):
            return
        self._frame(statement, params).collect()

    def arrow(self, query: str, params: Params = None) -> pa.Table:
        frame = self._frame(query, params)
        try:
            table: pa.Table = frame.toArrow()
        except Exception as err:  # errors found only when the plan runs
            raise EngineError(_message(err)) from err
        return table

    def scalar(self, query: str) -> object:
        rows = self.arrow(query).to_pylist()
        return next(iter(rows[0].values())) if rows else None

    def has_table(self, name: str) -> bool:
        return name in self._views

    def write_jsonl(self, query: str, path: Path) -> None:
        """Spark writes one part file (the query's order kept); it is copied to ``path``."""
        frame = self._frame(query, None).coalesce(1)
        out = self._path("jsonl")
        try:
            frame.write.option("ignoreNullFields", "false").option("encoding", "UTF-8").json(str(out))
        except Exception as err:
            raise EngineError(_message(err)) from err
        with Path(path).open("wb") as target:
            for part in sorted(out.glob("part-*")):
                target.write(part.read_bytes())

    def close(self) -> None:
        for name in sorted(self._views):
            self._spark.catalog.dropTempView(name)
        self._views.clear()
        self._work.cleanup()

    def _path(self, name: str) -> Path:
        self._serial += 1
        return Path(self._work.name) / f"{self._serial:05d}-{name}"

    def _keep(self, name: str, frame: DataFrame) -> None:
        frame.createOrReplaceTempView(name)
        self._views.add(name)

    def _frame(self, query: str, params: Params) -> DataFrame:
        try:
            done = self._translator.translate(query, params)
            return self._spark.sql(done.sql, args=done.args or None)
        except Exception as err:
            raise EngineError(_message(err)) from err


def _storable(frame: DataFrame) -> DataFrame:
    """Parquet has no NULL type: such columns (``SELECT NULL AS x``) are stored as strings."""
    from pyspark.sql.types import NullType, StringType

    if not any(isinstance(f.dataType, NullType) for f in frame.schema.fields):
        return frame
    columns = [
        frame[f.name].cast(StringType()).alias(f.name) if isinstance(f.dataType, NullType) else frame[f.name]
        for f in frame.schema.fields
    ]
    return frame.select(*columns)


def _message(err: Exception) -> str:
    text = str(err).strip().splitlines()
    return text[0] if text else type(err).__name__


def _sparkable(table: pa.Table) -> pa.Table:
    """Arrow types Spark reads: NULL-typed columns become strings, large strings plain ones."""
    fields = []
    for f in table.schema:
        if pa.types.is_null(f.type) or pa.types.is_large_string(f.type):
            fields.append(pa.field(f.name, pa.string()))
        else:
            fields.append(f)
    schema = pa.schema(fields)
    return table if schema == table.schema else table.cast(schema)
