"""Splink comparisons and blocking rules for Chinese person data, declared as data.

m probabilities are fixed (EM on link-only jobs with few true pairs per block was unstable
in trials and depends on the share of noisy rows); u probabilities are estimated by random
sampling. Each level's label is what ``evidence`` shows for a link.

DuckDB's ``levenshtein`` and ``jaccard`` work on bytes (``levenshtein('张丽', '张莉') = 3``),
so the name edit level is written with character-level ``substr`` and the text scores use
character bigrams (lists) instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Level:
    label: str
    sql: str
    m: float
    u: float
    tf: str | None = None


@dataclass(frozen=True)
class Comparison:
    name: str
    null_sql: str
    levels: tuple[Level, ...]

    def settings(self) -> dict[str, Any]:
        levels: list[dict[str, Any]] = [
            {"sql_condition": self.null_sql, "label_for_charts": "null", "is_null_level": True}
        ]
        for level in self.levels:
            item: dict[str, Any] = {
                "sql_condition": level.sql,
                "label_for_charts": level.label,
                "m_probability": level.m,
                "u_probability": level.u,
            }
            if level.tf:
                item.update(tf_adjustment_column=level.tf, tf_adjustment_weight=1.0)
            levels.append(item)
        return {"output_column_name": self.name, "comparison_levels": levels}

    def label_of(self, gamma: int) -> str | None:
        """Splink numbers levels from the else level (0) up; -1 is the null level."""
        if gamma < 0:
            return None
        return self.levels[len(self.levels) - 1 - gamma].label


def _null(*cols: str) -> str:
    return " OR ".join(f"{c}_l IS NULL OR {c}_r IS NULL" for c in cols)


# one character replaced, inserted or deleted, counted on characters not bytes
_CHAR_EDIT1 = """(
  (length(name_norm_l) = length(name_norm_r) AND length(list_filter(range(1, length(name_norm_l) + 1),
     lambda i: substr(name_norm_l, i, 1) <> substr(name_norm_r, i, 1))) = 1)
  OR (length(name_norm_l) = length(name_norm_r) + 1 AND list_bool_or(list_transform(range(1, length(name_norm_l) + 1),
     lambda i: substr(name_norm_l, 1, i - 1) || substr(name_norm_l, i + 1) = name_norm_r)))
  OR (length(name_norm_r) = length(name_norm_l) + 1 AND list_bool_or(list_transform(range(1, length(name_norm_r) + 1),
     lambda i: substr(name_norm_r, 1, i - 1) || substr(name_norm_r, i + 1) = name_norm_l)))
)"""
_REORDERED = "list_sort(string_split(name_norm_l, '')) = list_sort(string_split(name_norm_r, ''))"
_REGION = "region_a_l = region_a_r OR region_a_l = region_b_r OR region_b_l = region_a_r OR region_b_l = region_b_r"


# one address is the other with its head (province, city, county) left off
_CONTAINED = (
    "(length(address_text_l) >= 6 AND length(address_text_r) >= 6 AND "
    "(suffix(address_text_r, address_text_l) OR suffix(address_text_l, address_text_r)))"
)


def _containment(col: str) -> str:
    return f"len(list_intersect({col}_l, {col}_r)) / greatest(1, least(len({col}_l), len({col}_r)))"


NAME = Comparison(
    "name",
    _null("name_norm"),
    (
        Level("name_exact", "name_norm_l = name_norm_r", 0.90, 1e-4, tf="name_norm"),
        Level("name_pinyin", "name_py_l = name_py_r", 0.05, 1e-4),
        Level("name_one_char", _CHAR_EDIT1, 0.03, 1e-3),
        Level("name_reordered", _REORDERED, 0.005, 1e-5),
        Level("name_pinyin_close", "levenshtein(name_py_l, name_py_r) <= 1", 0.005, 1e-3),
        Level("name_differs", "TRUE", 0.01, 0.998),
    ),
)
BIRTH_MONTH = Comparison(
    "birth_month",
    _null("birth_month"),
    (
        Level("birth_month", "birth_month_l = birth_month_r", 0.95, 1e-3),
        Level("birth_year", "birth_year_l = birth_year_r", 0.04, 1e-2),
        Level("birth_differs", "TRUE", 0.005, 0.99),
    ),
)
BIRTH_DAY = Comparison(
    "birth_day",
    _null("birth_day"),
    (
        Level("birth_date", "birth_day_l = birth_day_r", 0.97, 0.03),
        Level("birth_day_differs", "TRUE", 0.03, 0.97),
    ),
)
GENDER = Comparison(
    "gender",
    _null("gender"),
    (Level("gender", "gender_l = gender_r", 0.99, 0.5), Level("gender_differs", "TRUE", 0.01, 0.5)),
)
REGION = Comparison(
    "region",
    "(region_a_l IS NULL AND region_b_l IS NULL) OR (region_a_r IS NULL AND region_b_r IS NULL)",
    (Level("region", _REGION, 0.9, 0.2), Level("region_differs", "TRUE", 0.1, 0.8)),
)
ADDRESS = Comparison(
    "address",
    _null("address_bigrams", "address_text"),
    (
        Level("address_contained", _CONTAINED, 0.5, 1e-4),
        Level("address_similar", f"{_containment('address_bigrams')} >= 0.8", 0.3, 0.01),
        Level("address_partial", f"{_containment('address_bigrams')} >= 0.5", 0.15, 0.1),
        Level("address_differs", "TRUE", 0.15, 0.89),
    ),
)
EMPLOYER = Comparison(
    "employer",
    _null("employer_bigrams"),
    (
        Level("employer_similar", f"{_containment('employer_bigrams')} >= 0.7", 0.6, 0.01),
        Level("employer_differs", "TRUE", 0.4, 0.99),
    ),
)
CHINESE: tuple[Comparison, ...] = (NAME, BIRTH_MONTH, BIRTH_DAY, GENDER, REGION, ADDRESS, EMPLOYER)

# Every rule joins on a key whose blocks stay small as the population grows: a full birth date,
# a name with a birth year, or a town (a surname with a birth month is bounded by the town). The
# two rules without a birth date serve only rows that give none: ``undated_village`` and
# ``undated_region`` are null on a row with a birth month (and the region also on a row with a
# town), so their large blocks (a surname in a village, a name in a county) are not joined for
# the rows the other rules already reach. See docs/decisions.md D25.
CHINESE_BLOCKING: tuple[str, ...] = (
    "l.name_py = r.name_py AND l.birth_year = r.birth_year",
    "l.surname_py = r.surname_py AND l.birth_day = r.birth_day",
    "l.surname_py = r.surname_py AND l.birth_month = r.birth_month AND l.town = r.town",
    "l.name_py = r.name_py AND l.town = r.town",
    "l.surname_py = r.surname_py AND l.undated_village = r.undated_village",
    "l.name_py = r.name_py AND l.undated_region = r.undated_region",
)
BLOCKING_KEYS = ("undated_village", "undated_region")

# The baseline: what a default Splink configuration gives without Chinese-specific work —
# raw names (no normalisation, no pinyin), byte-level edit distance, raw dates.
DEFAULT: tuple[Comparison, ...] = (
    Comparison(
        "name",
        _null("raw_name"),
        (
            Level("name_exact", "raw_name_l = raw_name_r", 0.9, 1e-4),
            Level("name_levenshtein_2", "levenshtein(raw_name_l, raw_name_r) <= 2", 0.05, 1e-3),
            Level("name_differs", "TRUE", 0.05, 0.999),
        ),
    ),
    Comparison(
        "birth",
        _null("raw_birth"),
        (
            Level("birth_exact", "raw_birth_l = raw_birth_r", 0.95, 1e-4),
            Level("birth_differs", "TRUE", 0.05, 0.9999),
        ),
    ),
    Comparison(
        "address",
        _null("raw_address"),
        (
            Level("address_jaccard_0.8", "jaccard(raw_address_l, raw_address_r) >= 0.8", 0.7, 0.05),
            Level("address_differs", "TRUE", 0.3, 0.95),
        ),
    ),
)
DEFAULT_BLOCKING: tuple[str, ...] = (
    "l.raw_name = r.raw_name",
    "l.raw_birth = r.raw_birth",
)
