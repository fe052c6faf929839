"""``xuncha screen ... --incremental STATE_DIR``: re-screen only the inspectors a change affects.

The first run (or one whose state does not fit) is an ordinary full screen that then saves
its tables to ``STATE_DIR/state.duckdb`` with a ``manifest.json``. A later run finds the
table files that changed, loads only those, patches the saved tables and graph, and
screens again the inspectors the change can reach, with the same result a full run gives.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import pyarrow as pa

from xuncha.bundle.load import load_bundle, table_order
from xuncha.bundle.model import Bundle
from xuncha.bundle.problems import BundleError, Problem
from xuncha.bundle.schema import load_schema
from xuncha.engine.base import Engine, as_int
from xuncha.engine.duckdb_engine import DuckDBEngine
from xuncha.graph.build import CORE_TABLES, KIN_ROW_SCHEMA, TERM_FIRST, read_terms
from xuncha.graph.complete import complete
from xuncha.policy.model import Policy
from xuncha.screening.context import RoundInfo, cands_sql, register_roles, round_staff, sql_in
from xuncha.screening.delta import (
    CORE_TRACKED,
    GRAPH_TRACKED,
    TRACKED,
    Delta,
    GraphChange,
    Tail,
    append_members,
    apply_core,
    apply_graph,
    diff_kinship,
    diff_members,
    edges_since,
    load_table,
    load_tail,
    plain_of,
    shape_differs,
    unit_texts,
)
from xuncha.screening.kin import derive_kin_ties_forward
from xuncha.screening.output import PAIRS_SQL, pair_ranking
from xuncha.screening.run import (
    COUNTERPARTS,
    ORDER,
    RECORD_KEYS,
    ScreenResult,
    counts,
    screen,
    screen_rules,
)
from xuncha.screening.state import (
    DB_NAME,
    MANIFEST,
    Adjacency,
    Changes,
    Manifest,
    Reason,
    RunKey,
    Segments,
    bundle_files,
    detect,
    problems_from_json,
    problems_to_json,
    read_manifest,
    read_problems,
    stamp,
    unfit,
    write_manifest,
    write_problems,
)

SAVED = (
    *CORE_TABLES,
    "kin_rows",
    "member_nodes",
    "positions_x",
    "term_map",
    "kin_groups_all",
    "nodes",
    "edges",
    "facts",
    "term_first",
    "kin_ties",
    "conflicts",
    "targets",
    "unit_tree",
    "key_persons",
    "employees",
    "cands_all",
    "counterpart_nodes",
    "pairs",
    "person_ids",
    "person_names",
    "kin_shapes",
    "kin_prefix",
    "place_checked",
    "kin_rendered",
    "known_names",
    "edges_since",
)
_SOURCE = {"kin_groups_all": "kin_groups", "cands_all": "cands"}  # saved under another name
_ORDER = {
    "edges": "src",
    "nodes": "node_id",
    "conflicts": "inspector",
    "pairs": "inspector",
    "facts": "s_id",
    "persons": "person_key",
    "person_ids": "person_id",
    "person_names": "name",
    "known_names": "key",
}
MAX_SHARE = 0.5  # beyond this share of inspectors affected, a full run is as quick


@dataclass
class Outcome:
    """How a run went: the result (engine open), whether it was incremental, and figures."""

    result: ScreenResult
    incremental: bool
    reason: Reason | None = None  # why it was a full run
    delta: Delta = field(default_factory=Delta)
    changed: list[str] = field(default_factory=list)
    rescreened: int = 0
    added: int = 0
    removed: int = 0
    screen_seconds: float = 0.0
    pending: tuple[Path, Manifest] | None = None  # manifest to write once the state is closed
    problems: _Problems | None = None  # the saved problems and this run's changes to them


class _Fallback(Exception):
    def __init__(self, reason: Reason) -> None:
        super().__init__(f"{reason[0]} / {reason[1]}")
        self.reason = reason


def screen_with_state(
    bundle_path: Path, round_id: str, policy: Policy, key: RunKey, state_dir: Path, *, memory_limit: str | None = None
) -> Outcome:
    """Screen incrementally when the state in ``state_dir`` fits, else fully; save the state.
    ``result.engine`` holds ``conflicts`` and ``conflict_changes``; close the result when done."""
    started = time.perf_counter()
    manifest = read_manifest(state_dir)
    with _collector_paused():
        reason = unfit(manifest, key, bundle_path, state_dir)
        if manifest is not None and reason is None:
            changes = detect(manifest, bundle_path)
            reason = changes.layout or _untracked(changes)
            if reason is None:
                try:
                    return _incremental(bundle_path, policy, manifest, changes, state_dir, started, memory_limit)
                except _Fallback as exc:
                    reason = exc.reason
    assert reason is not None
    previous = state_dir / DB_NAME if manifest is not None and manifest.key.round == round_id else None
    return _full(bundle_path, round_id, policy, key, state_dir, previous, reason, started, memory_limit)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while the small run lasts: its many small objects would
    otherwise make the collector walk every object of the loaded modules again and again
    (a third of the Python time at 1M persons). Reference counting frees them as usual."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _untracked(changes: Changes) -> Reason | None:
    other = sorted(set(changes.changed) - set(TRACKED))
    if not other:
        return None
    names = "、".join(other)
    return f"表 {names} 有变化，需全量审查", f"table(s) {', '.join(other)} changed; a full screen is needed"


# ---------------------------------------------------------------- full run, state saved


def _full(
    bundle_path: Path,
    round_id: str,
    policy: Policy,
    key: RunKey,
    state_dir: Path,
    previous: Path | None,
    reason: Reason,
    started: float,
    memory_limit: str | None,
) -> Outcome:
    bundle = load_bundle(bundle_path, strict=key.strict)
    result = screen(bundle, round_id, policy, stages=key.stages, engine=DuckDBEngine(memory_limit=memory_limit))
    try:
        graph_problems = result.problems
        result.problems = bundle.problems + graph_problems
        seconds = time.perf_counter() - started
        _changes_from(result.engine, previous)
        _save(result, bundle, key, state_dir, graph_problems)
    except BaseException:
        result.close()
        raise
    added, removed = _change_counts(result.engine)
    return Outcome(
        result,
        False,
        reason,
        added=added,
        removed=removed,
        screen_seconds=seconds,
        rescreened=result.stats.get("candidates", 0),
    )


def _changes_from(engine: Engine, previous: Path | None) -> None:
    """``conflict_changes``: records added and removed against the previous state of this round."""
    old = "(SELECT * FROM conflicts WHERE false)"
    if previous is not None and previous.exists():
        engine.execute(f"ATTACH '{_quoted(previous)}' AS prev (READ_ONLY)")
        old = "prev.conflicts"
    engine.create("conflict_changes", _CHANGES.format(old=old, new="conflicts", scope="true"))
    if old == "prev.conflicts":
        engine.execute("DETACH prev")


_CHANGES = """
SELECT 'added' AS change, * FROM (SELECT * FROM {new} EXCEPT ALL SELECT * FROM {old} WHERE {scope})
UNION ALL
SELECT 'removed', * FROM (SELECT * FROM {old} WHERE {scope} EXCEPT ALL SELECT * FROM {new})
"""


# the same as ``_CHANGES`` over the few records of the re-screened inspectors: rows compared by
# their JSON text (a window over the nested columns themselves is many times slower)
_FEW_CHANGES = """
WITH n AS (SELECT *, row_number() OVER (PARTITION BY j) AS i
           FROM (SELECT c.*, to_json(c)::VARCHAR AS j FROM conflicts_new c)),
     o AS (SELECT *, row_number() OVER (PARTITION BY j) AS i
           FROM (SELECT c.*, to_json(c)::VARCHAR AS j FROM conflicts_old c))
