"""What the store records about one snapshot: ``snapshot.json`` in its folder and one entry
of ``manifest.json``."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from xuncha.bundle.model import Bundle, TableData
from xuncha.bundle.problems import Problem


@dataclass(frozen=True)
class TableCounts:
    """Rows of one table as the loader saw them: read from the file, used, rejected."""

    file: str
    read: int
    used: int
    rejected: int

    @classmethod
    def of(cls, data: TableData) -> TableCounts:
        return cls(data.file, data.read, data.used, data.rejected)


@dataclass(frozen=True)
class ProblemCounts:
    errors: int
    warnings: int
    file: str = "problems.json"

    @classmethod
    def of(cls, problems: list[Problem]) -> ProblemCounts:
        errors = sum(p.level == "error" for p in problems)
        return cls(errors, len(problems) - errors)

    @property
    def total(self) -> int:
        return self.errors + self.warnings


@dataclass(frozen=True)
class SnapshotInfo:
    """``id`` sorts by load time; ``hash`` covers the typed tables (not the load time)."""

    id: str
    loaded_at: str
    input: str
    hash: str
    tables: dict[str, TableCounts]
    problems: ProblemCounts = field(default_factory=lambda: ProblemCounts(0, 0))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> SnapshotInfo:
        return cls(
            id=str(doc["id"]),
            loaded_at=str(doc["loaded_at"]),
            input=str(doc["input"]),
            hash=str(doc["hash"]),
            tables={name: TableCounts(**counts) for name, counts in doc["tables"].items()},
            problems=ProblemCounts(**doc.get("problems", {"errors": 0, "warnings": 0})),
        )


def table_counts(bundle: Bundle) -> dict[str, TableCounts]:
    return {name: TableCounts.of(data) for name, data in bundle.tables.items()}
