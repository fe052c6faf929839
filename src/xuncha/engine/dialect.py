"""SQL written once in the DuckDB dialect, translated for Spark with sqlglot.

sqlglot does most of the work; the rewrites here cover what it leaves in DuckDB's
meaning: ``len`` of a list, 1-based lambda indexes and ``list_slice``, negative list
indexes, ordered ``list()`` aggregates, ``* REPLACE``, DuckDB macros (expanded in
place) and parameters (``?`` and ``$name`` become Spark's named ``:name`` markers, so
values are bound by Spark and never formatted into the text).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import sqlglot
from sqlglot import exp
from sqlglot.dialects.duckdb import DuckDB
from sqlglot.parsers.duckdb import DuckDBParser
from sqlglot.tokenizer_core import Token, TokenType

_MACRO = re.compile(r"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?MACRO\s+(\w+)\s*\(([^)]*)\)\s+AS\s+(.+)$", re.I | re.S)
_POSITIONAL = "xp"  # ``?`` number i becomes ``:xp{i}``
_MARKERS = (TokenType.PLACEHOLDER, TokenType.QDCOLON)


class _Parser(DuckDBParser):
    FUNCTIONS: ClassVar[dict[str, Any]] = {
        **DuckDBParser.FUNCTIONS,
        "LEN": lambda args: exp.ArraySize(this=args[0]),
        "ARRAY_LENGTH": lambda args: exp.ArraySize(this=args[0]),
    }


class Source(DuckDB):
    """DuckDB as our SQL is written: ``len`` is a list's length."""

    Parser = _Parser


@dataclass(frozen=True)
class Macro:
    name: str
    params: tuple[str, ...]
    body: exp.Expr


@dataclass
class Translation:
    sql: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass
class SparkTranslator:
    """Translates statements for Spark, remembering the macros defined so far."""

    macros: dict[str, Macro] = field(default_factory=dict)

    def define(self, statement: str) -> bool:
        """Remember ``CREATE MACRO``; False when ``statement`` is no macro."""
        found = _MACRO.match(statement)
        if not found:
            return False
        name, params, body = found.groups()
        names = tuple(p.strip().lower() for p in params.split(",") if p.strip())
        self.macros[name.lower()] = Macro(name.lower(), names, sqlglot.parse_one(body, dialect=Source))
        return True

    def translate(self, sql: str, params: Sequence[object] | Mapping[str, object] | None = None) -> Translation:
        text, args = _name_positionals(sql, params)
        tree = sqlglot.parse_one(text, dialect=Source)
        tree = self._expand(tree)
        tree = _rewrite_all(tree)
        args = _bind(tree, args)
        return Translation(tree.sql(dialect="spark"), args)

    def _expand(self, tree: exp.Expr) -> exp.Expr:
        for _ in range(10):  # macros may call macros
            calls = [a for a in tree.find_all(exp.Anonymous) if str(a.this).lower() in self.macros]
            if not calls:
                return tree
            tree = tree.transform(self._expand_one)
        raise ValueError("宏嵌套过深 / macros nested too deep")

    def _expand_one(self, node: exp.Expr) -> exp.Expr:
        if not isinstance(node, exp.Anonymous) or str(node.this).lower() not in self.macros:
            return node
        macro = self.macros[str(node.this).lower()]
        values = dict(zip(macro.params, node.expressions, strict=True))

        def put(inner: exp.Expr) -> exp.Expr:
            if isinstance(inner, exp.Column) and not inner.table and inner.name.lower() in values:
                return exp.Paren(this=values[inner.name.lower()].copy())
            return inner

        return exp.Paren(this=macro.body.copy().transform(put))


def _name_positionals(sql: str, params: Sequence[object] | Mapping[str, object] | None) -> tuple[str, dict[str, Any]]:
    """``?`` markers become ``$xp0``, ``$xp1`` … and ``$1``, ``$2`` … become ``$xp0``, ``$xp1``
    …; their values are keyed by those names."""
    if isinstance(params, Mapping):
        return sql, dict(params)
    values = list(params or [])
    edits = _positional_markers(Source().tokenize(sql))
    if len({name for _, _, name in edits}) != len(values):
        raise ValueError(f"参数个数不符 / {len(edits)} markers, {len(values)} values")
    out, last = [], 0
    for start, end, text in edits:
        out.append(sql[last:start] + text)
        last = end + 1
    out.append(sql[last:])
    return "".join(out), {f"{_POSITIONAL}{i}": v for i, v in enumerate(values)}


def _positional_markers(tokens: list[Token]) -> list[tuple[int, int, str]]:
    """(start, end, replacement) of each ``?`` (in order) and ``$n`` (by number)."""
    edits: list[tuple[int, int, str]] = []
    count = 0
    for i, token in enumerate(tokens):
        if token.token_type in _MARKERS and token.text.startswith("?"):
            edits.append((token.start, token.end, f"${_POSITIONAL}{count}" + token.text[1:]))  # ``?::`` is one token
            count += 1
        elif token.token_type == TokenType.PARAMETER and i + 1 < len(tokens):
            after = tokens[i + 1]
            if after.token_type == TokenType.NUMBER and after.start == token.end + 1:
                edits.append((token.start, after.end, f"${_POSITIONAL}{int(after.text) - 1}"))
    return edits