SELECT 'added' AS change, * EXCLUDE (j, i) FROM n WHERE NOT EXISTS (SELECT 1 FROM o WHERE o.j = n.j AND o.i = n.i)
UNION ALL
SELECT 'removed', * EXCLUDE (j, i) FROM o WHERE NOT EXISTS (SELECT 1 FROM n WHERE o.j = n.j AND o.i = n.i)
"""


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def _save(result: ScreenResult, bundle: Bundle, key: RunKey, state_dir: Path, graph_problems: list[Problem]) -> None:
    engine = result.engine
    engine.create("term_first", TERM_FIRST.format(rows="kin_rows"))
    engine.create("counterpart_nodes", f"SELECT node_id, key FROM nodes WHERE node_id IN ({COUNTERPARTS})")
    pair_ranking(result, 0)  # makes table ``pairs``, which the outputs use; later runs patch it
    # persons by person_id and by name, for looking a few up (see delta.py)
    engine.create("person_ids", "SELECT person_id, person_key FROM persons WHERE person_id IS NOT NULL")
    engine.create("person_names", "SELECT name, person_key FROM persons WHERE name IS NOT NULL")
    engine.create("edges_since", "SELECT src, dst FROM edges WHERE false")  # added after the saved adjacency
    # names of the persons on records (a person node's name changes only with ``persons``: a full run),
    # and no name for the units on records, which are no node (nor become one: a node's key is a
    # person's, or a form row's "FM:…", or a virtual person's "~…")
    engine.create(
        "known_names",
        """WITH keyed AS (SELECT inspector AS key FROM conflicts UNION SELECT counterpart FROM conflicts)
           SELECT key, name FROM nodes WHERE origin = 'person' AND key IN (SELECT key FROM keyed)
           UNION ALL
           SELECT key, NULL FROM keyed WHERE key IN (SELECT unit_id FROM units)
             AND key NOT IN (SELECT key FROM nodes) AND NOT starts_with(key, 'FM:') AND NOT starts_with(key, '~')""",
    )
    names = list(SAVED)
    if bundle.has("units"):  # for matching the employer texts of cadre forms that come later
        engine.register("unit_texts", unit_texts(bundle.table("units")))
        names.append("unit_texts")
    for table in GRAPH_TRACKED:
        if bundle.has(table):
            engine.register(f"src_{table}", bundle.table(table))
            names.append(f"src_{table}")
    state_dir.mkdir(parents=True, exist_ok=True)
    (state_dir / MANIFEST).unlink(missing_ok=True)
    fresh = state_dir / f"{DB_NAME}.new"
    fresh.unlink(missing_ok=True)
    engine.execute(f"ATTACH '{_quoted(fresh)}' AS st")
    for name in [n for n in names if engine.has_table(_SOURCE.get(n, n))]:
        # sorted so that the few rows a later run looks up are found by zone maps
        order = f" ORDER BY {_ORDER[name]}" if name in _ORDER else ""
        engine.execute(f'CREATE TABLE st."{name}" AS SELECT * FROM "{_SOURCE.get(name, name)}"{order}')
    engine.execute("DETACH st")
    fresh.replace(state_dir / DB_NAME)
    edges = engine.arrow("SELECT src, dst FROM edges ORDER BY src")
    Adjacency.save(state_dir, edges.column("src").to_numpy(), edges.column("dst").to_numpy())
    tables, others = bundle_files(bundle.root)
    files = {n: stamp(n, p) for n, p in tables.items()}
    if "family_members" in files:  # cadre forms are appended: whether a later run may read the new rows alone
        files["family_members"] = replace(
            files["family_members"], plain=plain_of(tables["family_members"], "family_members")
        )
    manifest = Manifest(key, files, others)
    manifest.round, manifest.stats = _round_doc(result.round), dict(result.stats)
    write_problems(state_dir, _segments(bundle, graph_problems))  # before the manifest, which marks the state whole
    write_manifest(state_dir, manifest)


def _round_doc(info: RoundInfo) -> dict[str, str]:
    return {
        "round_id": info.round_id,
        "name": info.name,
        "mode": info.mode,
        "level": info.level,
        "start_date": info.start_date.isoformat(),
    }


def _segments(bundle: Bundle, graph_problems: list[Problem]) -> dict[str, list[dict[str, object]]]:
    """Problems by where they come from, so that a table's can be replaced in place."""
    labels = {t.file: name for name, t in bundle.tables.items()}
    segments: dict[str, list[Problem]] = {"files": []}
    for p in bundle.problems:
        segments.setdefault(labels.get(p.file, "files"), []).append(p)
    segments["members"] = [p for p in graph_problems if p.column == "name"]
    segments["terms"] = [p for p in graph_problems if p.column != "name"]
    return {k: problems_to_json(v) for k, v in segments.items()}


