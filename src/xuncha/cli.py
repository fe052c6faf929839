"""The one entry point. Each command is a thin call into a module below; heavy
modules are imported inside the command so that ``xuncha --help`` stays instant."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from xuncha.engine.base import EngineOptions


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="xuncha")
def main() -> None:
    """巡察 xuncha: 回避审查、巡察组组建与大数据比对 / recusal screening, teams, data comparison."""


@main.command()
@click.argument("bundle", type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--strict", is_flag=True, help="任何问题都视为失败 / any problem fails the run")
@click.option("--out", type=click.Path(path_type=Path), help="同时把报告写成 JSON 文件")
def validate(bundle: Path, fmt: str, strict: bool, out: Path | None) -> None:
    """检查数据包 / validate a bundle: every problem with file, row, column and reason."""
    from xuncha.bundle.validate import validate_command

    sys.exit(validate_command(bundle, fmt=fmt, strict=strict, out=out))


@main.command()
@click.argument("terms", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="每个称谓输出一行 JSON")
def kin(terms: tuple[str, ...], as_json: bool) -> None:
    """解析亲属称谓并判定法定类别 / classify kinship terms (称谓)."""
    from xuncha.kinship.cli import kin_command

    sys.exit(kin_command(list(terms), as_json=as_json))


@main.command()
@click.option("--persons", type=click.IntRange(min=200), default=50_000, show_default=True)
@click.option("--seed", type=int, default=2026, show_default=True)
@click.option("--out", type=click.Path(path_type=Path), required=True)
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv")
def synth(persons: int, seed: int, out: Path, fmt: str) -> None:
    """生成模拟县数据包 / write a synthetic county bundle (deterministic for a seed)."""
    from xuncha.synth.generate import write_bundle

    report = write_bundle(out, persons=persons, seed=seed, fmt=fmt)
    click.echo(report.describe())


def _engine_options(func: Callable[..., None]) -> Callable[..., None]:
    """--engine duckdb|spark, --spark-master URL, --spark-config FILE (PySpark loads only for spark),
    --memory-limit SIZE (DuckDB spills to disk beyond it)."""
    func = click.option(
        "--memory-limit",
        default=None,
        metavar="SIZE",
        help="DuckDB 内存上限，超出部分写入临时文件（默认 2GB）/ DuckDB memory limit, spills beyond it (e.g. 4GB)",
    )(func)
    func = click.option(
        "--spark-config",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        default=None,
        help="Spark 设置文件（YAML）/ Spark settings (YAML), on top of the defaults",
    )(func)
    func = click.option(
        "--spark-master",
        default=None,
        help="Spark 主节点地址，默认 local[*]（用 spark-submit 运行时取其设置）/ "
        "Spark master URL (default local[*], or spark-submit's)",
    )(func)
    return click.option(
        "--engine",
        "engine_name",
        type=click.Choice(["duckdb", "spark"]),
        default="duckdb",
        show_default=True,
        help="计算引擎 / engine: duckdb (embedded) or spark (pip install 'xuncha[spark]')",
    )(func)


def _engine(
    name: str, master: str | None, config: Path | None, memory_limit: str | None = None
) -> EngineOptions | None:
    """None for the default engine, so the commands keep their own defaults."""
    from xuncha.engine.base import EngineOptions

    if name == "duckdb" and config is None and memory_limit is None:
        return None
    return EngineOptions(name, master, config, memory_limit)


@main.command()
@_engine_options
@click.argument("bundle", type=click.Path(exists=True, path_type=Path))
@click.option("--round", "round_id", required=True, help="轮次编号 / round id")
@click.option(
    "--stage",
    type=click.Choice(["1", "2", "3", "all"]),
    default="all",
    show_default=True,
    help="1 组长副组长 / leaders; 2 抽调干部 / others; 3 申报与异议 / declarations, objections",
)
@click.option("--policy", type=click.Path(exists=True, path_type=Path), default=None, help="回避政策文件 / policy YAML")
@click.option("--strict", is_flag=True, help="任何数据问题都视为失败 / any problem fails the run")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="结果目录 / output folder")
@click.option(
    "--incremental",
    "state_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    metavar="STATE_DIR",
    help="增量审查：状态保存在此目录，只重新审查受变化影响的巡察干部 / incremental: keep state here, "
    "re-screen only the inspectors a change affects",
)
def screen(
    bundle: Path,
    round_id: str,
    stage: str,
    policy: Path | None,
    strict: bool,
    out: Path,
    engine_name: str,
    spark_master: str | None,
    spark_config: Path | None,
    memory_limit: str | None,
    state_dir: Path | None,
) -> None:
    """三次回避审查 / three-stage recusal screening of one round."""
    from xuncha.screening.command import screen_command

    engine = _engine(engine_name, spark_master, spark_config, memory_limit)
    sys.exit(
        screen_command(
            bundle, round_id, stage=stage, policy=policy, strict=strict, out=out, engine=engine, incremental=state_dir
        )
    )


@main.command()
@click.argument("bundle", type=click.Path(exists=True, path_type=Path))
@click.option("--round", "round_id", required=True, help="轮次编号 / round id")
@click.option("--policy", type=click.Path(exists=True, path_type=Path), default=None)
@click.option("--seed", default=None, help="随机抽取种子（先用 draw commit 公布其承诺值）/ draw seed")
@click.option("--commitment", default=None, help="已公布的种子承诺值；不符则拒绝抽取 / published seed hash")
@click.option("--targets-per-team", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--pin", "pins", multiple=True, metavar="PERSON=TARGET", help="指定人员到某巡察对象的巡察组")
@click.option("--pin-reason", "pin_reasons", multiple=True, metavar="TEXT", help="每个 --pin 的理由（必填，按顺序）")
@click.option("--ban", "bans", multiple=True, metavar="PERSON", help="本轮排除某人")
@click.option("--ban-reason", "ban_reasons", multiple=True, metavar="TEXT", help="每个 --ban 的理由（必填，按顺序）")
@click.option("--skill", "skills", multiple=True, help="专项巡察要求的专业特长（可多次）/ skills a 专项 round requires")
@click.option("--time-limit", type=click.FloatRange(min=1), default=120.0, show_default=True, help="秒 / seconds")
@click.option("--out", type=click.Path(path_type=Path), required=True)
def assign(
    bundle: Path,
    round_id: str,
    policy: Path | None,
    seed: str | None,
    commitment: str | None,
    targets_per_team: int,
    pins: tuple[str, ...],
    pin_reasons: tuple[str, ...],
    bans: tuple[str, ...],
    ban_reasons: tuple[str, ...],
    skills: tuple[str, ...],
    time_limit: float,
    out: Path,
) -> None:
    """组建巡察组（3+X）/ staff one team per target of a round, with a verifiable random draw."""
    from xuncha.teams.command import AssignOptions, UsageProblem, assign_command, parse_bans, parse_pins

    try:
        options = AssignOptions(
            bundle=str(bundle),
            round_id=round_id,
            policy=str(policy) if policy else None,
            targets_per_team=targets_per_team,
            pins=parse_pins(pins, pin_reasons),
            bans=parse_bans(bans, ban_reasons),
            time_limit=time_limit,
            skills=skills,
        )
    except UsageProblem as exc:
        raise click.UsageError(str(exc)) from exc
    sys.exit(assign_command(options, seed=seed, out=out, commitment=commitment))


@main.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("person")
@click.option("--bundle", type=click.Path(exists=True, path_type=Path), default=None, help="用于按编号或姓名查找人员")
def explain(folder: Path, person: str, bundle: Path | None) -> None:
    """说明某人为何入选或未入选巡察组 / why a person is or is not on a team (FOLDER: assign's --out)."""
    from xuncha.teams.command import explain_command

    sys.exit(explain_command(folder, person, bundle))


@main.group()
def draw() -> None:
    """随机抽取：承诺与验证 / verifiable random draw: commit and verify."""


@draw.command("commit")
@click.option("--seed", default=None, help="不指定则随机生成 / generated when not given")
def draw_commit(seed: str | None) -> None:
    """生成种子并打印其承诺值（抽取前公布）/ print a seed and the hash to publish before the draw."""
    from xuncha.teams.command import commit_command

    sys.exit(commit_command(seed))


@draw.command("verify")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--seed", required=True)
@click.option("--bundle", type=click.Path(exists=True, path_type=Path), default=None, help="默认为抽取时的数据包")
@click.option("--round", "round_id", default=None, help="默认为抽取时的轮次")
@click.option("--policy", type=click.Path(exists=True, path_type=Path), default=None, help="默认为抽取时的政策文件")
def draw_verify(folder: Path, seed: str, bundle: Path | None, round_id: str | None, policy: Path | None) -> None:
    """用种子重新抽取并逐字节核对 teams.jsonl / re-run the draw and compare byte for byte."""
    from xuncha.teams.command import verify_command

    overrides = {
        "bundle": str(bundle.resolve()) if bundle else None,
        "round_id": round_id,
        "policy": str(policy.resolve()) if policy else None,
    }
    sys.exit(verify_command(folder, seed, overrides))


@main.command()
@click.argument("bundle", type=click.Path(exists=True, path_type=Path))
@click.option("--term-start", required=True, metavar="YYYY-MM")
@click.option("--term-end", required=True, metavar="YYYY-MM")
@click.option("--rounds-per-year", type=click.IntRange(min=1), required=True)
@click.option("--teams-per-round", type=click.IntRange(min=1), required=True)
@click.option("--targets-per-team", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--as-of", default=None, metavar="YYYY-MM", help="覆盖进度统计截至月份（默认任期开始）/ progress as of")
@click.option("--policy", type=click.Path(exists=True, path_type=Path), default=None)
@click.option("--out", type=click.Path(path_type=Path), required=True)
def plan(
    bundle: Path,
    term_start: str,
    term_end: str,
    rounds_per_year: int,
    teams_per_round: int,
    targets_per_team: int,
    as_of: str | None,
    policy: Path | None,
    out: Path,
) -> None:
    """任期巡察规划（全覆盖）/ term plan: every unit in a round, revisits, coverage chart."""
    from xuncha.teams.command import PlanOptions, plan_command

    options = PlanOptions(
        bundle, term_start, term_end, rounds_per_year, teams_per_round, targets_per_team, policy, as_of
    )
    sys.exit(plan_command(options, out))


def _source_options(func: Callable[..., None]) -> Callable[..., None]:
    """BUNDLE or --store DIR [--snapshot ID]: where departmental data comes from."""
    func = click.option("--strict", is_flag=True, help="任何数据问题都视为失败 / any problem fails the run")(func)
    func = click.option("--snapshot", default=None, help="数据交换库中的快照编号（默认最新）/ snapshot id")(func)
    func = click.option("--store", type=click.Path(path_type=Path), default=None, help="数据交换库 / store dir")(func)
    return click.argument("bundle", type=click.Path(exists=True, path_type=Path), required=False)(func)


@main.command()
@click.argument("bundle", type=click.Path(exists=True, path_type=Path))
@click.option("--store", type=click.Path(path_type=Path), required=True, help="数据交换库目录 / store dir")
@click.option("--strict", is_flag=True)
def ingest(bundle: Path, store: Path, strict: bool) -> None:
    """导入部门数据，形成带日期的快照 / load departmental data into dated snapshots."""
    from xuncha.exchange.command import ingest_command

    sys.exit(ingest_command(bundle, store, strict=strict))


@main.command()
@_source_options
@_engine_options
@click.option(
    "--decisions",
    type=click.Path(exists=True, path_type=Path),
    default=None,
    help="人工确认或否定的匹配 / confirmed or rejected pairs (csv/xlsx)",
)
@click.option("--out", type=click.Path(path_type=Path), required=True)
def link(
    bundle: Path | None,
    store: Path | None,
    snapshot: str | None,
    strict: bool,
    decisions: Path | None,
    out: Path,
    engine_name: str,
    spark_master: str | None,
    spark_config: Path | None,
    memory_limit: str | None,
) -> None:
    """人员比对关联 / link every departmental row that names a person to a person key."""
    from xuncha.link.command import link_command

    engine = _engine(engine_name, spark_master, spark_config, memory_limit)
    sys.exit(link_command(bundle, store, snapshot, strict=strict, decisions=decisions, out=out, engine=engine))


@main.command()
@_source_options
@_engine_options
@click.option("--models", default="all", show_default=True, help="all 或逗号分隔的模型编号 / model ids")
@click.option(
    "--rules",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="用户自定义比对模型目录（YAML）/ a directory of user models",
)
@click.option("--since", default=None, help="与较早快照比较，标记新增/未变/已消除 / earlier snapshot id")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "ftm"]), default="jsonl", show_default=True)
@click.option("--decisions", type=click.Path(exists=True, path_type=Path), default=None)
@click.option(
    "--link",
    "link_mode",
    type=click.Choice(["probabilistic", "exact"]),
    default="probabilistic",
    show_default=True,
    help="人员关联方式：probabilistic 先做概率关联（Splink）；exact 只按身份证号匹配，大数据量时更快 / "
    "how rows are resolved to persons: Splink first, or ID numbers only",
)
@click.option("--out", type=click.Path(path_type=Path), required=True)
def compare(
    bundle: Path | None,
    store: Path | None,
    snapshot: str | None,
    strict: bool,
    models: str,
    rules: Path | None,
    since: str | None,
    fmt: str,
    decisions: Path | None,
    link_mode: str,
    out: Path,
    engine_name: str,
    spark_master: str | None,
    spark_config: Path | None,
    memory_limit: str | None,
) -> None:
    """大数据比对，生成问题线索 / run comparison models and write inspection leads."""
    from xuncha.compare.command import compare_command

    sys.exit(
        compare_command(
            bundle,
            store,
            snapshot,
            strict=strict,
            models=models,
            rules=rules,
            since=since,
            fmt=fmt,
            decisions=decisions,
            out=out,
            engine=_engine(engine_name, spark_master, spark_config, memory_limit),
            exact=link_mode == "exact",
        )
    )


