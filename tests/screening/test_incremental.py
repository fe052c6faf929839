"""Incremental screening (``--incremental STATE_DIR``) gives what a full run gives.

Each test changes a bundle the way an office does between two runs (a new inspector, a
declaration, an objection, a new cadre form, a kinship row taken out, a person corrected)
and checks the incremental result against a fresh full run on the changed bundle.
Synthetic bundles are seeded; the seed and the mutation are in the test id and in the
assertion messages, so a failure can be replayed."""

from __future__ import annotations

import csv
import json
import random
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from xuncha.bundle.schema import load_schema
from xuncha.cli import main
from xuncha.engine.base import as_int
from xuncha.engine.duckdb_engine import DuckDBEngine
from xuncha.graph.members import unit_matcher
from xuncha.screening import incremental
from xuncha.screening.delta import Tail, _plain, _units, _walk, edges_since, unit_texts
from xuncha.screening.state import ADJACENCY, DB_NAME, MANIFEST, PROBLEMS, Adjacency
from xuncha.synth.generate import write_bundle

COUNTY = Path(__file__).parent / "data" / "county"
KEY = ("inspector", "target", "counterpart", "category")
SEEDS = (3, 11)


def _english(path: Path, header: list[str]) -> list[str]:
    """Header texts as english column names (county files use the Chinese aliases)."""
    table = load_schema().table(path.stem)
    names = {c.zh: c.name for c in table.columns} | {c.name: c.name for c in table.columns}
    return [names.get(h.strip(), h) for h in header]


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return next(csv.reader(handle))


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        head = _english(path, next(reader))
        return [dict(zip(head, row, strict=False)) for row in reader]


def _write(path: Path, rows: list[dict[str, str]], header: list[str]) -> None:
    names = _english(path, header)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL)
        writer.writerow(header)
        writer.writerows([r.get(n, "") for n in names] for r in rows)


def _append(path: Path, new: list[dict[str, str]]) -> None:
    _write(path, _rows(path) + new, _header(path))


def _screen(bundle: Path, round_id: str, out: Path, *extra: str) -> str:
    result = CliRunner().invoke(main, ["screen", str(bundle), "--round", round_id, "--out", str(out), *extra])
    assert result.exit_code == 0, result.output
    return result.output


def _records(out: Path) -> list[str]:
    lines = (out / "conflicts.jsonl").read_text("utf-8").splitlines()
    return sorted(lines)


def _summary(out: Path) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((out / "summary.json").read_text("utf-8"))
    return doc


