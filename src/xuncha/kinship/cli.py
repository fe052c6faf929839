"""``xuncha kin TERM... [--json]``: classify kinship terms (称谓)."""

from __future__ import annotations

import json

from xuncha.kinship.categories import category_zh
from xuncha.kinship.chains import format_chain
from xuncha.kinship.terms import AMBIGUOUS, MIXED, NON_CANONICAL, UNKNOWN, TermParse, parse_term

_SPECIAL_ZH = {
    UNKNOWN: "无法识别",
    AMBIGUOUS: "有歧义",
    MIXED: "多人多类",
    NON_CANONICAL: "非规范亲属链",
}


def term_record(parsed: TermParse) -> dict[str, object]:
    """The JSON object for one term, as printed by ``xuncha kin --json``."""
    return {
        "term": parsed.term,
        "chains": [format_chain(chain) for chain in parsed.chains],
        "category": parsed.category,
        "categories": list(parsed.categories),
        "statutory": parsed.statutory,
    }


def _zh(category: str) -> str:
    return _SPECIAL_ZH.get(category) or category_zh(category)


def _describe(parsed: TermParse) -> str:
    label = _zh(parsed.category)
    if parsed.category in (AMBIGUOUS, MIXED):
        label += "（" + "/".join(_zh(c) for c in parsed.categories) + "）"
    return label


def _print_table(parsed_terms: list[TermParse]) -> None:
    from rich.console import Console
    from rich.table import Table

    grid = Table("称谓", "亲属链", "类别", "是否法定回避", "说明")
    for parsed in parsed_terms:
        grid.add_row(
            parsed.term,
            " | ".join(format_chain(chain) for chain in parsed.chains) or "—",
            _describe(parsed),
            "是" if parsed.statutory else "否",
            parsed.note or "",
        )
    console = Console()
    if not console.is_terminal:
        console = Console(width=200)
    console.print(grid)


def kin_command(terms: list[str], as_json: bool) -> int:
    """Print each term's chains and legal category; 1 if any term was not recognised."""
    parsed_terms = [parse_term(term) for term in terms]
    if as_json:
        for parsed in parsed_terms:
            print(json.dumps(term_record(parsed), ensure_ascii=False))
    else:
        _print_table(parsed_terms)
    return 1 if any(not parsed.known for parsed in parsed_terms) else 0
