"""The tables and macros a model query sees (documented in the package docstring)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from xuncha.bundle.model import Bundle
from xuncha.engine.base import Engine
from xuncha.graph.build import build_graph
from xuncha.graph.complete import complete
from xuncha.kinship.categories import STATUTORY
from xuncha.policy.model import load_policy
from xuncha.screening.kin import derive_kin_ties

#: departmental table → the column that names a person
PERSON_COLUMNS: dict[str, str] = {
    "subsidies": "recipient",
    "payroll": "person",
    "company_roles": "person",
    "payments": "payee",
    "vehicles": "owner",
    "real_estate": "owner",
    "deaths": "person",
}
OTHER_TABLES = ("companies", "petitions", "inquiries")
#: tables whose persons are walked for kin ties to position holders
KIN_TABLES = ("subsidies", "company_roles", "payments")
CATEGORY_RANK = {"spouse": 1, "lineal": 2, "collateral3": 3, "in_law": 4}

MACROS = (
    "month_start(period) AS strptime(period || '-01', '%Y-%m-%d')::DATE",
    "month_end(period) AS last_day(month_start(period))",
    "month_of(day) AS strftime(day, '%Y-%m')",
    "held_on(s, e, day) AS ((s IS NULL OR s <= day) AND (e IS NULL OR e >= day))",
    "held_in(s, e, period) AS ((s IS NULL OR s <= month_end(period)) AND (e IS NULL OR e >= month_start(period)))",
    "category_zh(c) AS CASE c WHEN 'spouse' THEN '夫妻关系' WHEN 'lineal' THEN '直系血亲' "
    "WHEN 'collateral3' THEN '三代以内旁系血亲' WHEN 'in_law' THEN '近姻亲' ELSE c END",
    "starts_any(text, prefixes) AS len(list_filter(prefixes, lambda x: starts_with(text, x))) > 0",
    "reverse_edges(edges) AS list_reverse(list_transform(edges, lambda x: x + 1 - 2 * (x % 2)))",
)

LINK_SCHEMA = pa.schema(
    [("table", pa.string()), ("column", pa.string()), ("source", pa.string()), ("person", pa.string())]
)


def setup_views(bundle: Bundle, engine: Engine, links: Any = None, *, on: date | None = None) -> date:
    """Build the graph, the departmental views, ``staff``, ``key_persons``, ``died`` and
    ``kin`` in ``engine``. Returns the reference date ``as_of``."""
    build_graph(bundle, engine)
    for sql in MACROS:
        engine.execute(f"CREATE OR REPLACE MACRO {sql}")
    engine.register("link_rows", link_rows(links))
    for name, column in PERSON_COLUMNS.items():
        _departmental(bundle, engine, name, column)
    for name in OTHER_TABLES:
        engine.register(name, complete(name, bundle.table(name) if bundle.has(name) else pa.table({})))
    _payments_company(engine)
    _staff(engine)
    _died(engine)
    as_of = on or _as_of(engine)
    _kin(engine, as_of)
    return as_of


def link_rows(links: Any) -> pa.Table:
    """Linked rows of a ``LinkResult`` (duck-typed: ``.table``), or an empty table."""
    table = getattr(links, "table", None)
    if table is None:
        return LINK_SCHEMA.empty_table()
    linked = table.filter(pc.equal(table.column("status"), "linked"))
    return pa.table({f.name: linked.column(f.name).cast(f.type) for f in LINK_SCHEMA}, schema=LINK_SCHEMA)


def _with_resolved(bundle: Bundle, name: str, column: str) -> pa.Table:
    table = complete(name, bundle.table(name) if bundle.has(name) else pa.table({}))
    flag = f"{column}_resolved"
    if flag not in table.column_names:
        keys = bundle.table("persons").column("person_key")
        table = table.append_column(flag, pc.fill_null(pc.is_in(table.column(column), value_set=keys), False))
    return table


def _departmental(bundle: Bundle, engine: Engine, name: str, column: str) -> None:
    """``name`` with ``person`` (the resolved key), ``person_raw``, ``link_status``."""
    engine.register(f"raw_{name}", _with_resolved(bundle, name, column))
    key = f"""CASE WHEN t.{column}_resolved THEN t.{column} ELSE l.person END"""
    status = f"""CASE WHEN t.{column}_resolved THEN 'exact' WHEN l.person IS NOT NULL THEN 'linked' END"""
    head = f"t.* REPLACE ({key} AS person)" if column == "person" else f"t.*, {key} AS person"
    engine.create(
        "payments_base" if name == "payments" else name,
        f"""SELECT {head}, t.{column} AS person_raw, {status} AS link_status
            FROM raw_{name} t LEFT JOIN (SELECT DISTINCT ON (source) source, person FROM link_rows
                                         WHERE "table" = ? AND "column" = ?) l
              ON l.source = t._source""",
        [name, column],
    )


def _payments_company(engine: Engine) -> None:
    engine.create(
        "payments",
        """SELECT p.*, c.company_id AS company FROM payments_base p
           LEFT JOIN companies c ON c.company_id = p.person_raw""",
    )


def _staff(engine: Engine) -> None:
    roles = load_policy().key_roles
    engine.create(
        "staff",
        """SELECT p.person, p.unit, p.title, p.role, p.start_date, p.end_date, p._source AS source,
                  list_contains(?::VARCHAR[], p.role) AS is_key, u.name AS unit_name, u.type AS unit_type
           FROM positions p LEFT JOIN units u ON u.unit_id = p.unit WHERE p.person IS NOT NULL""",
        [roles],
    )
    engine.create("key_persons", "SELECT * FROM staff WHERE is_key")


def _died(engine: Engine) -> None:
    """The earliest recorded death of each person; on the same date the death registration
    (``deaths``) is cited before household registration (``persons``), then the first row."""
    engine.create(
        "died",
        """SELECT person, death_date, source FROM (
             SELECT *, row_number() OVER (PARTITION BY person ORDER BY death_date, pref, source) AS rn FROM (
               SELECT person, death_date, _source AS source, 0 AS pref FROM deaths
               WHERE person IS NOT NULL AND death_date IS NOT NULL
               UNION ALL
               SELECT person_key, death_date, _source, 1 FROM persons
               WHERE person_key IS NOT NULL AND death_date IS NOT NULL))
           WHERE rn = 1""",
    )


def _as_of(engine: Engine) -> date:
    """The latest date in the departmental data (the end of the latest month), else today."""
    value = engine.scalar(
        """SELECT max(d) FROM (
             SELECT max(month_end(period)) AS d FROM subsidies UNION ALL
             SELECT max(month_end(period)) FROM payroll UNION ALL
             SELECT max(date) FROM payments UNION ALL
             SELECT max(death_date) FROM deaths)"""
    )
    return value if isinstance(value, date) else date.today()


def _kin(engine: Engine, on: date) -> None:
    """``kin(a, b, category, shape, edges, length)``: one statutory tie per pair."""
    people = " UNION ".join(f"SELECT person FROM {t} WHERE person IS NOT NULL" for t in KIN_TABLES)
    derive_kin_ties(
        engine,
        inspectors=f"SELECT DISTINCT n.node_id FROM nodes n JOIN ({people}) d ON d.person = n.key",
        counterparts="SELECT DISTINCT n.node_id FROM nodes n JOIN staff s ON s.person = n.key",
        on=on,
        reach=load_policy().kin_reach,
    )
    rank = " ".join(f"WHEN '{c}' THEN {r}" for c, r in CATEGORY_RANK.items())
    statutory = ", ".join(f"'{c}'" for c in sorted(STATUTORY))
    engine.create(
        "kin",
        f"""SELECT DISTINCT ON (na.key, nb.key) na.key AS a, nb.key AS b, k.category, k.shape, k.edges, k.length
            FROM kin_ties k JOIN nodes na ON na.node_id = k.inspector_id
            JOIN nodes nb ON nb.node_id = k.counterpart_id
            WHERE k.category IN ({statutory})
            ORDER BY na.key, nb.key, CASE k.category {rank} END, k.length, k.edges""",
    )
