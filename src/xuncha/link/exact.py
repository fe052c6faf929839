"""Links by number: exact (the loader already resolved them), 15-digit upgrades, and near
numbers — a failing check character, one digit off or two adjacent digits swapped from a
known person's number — as candidates for review, never automatic links.

Near numbers are found in DuckDB: each row number is masked at each of its 18 positions
(``_`` in place of the digit) and joined to the persons' numbers masked the same way, and its
17 adjacent swaps are joined to the persons' numbers directly.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from xuncha.engine.duckdb_engine import connect
from xuncha.identity.idcard import parse_id
from xuncha.link.features import id_shaped, per_distinct

NEAR_PROBABILITY = {"name_exact": 0.9, "name_pinyin": 0.8, "name_differs": 0.3, "name_missing": 0.5}


def upgrade_15(values: pa.Array) -> pa.Array:
    """A 15-digit value upgraded to 18 digits, else null."""
    fifteen = pc.fill_null(pc.match_substring_regex(values, r"^\d{15}$"), False)
    picked = pc.if_else(fifteen, values, pa.scalar(None, pa.string()))
    return per_distinct(picked, lambda v: [parse_id(x).number if x else None for x in v], pa.string())


def number_of(values: pa.Array) -> tuple[pa.Array, pa.Array]:
    """The 18-character number a row carries (a 15-digit one upgraded) and whether it was upgraded."""
    upgraded = upgrade_15(values)
    shaped = pc.if_else(id_shaped(pc.utf8_upper(values)), pc.utf8_upper(values), pa.scalar(None, pa.string()))
    return pc.coalesce(shaped, upgraded), pc.is_valid(upgraded)


_NEAR_SQL = """
with q as (select uid, number, name_norm, name_py from queries),
masked as (
    select uid, pos, substr(number, 1, pos - 1) || '_' || substr(number, pos + 1) as mask
    from q, range(1, 19) t(pos)),
swapped as (
    select uid, substr(number, 1, pos - 1) || substr(number, pos + 1, 1) || substr(number, pos, 1)
           || substr(number, pos + 2) as variant
    from q, range(1, 18) t(pos)
    where substr(number, pos, 1) <> substr(number, pos + 1, 1)),
person_masks as (
    select p.key, substr(p.key, 1, pos - 1) || '_' || substr(p.key, pos + 1) as mask
    from known p, range(1, 19) t(pos)),
hits as (
    select m.uid, pm.key, 'id_one_digit' as kind from masked m join person_masks pm using (mask)
    union all
    select s.uid, k.key, 'id_transposed' as kind from swapped s join known k on k.key = s.variant)
select h.uid, h.key as person, h.kind,
       case when q.name_norm is null or k.name_norm is null then 'name_missing'
            when q.name_norm = k.name_norm then 'name_exact'
            when q.name_py = k.name_py then 'name_pinyin'
            else 'name_differs' end as name_level
from hits h join q using (uid) join known k on k.key = h.key
where h.key <> q.number
"""


def near_numbers(queries: pa.Table, known: pa.Table) -> pa.Table:
    """``queries(uid, number, name_norm, name_py)`` against ``known(key, name_norm, name_py)``:
    ``(uid, person, kind, name_level)`` for every near number, best first per row."""
    con = connect()
    con.register("queries", queries)
    con.register("known", known)
    result = con.sql(
        f"select * from ({_NEAR_SQL}) order by uid, "
        "case name_level when 'name_exact' then 0 when 'name_pinyin' then 1 when 'name_missing' then 2 else 3 end, "
        "kind, person"
    ).to_arrow_table()
    con.close()
    return result
