"""Comparison models (大数据比对): departmental data against people, positions and kin.

A model is a YAML file (built-ins in ``models/``, user models in ``--rules DIR``, same
format; a user model with a built-in's id replaces it)::

    id: kin_benefit              # lower-case id
    name: 优亲厚友                # Chinese name
    severity: must              # must | should | notice
    description: …              # what it finds (Chinese, then English)
    basis: …                    # the policy or legal text it rests on
    parameters: {programs: {default: [], description: …}}
    query: SELECT …             # DuckDB SQL; parameters as $name (bound, never formatted)
    summary: "{recipient_name}…" # Chinese; {column} of the query; {kin_term} when path is set
    unit: unit                  # column giving the unit key (optional)
    persons: [recipient, official]  # columns (text or list), main subject first
    evidence: [subsidy_rows]    # columns: "file:row", a struct with `source`, or lists of them
    path: edges                 # optional column of kin edge ids (see ``kin``) → steps
    key: [company]              # optional extra columns that tell findings apart

Built-in parameter: ``$as_of`` (DATE), the reference date: the end of the latest month or
the latest date in subsidies, payroll, payments and deaths, else today. Kin ties are
computed on that date (a marriage ended before it is no longer 夫妻关系).

Tables and macros a query sees:

- ``persons``, ``units``, ``positions``: the bundle's core tables (every declared column,
  ``persons.person_key`` the key; ``_source`` is "file:row").
- ``staff(person, unit, title, role, start_date, end_date, source, is_key, unit_name,
  unit_type)``: every position; ``key_persons``: the rows with ``is_key`` (一把手,
  班子成员 per the recusal policy). Filter by date in the model, e.g.
  ``held_in(start_date, end_date, period)`` or ``held_on(start_date, end_date, $as_of)``.
- Departmental tables ``subsidies``, ``payroll``, ``company_roles``, ``payments``,
  ``vehicles``, ``real_estate``, ``deaths`` with every declared column plus ``person``
  (the person key: exact ID/person_id match from the loader, else the row's link from
  ``xuncha.link`` when status is ``linked``, else NULL), ``person_raw`` (the value as
  given) and ``link_status`` (exact | linked | NULL). ``payments.company`` is the payee
  when it is a ``companies.company_id``. ``companies``, ``petitions``, ``inquiries`` as loaded.
- ``died(person, death_date, source)``: the earliest death per person, from ``deaths``
  and ``persons.death_date``.
- ``kin(a, b, category, shape, edges, length)``: statutory kin ties (spouse, lineal,
  collateral3, in_law; one per pair, the strongest category then the shortest path)
  between ``a``, a person named in subsidies, company_roles or payments, and ``b``, a
  person holding any position. ``shape`` reads from ``a`` to ``b`` (``u`` = b is a's
  parent, ``s`` = spouse); ``edges`` likewise; ``reverse_edges(edges)`` reads from b to a.
  A finding's path and ``{kin_term}`` read from the first step's node, so built-in models
  give the path from the official to the relative.
- Macros: ``month_start(period)``, ``month_end(period)``, ``month_of(date)`` ('YYYY-MM'),
  ``held_on(start, end, day)``, ``held_in(start, end, period)``, ``category_zh(category)``,
  ``starts_any(text, prefixes)``, ``reverse_edges(edges)``.
"""

from xuncha.compare.run import FINDING_SCHEMA, compare, records
from xuncha.compare.spec import ModelSpec, RuleError, load_models

__all__ = ["FINDING_SCHEMA", "ModelSpec", "RuleError", "compare", "load_models", "records"]
