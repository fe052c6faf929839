"""The one entry point. Each command is a thin call into a module below; heavy
modules are imported inside the command so that ``xuncha --help`` stays instant."""

from __future__ import annotations

import sys
from pathlib import Path

import click


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


@main.command()
@click.argument("bundle", type=click.Path(exists=True, path_type=Path))
@click.option("--round", "round_id", required=True, help="轮次编号 / round id")
@click.option("--stage", type=click.Choice(["1", "2", "3", "all"]), default="all")
@click.option("--policy", type=click.Path(exists=True, path_type=Path), default=None)
@click.option("--strict", is_flag=True)
@click.option("--out", type=click.Path(path_type=Path), required=True)
def screen(bundle: Path, round_id: str, stage: str, policy: Path | None, strict: bool, out: Path) -> None:
    """三次回避审查 / three-stage recusal screening of one round."""
    from xuncha.screening.command import screen_command

    sys.exit(screen_command(bundle, round_id, stage=stage, policy=policy, strict=strict, out=out))


if __name__ == "__main__":  # pragma: no cover
    main()
