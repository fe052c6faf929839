"""The rows to link (one per departmental row and person column) and the persons to link
them to, each with the features of :mod:`xuncha.link.features`."""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc

from xuncha.bundle.model import Bundle
from xuncha.engine.duckdb_engine import connect
from xuncha.link import features as f
from xuncha.link.model import PERSON_COLUMNS, PersonColumn

_ORGANISATION = re.compile(
    r"(公司|合作社|厂|中心|局|委员会|学校|医院|银行|事务所|商行|店|部|社|站|所|院|处|村委会|居委会)$"
)
_EXTRAS = ("birth_date", "gender", "address", "employer")


def _column(t: pa.Table, name: str | None) -> pa.Array:
    if name is None or name not in t.column_names:
        return pa.nulls(t.num_rows, pa.string())
    return pc.cast(t[name].combine_chunks(), pa.string())


def _organisation_keys(bundle: Bundle) -> tuple[pa.Array, pa.Array]:
    """Company and unit keys, and their names: a payee named by one is no person."""
    keys: list[pa.Array] = []
    names: list[pa.Array] = []
    for table, key in (("companies", "company_id"), ("units", "unit_id")):
        if bundle.has(table):
            t = bundle.table(table)
            keys.append(_column(t, key))
            names.append(_column(t, "name"))
    empty = pa.array([], pa.string())
    return pc.unique(pa.concat_arrays(keys or [empty])), pc.unique(pa.concat_arrays(names or [empty]))


def _named(value: pa.Array, name: pa.Array) -> pa.Array:
    return pc.or_(pc.is_valid(value), pc.is_valid(name))


def _person_mask(bundle: Bundle, spec: PersonColumn, value: pa.Array, name: pa.Array) -> pa.Array:
    """Rows that name a person: a value or a name, and for payments no company or unit."""
    mask = _named(value, name)
    if spec.table != "payments":
        return mask
    keys, org_names = _organisation_keys(bundle)
    organisation = pc.or_(
        pc.fill_null(pc.is_in(value, value_set=keys), False),
        pc.fill_null(pc.is_in(name, value_set=org_names), False),
    )
    looks_org = pc.fill_null(pc.match_substring_regex(name, _ORGANISATION.pattern), False)
    unresolved = pc.invert(pc.fill_null(_column(bundle.table("payments"), "payee_resolved").cast(pa.bool_()), False))
    organisation = pc.or_(organisation, pc.and_(looks_org, unresolved))
    return pc.and_(mask, pc.invert(organisation))


def _rows_of(bundle: Bundle, spec: PersonColumn) -> pa.Table | None:
    if not bundle.has(spec.table) or spec.column not in bundle.table(spec.table).column_names:
        return None
    t = bundle.table(spec.table)
    value = _column(t, spec.column)
    name = _column(t, spec.name)
    if spec.name is None:  # a bare column: an unresolved value that is no number is a name
        name = pc.if_else(f.id_shaped(value), pa.scalar(None, pa.string()), value)
    resolved = t[f"{spec.column}_resolved"] if f"{spec.column}_resolved" in t.column_names else None
    resolved_arr = (
        pa.array([False] * t.num_rows) if resolved is None else pc.fill_null(resolved.combine_chunks(), False)
    )
    cols = {
        "table": pa.array([spec.table] * t.num_rows, pa.string()),
        "column": pa.array([spec.column] * t.num_rows, pa.string()),
        "source": _column(t, "_source"),
        "value": value,
        "resolved": resolved_arr,
        "name": name,
        **{extra: _column(t, extra) for extra in _EXTRAS},
    }
    return pa.table(cols).filter(_person_mask(bundle, spec, value, name))


def person_rows(bundle: Bundle) -> pa.Table:
    """Every departmental row that names a person, once per person column, with ``uid``."""
    parts = [p for p in (_rows_of(bundle, spec) for spec in PERSON_COLUMNS) if p is not None]
    if not parts:
        return _empty_rows()
    rows = pa.concat_tables(parts)
    return rows.append_column("uid", pa.array(range(rows.num_rows), pa.int64()))