def _problem_list(segments: Segments) -> list[Problem]:
    """Bundle problems in load order, then graph problems."""
    names = ["files", *table_order(load_schema()), "members", "terms"]
    return [p for name in names for p in problems_from_json(segments.get(name, []))]


def _change_counts(engine: Engine) -> tuple[int, int]:
    rows = engine.arrow("SELECT change, count(*) AS n FROM conflict_changes GROUP BY change").to_pylist()
    got = {r["change"]: int(r["n"]) for r in rows}
    return got.get("added", 0), got.get("removed", 0)


# ---------------------------------------------------------------- incremental run


def _incremental(
    bundle_path: Path,
    policy: Policy,
    manifest: Manifest,
    changes: Changes,
    state_dir: Path,
    started: float,
    memory_limit: str | None,
) -> Outcome:
    engine = DuckDBEngine(database=state_dir / DB_NAME, memory_limit=memory_limit)
    try:
        (state_dir / MANIFEST).unlink()  # a run that stops half way leaves no usable state
        # one transaction: scratch tables made and dropped inside it never reach the file
        engine.execute("BEGIN TRANSACTION")
        adjacency = Adjacency.load(state_dir)
        delta = _apply(engine, bundle_path, policy, manifest, changes, adjacency)
        info = _round_info(manifest)
        staff = any(n in delta.added for n in GRAPH_TRACKED)  # positions_x may have changed
        rescreened = _rescreen(engine, info, policy, manifest.key.stages, staff, adjacency)
        added, removed = _change_counts(engine)
        problems = _Problems(state_dir, delta, _terms(engine, delta))
        stats = manifest.stats | _graph_stats(engine, manifest.stats, delta) | counts(engine, "cands_all")
        _drop_scratch(engine)
        engine.execute("COMMIT")
        result = _StateResult.lazy(info, engine, stats, problems)
        seconds = time.perf_counter() - started
        manifest.files = changes.stamps
        manifest.stats = stats
    except BaseException:
        engine.close()
        raise
    return Outcome(
        result,
        True,
        None,
        delta,
        sorted(changes.changed),
        rescreened,
        added,
        removed,
        seconds,
        (state_dir, manifest),
        problems,
    )


