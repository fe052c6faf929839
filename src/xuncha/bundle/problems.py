"""Row problems: every row that cannot be used is reported, never dropped silently."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Level = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem with the input, in Chinese and English.

    ``row`` is the row number as the user sees it in the file (the header is row 1
    in a plain CSV); ``None`` for problems of a whole file or table.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    reason_zh: str
    reason_en: str
    level: Level = "error"
    table: str | None = None

    def location(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(f"第{self.row}行")
        if self.column:
            parts.append(f"列「{self.column}」")
        return " ".join(parts)

    def to_text(self) -> str:
        value = "" if self.value is None else f" 值「{self.value}」"
        return (
            f"[{'错误' if self.level == 'error' else '提示'}] {self.location()}{value}: "
            f"{self.reason_zh} / {self.reason_en}"
        )

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


class BundleError(Exception):
    """A problem that stops the run: a missing required table or column, or --strict."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.to_text())
        self.problem = problem
