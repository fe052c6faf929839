"""The bundle's table declarations, loaded from ``tables.yaml`` into typed objects."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib.resources import files
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

# the C loader when PyYAML has it (same results, several times quicker)
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _yaml_load(text: str) -> Any:
    return yaml.load(text, Loader=_YAML_LOADER)


ColumnType = Literal[
    "text",
    "name",
    "gender",
    "id",
    "person",
    "unit",
    "person_or_unit",
    "date",
    "month",
    "date_or_month",
    "number",
    "bool",
    "list",
    "enum",
]
REFERENCE_TYPES: frozenset[str] = frozenset({"person", "unit", "person_or_unit"})


class Enum(BaseModel):
    model_config = ConfigDict(frozen=True)

    values: list[str]
    variants: dict[str, str] = Field(default_factory=dict)

    def lookup(self) -> dict[str, str]:
        """Every accepted spelling (normalised) mapped to its canonical value."""
        table = {normalize_header(v): v for v in self.values}
        table.update({normalize_header(k): v for k, v in self.variants.items()})
        return table


class Column(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    zh: str
    aliases: list[str] = Field(default_factory=list)
    type: ColumnType
    required: bool = False
    key: bool = False
    enum: str | None = None
    default: str | None = None

    def spellings(self) -> list[str]:
        return [self.name, self.zh, *self.aliases]


class Table(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    zh: str
    aliases: list[str] = Field(default_factory=list)
    required: bool = False
    departmental: bool = False
    columns: list[Column]

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    def spellings(self) -> list[str]:
        return [self.name, self.zh, *self.aliases]

    def header_lookup(self) -> dict[str, str]:
        """Normalised header text → english column name."""
        table: dict[str, str] = {}
        for col in self.columns:
            for spelling in col.spellings():
                table.setdefault(normalize_header(spelling), col.name)
        return table

    def label(self) -> str:
        return f"{self.zh}({self.name})"


class Schema(BaseModel):
    model_config = ConfigDict(frozen=True)

    enums: dict[str, Enum]
    departmental_extra_columns: list[Column]
    tables: list[Table]

    def table(self, name: str) -> Table:
        for table in self.tables:
            if table.name == name:
                return table
        raise KeyError(name)

    def table_for(self, text: str) -> Table | None:
        """The table whose english name or Chinese alias is ``text`` (a file stem, a sheet)."""
        wanted = normalize_header(text)
        for table in self.tables:
            if wanted in {normalize_header(s) for s in table.spellings()}:
                return table
        return None


_MARKERS = re.compile(r"(\*+|\(必填\)|\(必须\)|\(选填\))+$")
_SPACE = re.compile(r"\s+")


def normalize_header(text: str) -> str:
    """Header text as compared: NFKC (full-width → half-width), no spaces or line breaks,
    no trailing ``*`` / ``(必填)`` markers, lower case."""
    text = unicodedata.normalize("NFKC", text)
    text = _SPACE.sub("", text)
    while True:
        stripped = _MARKERS.sub("", text)
        if stripped == text:
            return text.lower()
        text = stripped


def _with_extras(table: Table, extras: list[Column]) -> Table:
    if not table.departmental:
        return table
    have = {c.name for c in table.columns}
    added = [c for c in extras if c.name not in have]
    return table.model_copy(update={"columns": [*table.columns, *added]})


@cache
def load_schema() -> Schema:
    """The declarations of ``tables.yaml``, with the departmental extra columns merged in."""
    text = files("xuncha.bundle").joinpath("tables.yaml").read_text(encoding="utf-8")
    raw = Schema.model_validate(_yaml_load(text))
    tables = [_with_extras(t, raw.departmental_extra_columns) for t in raw.tables]
    return raw.model_copy(update={"tables": tables})