def finish(outcome: Outcome) -> None:
    """Close the result; after an incremental run the problems and the manifest are written
    once the state database is closed (and so complete on disk), the manifest last."""
    outcome.result.close()
    if outcome.problems is not None:
        outcome.problems.save()
    if outcome.pending is not None:
        write_manifest(*outcome.pending)


class _Problems:
    """The problems of an incremental run: the saved ones (``problems.json``, read when first
    wanted: a run that writes no outputs never reads them) with the run's changes applied."""

    def __init__(self, state_dir: Path, delta: Delta, terms: list[Problem] | None) -> None:
        self._state_dir, self._delta, self._terms = state_dir, delta, terms
        self._segments: Segments | None = None

    def segments(self) -> Segments:
        if self._segments is None:
            self._segments = read_problems(self._state_dir)
            _update_problems(self._segments, self._delta, self._terms)
        return self._segments

    def save(self) -> None:
        write_problems(self._state_dir, self.segments())


class _StateResult(ScreenResult):
    """A result whose problem list is made from the saved problems when first read."""

    _problems: list[Problem] | None = None
    _source: _Problems | None = None

    @classmethod
    def lazy(cls, info: RoundInfo, engine: Engine, stats: dict[str, int], source: _Problems) -> _StateResult:
        result = cls(info, engine, [], stats)
        result._problems, result._source = None, source
        return result

    @property
    def problems(self) -> list[Problem]:
        if self._problems is None:
            self._problems = _problem_list(self._source.segments()) if self._source is not None else []
        return self._problems

    @problems.setter
    def problems(self, value: list[Problem]) -> None:
        self._problems = value


