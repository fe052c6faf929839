"""Steps of long commands: counted, timed, shown on a terminal as a bar and in logs as lines."""

from __future__ import annotations

import io
import re

import pytest

from xuncha.progress import report, step


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_steps_outside_a_report_do_nothing() -> None:
    with step("构建关系图", "building the graph"):
        value = 1
    assert value == 1


def test_log_lines_count_and_time_each_step() -> None:
    out = io.StringIO()
    with report("回避审查 / screening", total=2, stream=out):
        with step("读取数据包", "loading the bundle"), step("内部步骤", "a part of the step"):
            pass
        with step("构建关系图", "building the graph"):
            pass
    lines = out.getvalue().splitlines()
    assert lines[0] == "回避审查 / screening："
    assert re.fullmatch(r"  \[1/2\] 读取数据包 / loading the bundle：\d+\.\d 秒 s", lines[1])
    assert re.fullmatch(r"  \[2/2\] 构建关系图 / building the graph：\d+\.\d 秒 s", lines[2])
    assert len(lines) == 3  # the inner step is part of its outer step


def test_a_failed_step_is_not_reported_done() -> None:
    out = io.StringIO()
    with pytest.raises(ValueError), report("比对", stream=out), step("模型", "model"):
        raise ValueError("bad rule")
    assert "模型" not in out.getvalue()


def test_a_terminal_gets_a_progress_bar() -> None:
    out = _Terminal()
    with report("大数据比对 / comparison", total=3, stream=out):
        for k in range(3):
            with step(f"模型{k}", f"model {k}"):
                pass
    shown = out.getvalue()
    assert "大数据比对 / comparison" in shown
    assert "3/3" in shown
    assert "[3/3]" not in shown  # no log lines on a terminal
