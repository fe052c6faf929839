"""Kinship terms (称谓), chains (亲属链) and their legal categories (《公务员回避规定》第五条).

Declarations: ``steps.yaml`` (step codes), ``categories.yaml`` (the legal categories as
shape patterns), ``terms.yaml`` (the terms and their chains).
"""

from xuncha.kinship.categories import (
    COLLATERAL3,
    IN_LAW,
    LINEAL,
    OTHER_KIN,
    SPOUSE,
    STATUTORY,
    all_shapes,
    classify_chain,
    classify_shape,
)
from xuncha.kinship.chains import (
    Chain,
    canonical,
    format_chain,
    parse_chain,
    reverse_chain,
    reverse_shape,
    shape_of,
)
from xuncha.kinship.naming import chain_from_steps, term_for_chain, term_for_steps
from xuncha.kinship.terms import TermParse, parse_term

__all__ = [
    "COLLATERAL3",
    "IN_LAW",
    "LINEAL",
    "OTHER_KIN",
    "SPOUSE",
    "STATUTORY",
    "Chain",
    "TermParse",
    "all_shapes",
    "canonical",
    "chain_from_steps",
    "classify_chain",
    "classify_shape",
    "format_chain",
    "parse_chain",
    "parse_term",
    "reverse_chain",
    "reverse_shape",
    "shape_of",
    "term_for_chain",
    "term_for_steps",
]