def _round_info(manifest: Manifest) -> RoundInfo:
    doc = manifest.round
    return RoundInfo(
        str(doc["round_id"]),
        str(doc["name"]),
        str(doc["mode"]),
        str(doc["level"]),
        date.fromisoformat(str(doc["start_date"])),
    )


def _apply(
    engine: Engine, root: Path, policy: Policy, manifest: Manifest, changes: Changes, adjacency: Adjacency | None
) -> Delta:
    delta = Delta()
    engine.create("affected", "SELECT NULL::VARCHAR AS person WHERE false")
    loaded: dict[str, pa.Table] = {}
    tail = _appended_forms(engine, root, manifest, changes, delta)
    for name in sorted(set(changes.changed) - ({"family_members"} if tail is not None else set())):
        data, problems = load_table(root, name, changes.changed[name], engine)
        if data is None:
            raise _Fallback((f"表 {name} 无法读取", f"table {name} cannot be read"))
        if manifest.key.strict and any(p.level == "error" for p in problems):
            raise BundleError(next(p for p in problems if p.level == "error"))
        delta.problems[name] = problems
        loaded[name] = data.table
    for name in CORE_TRACKED:
        if name in loaded:
            if shape_differs(engine, name, complete(name, loaded[name])):
                raise _Fallback((f"表 {name} 的列有变化", f"the columns of table {name} changed"))
            apply_core(engine, name, loaded[name], delta)
    _apply_graph(engine, policy, loaded, delta, tail, adjacency)
    return delta


def _appended_forms(engine: Engine, root: Path, manifest: Manifest, changes: Changes, delta: Delta) -> pa.Table | None:
    """The cadre-form rows appended to an otherwise unchanged ``family_members`` file, loaded
    alone and put after the saved rows (None when the file changed otherwise: it is diffed whole)."""
    path = changes.changed.get("family_members")
    if path is None or "family_members" not in changes.grown or not engine.has_table("src_family_members"):
        return None
    tail: Tail | None = load_tail(root, "family_members", path, manifest.files["family_members"], engine)
    if tail is None:
        return None
    if manifest.key.strict and any(p.level == "error" for p in tail.problems):
        raise BundleError(next(p for p in tail.problems if p.level == "error"))
    added = append_members(engine, tail, delta)
    if added is not None:  # the saved rows' problems stay; the appended rows' follow them
        delta.appended_problems["family_members"] = tail.problems
        fresh = changes.stamps["family_members"]
        changes.stamps["family_members"] = replace(fresh, plain=tail.plain)
    return added