def _pairs(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The pair ranking without the fields output.py picks by arg_max among equal ties
    (strongest, kin_term): those depend on row order even between two full runs."""
    return [{k: v for k, v in p.items() if k not in ("strongest", "kin_term")} for p in doc["pairs"]]


def _changes(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "changes.jsonl").read_text("utf-8").splitlines() if line]


def _rescreened(output: str) -> int | None:
    for line in output.splitlines():
        if "inspectors re-screened:" in line:
            return int(line.rsplit(":", 1)[1])
    return None


class Case:
    """A bundle copy, its round, a state folder and a counter of runs."""

    def __init__(self, tmp: Path, source: Path, round_id: str) -> None:
        self.bundle = tmp / "bundle"
        shutil.copytree(source, self.bundle)
        self.round, self.state, self.tmp, self.runs = round_id, tmp / "state", tmp, 0

    def path(self, table: str) -> Path:
        return self.bundle / f"{table}.csv"

    def incremental(self) -> tuple[Path, str]:
        self.runs += 1
        out = self.tmp / f"inc{self.runs}"
        return out, _screen(self.bundle, self.round, out, "--incremental", str(self.state))

    def check(self, what: str) -> tuple[Path, str]:
        """Run incrementally and fully on the bundle as it is now; the records must agree."""
        out, output = self.incremental()
        full = self.tmp / f"full{self.runs}"
        _screen(self.bundle, self.round, full)
        assert _records(out) == _records(full), f"{what}: incremental differs from a full run\n{output}"
        got, want = _summary(out), _summary(full)
        for key in ("conflicts", "by_stage", "by_category", "by_severity", "pairs_total", "stats", "problems"):
            assert got[key] == want[key], f"{what}: summary {key} differs"
        assert _pairs(got) == _pairs(want), f"{what}: summary pairs differ"
        assert got["problem_list"] == want["problem_list"], what
        return out, output


def _synth(tmp: Path, seed: int) -> Case:
    source = tmp / f"synth-{seed}"
    write_bundle(source, persons=3000, seed=seed, fmt="csv")
    return Case(tmp / "case", source, (source / "ROUND").read_text("utf-8").strip())


# ------------------------------------------------------------------ mutations


def _inspector_rows(case: Case) -> list[dict[str, str]]:
    return _rows(case.path("inspectors"))


def _key_people(case: Case) -> list[dict[str, str]]:
    targets = {r["unit"] for r in _rows(case.path("round_targets")) if r["round"] == case.round}
    return [r for r in _rows(case.path("positions")) if r["unit"] in targets and r["role"] in ("一把手", "班子成员")]


def _person(case: Case, key: str) -> dict[str, str]:
    return next(r for r in _rows(case.path("persons")) if key in (r.get("id_number"), r.get("person_id")))


def add_inspector(case: Case, rng: random.Random) -> str:
    """A relative of a key person joins the pool: new kin ties, conflicts change."""
    keys = {r["person"] for r in _key_people(case)}
    taken = {r["person"] for r in _inspector_rows(case)}
    kin = [r for r in _rows(case.path("kinship")) if r["person"] in keys and r["relative"] not in taken]
    person = rng.choice(kin)["relative"] if kin else rng.choice(_rows(case.path("persons")))["id_number"]
    row = {**rng.choice(_inspector_rows(case)), "person": person, "roles": rng.choice(["组员", "组长"])}
    _append(case.path("inspectors"), [row])
    return f"add inspector {person}"


def add_declaration(case: Case, rng: random.Random) -> str:
    inspector = rng.choice(_inspector_rows(case))["person"]
    counterpart = rng.choice(_key_people(case))["person"]
    row = {"round": case.round, "inspector": inspector, "counterpart": counterpart, "relation": "同乡", "date": ""}
    _append(case.path("declarations"), [row])
    return f"declare {inspector}->{counterpart}"


def add_objection(case: Case, rng: random.Random) -> str:
    unit = rng.choice([r["unit"] for r in _rows(case.path("round_targets")) if r["round"] == case.round])
    inspector = rng.choice(_inspector_rows(case))["person"]
    _append(case.path("objections"), [{"round": case.round, "unit": unit, "inspector": inspector, "reason": "熟人"}])
    return f"object {unit}/{inspector}"


def add_cadre_form(
    case: Case, rng: random.Random, append: Callable[[Path, list[dict[str, str]]], None] = _append
) -> str:
    """An inspector files a form: a key person by name and birth month (linked), one by ID
    number, an unknown member working in a target (a new employee), a cousin (virtual people)."""
    cadre = rng.choice(_inspector_rows(case))["person"]
    picks = rng.sample(_key_people(case), 2)
    first, second = _person(case, picks[0]["person"]), _person(case, picks[1]["person"])
    month = first["birth_date"][:7].replace("-", ".") if first.get("birth_date") else ""
    target = rng.choice(_key_people(case))["unit"]
    unit_name = next(r["name"] for r in _rows(case.path("units")) if r["unit_id"] == target)
    brother = "哥哥" if first.get("gender") != "女" else "姐姐"
    rows = [
        {"cadre": cadre, "relation": brother, "name": first["name"], "birth_month": month, "employer_title": ""},
        {"cadre": cadre, "relation": "表弟", "name": second["name"], "id_number": second["id_number"]},
        {"cadre": cadre, "relation": "儿子", "name": "新成员", "birth_month": "1999.01", "employer_title": unit_name},
    ]
    append(case.path("family_members"), rows)
    return f"cadre form of {cadre}"


def remove_kinship(case: Case, rng: random.Random) -> str:
    """Take out the last kinship row of an inspector (later rows move up a line)."""
    path = case.path("kinship")
    rows = _rows(path)
    inspectors = {r["person"] for r in _inspector_rows(case)}
    mine = [i for i, r in enumerate(rows) if {r["person"], r["relative"]} & inspectors]
    gone = mine[-1] if mine else len(rows) - 1
    _write(path, rows[:gone] + rows[gone + 1 :], _header(path))
    return f"remove kinship row {gone + 2} of {len(rows) + 1}"


MUTATIONS: dict[str, Callable[[Case, random.Random], str]] = {
    "inspector": add_inspector,
    "declaration": add_declaration,
    "objection": add_objection,
    "cadre_form": add_cadre_form,
    "kinship_removed": remove_kinship,
}


# ------------------------------------------------------------------ tests


@pytest.mark.parametrize("seed", SEEDS)
def test_each_change_equals_a_full_run(tmp_path: Path, seed: int) -> None:
    case = _synth(tmp_path, seed)
    case.incremental()
    rng = random.Random(seed)
    inspectors = len(_inspector_rows(case))
    for name, mutate in MUTATIONS.items():
        what = f"seed {seed}: {mutate(case, rng)}"
        out, output = case.check(what)
        assert "增量审查 / incremental" in output, what
        rescreened = _rescreened(output)
        assert rescreened is not None and 0 < rescreened < inspectors, f"{what}: {rescreened} of {inspectors}"
        assert name != "cadre_form" or _changes(out), f"{what}: a new cadre form changed no conflicts"


@pytest.mark.parametrize("seed", SEEDS)
def test_random_runs_of_changes(tmp_path: Path, seed: int) -> None:
    """Several random changes between runs, several runs in a row."""
    case = _synth(tmp_path, seed + 100)
    case.incremental()
    rng = random.Random(seed)
    for step in range(3):
        names = rng.sample(sorted(MUTATIONS), 2)
        done = [MUTATIONS[n](case, rng) for n in names]
        case.check(f"seed {seed + 100} step {step}: {done}")


def test_county_changes(tmp_path: Path) -> None:
    case = Case(tmp_path, COUNTY, "R1")
    case.incremental()
    rng = random.Random(1)
    for mutate in (add_declaration, add_objection, add_inspector):
        case.check(f"county: {mutate(case, rng)}")


def test_changes_list_added_and_removed(tmp_path: Path) -> None:
    case = Case(tmp_path, COUNTY, "R1")
    first, _ = case.incremental()
    before = set(_records(first))
    add_objection(case, random.Random(2))
    out, _ = case.check("county objection")
    after = set(_records(out))
    changes = _changes(out)
    added = {json.dumps({k: v for k, v in c.items() if k != "change"}, ensure_ascii=False) for c in changes}
    assert {c["change"] for c in changes} <= {"added", "removed"}
    assert len(after - before) == sum(c["change"] == "added" for c in changes)
    assert len(added) == len(changes)


def test_person_change_runs_fully(tmp_path: Path) -> None:
    case = _synth(tmp_path, 5)
    case.incremental()
    rows = _rows(case.path("persons"))
    rows[10]["name"] = rows[10]["name"] + "某"
    _write(case.path("persons"), rows, _header(case.path("persons")))
    _, output = case.check("seed 5: person renamed")
    assert "全量审查 / full screen" in output and "persons" in output


def test_unchanged_bundle_rescreens_no_one(tmp_path: Path) -> None:
    case = Case(tmp_path, COUNTY, "R1")
    case.incremental()
    out, output = case.check("county unchanged")
    assert _rescreened(output) == 0
    assert _changes(out) == []


@pytest.mark.parametrize(
    ("extra", "why"),
    [(("--round", "R2"), "轮次"), (("--stage", "1"), "阶段")],
)
def test_state_that_does_not_fit_runs_fully(tmp_path: Path, extra: tuple[str, ...], why: str) -> None:
    case = Case(tmp_path, COUNTY, "R1")
    case.incremental()
    args = ["screen", str(case.bundle), "--round", "R1", "--out", str(tmp_path / "o"), "--incremental", str(case.state)]
    args = [*args[:2], *args[4:]] if extra[0] == "--round" else args
    result = CliRunner().invoke(main, [*args, *extra])
    assert result.exit_code == 0, result.output
    assert "全量审查 / full screen" in result.output and why in result.output


def test_other_policy_runs_fully(tmp_path: Path) -> None:
    case = Case(tmp_path, COUNTY, "R1")
    case.incremental()
    from xuncha.policy.model import DEFAULT_POLICY

    policy = tmp_path / "policy.yaml"
    policy.write_text(DEFAULT_POLICY.read_text("utf-8") + "\n# 本地修改\n", "utf-8")
    output = _screen(case.bundle, "R1", tmp_path / "o", "--incremental", str(case.state), "--policy", str(policy))
    assert "全量审查 / full screen" in output and "政策" in output


def test_spark_is_refused(tmp_path: Path) -> None:
    args = ["screen", str(COUNTY), "--round", "R1", "--out", str(tmp_path / "o")]
    result = CliRunner().invoke(main, [*args, "--incremental", str(tmp_path / "s"), "--engine", "spark"])
    assert result.exit_code == 1
    assert "DuckDB" in result.output and "spark" in result.output


# ------------------------------------------------------------------ appended cadre forms


def _append_lines(path: Path, new: list[dict[str, str]]) -> None:
    """Append at the end of the file: what was there stays a byte prefix."""
    names = _english(path, _header(path))
    assert path.read_bytes().endswith(b"\n")
    with path.open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(
            [r.get(n, "") for n in names] for r in new
        )


def _spy_tails(monkeypatch: pytest.MonkeyPatch) -> list[Tail | None]:
    """The answers of ``load_tail`` during the runs that follow."""
    seen: list[Tail | None] = []
    real = incremental.load_tail

    def spy(*args: Any) -> Tail | None:
        seen.append(real(*args))
        return seen[-1]

    monkeypatch.setattr(incremental, "load_tail", spy)
    return seen


@pytest.mark.parametrize("seed", SEEDS)
def test_appended_forms_are_read_alone(tmp_path: Path, seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows appended to family_members are parsed alone (numbered on from the saved rows, a bad
    ID number among them reported at its row) and give what a full run gives, twice in a row."""
    case = _synth(tmp_path, seed)
    case.incremental()
    tails = _spy_tails(monkeypatch)
    rng = random.Random(seed)
    for step in range(2):
        lines = len(case.path("family_members").read_bytes().splitlines())
        what = f"seed {seed} step {step}: {add_cadre_form(case, rng, _append_lines)}"
        _append_lines(
            case.path("family_members"),
            [{"cadre": _inspector_rows(case)[0]["person"], "relation": "女儿", "name": "某某", "id_number": "12345"}],
        )
        out, output = case.check(what)
        tail = tails[-1]
        assert tail is not None, f"{what}: the appended rows were not read alone"
        assert tail.first_row == lines + 1 and tail.data.table.num_rows == 4, what
        assert any(p.row == lines + 4 and p.column for p in tail.problems), f"{what}: {tail.problems}"
        assert "增量审查 / incremental" in output and _changes(out), what


def test_a_row_edited_before_the_end_reads_the_whole_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A row changed in the middle (and rows appended): no tail; the whole file is diffed."""
    case = _synth(tmp_path, SEEDS[0])
    case.incremental()
    tails = _spy_tails(monkeypatch)
    path = case.path("family_members")
    rows = _rows(path)
    middle = len(rows) // 2
    rows[middle] = {**rows[middle], "name": rows[middle]["name"] + "某"}
    _write(path, rows, _header(path))
    what = f"edit row {middle + 2}; {add_cadre_form(case, random.Random(5), _append_lines)}"
    _, output = case.check(what)
    assert not any(tails), what  # not a byte prefix: no tail is read
    diffed = re.search(r"family_members \+(\d+)/-(\d+)", output)
    assert "增量审查 / incremental" in output and diffed, f"{what}\n{output}"
    assert int(diffed.group(2)) == len(rows) - middle and int(diffed.group(1)) == len(rows) - middle + 3, output


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        (b'"a","b"\n"1","2"\n', True),
        (b"a,b\r\n1,2\r\n", True),
        (b'"a ""x"" b",c\n', True),
        (b'"a","b\nc"\n', False),  # a quoted line break: records are not lines
        (b"a\rb\n", False),  # a bare CR ends a record
        (b'a,b"c\n', False),  # a quote inside a field
        (b'a,"x"y\n', False),
    ],
)
def test_plain_prefixes(text: bytes, plain: bool) -> None:
    assert _plain(text, ",") is plain


@settings(max_examples=200, deadline=None, derandomize=True)  # derandomized: the same examples every run
@given(st.lists(st.sampled_from(["a", ",", '"', "\n", "\r\n", "\r", "x"]), max_size=12), st.integers(0, 12))
def test_a_plain_file_is_its_plain_prefix_and_rest(parts: list[str], at: int) -> None:
    """What ``FileStamp.plain`` rests on: cut after a line end, a file is plain exactly when
    both parts are, so a later run checks the appended rows alone."""
    text = "".join(parts).encode()
    ends = [i + 1 for i, b in enumerate(text) if b == 10]
    cut = ends[min(at, len(ends) - 1)] if ends else 0
    assert _plain(text, ",") == (_plain(text[:cut], ",") and _plain(text[cut:], ","))


# ------------------------------------------------------------------ the state's layout


def _manifest(case: Case) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((case.state / MANIFEST).read_text("utf-8"))
    return doc


def test_problems_are_kept_apart_and_stamps_say_plain(tmp_path: Path) -> None:
    """The manifest holds no problems (they are in problems.json, read when the outputs are
    written); the cadre-form file is stamped plain, and stays so when forms are appended."""
    case = _synth(tmp_path, SEEDS[0])
    case.incremental()
    assert "problems" not in _manifest(case) and (case.state / PROBLEMS).exists()
    assert all((case.state / name).exists() for name in ADJACENCY)
    assert _manifest(case)["files"]["family_members"]["plain"] == ","
    what = add_cadre_form(case, random.Random(8), _append_lines)
    _, output = case.check(what)
    assert "增量审查 / incremental" in output, what
    assert _manifest(case)["files"]["family_members"]["plain"] == ",", what
    assert "members" in json.loads((case.state / PROBLEMS).read_text("utf-8")), what


@pytest.mark.parametrize("damage", ["old format", "no problems file"])
def test_a_state_of_the_old_layout_runs_fully(tmp_path: Path, damage: str) -> None:
    """A state saved before problems.json (format 2: problems in the manifest), or one without
    its problems file, is not used: a full run, saying why in both languages."""
    case = Case(tmp_path, COUNTY, "R1")
    case.incremental()
    if damage == "old format":
        doc = _manifest(case)
        doc["key"]["format"] = 2
        doc["problems"] = json.loads((case.state / PROBLEMS).read_text("utf-8"))
        (case.state / MANIFEST).write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
        (case.state / PROBLEMS).unlink()
    else:
        (case.state / PROBLEMS).unlink()
    add_objection(case, random.Random(3))
    _, output = case.check(f"county, {damage}")
    why = "state from another version" if damage == "old format" else "the state folder is empty or incomplete"
    assert "全量审查 / full screen" in output and why in output, output
    assert (case.state / PROBLEMS).exists() and _manifest(case)["key"]["format"] == 3


@pytest.mark.parametrize("seed", SEEDS)
def test_the_saved_adjacency_walks_as_the_edges_do(tmp_path: Path, seed: int) -> None:
    """From any nodes, a walk over the saved adjacency reaches the nodes a walk over ``edges``
    reaches (after a cadre form: with the edges added since, at least those)."""
    case = _synth(tmp_path, seed)
    case.incremental()
    engine = DuckDBEngine(database=case.state / DB_NAME)
    try:
        adjacency = Adjacency.load(case.state)
        assert adjacency is not None
        rng = random.Random(seed)
        nodes = as_int(engine.scalar("SELECT count(*) FROM nodes"))
        for steps in (1, 3, 5):
            start = {rng.randrange(nodes) for _ in range(3)}
            assert adjacency.within(start, steps, edges_since(engine)) == _walk(engine, start, steps), (seed, start)
    finally:
        engine.close()


def test_employer_texts_match_over_the_units_they_may_name(tmp_path: Path) -> None:
    """The matcher over the few units ``unit_texts`` picks for some employer texts answers
    them as the matcher of every unit does (names, names after a county, other counties)."""
    case = _synth(tmp_path, SEEDS[1])
    case.incremental()
    units = _rows(case.path("units"))
    rng = random.Random(4)
    texts = [u["name"] + rng.choice(["科员", "副主任", "", "办公室"]) for u in rng.sample(units, 30)]
    texts += [t[3:] for t in texts[:10]] + ["某某公司职员", "", "县财政局"]
    engine = DuckDBEngine(database=case.state / DB_NAME)
    try:
        every = unit_matcher(engine.arrow("SELECT unit_id, name, region FROM units"))
        for text in texts:
            few = _units(engine, pa.table({"employer_title": pa.array([text], pa.string())}))
            assert few.match(text) == every.match(text), text
    finally:
        engine.close()


def test_employer_texts_match_over_a_few_units_as_over_all() -> None:
    """Units named without their county, a county whose units disagree on the region (the last
    one counts), namesakes in two counties: the few units picked answer as all of them do."""
    units = pa.table(
        {
            "unit_id": ["u1", "u2", "u3", "u4", "u5", "u6"],
            "name": ["仪陇县人民政府", "财政局", "财政局", "仪陇县教育局", "南部县卫生局", "卫生局"],
            "region": ["511300", "511324", "511321", "511324", "511321", "511321"],
        }
    )
    texts = ["仪陇县财政局科员", "南部县财政局会计", "仪陇县卫生局医生", "南部县卫生局护士", "财政局科员"]
    texts += ["仪陇县教育局", "某公司", "仪陇县", "南部县人民医院"]
    engine = DuckDBEngine()
    try:
        engine.register("units", units)
        engine.register("unit_texts", unit_texts(units))
        every = unit_matcher(units)
        assert [every.match(t)[0] for t in texts[:2]] == ["u2", "u3"]  # by the county's (last) region
        for text in texts:
            few = _units(engine, pa.table({"employer_title": pa.array([text], pa.string())}))
            assert few.match(text) == every.match(text), text
    finally:
        engine.close()
