"""``xuncha screen ... --incremental STATE_DIR``: re-screen only the inspectors a change affects.

The first run (or one whose state does not fit) is an ordinary full screen that then saves
its tables to ``STATE_DIR/state.duckdb`` with a ``manifest.json``. A later run finds the
table files that changed, loads only those, patches the saved tables and graph, and
screens again the inspectors the change can reach, with the same result a full run gives.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyarrow as pa

from xuncha.bundle.load import _order, load_bundle
from xuncha.bundle.model import Bundle
from xuncha.bundle.problems import BundleError, Problem
from xuncha.bundle.schema import load_schema
from xuncha.engine.base import Engine, as_int
from xuncha.engine.duckdb_engine import DuckDBEngine
from xuncha.graph.build import KIN_ROW_SCHEMA, TERM_FIRST, read_terms
from xuncha.graph.complete import complete
from xuncha.policy.model import Policy
from xuncha.screening.context import RoundInfo, setup_round
from xuncha.screening.delta import (
    CORE_TRACKED,
    GRAPH_TRACKED,
    TRACKED,
    Delta,
    GraphChange,
    apply_core,
    apply_graph,
    diff_kinship,
    diff_members,
    load_table,
    shape_differs,
)
from xuncha.screening.kin import derive_kin_ties_forward
from xuncha.screening.run import COUNTERPARTS, ORDER, RECORD_KEYS, ScreenResult, counts, screen, screen_rules
from xuncha.screening.state import (
    DB_NAME,
    MANIFEST,
    Changes,
    Manifest,
    Reason,
    RunKey,
    bundle_files,
    detect,
    problems_from_json,
    problems_to_json,
    read_manifest,
    stamp,
    unfit,
    write_manifest,
)

SAVED = (
    "persons",
    "units",
    "positions",
    "education",
    "inspectors",
    "rounds",
    "round_targets",
    "declarations",
    "objections",
    "history",
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
)
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


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")


def _save(result: ScreenResult, bundle: Bundle, key: RunKey, state_dir: Path, graph_problems: list[Problem]) -> None:
    engine = result.engine
    engine.create("term_first", TERM_FIRST.format(rows="kin_rows"))
    names = list(SAVED)
    for table in GRAPH_TRACKED:
        if bundle.has(table):
            engine.register(f"src_{table}", bundle.table(table))
            names.append(f"src_{table}")
    state_dir.mkdir(parents=True, exist_ok=True)
    (state_dir / MANIFEST).unlink(missing_ok=True)
    fresh = state_dir / f"{DB_NAME}.new"
    fresh.unlink(missing_ok=True)
    engine.execute(f"ATTACH '{_quoted(fresh)}' AS st")
    engine.create("kin_groups_all", "SELECT * FROM kin_groups")
    for name in names:
        order = {"edges": " ORDER BY src", "nodes": " ORDER BY node_id"}.get(name, "")
        engine.execute(f'CREATE TABLE st."{name}" AS SELECT * FROM "{name}"{order}')
    engine.execute("DETACH st")
    fresh.replace(state_dir / DB_NAME)
    tables, others = bundle_files(bundle.root)
    manifest = Manifest(key, {n: stamp(n, p) for n, p in tables.items()}, others)
    manifest.problems = _segments(bundle, graph_problems)
    manifest.round, manifest.stats = _round_doc(result.round), dict(result.stats)
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


def _problem_list(segments: dict[str, list[Problem]]) -> tuple[list[Problem], list[Problem]]:
    """(bundle problems in load order, graph problems)."""
    bundle = list(segments.get("files", []))
    for name in _order(load_schema()):
        bundle.extend(segments.get(name, []))
    return bundle, segments.get("members", []) + segments.get("terms", [])


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
        delta = _apply(engine, bundle_path, policy, manifest, changes)
        info = _round_info(manifest)
        rescreened = _rescreen(engine, info, policy, manifest.key.stages)
        added, removed = _change_counts(engine)
        segments = {k: problems_from_json(v) for k, v in manifest.problems.items()}
        _update_problems(engine, segments, delta)
        bundle_problems, graph_problems = _problem_list(segments)
        stats = _graph_stats(engine) | counts(engine)
        result = ScreenResult(info, engine, bundle_problems + graph_problems, stats)
        seconds = time.perf_counter() - started
        _drop_scratch(engine)
        manifest.files = changes.stamps
        manifest.problems = {k: problems_to_json(v) for k, v in segments.items()}
        manifest.stats = stats
    except BaseException:
        engine.close()
        raise
    return Outcome(
        result, True, None, delta, sorted(changes.changed), rescreened, added, removed, seconds, (state_dir, manifest)
    )


def finish(outcome: Outcome) -> None:
    """Close the result; after an incremental run the manifest is written once the state
    database is closed (and so complete on disk)."""
    outcome.result.close()
    if outcome.pending is not None:
        write_manifest(*outcome.pending)


def _round_info(manifest: Manifest) -> RoundInfo:
    doc = manifest.round
    return RoundInfo(
        str(doc["round_id"]),
        str(doc["name"]),
        str(doc["mode"]),
        str(doc["level"]),
        date.fromisoformat(str(doc["start_date"])),
    )


def _apply(engine: Engine, root: Path, policy: Policy, manifest: Manifest, changes: Changes) -> Delta:
    delta = Delta()
    engine.create("affected", "SELECT NULL::VARCHAR AS person WHERE false")
    loaded: dict[str, pa.Table] = {}
    for name in sorted(changes.changed):
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
    _apply_graph(engine, policy, loaded, delta)
    return delta


def _apply_graph(engine: Engine, policy: Policy, loaded: dict[str, pa.Table], delta: Delta) -> None:
    if not any(n in loaded for n in GRAPH_TRACKED):
        return
    gone_kin: list[str] = []
    kin_rows = KIN_ROW_SCHEMA.empty_table()
    gone_forms: list[str] = []
    forms = None
    if "kinship" in loaded:
        gone_kin, kin_rows = diff_kinship(engine, loaded["kinship"], delta)
    if "family_members" in loaded:
        gone_forms, forms = diff_members(engine, loaded["family_members"], delta)
    delta.removed_member_rows = set(gone_forms)
    change = GraphChange(gone_kin + gone_forms, gone_forms, kin_rows, forms)
    engine.create("gone_relations", "SELECT NULL::VARCHAR AS relation WHERE false")
    engine.register("gone_sources", pa.table({"source": pa.array(change.removed_sources, pa.string())}))
    engine.execute(
        """INSERT INTO gone_relations SELECT DISTINCT relation FROM kin_rows
           WHERE _source IN (SELECT source FROM gone_sources)"""
    )
    apply_graph(engine, change, policy.kin_reach.max_steps, delta)


def _rescreen(engine: Engine, info: RoundInfo, policy: Policy, stages: list[int]) -> int:
    """Screen the affected inspectors again and put their records in place of the old ones."""
    count = as_int(engine.scalar("SELECT count(DISTINCT person) FROM affected"))
    total = as_int(engine.scalar("SELECT count(DISTINCT person) FROM inspectors"))
    if count > 50 and count > MAX_SHARE * total:
        raise _Fallback((f"变化涉及 {count} 名巡察干部，超过一半", f"the change reaches {count} inspectors, over half"))
    setup_round(engine, info, policy)
    engine.create("cands_all", "SELECT * FROM cands")
    engine.create("cands", "SELECT * FROM cands_all WHERE person IN (SELECT person FROM affected)")
    derive_kin_ties_forward(
        engine,
        inspectors="SELECT DISTINCT node_id FROM cands",
        counterparts=COUNTERPARTS,
        on=info.start_date,
        reach=policy.kin_reach,
        into="kin_ties_new",
    )
    engine.execute(
        """DELETE FROM kin_ties WHERE inspector_id IN
           (SELECT node_id FROM nodes WHERE key IN (SELECT person FROM affected))"""
    )
    engine.execute("INSERT INTO kin_ties SELECT * FROM kin_ties_new")
    engine.create(  # the renderer reads every group: give it those on the paths found
        "kin_groups",
        """SELECT * FROM kin_groups_all WHERE grp IN (SELECT grp FROM edges
             WHERE edge_id IN (SELECT unnest(edges) FROM kin_ties_new) AND grp IS NOT NULL)""",
    )
    screen_rules(engine, info, policy, set(stages), into="conflicts_new", only="SELECT person FROM affected")
    scope = "inspector IN (SELECT person FROM affected)"
    engine.create("conflict_changes", _CHANGES.format(old="conflicts", new="conflicts_new", scope=scope))
    engine.execute(f"DELETE FROM conflicts WHERE {scope}")
    engine.execute("INSERT INTO conflicts SELECT * FROM conflicts_new")
    engine.create("cands", "SELECT * FROM cands_all")
    return count


def _update_problems(engine: Engine, segments: dict[str, list[Problem]], delta: Delta) -> None:
    for name, problems in delta.problems.items():
        segments[name] = problems
    if "family_members" in delta.added or delta.member_problems:
        gone = delta.removed_member_rows
        kept = [p for p in segments.get("members", []) if f"{p.file}:{p.row}" not in gone]
        segments["members"] = sorted(kept + delta.member_problems, key=lambda p: p.row or 0)
    if any(n in delta.added for n in GRAPH_TRACKED):
        _refresh_terms(engine)
        segments["terms"] = []
        read_terms(engine.arrow("SELECT * FROM term_first ORDER BY ALL").to_pylist(), segments["terms"])


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


def _graph_stats(engine: Engine) -> dict[str, int]:
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
    keep = set(SAVED) | {f"src_{t}" for t in GRAPH_TRACKED} | {"conflict_changes", "affected"}
    names = engine.arrow("SELECT table_name FROM duckdb_tables()").column(0).to_pylist()
    for name in names:
        if name not in keep:
            engine.execute(f'DROP TABLE IF EXISTS "{name}"')


def write_changes(engine: Engine, path: Path) -> None:
    """``changes.jsonl``: each record added or removed since the previous run, with ``change``."""
    keys = ", ".join(RECORD_KEYS)
    engine.write_jsonl(f"SELECT change, {keys} FROM conflict_changes ORDER BY change, {ORDER}", path)