def _apply_graph(
    engine: Engine,
    policy: Policy,
    loaded: dict[str, pa.Table],
    delta: Delta,
    appended: pa.Table | None,
    adjacency: Adjacency | None,
) -> None:
    if not any(n in loaded for n in GRAPH_TRACKED) and appended is None:
        return
    gone_kin: list[str] = []
    kin_rows = KIN_ROW_SCHEMA.empty_table()
    gone_forms: list[str] = []
    forms = None
    if "kinship" in loaded:
        gone_kin, kin_rows = diff_kinship(engine, loaded["kinship"], delta)
    if "family_members" in loaded:
        gone_forms, forms = diff_members(engine, loaded["family_members"], delta)
    elif appended is not None:
        forms = appended
    delta.removed_member_rows = set(gone_forms)
    change = GraphChange(gone_kin + gone_forms, gone_forms, kin_rows, forms)
    engine.create("gone_relations", "SELECT NULL::VARCHAR AS relation WHERE false")
    engine.register("gone_sources", pa.table({"source": pa.array(change.removed_sources, pa.string())}))
    if change.removed_sources:
        engine.execute(
            """INSERT INTO gone_relations SELECT DISTINCT relation FROM kin_rows
               WHERE _source IN (SELECT source FROM gone_sources)"""
        )
    apply_graph(engine, change, policy.kin_reach.max_steps, delta, adjacency)


def _rescreen(
    engine: Engine, info: RoundInfo, policy: Policy, stages: list[int], staff: bool, adjacency: Adjacency | None
) -> int:
    """Screen the affected inspectors again and put their records in place of the old ones.
    The saved ``cands_all`` holds every candidate; ``cands`` only the affected ones.
    ``staff``: positions changed, so key persons and employees are made again."""
    people = engine.arrow("SELECT DISTINCT person FROM affected WHERE person IS NOT NULL").column(0).to_pylist()
    count = len(people)
    total = as_int(engine.scalar("SELECT count(DISTINCT person) FROM inspectors"))
    if count > 50 and count > MAX_SHARE * total:
        raise _Fallback((f"变化涉及 {count} 名巡察干部，超过一半", f"the change reaches {count} inspectors, over half"))

    def who(column: str) -> str:
        return sql_in(column, people)

    register_roles(engine, policy)
    if staff:
        _staff_again(engine, info)
        _forget_renderings(engine)
    engine.create("cands", cands_sql(who("i.person")))
    near = _near_edges(engine, adjacency, policy.kin_reach.max_steps)
    try:
        derive_kin_ties_forward(
            engine,
            inspectors="SELECT DISTINCT node_id FROM cands",
            counterparts="SELECT node_id FROM counterpart_nodes",
            on=info.start_date,
            reach=policy.kin_reach,
            into="kin_ties_new",
            shapes=False,
        )
    finally:
        if near:
            engine.execute("DROP TABLE temp.edges")
    engine.execute(
        f"""DELETE FROM kin_ties WHERE inspector_id IN
            (SELECT node_id FROM cands_all WHERE {who("person")} UNION ALL SELECT node_id FROM cands)"""
    )
    engine.execute("INSERT INTO kin_ties SELECT * FROM kin_ties_new")
    engine.create(  # the renderer reads every group: give it those on the paths found (their edges are ordered)
        "kin_groups",
        """SELECT * FROM kin_groups_all WHERE grp IN (SELECT grp FROM kin_edge_order
             WHERE edge_id IN (SELECT unnest(edges) FROM kin_ties_new) AND grp IS NOT NULL)""",
    )
    # the rules read these whole: the rows of the affected inspectors are all they need
    shadowed = [
        (t, c) for t, c in (("inspectors", "person"), ("persons", "person_key"), *_NAMED) if engine.has_table(t)
    ]
    for table, column in shadowed:
        engine.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM main.{table} WHERE {who(column)}")
    screen_rules(
        engine, info, policy, set(stages), into="conflicts_new", only="SELECT person FROM affected", narrow=True
    )
    for table, _ in shadowed:
        engine.execute(f"DROP TABLE temp.{table}")
    engine.create("conflicts_old", f"SELECT * FROM conflicts WHERE {who('inspector')}")
    engine.execute("CREATE OR REPLACE TEMP TABLE conflict_changes AS " + _FEW_CHANGES)
    engine.execute(f"DELETE FROM conflicts WHERE {who('inspector')}")
    engine.execute("INSERT INTO conflicts SELECT * FROM conflicts_new")
    _patch_pairs(engine, who("inspector"))
    engine.execute(f"DELETE FROM cands_all WHERE {who('person')}")
    engine.execute("INSERT INTO cands_all SELECT * FROM cands")
    return count


