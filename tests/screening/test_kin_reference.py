"""The SQL kin derivation equals a brute-force walk on random family graphs."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.screening.util import bundle
from xuncha.engine.base import open_engine
from xuncha.graph.build import build_graph
from xuncha.policy.model import KinReach
from xuncha.screening.kin import derive_kin_ties
from xuncha.screening.reference import Facts, adjacency, kin_ties

ON = date(2026, 9, 1)
PARENT_TERMS = {"男": "父亲", "女": "母亲"}
CHILD_TERMS = {"男": "儿子", "女": "女儿"}
SIBLING_TERMS = {"男": "兄弟", "女": "姐妹"}


@st.composite
def families(draw: st.DrawFn) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    n = draw(st.integers(min_value=2, max_value=14))
    genders = [draw(st.sampled_from(["男", "女"])) for _ in range(n)]
    persons = [
        {"person_key": f"P{i}", "name": f"人{i}", "gender": g, "birth_date": date(1940 + 4 * i, 1, 1)}
        for i, g in enumerate(genders)
    ]
    kinship: list[dict[str, object]] = []
    for child in range(1, n):
        for parent in draw(st.sets(st.integers(0, child - 1), max_size=2)):
            if draw(st.booleans()):
                kinship.append(
                    {"person": f"P{child}", "relative": f"P{parent}", "relation": PARENT_TERMS[genders[parent]]}
                )
            else:
                kinship.append(
                    {"person": f"P{parent}", "relative": f"P{child}", "relation": CHILD_TERMS[genders[child]]}
                )
    for _ in range(draw(st.integers(0, 2))):  # siblings named without their parents
        a, b = draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))
        if a != b:
            kinship.append({"person": f"P{a}", "relative": f"P{b}", "relation": SIBLING_TERMS[genders[b]]})
    for _ in range(draw(st.integers(0, n // 2))):
        a, b = draw(st.integers(0, n - 1)), draw(st.integers(0, n - 1))
        if a == b:
            continue
        ended = draw(st.sampled_from([None, None, date(2000, 1, 1), date(2030, 1, 1)]))
        kinship.append({"person": f"P{a}", "relative": f"P{b}", "relation": "配偶", "end_date": ended})
    return persons, kinship


def _facts(kinship: list[dict[str, object]]) -> Facts:
    """Base facts as the reference sees them; a sibling row is a shared unknown parent."""
    parents, marriages = [], []
    for i, row in enumerate(kinship):
        a, b = str(row["person"]), str(row["relative"])
        if row["relation"] in SIBLING_TERMS.values():
            parents += [(a, f"V{i}"), (b, f"V{i}")]
        elif row["relation"] in PARENT_TERMS.values():
            parents.append((a, b))
        elif row["relation"] in CHILD_TERMS.values():
            parents.append((b, a))
        else:
            end = row.get("end_date")
            marriages.append((a, b, end if isinstance(end, date) else None))
    return Facts(parents, marriages, {})


def _sql_ties(persons: list[dict[str, object]], kinship: list[dict[str, object]]) -> dict[tuple[str, str, str], int]:
    engine = open_engine()
    try:
        build_graph(bundle(persons=persons, kinship=kinship), engine)
        everyone = "SELECT node_id FROM nodes WHERE origin = 'person'"
        derive_kin_ties(engine, inspectors=everyone, counterparts=everyone, on=ON, reach=KinReach())
        rows = engine.arrow(
            """SELECT a.key AS a, b.key AS b, t.category, t.length FROM kin_ties t
               JOIN nodes a ON a.node_id = t.inspector_id JOIN nodes b ON b.node_id = t.counterpart_id"""
        ).to_pylist()
    finally:
        engine.close()
    return {(r["a"], r["b"], r["category"]): r["length"] for r in rows}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True)
@given(families())
def test_sql_matches_brute_force(family: tuple[list[dict[str, object]], list[dict[str, object]]]) -> None:
    persons, kinship = family
    keys = [str(p["person_key"]) for p in persons]
    expected = kin_ties(adjacency(_facts(kinship), ON), keys, keys)
    assert _sql_ties(persons, kinship) == expected


def test_divorced_spouse_is_not_spouse() -> None:
    persons = [
        {"person_key": "A", "name": "甲", "gender": "男"},
        {"person_key": "B", "name": "乙", "gender": "女"},
    ]
    kinship = [{"person": "A", "relative": "B", "relation": "妻子", "end_date": date(2020, 1, 1)}]
    assert _sql_ties(persons, kinship) == {}
    kinship[0]["end_date"] = None
    assert _sql_ties(persons, kinship) == {("A", "B", "spouse"): 1, ("B", "A", "spouse"): 1}
