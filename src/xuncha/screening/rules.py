"""Each recusal rule as one set-based query over the round's tables.

Every query returns the same columns: inspector, target, counterpart,
counterpart_role, category, rule_id, severity, steps (list of {from, relation, to}),
sources (list of ``file:row``), edges (kin edges, NULL for other rules).
"""

from __future__ import annotations

from datetime import date

from xuncha.policy.model import Rule

_SEVERITY = "CASE WHEN c.stage = 1 THEN '{leader}' ELSE '{other}' END"


def _severity(rule: Rule) -> str:
    return _SEVERITY.format(leader=rule.severity_for(leader=True), other=rule.severity_for(leader=False))


def _period(alias: str) -> str:
    return (
        f"coalesce(strftime({alias}.start_date, '%Y-%m'), '?') || '至' || "
        f"coalesce(strftime({alias}.end_date, '%Y-%m'), '今')"
    )


def _years_before(on: date, years: int) -> str:
    try:
        earlier = on.replace(year=on.year - years)
    except ValueError:  # 29 February
        earlier = on.replace(year=on.year - years, day=28)
    return f"DATE '{earlier.isoformat()}'"


def kin_sql(rule: Rule) -> str:
    scope = "key_persons" if rule.counterpart == "key_person" else "employees"
    cats = ", ".join(f"'{c}'" for c in rule.categories)
    return f"""
      SELECT c.person AS inspector, k.target, n.key AS counterpart,
             k.role AS counterpart_role, t.category, '{rule.id}' AS rule_id,
             {_severity(rule)} AS severity, c.stage,
             NULL AS steps, [k.source] AS sources, t.edges, t.length
      FROM kin_ties t
      JOIN cands c ON c.node_id = t.inspector_id
      JOIN nodes n ON n.node_id = t.counterpart_id
      JOIN {scope} k ON k.person = n.key
      WHERE t.category IN ({cats})"""


def work_recent_sql(rule: Rule, on: date) -> str:
    depth = "" if rule.include_subunits else "AND u.depth = 0"
    held = "'任职：' || coalesce(p.title, p.role, '') || '（' || " + _period("p") + " || '）'"
    return f"""
      SELECT c.person AS inspector, u.target, u.target AS counterpart,
             '被巡察单位' AS counterpart_role,
             'work' AS category, '{rule.id}' AS rule_id, {_severity(rule)} AS severity, c.stage,
             CASE WHEN u.depth = 0
               THEN [{{'from': c.person, 'relation': {held}, 'to': p.unit}}]
               ELSE [{{'from': c.person, 'relation': {held}, 'to': p.unit}},
                     {{'from': p.unit, 'relation': '隶属于', 'to': u.target}}] END AS steps,
             [p._source] AS sources, NULL::BIGINT[] AS edges, 1 + (u.depth > 0)::INTEGER AS length
      FROM cands c JOIN positions_x p ON p.person = c.person
      JOIN unit_tree u ON u.unit = p.unit {depth}
      WHERE (p.end_date IS NULL OR p.end_date >= {_years_before(on, rule.years)})
        AND (p.start_date IS NULL OR p.start_date <= DATE '{on.isoformat()}')"""


def work_long_sql(rule: Rule, on: date) -> str:
    day = f"DATE '{on.isoformat()}'"
    return f"""
      WITH spans AS (
        SELECT c.person, c.stage, p.unit, p._source, p.title, p.start_date, p.end_date,
               date_diff('day', p.start_date, least(coalesce(p.end_date, {day}), {day})) AS days
        FROM cands c JOIN positions_x p ON p.person = c.person
        JOIN targets t ON t.target = p.unit
        WHERE p.start_date IS NOT NULL AND p.start_date <= {day}),
      total AS (
        SELECT person, stage, unit, sum(days) AS days, list(_source ORDER BY _source) AS sources,
               string_agg(coalesce(title, '') || '（' || {_period("spans")} || '）', '；'
                          ORDER BY start_date) AS spans
        FROM spans GROUP BY person, stage, unit)
      SELECT c.person AS inspector, c.unit AS target, c.unit AS counterpart,
             '被巡察单位' AS counterpart_role, 'work' AS category, '{rule.id}' AS rule_id,
             {_severity(rule)} AS severity, c.stage,
             [{{'from': c.person, 'relation': '累计任职' || CAST(round(c.days / 365.25, 1) AS VARCHAR)
               || '年：' || c.spans, 'to': c.unit}}] AS steps,
             c.sources, NULL::BIGINT[] AS edges, 1 AS length
      FROM total c WHERE c.days >= {rule.min_years} * 365.25 - 1"""


def superior_sql(rule: Rule, on: date, key_roles: str) -> str:
    since, day = _years_before(on, rule.years), f"DATE '{on.isoformat()}'"
    return f"""
      SELECT c.person AS inspector, k.target, k.person AS counterpart, k.role AS counterpart_role,
             'superior' AS category, '{rule.id}' AS rule_id, {_severity(rule)} AS severity, c.stage,
             [{{'from': c.person, 'relation': '同单位任职：' || coalesce(a.title, a.role, '') || '（'
                 || {_period("a")} || '）', 'to': a.unit}},
              {{'from': a.unit, 'relation': '同单位任职：' || coalesce(b.title, b.role, '') || '（'
                 || {_period("b")} || '）', 'to': k.person}}] AS steps,
             [a._source, b._source, k.source] AS sources, NULL::BIGINT[] AS edges, 2 AS length
      FROM cands c JOIN positions_x a ON a.person = c.person
      JOIN (SELECT * FROM positions_x WHERE person IN (SELECT person FROM key_persons)) b
        ON b.unit = a.unit AND b.person <> a.person
      JOIN key_persons k ON k.person = b.person
      WHERE (list_contains({key_roles}, a.role) OR list_contains({key_roles}, b.role))
        AND greatest(coalesce(a.start_date, DATE '1900-01-01'), coalesce(b.start_date, DATE '1900-01-01'), {since})
            <= least(coalesce(a.end_date, {day}), coalesce(b.end_date, {day}), {day})"""


