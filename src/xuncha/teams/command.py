"""``xuncha assign``, ``explain``, ``draw commit|verify`` and ``plan``: thin commands over the engine.

``assign`` writes, besides teams.jsonl/xlsx/docx, two small files into its output folder:
``inputs.json`` (the bundle, round, policy and options used, with file digests, never the
seed) so that ``draw verify`` needs only the folder and the seed, and ``assignment.json``
(every candidate's explanation) so that ``explain`` needs only the folder.
Exit codes: 0 written/verified, 1 bundle, policy or solver errors (or not verified), 2 usage.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from xuncha.teams.model import Assignment, Ban, Pin

INPUTS, EXPLAINED, COMMITMENT = "inputs.json", "assignment.json", "commitment.txt"
DEFAULT_SEED = "0"


class UsageProblem(ValueError):
    """A command line the office must correct (exit 2); Chinese / English."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")


@dataclass(frozen=True)
class AssignOptions:
    """What ``assign`` was run with; stored in ``inputs.json`` for ``draw verify``."""

    bundle: str
    round_id: str
    policy: str | None = None
    targets_per_team: int = 1
    pins: tuple[Pin, ...] = ()
    bans: tuple[Ban, ...] = ()
    time_limit: float = 120.0
    skills: tuple[str, ...] = ()
    digests: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AssignOptions:
        return cls(
            bundle=str(data["bundle"]),
            round_id=str(data["round_id"]),
            policy=data.get("policy"),
            targets_per_team=int(data.get("targets_per_team", 1)),
            pins=tuple(Pin(**p) for p in data.get("pins", ())),
            bans=tuple(Ban(**b) for b in data.get("bans", ())),
            time_limit=float(data.get("time_limit", 120.0)),
            skills=tuple(data.get("skills", ())),
            digests=dict(data.get("digests", {})),
        )


# ---------------------------------------------------------------- parsing


def parse_pins(pins: Sequence[str], reasons: Sequence[str]) -> tuple[Pin, ...]:
    """``PERSON=TARGET`` pairs with their reasons, in order; every pin needs a reason."""
    _paired("--pin", pins, "--pin-reason", reasons)
    out = []
    for spec, reason in zip(pins, reasons, strict=True):
        person, sep, target = spec.partition("=")
        if not sep or not person.strip() or not target.strip():
            raise UsageProblem(f"--pin 应写成 人员=单位，收到「{spec}」", f"--pin takes PERSON=TARGET, got {spec!r}")
        out.append(Pin(person.strip(), target.strip(), reason.strip()))
    return tuple(out)


def parse_bans(bans: Sequence[str], reasons: Sequence[str]) -> tuple[Ban, ...]:
    _paired("--ban", bans, "--ban-reason", reasons)
    return tuple(Ban(p.strip(), r.strip()) for p, r in zip(bans, reasons, strict=True))


def _paired(flag: str, items: Sequence[str], reason_flag: str, reasons: Sequence[str]) -> None:
    if len(items) != len(reasons) or any(not r.strip() for r in reasons):
        raise UsageProblem(
            f"每个 {flag} 都必须有一个写明理由的 {reason_flag}（按顺序对应）：{len(items)} 个 {flag}，"
            f"{sum(1 for r in reasons if r.strip())} 个有效理由",
            f"every {flag} needs its own non-empty {reason_flag}, in the same order",
        )


def parse_month(value: str, flag: str) -> tuple[int, int]:
    found = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", value)
    if not found or not 1 <= int(found[2]) <= 12:
        raise UsageProblem(f"{flag} 应写成 YYYY-MM，收到「{value}」", f"{flag} takes YYYY-MM, got {value!r}")
    return int(found[1]), int(found[2])


def file_digests(bundle: Path, policy: Path | None) -> dict[str, str]:
    """SHA-256 of every file of the bundle (a folder or a workbook) and of the policy file."""
    files = sorted(p for p in bundle.rglob("*") if p.is_file()) if bundle.is_dir() else [bundle]
    out = {f"bundle/{f.relative_to(bundle) if bundle.is_dir() else f.name}": _sha(f) for f in files}
    return out | ({"policy": _sha(policy)} if policy else {})


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------- running