# ------------------------------------------------------------------ the office's web application

DB_HELP = "数据库地址，默认读取 XUNCHA_DB 或数据目录中的 SQLite / database URL (else XUNCHA_DB, else SQLite)"


@main.command()
@click.option("--db", default=None, help=DB_HELP)
@click.option("--data", type=click.Path(path_type=Path), default=None, help="数据目录 / data directory (XUNCHA_DATA)")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--audit-hash", type=click.Choice(["sm3", "sha256"]), default="sm3", show_default=True)
@click.option("--secure-cookies", is_flag=True, help="仅通过 HTTPS 发送会话 cookie / HTTPS only cookies")
def serve(db: str | None, data: Path | None, host: str, port: int, audit_hash: str, secure_cookies: bool) -> None:
    """启动巡察工作平台 / serve the office's web application."""
    from xuncha.web.command import serve_command

    sys.exit(serve_command(db, data, host, port, audit_hash, secure_cookies))


@main.group()
def user() -> None:
    """用户管理 / users of the web application."""


@user.command("add")
@click.argument("name")
@click.option("--role", required=True, help="admin leading_group team_leader member supervisor auditor unit_contact")
@click.option("--password-stdin", is_flag=True, required=True, help="从标准输入读取密码 / read the password from stdin")
@click.option("--person", "person_key", default=None, help="巡察干部的人员编号 / the inspector's person key")
@click.option("--unit", default=None, help="被巡察单位联系人的单位编号 / the unit a contact speaks for")
@click.option("--display-name", default="", help="显示姓名 / display name")
@click.option("--db", default=None, help=DB_HELP)
def user_add(
    name: str,
    role: str,
    password_stdin: bool,
    person_key: str | None,
    unit: str | None,
    display_name: str,
    db: str | None,
) -> None:
    """新建用户 / create a user."""
    from xuncha.web.command import user_add_command

    password = sys.stdin.readline().rstrip("\r\n")
    sys.exit(user_add_command(db, name, role, password, person_key, unit, display_name))


