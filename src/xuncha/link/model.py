"""The links table and the declaration of which departmental columns name a person."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

LINKED = "linked"
CANDIDATE = "candidate"
UNLINKED = "unlinked"

LINK_SCHEMA = pa.schema(
    [
        ("table", pa.string()),
        ("column", pa.string()),
        ("source", pa.string()),
        ("person", pa.string()),
        ("probability", pa.float64()),
        ("status", pa.string()),
        ("evidence", pa.list_(pa.string())),
    ]
)


@dataclass(frozen=True)
class PersonColumn:
    """A departmental column that names a person, and the column giving the name."""

    table: str
    column: str
    name: str | None


PERSON_COLUMNS: tuple[PersonColumn, ...] = (
    PersonColumn("company_roles", "person", "name"),
    PersonColumn("payments", "payee", "payee_name"),
    PersonColumn("subsidies", "recipient", "name"),
    PersonColumn("payroll", "person", "name"),
    PersonColumn("vehicles", "owner", "name"),
    PersonColumn("real_estate", "owner", "name"),
    PersonColumn("deaths", "person", "name"),
    PersonColumn("inquiries", "asker", "asker_name"),
    PersonColumn("inquiries", "about_person", None),
)


@dataclass
class LinkResult:
    """``table`` follows ``LINK_SCHEMA``: one row per departmental row and person column.
    ``review`` holds the grey zone beside the row's and the candidate person's details."""

    table: pa.Table
    review: pa.Table

    def person_for(self, table: str, column: str) -> dict[str, str]:
        """``source`` → person key, for the linked rows of one person column."""
        t = self.table
        mask = pc.and_(
            pc.and_(pc.equal(t["table"], table), pc.equal(t["column"], column)),
            pc.equal(t["status"], LINKED),
        )
        picked = t.filter(mask)
        return dict(zip(picked["source"].to_pylist(), picked["person"].to_pylist(), strict=True))

    def counts(self) -> dict[str, int]:
        """Rows by outcome: linked exactly (probability 1), linked probabilistically, candidates, unlinked."""
        t = self.table
        status = t["status"].to_pylist()
        prob = t["probability"].to_pylist()
        exact = sum(1 for s, p in zip(status, prob, strict=True) if s == LINKED and p >= 1.0)
        linked = status.count(LINKED)
        return {
            "rows": t.num_rows,
            "linked_exact": exact,
            "linked_probabilistic": linked - exact,
            "candidate": status.count(CANDIDATE),
            "unlinked": status.count(UNLINKED),
        }