def _bind(tree: exp.Expr, args: dict[str, Any]) -> dict[str, Any]:
    """Parameters Spark binds itself, except lists of integers (ids): Spark will not bind an
    array whose elements it must widen, so they are written as ``ARRAY(1, 2, …)`` (numbers
    only, nothing to escape); an empty list becomes ``ARRAY()``."""
    used: dict[str, Any] = {}
    for node in list(tree.find_all(exp.Placeholder)):
        name = str(node.this)
        if name not in args:
            raise ValueError(f"缺少参数 / missing parameter: {name}")
        value = args[name]
        if isinstance(value, list | tuple) and all(_is_int(v) for v in value):
            node.replace(exp.Array(expressions=[exp.Literal.number(int(v)) for v in value]))
        else:
            used[name] = list(value) if isinstance(value, tuple) else value
    return used


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _rewrite_all(tree: exp.Expr) -> exp.Expr:
    """Apply ``_rewrite`` children first, so that a rewritten node holds rewritten parts."""
    for node in reversed(list(tree.dfs())):
        new = _rewrite(node)
        if new is node:
            continue
        if node is tree:
            tree = new
        else:
            node.replace(new)
    return tree


def _rewrite(node: exp.Expr) -> exp.Expr:
    if isinstance(node, exp.Anonymous):
        return _function(node)
    if isinstance(node, exp.ArrayOverlaps):
        return exp.func("arrays_overlap", node.this, node.expression)
    if isinstance(node, exp.Bracket):
        return _bracket(node)
    if isinstance(node, exp.ArrayFilter):
        return _indexed_lambda(node)
    if isinstance(node, exp.ArrayAgg):
        return _ordered_list(node)
    if isinstance(node, exp.Select):
        return _star_replace(node)
    return node


def _function(node: exp.Anonymous) -> exp.Expr:
    name, args = str(node.this).lower(), node.expressions
    if name == "list_position":
        return exp.func("array_position", *args)
    if name == "list_reverse":
        return exp.func("reverse", *args)
    if name == "list_slice" and len(args) == 3:
        start, end = args[1], args[2]
        length = exp.Add(this=exp.Sub(this=end.copy(), expression=start.copy()), expression=exp.Literal.number(1))
        return exp.func("slice", args[0], start, exp.Paren(this=length))
    return node


def _bracket(node: exp.Bracket) -> exp.Expr:
    """``l[-1]`` (DuckDB: the last element) is ``element_at(l, -1)`` in Spark; sqlglot
    has already made indexes 0-based, so -1 arrives as -2."""
    index = node.expressions[0] if len(node.expressions) == 1 else None
    if isinstance(index, exp.Neg) and isinstance(index.this, exp.Literal):
        position = -(int(index.this.this) - 1)
        return exp.func("element_at", node.this, exp.Literal.number(position))
    return node


def _indexed_lambda(node: exp.ArrayFilter) -> exp.Expr:
    """DuckDB's lambda index is 1-based, Spark's 0-based."""
    fn = node.expression
    if not isinstance(fn, exp.Lambda) or len(fn.expressions) != 2:
        return node
    index = fn.expressions[1].name

    def shift(inner: exp.Expr) -> exp.Expr:
        if isinstance(inner, exp.Identifier | exp.Column) and inner.name == index and inner.parent is not fn:
            plus = exp.Add(this=exp.to_identifier(index), expression=exp.Literal.number(1))
            return exp.Paren(this=plus)
        return inner

    fn.set("this", fn.this.transform(shift))
    return node


def _ordered_list(node: exp.ArrayAgg) -> exp.Expr:
    """``list(x ORDER BY k)``: Spark's collect_list has no order, so collect (k, x) pairs,
    sort them and keep x; ``list(DISTINCT x ORDER BY x)`` sorts the set."""
    order = node.this
    if not isinstance(order, exp.Order):
        return node
    keys = [o.this for o in order.expressions]
    descending = [bool(o.args.get("desc")) for o in order.expressions]
    inner = order.this
    if isinstance(inner, exp.Distinct):
        value = inner.expressions[0]
        if keys == [value] and not any(descending):
            return exp.func("array_sort", exp.ArrayAgg(this=inner.copy()))
        raise ValueError("list(DISTINCT x ORDER BY y) 无法翻译 / cannot be translated for Spark")
    if any(descending):
        raise ValueError("list(x ORDER BY k DESC) 无法翻译 / cannot be translated for Spark")
    fields = [exp.alias_(k.copy(), f"k{i}") for i, k in enumerate(keys)]
    pairs = exp.ArrayAgg(this=exp.Struct(expressions=[*fields, exp.alias_(inner.copy(), "v")]))
    value = exp.Dot(this=exp.to_identifier("s"), expression=exp.to_identifier("v"))
    pick = exp.Lambda(this=value, expressions=[exp.to_identifier("s")])
    return exp.Transform(this=exp.func("array_sort", pairs), expression=pick)


def _star_replace(node: exp.Select) -> exp.Expr:
    """``t.* REPLACE (e AS c)`` becomes ``t.* EXCEPT (c), e AS c`` (c moves to the end)."""
    changed = False
    projections: list[exp.Expr] = []
    extra: list[exp.Expr] = []
    for item in node.expressions:
        star = item.this if isinstance(item, exp.Column) and isinstance(item.this, exp.Star) else item
        replace = star.args.get("replace") if isinstance(star, exp.Star) else None
        if replace:
            changed = True
            star.set("replace", None)
            star.set("except_", [exp.column(r.alias) for r in replace])
            extra.extend(r.copy() for r in replace)
        projections.append(item)
    if changed:
        node.set("expressions", projections + extra)
    return node