def errors() -> tuple[type[Exception], ...]:
    """Errors that end a command with exit 1 (bad bundle, policy or solve)."""
    from pydantic import ValidationError

    from xuncha.bundle.problems import BundleError
    from xuncha.policy.model import PolicyError
    from xuncha.teams.plan import CapacityError
    from xuncha.teams.result import SolveError

    return (BundleError, PolicyError, ValidationError, SolveError, CapacityError, OSError)


def load_inputs(bundle: str, policy: str | None) -> tuple[Any, Any, Any]:
    """The bundle, the recusal policy and the team policy (its ``teams:`` section)."""
    from xuncha.bundle.load import load_bundle
    from xuncha.policy.model import load_policy
    from xuncha.teams.policy import load_team_policy

    rules = load_policy(Path(policy) if policy else None)
    return load_bundle(Path(bundle)), rules, load_team_policy(rules.teams)


def run_assign(options: AssignOptions, seed: str) -> Assignment:
    """Load, screen and staff the round: the same inputs and seed give the same teams."""
    from xuncha.teams.draw import seed_int
    from xuncha.teams.from_bundle import round_inputs
    from xuncha.teams.solve import form_teams

    bundle, rules, team_policy = load_inputs(options.bundle, options.policy)
    inputs = round_inputs(bundle, options.round_id, rules, required_skills=options.skills)
    return form_teams(
        inputs.round,
        inputs.targets,
        inputs.candidates,
        inputs.ties,
        inputs.history,
        team_policy,
        seed=seed_int(seed),
        pins=_resolve_targets(options.pins, {t.name: t.unit for t in inputs.targets}),
        bans=options.bans,
        kin_pairs=inputs.kin_pairs,
        unit_systems=inputs.unit_systems,
        targets_per_team=options.targets_per_team,
        time_limit_s=options.time_limit,
    )


def _resolve_targets(pins: tuple[Pin, ...], by_name: dict[str, str]) -> tuple[Pin, ...]:
    """A pin may name its target by unit key or by the unit's exact name."""
    return tuple(replace(p, target=by_name.get(p.target, p.target)) for p in pins)


def assign_command(options: AssignOptions, *, seed: str | None, out: Path, commitment: str | None = None) -> int:
    from xuncha.teams.draw import commit
    from xuncha.teams.output import write_teams
    from xuncha.teams.pins import PinError

    started = time.perf_counter()
    seed_text = DEFAULT_SEED if seed is None else seed
    try:
        digest = commit(seed_text)
        _check_commitment(commitment, digest)
        options = replace(
            options,
            bundle=str(Path(options.bundle).resolve()),
            policy=str(Path(options.policy).resolve()) if options.policy else None,
        )
        options = replace(options, digests=file_digests(Path(options.bundle), _path(options.policy)))
        assignment = run_assign(options, seed_text)
    except (UsageProblem, PinError) as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 2
    except errors() as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 1
    paths = write_teams(assignment, out)
    _write_json(out / INPUTS, options.to_json())
    _write_json(out / EXPLAINED, explanations(assignment))
    if commitment:
        (out / COMMITMENT).write_text(digest + "\n", encoding="utf-8")
    _report(assignment, seed, digest, paths, time.perf_counter() - started)
    if assignment.stats.get("wall_time", 0) >= 0.95 * options.time_limit:
        print(
            "注意：求解达到 --time-limit 时限后停止，结果可能无法逐字节复核；请加大 --time-limit 后重新抽取"
            " / the wall-clock limit was hit: the draw may not verify; raise --time-limit and draw again"
        )
    return 0


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


def _check_commitment(commitment: str | None, digest: str) -> None:
    if commitment is not None and commitment.replace(" ", "").lower() != digest:
        raise UsageProblem(
            "种子与公布的承诺值不符，拒绝抽取", "the seed does not match the published commitment; draw refused"
        )


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def explanations(assignment: Assignment) -> dict[str, Any]:
    """What ``explain`` prints, per candidate, computed once at assign time."""
    from xuncha.teams.explain import explain

    return {
        "round": assignment.round.round_id,
        "round_name": assignment.round.name,
        "people": {p: {"name": c.name, "lines": explain(assignment, p)} for p, c in assignment.candidates.items()},
        "infeasible": [{"target": list(i.targets), "reasons": list(i.reasons)} for i in assignment.infeasible],
    }


