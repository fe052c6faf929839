"""DuckDB SQL translated for Spark: the rewrites sqlglot leaves to us (no Spark needed)."""

from __future__ import annotations

import pytest

from xuncha.engine.dialect import SparkTranslator


def _sql(text: str, params: object = None) -> str:
    return SparkTranslator().translate(text, params).sql  # type: ignore[arg-type]


def test_parameters_are_bound_not_formatted() -> None:
    done = SparkTranslator().translate("SELECT '?' AS q, ?::VARCHAR[] AS l FROM t WHERE a = ?", [["x"], "乙'; --"])
    assert done.sql == "SELECT '?' AS q, CAST(:xp0 AS ARRAY<STRING>) AS l FROM t WHERE a = :xp1"
    assert done.args == {"xp0": ["x"], "xp1": "乙'; --"}
    numbered = SparkTranslator().translate("SELECT * FROM t WHERE a = $1 OR b = $1 LIMIT $2", [3, 5])
    assert numbered.sql.endswith("WHERE a = :xp0 OR b = :xp0 LIMIT :xp1")
    query = "SELECT * FROM t WHERE r = $round AND list_contains($xs, a)"
    named = SparkTranslator().translate(query, {"round": "R1", "xs": []})
    assert named.sql == "SELECT * FROM t WHERE r = :round AND ARRAY_CONTAINS(ARRAY(), a)"
    assert named.args == {"round": "R1"}


def test_integer_lists_are_written_as_arrays() -> None:
    done = SparkTranslator().translate("SELECT unnest(?::BIGINT[]) AS e", [[1, 3_000_000_000]])
    assert done.sql == "SELECT EXPLODE(CAST(ARRAY(1, 3000000000) AS ARRAY<BIGINT>)) AS e"
    assert done.args == {}


def test_parameter_count_must_match() -> None:
    with pytest.raises(ValueError, match="markers"):
        SparkTranslator().translate("SELECT ?", [1, 2])


def test_list_functions_keep_duckdb_meaning() -> None:
    assert _sql("SELECT len(l), length(s) FROM t") == "SELECT SIZE(l), LENGTH(s) FROM t"
    assert _sql("SELECT l[1], l[-1] FROM t") == "SELECT l[0], ELEMENT_AT(l, -1) FROM t"
    assert _sql("SELECT list_slice(l, 1, len(l) - 1) FROM t") == "SELECT SLICE(l, 1, (SIZE(l) - 1 - 1 + 1)) FROM t"
    assert "= (i + 1)" in _sql("SELECT list_filter(l, lambda x, i: list_position(l, x) = i) FROM t")
    assert "ARRAY_POSITION" in _sql("SELECT list_filter(l, lambda x, i: list_position(l, x) = i) FROM t")
    assert _sql("SELECT list_has_any(a, b), list_reverse(a) FROM t") == "SELECT ARRAYS_OVERLAP(a, b), REVERSE(a) FROM t"


def test_ordered_lists_and_star_replace() -> None:
    assert _sql("SELECT list(x ORDER BY y) FROM t") == (
        "SELECT TRANSFORM(ARRAY_SORT(COLLECT_LIST(STRUCT(y AS k0, x AS v))), s -> s.v) FROM t"
    )
    assert _sql("SELECT list(DISTINCT x ORDER BY x) FROM t") == "SELECT ARRAY_SORT(COLLECT_LIST(DISTINCT x)) FROM t"
    with pytest.raises(ValueError, match="DESC"):
        _sql("SELECT list(x ORDER BY y DESC) FROM t")
    assert _sql("SELECT t.* REPLACE (upper(a) AS a), b FROM t") == "SELECT t.* EXCEPT (a), b, UPPER(a) AS a FROM t"


def test_macros_expand_in_place_and_nest() -> None:
    translator = SparkTranslator()
    assert translator.define("CREATE OR REPLACE MACRO twice(x) AS x * 2")
    assert translator.define("CREATE OR REPLACE MACRO quad(x) AS twice(twice(x))")
    assert not translator.define("SET threads = 1")
    assert translator.translate("SELECT quad(a + 1) FROM t").sql == "SELECT ((((((a + 1)) * 2)) * 2)) FROM t"