_NAMED = (("declarations", "inspector"), ("objections", "inspector"))


def _near_edges(engine: Engine, adjacency: Adjacency | None, steps: int) -> bool:
    """A temporary ``edges`` of the edges leaving the nodes within ``steps - 1`` of the
    candidates (every edge a walk of ``steps`` from them can take), in place of the saved
    one for the walks: one scan of ``edges`` instead of one a step, and of the columns the
    walks and their tie-break read alone. False without an adjacency."""
    if adjacency is None or not engine.has_table("edges_since"):
        return False
    starts = {int(v) for v in engine.arrow("SELECT DISTINCT node_id FROM cands").column(0).to_pylist()}
    near = adjacency.within(starts, steps - 1, edges_since(engine))
    engine.register("near_nodes", pa.table({"node_id": pa.array(sorted(near), pa.int32())}))
    engine.execute(
        """CREATE OR REPLACE TEMP TABLE edges AS SELECT edge_id, src, dst, step, grp, ends
           FROM main.edges e SEMI JOIN near_nodes n ON e.src = n.node_id"""
    )
    return True


def _forget_renderings(engine: Engine) -> None:
    """Renderings of paths over edges that were made again or are new: their ids may now stand for
    other edges. The others keep their meaning (the nodes and groups of an unchanged edge are unchanged)."""
    if not engine.has_table("edges_renumbered"):
        engine.execute("DELETE FROM kin_rendered")
        return
    engine.execute(
        """DELETE FROM kin_rendered WHERE list_max(edges) // 2 >= (SELECT max(base) FROM edges_renumbered)
             OR list_has_any(list_transform(edges, lambda e: e // 2),
                             (SELECT coalesce(list(k), []) FROM edges_renumbered WHERE k IS NOT NULL))"""
    )


def _patch_pairs(engine: Engine, which: str) -> None:
    """The ranking of (inspector, target) pairs is per pair: those of the affected inspectors
    are ranked again, over their records alone (``conflicts_new``)."""
    engine.execute(f"DELETE FROM pairs WHERE {which}")
    engine.execute("CREATE OR REPLACE TEMP TABLE conflicts AS SELECT * FROM conflicts_new")
    engine.execute(f"INSERT INTO pairs {PAIRS_SQL}")
    engine.execute("DROP TABLE temp.conflicts")


def _staff_again(engine: Engine, info: RoundInfo) -> None:
    """Key persons and employees of the targets where positions came or went (``moved_units``)
    made again (they are per target); ``counterpart_nodes`` patched by the keys that came and went."""
    units = engine.arrow("SELECT DISTINCT target FROM targets SEMI JOIN moved_units ON unit = target").column(0)
    if not len(units):
        return
    where = sql_in("target", units.to_pylist())

    def people(cond: str) -> set[str]:
        query = f"SELECT person FROM key_persons WHERE {cond} UNION SELECT person FROM employees WHERE {cond}"
        return {str(p) for p in engine.arrow(query).column(0).to_pylist()}

    before = people(where)
    engine.execute(f"CREATE OR REPLACE TEMP TABLE moved_targets AS SELECT * FROM targets WHERE {where}")
    round_staff(engine, info, targets="moved_targets", prefix="moved_")
    for table in ("key_persons", "employees"):
        engine.execute(f"DELETE FROM {table} WHERE {where}")
        engine.execute(f"INSERT INTO {table} SELECT * FROM moved_{table}")
    after = people(where)
    changed = sorted(before ^ after)
    if not changed:
        return
    others = people(f"{sql_in('person', changed)} AND NOT {where}")  # staff of other targets too
    gone, came = sorted(before - after - others), sorted(after - before - others)
    if gone:
        engine.execute(f"DELETE FROM counterpart_nodes WHERE {sql_in('key', gone)}")
    if came:
        engine.execute(
            f"""INSERT INTO counterpart_nodes SELECT node_id, key FROM nodes
                WHERE {sql_in("key", came)} AND key NOT IN (SELECT key FROM counterpart_nodes)"""
        )