def _report(assignment: Assignment, seed: str | None, digest: str, paths: list[Path], seconds: float) -> None:
    r = assignment.round
    labels = assignment.group_labels
    placed = sum(len(t.members) for t in assignment.teams)
    print(f"轮次 {r.round_id}（{r.name}，{r.mode}）巡察组组建完成，用时 {seconds:.1f} 秒")
    print(
        f"  组建巡察组 {len(assignment.teams)} 个，无法组建 {len(assignment.infeasible)} 个；"
        f"候选巡察干部 {len(assignment.candidates)} 人，入选 {placed} 人"
    )
    print(f"  求解状态 {assignment.status}，目标值 {assignment.objective_total}（下界 {assignment.best_bound:.0f}）")
    note = "" if seed is not None else "（未指定种子，使用默认种子 0）"
    print(f"  随机种子承诺值 / seed commitment: {digest}{note}")
    for team in assignment.teams:
        staff = "，".join(f"{m.role} {m.name}" for m in team.members)
        print(f"  [巡察组] {labels.get('|'.join(team.targets), '、'.join(team.targets))}：{staff}")
    for item in assignment.infeasible:
        label = labels.get("|".join(item.targets), "、".join(item.targets))
        print(f"  [无法组建] {label}：{'；'.join(item.reasons)}")
    print(f"结果已写入 / written: {', '.join(str(p) for p in paths)}")


# ---------------------------------------------------------------- explain


def explain_command(out_dir: Path, person: str, bundle: Path | None = None) -> int:
    try:
        data = json.loads((out_dir / EXPLAINED).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"错误 / error: 无法读取 {out_dir / EXPLAINED}（请先运行 xuncha assign）/ cannot read it: {exc}")
        return 1
    people: dict[str, dict[str, Any]] = data["people"]
    try:
        keys = _find_person(person, people, bundle)
    except errors() as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 1
    if len(keys) > 1:
        names = "、".join(f"{k}（{people.get(k, {}).get('name', '')}）" for k in keys)
        print(f"错误 / error: 「{person}」对应多人，请用人员编号：{names} / ambiguous person", file=sys.stderr)
        return 2
    key = keys[0] if keys else person
    print(f"轮次 {data['round']}（{data['round_name']}）")
    for line in people.get(key, {}).get("lines", [f"{person}不在本轮巡察干部库中"]):
        print(f"  {line}")
    return 0


def _find_person(person: str, people: dict[str, dict[str, Any]], bundle: Path | None) -> list[str]:
    """Person keys matching a key, a name, or (with the bundle) a person_id or ID number."""
    if person in people:
        return [person]
    found = sorted(k for k, v in people.items() if v.get("name") == person)
    if found or bundle is None:
        return found
    from xuncha.bundle.load import load_bundle
    from xuncha.teams.from_bundle import rows

    fields = ("person_key", "person_id", "id_number", "name")
    hits = {str(p["person_key"]) for p in rows(load_bundle(bundle), "persons") if person in (p.get(f) for f in fields)}
    return sorted(hits)


# ---------------------------------------------------------------- draw


def commit_command(seed: str | None) -> int:
    from xuncha.teams.draw import commit, print_friendly

    text = seed if seed is not None else secrets.token_hex(12)
    try:
        digest = commit(text)
    except ValueError as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 2
    print(f"种子 / seed: {text}")
    print(f"承诺值 / commitment (SHA-256): {digest}")
    print(f"  便于印刷 / for print: {print_friendly(digest)}")
    print("请在抽取前公布承诺值，并在抽取前对种子保密；抽取时运行 xuncha assign ... --seed 种子 --commitment 承诺值")
    print("Publish the commitment now; keep the seed secret until the draw.")
    return 0