def study_sql(rule: Rule) -> str:
    same_class = "AND a.class IS NOT NULL AND a.class = b.class" if rule.same_class else ""
    label = "同班" if rule.same_class else "同校同期"
    return f"""
      SELECT c.person AS inspector, k.target, k.person AS counterpart, k.role AS counterpart_role,
             'study' AS category, '{rule.id}' AS rule_id, {_severity(rule)} AS severity, c.stage,
             [{{'from': c.person, 'relation': '就读：' || coalesce(a.class, '') || '（'
                 || {_period("a")} || '）', 'to': 'school:' || a.school}},
              {{'from': 'school:' || a.school, 'relation': '{label}：' || coalesce(b.class, '') || '（'
                 || {_period("b")} || '）', 'to': k.person}}] AS steps,
             [a._source, b._source, k.source] AS sources, NULL::BIGINT[] AS edges, 2 AS length
      FROM cands c JOIN education a ON a.person = c.person
      JOIN (SELECT * FROM education WHERE person IN (SELECT person FROM key_persons)) b
        ON b.school = a.school AND b.person <> a.person
      JOIN key_persons k ON k.person = b.person
      WHERE coalesce(a.start_date, DATE '1900-01-01') <= coalesce(b.end_date, DATE '2999-12-31')
        AND coalesce(b.start_date, DATE '1900-01-01') <= coalesce(a.end_date, DATE '2999-12-31')
        {same_class}"""


def region_native_sql(rule: Rule) -> str:
    return f"""
      SELECT c.person AS inspector, r.target, r.target AS counterpart,
             '被巡察单位所在地' AS counterpart_role, 'region' AS category, '{rule.id}' AS rule_id,
             {_severity(rule)} AS severity, c.stage,
             [{{'from': c.person, 'relation': CASE r.field WHEN 'native_place' THEN '籍贯：'
                ELSE '出生地：' END || r.text, 'to': r.target}}] AS steps,
             [r.source] AS sources, NULL::BIGINT[] AS edges, 1 AS length
      FROM native_in_target r JOIN cands c ON c.person = r.person"""


def region_home_sql(rule: Rule) -> str:
    return f"""
      SELECT c.person AS inspector, h.target, h.target AS counterpart,
             '被巡察单位所在地' AS counterpart_role, 'region' AS category, '{rule.id}' AS rule_id,
             {_severity(rule)} AS severity, c.stage,
             [{{'from': c.person, 'relation': '所属地区与被巡察单位相同：' || h.region,
               'to': h.target}}] AS steps,
             [c.source] AS sources, NULL::BIGINT[] AS edges, 1 AS length
      FROM home_in_target h JOIN cands c ON c.person = h.person"""


def declared_sql(rule: Rule, on: date) -> str:
    day = f"DATE '{on.isoformat()}'"
    return f"""
      WITH decl AS (SELECT * FROM declarations WHERE round = $round),
      via_person AS (
        SELECT d.*, u.target, p._source AS via FROM decl d
        JOIN positions_x p ON p.person = d.counterpart
        JOIN unit_tree u ON u.unit = p.unit
        WHERE (p.start_date IS NULL OR p.start_date <= {day})
          AND (p.end_date IS NULL OR p.end_date >= {day})),
      via_unit AS (
        SELECT d.*, u.target, NULL AS via FROM decl d JOIN unit_tree u ON u.unit = d.counterpart),
      hits AS (SELECT * FROM via_person UNION ALL SELECT * FROM via_unit)
      SELECT c.person AS inspector, h.target, h.counterpart,
             coalesce(k.role, CASE WHEN h.counterpart = h.target THEN '被巡察单位' END, '申报关系人')
               AS counterpart_role,
             'declared' AS category, '{rule.id}' AS rule_id, '{rule.severity_for(leader=True)}' AS severity,
             3 AS stage,
             [{{'from': c.person, 'relation': '本人申报：' || coalesce(h.relation, ''),
               'to': h.counterpart}}] AS steps,
             list_filter([h._source, h.via], lambda x: x IS NOT NULL) AS sources,
             NULL::BIGINT[] AS edges, 1 AS length
      FROM hits h JOIN (SELECT DISTINCT person, name FROM inspectors i
                        JOIN nodes n ON n.key = i.person) c ON c.person = h.inspector
      LEFT JOIN key_persons k ON k.target = h.target AND k.person = h.counterpart"""


def objection_sql(rule: Rule) -> str:
    return f"""
      SELECT o.inspector, o.unit AS target, o.unit AS counterpart,
             '提出异议的被巡察单位' AS counterpart_role, 'objection' AS category,
             '{rule.id}' AS rule_id, '{rule.severity_for(leader=True)}' AS severity, 3 AS stage,
             [{{'from': o.inspector, 'relation': '被巡察单位提出回避异议：' || coalesce(o.reason, ''),
               'to': o.unit}}] AS steps,
             [o._source] AS sources, NULL::BIGINT[] AS edges, 1 AS length
      FROM objections o JOIN targets t ON t.target = o.unit WHERE o.round = $round"""