def _terms(engine: Engine, delta: Delta) -> list[Problem] | None:
    """The problems of the kinship terms, when the kin rows changed (else None: as saved)."""
    if not any(n in delta.added for n in GRAPH_TRACKED):
        return None
    _refresh_terms(engine)
    terms: list[Problem] = []
    read_terms(engine.arrow("SELECT * FROM term_first ORDER BY ALL").to_pylist(), terms)
    return terms


def _update_problems(segments: Segments, delta: Delta, terms: list[Problem] | None) -> None:
    for name, problems in delta.problems.items():
        segments[name] = problems_to_json(problems)
    for name, problems in delta.appended_problems.items():
        segments[name] = segments.get(name, []) + problems_to_json(problems)
    if "family_members" in delta.added or delta.member_problems:
        gone = delta.removed_member_rows
        kept = [p for p in segments.get("members", []) if f"{p['file']}:{p['row']}" not in gone]
        fresh = problems_to_json(delta.member_problems)
        segments["members"] = sorted(kept + fresh, key=lambda p: p["row"] or 0)
    if terms is not None:
        segments["terms"] = problems_to_json(terms)


def _refresh_terms(engine: Engine) -> None:
    """The first source of each (term, ego gender): terms of rows that went are counted
    again, terms of rows that came are merged in."""
    engine.execute("DELETE FROM term_first WHERE term IN (SELECT relation FROM gone_relations)")
    again = TERM_FIRST.format(rows="(SELECT * FROM kin_rows WHERE relation IN (SELECT relation FROM gone_relations))")
    engine.create(
        "term_first",
        f"""SELECT term, ego_gender, min(first) AS first FROM (
              SELECT * FROM term_first UNION ALL ({again}) UNION ALL ({TERM_FIRST.format(rows="new_kin_rows")}))
            GROUP BY ALL""",
    )


_GRAPH_STATS = ("nodes", "virtual_nodes", "edges", "members_linked", "members_new")


def _graph_stats(engine: Engine, saved: dict[str, int], delta: Delta) -> dict[str, int]:
    if not any(n in delta.added for n in GRAPH_TRACKED) and all(k in saved for k in _GRAPH_STATS):
        return {k: saved[k] for k in _GRAPH_STATS}
    row = engine.arrow(
        """SELECT (SELECT count(*) FROM nodes) AS nodes,
                  (SELECT count(*) FROM nodes WHERE origin = 'virtual') AS virtual_nodes,
                  (SELECT count(*) FROM edges) AS edges"""
    ).to_pylist()[0]
    new = as_int(engine.scalar("SELECT count(*) FROM member_nodes"))
    forms = (
        as_int(engine.scalar("SELECT count(*) FROM src_family_members"))
        if engine.has_table("src_family_members")
        else 0
    )
    return {
        "nodes": int(row["nodes"]),
        "virtual_nodes": int(row["virtual_nodes"]),
        "edges": int(row["edges"]),
        "members_linked": forms - new,
        "members_new": new,
    }


def _drop_scratch(engine: Engine) -> None:
    """Every table of the state file that is not saved (temporary tables go with the connection)."""
    keep = set(SAVED) | {f"src_{t}" for t in GRAPH_TRACKED} | {"unit_texts"}
    names = engine.arrow("SELECT table_name FROM duckdb_tables() WHERE NOT temporary").column(0).to_pylist()
    for name in names:
        if name not in keep:
            engine.execute(f'DROP TABLE IF EXISTS "{name}"')


def write_changes(engine: Engine, path: Path) -> None:
    """``changes.jsonl``: each record added or removed since the previous run, with ``change``."""
    keys = ", ".join(RECORD_KEYS)
    engine.write_jsonl(f"SELECT change, {keys} FROM conflict_changes ORDER BY change, {ORDER}", path)