def verify_command(out_dir: Path, seed: str, overrides: dict[str, str | None]) -> int:
    from xuncha.teams.draw import verify
    from xuncha.teams.output import teams_jsonl

    try:
        options = _stored_options(out_dir, overrides)
    except (OSError, ValueError, KeyError) as exc:
        print(f"错误 / error: 无法读取 {out_dir / INPUTS}：{exc} / cannot read the stored inputs", file=sys.stderr)
        return 1
    _warn_changed(options)
    commitment_file = out_dir / COMMITMENT
    commitment = commitment_file.read_text(encoding="utf-8").strip() if commitment_file.exists() else None
    rerun: Callable[[str], bytes] = lambda s: teams_jsonl(run_assign(options, s))  # noqa: E731
    try:
        result = verify(out_dir, seed, rerun, commitment)
    except errors() as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 1
    print(f"承诺值 / commitment: {result.commitment}")
    print(("验证通过：" if result.ok else "验证失败：") + result.message)
    return 0 if result.ok else 1


def _stored_options(out_dir: Path, overrides: dict[str, str | None]) -> AssignOptions:
    data = json.loads((out_dir / INPUTS).read_text(encoding="utf-8"))
    return AssignOptions.from_json(data | {k: v for k, v in overrides.items() if v is not None})


def _warn_changed(options: AssignOptions) -> None:
    now = file_digests(Path(options.bundle), _path(options.policy))
    changed = sorted(set(options.digests) ^ set(now) | {f for f in now if options.digests.get(f) != now[f]})
    if changed:
        shown = "、".join(changed[:5]) + ("等" if len(changed) > 5 else "")
        print(f"注意：数据包或政策文件自抽取以来已变化（{shown}） / note: inputs changed since the draw")


# ---------------------------------------------------------------- plan


@dataclass(frozen=True)
class PlanOptions:
    bundle: Path
    term_start: str
    term_end: str
    rounds_per_year: int
    teams_per_round: int
    targets_per_team: int = 1
    policy: Path | None = None
    as_of: str | None = None  # coverage progress as of this month (default: the term start)


def plan_command(options: PlanOptions, out: Path) -> int:
    from xuncha.teams.coverage import write_plan
    from xuncha.teams.from_bundle import history_rows, petitions_by_unit, plan_units
    from xuncha.teams.plan import plan_term

    failures: tuple[type[Exception], ...] = (*errors(), ValueError)
    try:
        start = parse_month(options.term_start, "--term-start")
        end = parse_month(options.term_end, "--term-end")
        if end < start:
            raise UsageProblem("任期结束早于开始", "--term-end is before --term-start")
        as_of = parse_month(options.as_of, "--as-of") if options.as_of else None
        bundle, _rules, team_policy = load_inputs(str(options.bundle), _text(options.policy))
        plan = plan_term(
            plan_units(bundle),
            petitions_by_unit(bundle),
            history_rows(bundle),
            start,
            end,
            options.rounds_per_year,
            options.teams_per_round,
            options.targets_per_team,
            team_policy,
            as_of=as_of,
        )
    except UsageProblem as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 2
    except failures as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 1
    paths = write_plan(plan, out)
    _plan_report(plan, paths)
    return 0


def _text(path: Path | None) -> str | None:
    return str(path) if path else None


def _plan_report(plan: Any, paths: list[Path]) -> None:
    items = plan.items
    first = [i for i in items if i.kind == "巡察"]
    print(f"任期规划：{len(plan.rounds)} 轮（{plan.rounds[0]} 至 {plan.rounds[-1]}），单位 {len(first)} 个全部排入")
    print(f"  回访督查 {len(items) - len(first)} 次，提级建议 {sum(1 for i in first if i.escalate)} 个")
    for note in plan.unplaced_revisits:
        print(f"  [回访未能安排] {note}")
    totals = {k: sum(int(r[k]) for r in plan.coverage) for k in ("units", "inspected", "due", "overdue")}
    print(
        f"  覆盖进度：单位 {totals['units']}，本届已巡察 {totals['inspected']}，待巡察 {totals['due']}，"
        f"超期未巡察 {totals['overdue']}"
    )
    print(f"结果已写入 / written: {', '.join(str(p) for p in paths)}")
