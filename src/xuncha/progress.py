"""Progress of long commands, step by step, on standard error.

A command opens a :func:`report` around its work; the code it calls marks its parts with
:func:`step`, which does nothing when no report is open (library use, tests, the web app).
On a terminal the steps show as a rich progress bar (step k of n, the step's name, the
time elapsed); elsewhere (logs, CI, a pipe) each step ends with one plain line saying how long
it took, so a long run on a server still tells where it is::

    with report("回避审查 / screening", total=9):
        with step("构建关系图", "building the graph"):
            ...
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import IO, Any

_CURRENT: ContextVar[_Report | None] = ContextVar("xuncha_progress", default=None)


@dataclass
class _Report:
    title: str
    total: int | None
    stream: IO[str]
    bar: Any = None  # rich.progress.Progress on a terminal
    task: Any = None
    done: int = 0
    started: float = field(default_factory=time.perf_counter)
    depth: int = 0

    def begin(self, zh: str, en: str) -> None:
        text = f"{zh} / {en}"
        if self.bar is not None:
            self.bar.update(self.task, description=text)

    def end(self, zh: str, en: str, seconds: float) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.update(self.task, completed=self.done)
            return
        of = f"/{self.total}" if self.total else ""
        print(f"  [{self.done}{of}] {zh} / {en}：{seconds:.1f} 秒 s", file=self.stream, flush=True)


@contextmanager
def report(title: str, *, total: int | None = None, stream: IO[str] | None = None) -> Iterator[None]:
    """Show the steps run inside this block (``total``: how many are expected, if known)."""
    out = stream or sys.stderr
    state = _Report(title, total, out)
    token = _CURRENT.set(state)
    try:
        if out.isatty():
            with _bar(state):
                yield
        else:
            print(f"{title}：", file=out, flush=True)
            yield
    finally:
        _CURRENT.reset(token)


@contextmanager
def _bar(state: _Report) -> Iterator[None]:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = Console(file=state.stream)
    columns = (
        SpinnerColumn(),
        TextColumn(f"{state.title}：" + "[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as bar:
        state.bar = bar
        state.task = bar.add_task("", total=state.total)
        yield


@contextmanager
def step(zh: str, en: str) -> Iterator[None]:
    """One step of the open report (nothing when none is open; a step inside a step is part
    of it and not counted apart)."""
    state = _CURRENT.get()
    if state is None or state.depth:
        yield
        return
    state.depth += 1
    state.begin(zh, en)
    started = time.perf_counter()
    try:
        yield
    finally:
        state.depth -= 1
    state.end(zh, en, time.perf_counter() - started)