def _empty_rows() -> pa.Table:
    fields = ["table", "column", "source", "value", "name", *_EXTRAS]
    schema = pa.schema([(n, pa.string()) for n in fields] + [("resolved", pa.bool_()), ("uid", pa.int64())])
    return schema.empty_table()


def row_features(rows: pa.Table) -> pa.Table:
    """The comparison columns of the rows to link probabilistically."""
    value = rows["value"].combine_chunks()
    name, pinyin, surname = f.names(rows["name"].combine_chunks())
    birth = pc.coalesce(rows["birth_date"].combine_chunks(), f.birth_from_id(value))
    day, month, year = f.birth_parts(birth)
    region = pc.coalesce(f.text_region(rows["address"].combine_chunks()), f.id_region(value))
    gender = pc.coalesce(rows["gender"].combine_chunks(), f.gender_from_id(value))
    return _feature_table(
        uid=pc.cast(rows["uid"], pa.string()),
        name=(name, pinyin, surname),
        birth=(day, month, year),
        gender=gender,
        regions=(region, region),
        address=rows["address"].combine_chunks(),
        employer=rows["employer"].combine_chunks(),
        side="row",
    )


def _feature_table(
    *,
    uid: pa.Array,
    name: tuple[pa.Array, pa.Array, pa.Array],
    birth: tuple[pa.Array, pa.Array, pa.Array],
    gender: pa.Array,
    regions: tuple[pa.Array, pa.Array],
    address: pa.Array,
    employer: pa.Array,
    side: str,
) -> pa.Table:
    town, village, address_text, address_bigrams = f.place_features(address)
    return pa.table(
        {
            "uid": pc.binary_join_element_wise(pa.scalar(side), uid, ":"),
            "name_norm": name[0],
            "name_py": name[1],
            "surname_py": name[2],
            "birth_day": birth[0],
            "birth_month": birth[1],
            "birth_year": birth[2],
            "gender": gender,
            "region_a": regions[0],
            "region_b": regions[1],
            "town": town,
            "village": village,
            "address_text": address_text,
            "address_bigrams": address_bigrams,
            "employer_bigrams": f.bigrams(employer),
        }
    )


def person_features(bundle: Bundle) -> pa.Table:
    """The comparison columns of ``persons``: region from the ID prefix and the hukou address,
    employer from the names of the units of the person's positions."""
    p = bundle.table("persons")
    key = _column(p, "person_key")
    name, pinyin, surname = f.names(_column(p, "name"))
    birth = pc.cast(p["birth_date"].combine_chunks(), pa.string()) if "birth_date" in p.column_names else None
    day, month, year = f.birth_parts(birth if birth is not None else pa.nulls(p.num_rows, pa.string()))
    hukou = _column(p, "hukou_address")
    id_region = f.id_region(key)
    addr_region = f.text_region(hukou)
    return _feature_table(
        uid=key,
        name=(name, pinyin, surname),
        birth=(day, month, year),
        gender=_column(p, "gender"),
        regions=(pc.coalesce(id_region, addr_region), pc.coalesce(addr_region, id_region)),
        address=hukou,
        employer=_employers(bundle, key),
        side="person",
    )


def _employers(bundle: Bundle, keys: pa.Array) -> pa.Array:
    """Per person, the names of the units of their positions joined by spaces."""
    if not (bundle.has("positions") and bundle.has("units")):
        return pa.nulls(len(keys), pa.string())

    con = connect()
    con.register("positions", bundle.table("positions"))
    con.register("units", bundle.table("units"))
    sql = """
        select p.person, string_agg(u.name, ' ' order by p.start_date desc nulls last) as employer
        from positions p join units u on u.unit_id = p.unit where p.person is not null group by p.person
    """
    found = con.sql(sql).to_arrow_table()
    con.close()
    index = pc.index_in(keys, value_set=found["person"].combine_chunks())
    return found["employer"].combine_chunks().take(index)