@main.group()
def audit() -> None:
    """审计日志 / the audit trail."""


@audit.command("verify")
@click.option("--db", default=None, help=DB_HELP)
def audit_verify(db: str | None) -> None:
    """校验审计日志哈希链 / recompute the audit log's hash chain (exit 1 when broken)."""
    from xuncha.web.command import audit_verify_command

    sys.exit(audit_verify_command(db))


@main.command("web-demo")
@click.argument("bundle", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--round", "round_id", default=None, help="轮次，默认读取数据包中的 ROUND 文件 / round id")
@click.option(
    "--data", type=click.Path(path_type=Path), required=True, help="数据目录（重建）/ data directory (rebuilt)"
)
@click.option(
    "--db",
    default=None,
    help="空数据库，默认 XUNCHA_DB 或数据目录中的 SQLite / an empty database URL (else XUNCHA_DB, else SQLite)",
)
@click.option("--serve/--no-serve", default=True, show_default=True, help="完成后启动平台 / serve afterwards")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
def web_demo(bundle: Path, round_id: str | None, data: Path, db: str | None, serve: bool, host: str, port: int) -> None:
    """用模拟数据建立演示平台并启动 / seed a demo web database from a bundle, print logins, serve."""
    import shutil

    from xuncha.web.command import serve_command
    from xuncha.web.demo import print_logins, seed_demo

    if data.exists():
        shutil.rmtree(data)
    data.mkdir(parents=True)
    from xuncha.store.db import database_url

    url = database_url(db, data.resolve())  # --db, else XUNCHA_DB, else SQLite in the fresh data folder
    chosen = round_id or (bundle / "ROUND").read_text(encoding="utf-8").strip()
    logins = seed_demo(bundle, url, data.resolve(), chosen)
    print_logins(f"http://{host}:{port}/", logins)
    if serve:
        sys.exit(serve_command(url, data, host, port, "sm3", False))


if __name__ == "__main__":  # pragma: no cover
    main()
