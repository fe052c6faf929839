"""Findings as FollowTheMoney entities (JSON lines, loadable into Aleph/OpenAleph).

Written by hand in FtM's JSON shape (``{"id", "schema", "properties": {name: [text]}}``)
with FtM schema and property names, so the package and its heavy dependencies are not
needed. Entities: Person, Company, PublicBody (units), Payment, Ownership (股东),
Directorship (other company roles), Employment (positions), Family (kinship rows) and
one Note per finding naming every entity it involves. ``uscCode`` carries the
统一社会信用代码; a Note's ``summary`` carries the finding's status when ``--since`` is used.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from xuncha.bundle.model import Bundle

Entity = dict[str, Any]
GENDER = {"男": "male", "女": "female"}


def entity_id(kind: str, key: str) -> str:
    return f"xuncha-{kind}-{hashlib.sha1(key.encode()).hexdigest()[:20]}"


def _entity(schema: str, kind: str, key: str, **props: Any) -> Entity:
    properties = {k: [_text(v)] for k, v in props.items() if v not in (None, "")}
    return {"id": entity_id(kind, key), "schema": schema, "properties": properties}


def _text(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


class FtmWriter:
    """Looks up the rows findings cite and turns them into entities, each written once."""

    def __init__(self, bundle: Bundle) -> None:
        self.bundle = bundle
        self.entities: dict[str, Entity] = {}
        self.persons = self._index("persons", "person_key")
        self.units = self._index("units", "unit_id")
        self.companies = self._index("companies", "company_id")

    def _index(self, table: str, key: str) -> dict[str, dict[str, Any]]:
        if not self.bundle.has(table):
            return {}
        return {r[key]: r for r in self.bundle.table(table).to_pylist() if r.get(key)}

    def _rows(self, sources: set[str]) -> dict[str, tuple[str, dict[str, Any]]]:
        out: dict[str, tuple[str, dict[str, Any]]] = {}
        wanted = pa.array(sorted(sources), pa.string())
        for name, data in self.bundle.tables.items():
            table = data.table
            if "_source" not in table.column_names:
                continue
            for row in table.filter(pc.is_in(table.column("_source"), value_set=wanted)).to_pylist():
                out[row["_source"]] = (name, row)
        return out

    def add(self, entity: Entity) -> str:
        self.entities.setdefault(entity["id"], entity)
        return str(entity["id"])

    def person(self, key: str, name: str | None = None) -> str:
        p = self.persons.get(key, {})
        return self.add(
            _entity(
                "Person",
                "person",
                key,
                name=p.get("name") or name or key,
                idNumber=key if len(key) == 18 else None,
                birthDate=p.get("birth_date"),
                deathDate=p.get("death_date"),
                gender=GENDER.get(p.get("gender") or ""),
            )
        )

    def unit(self, key: str) -> str:
        u = self.units.get(key, {})
        return self.add(
            _entity("PublicBody", "unit", key, name=u.get("name") or key, registrationNumber=key, uscCode=key)
        )

    def company(self, key: str, name: str | None = None) -> str:
        c = self.companies.get(key, {})
        return self.add(
            _entity(
                "Company",
                "company",
                key,
                name=c.get("name") or name or key,
                registrationNumber=key,
                uscCode=key,
                status=c.get("status"),
                incorporationDate=c.get("registered_date"),
                address=c.get("address"),
            )
        )

    def payee(self, row: dict[str, Any], key_column: str, name_column: str) -> str:
        key = row.get(key_column) or row.get(name_column) or "?"
        if key in self.companies or (row.get(f"{key_column}_resolved") is False and key not in self.persons):
            return self.company(key, row.get(name_column))
        return self.person(key, row.get(name_column))

    def row_entities(self, table: str, row: dict[str, Any]) -> list[str]:
        """The entities one cited row stands for (and those it links)."""
        src = row["_source"]
        match table:
            case "company_roles":
                return self._company_role(row, src)
            case "payments":
                payer, payee = self.unit(row.get("payer_unit") or "?"), self.payee(row, "payee", "payee_name")
                pay = _entity(
                    "Payment",
                    "payment",
                    src,
                    amount=row.get("amount"),
                    currency="CNY",
                    date=row.get("date"),
                    purpose=row.get("purpose"),
                    transactionNumber=row.get("contract_id"),
                )
                pay["properties"].update(payer=[payer], beneficiary=[payee])
                return [self.add(pay), payer, payee]
            case "subsidies" | "payroll":
                return self._benefit(table, row, src)
            case "kinship":
                a, b = self.person(row["person"]), self.person(row["relative"])
                fam = _entity(
                    "Family",
                    "family",
                    src,
                    relationship=row.get("relation"),
                    startDate=row.get("start_date"),
                    endDate=row.get("end_date"),
                )
                fam["properties"].update(person=[a], relative=[b])
                return [self.add(fam), a, b]
            case "positions":
                a, u = self.person(row["person"]), self.unit(row["unit"])
                job = _entity(
                    "Employment",
                    "position",
                    src,
                    role=row.get("title") or row.get("role"),
                    startDate=row.get("start_date"),
                    endDate=row.get("end_date"),
                )
                job["properties"].update(employee=[a], employer=[u])
                return [self.add(job), a, u]
            case "companies":
                return [self.company(row["company_id"], row.get("name"))]
            case "deaths" | "vehicles" | "real_estate":
                column = "person" if table == "deaths" else "owner"
                return [self.person(row[column], row.get("name"))] if row.get(column) else []
        return []

    def _company_role(self, row: dict[str, Any], src: str) -> list[str]:
        a, c = self.person(row["person"], row.get("name")), self.company(row["company"])
        dates = {"startDate": row.get("start_date"), "endDate": row.get("end_date"), "role": row.get("role")}
        if row.get("role") == "股东":
            rel = _entity("Ownership", "role", src, percentage=row.get("share"), **dates)
            rel["properties"].update(owner=[a], asset=[c])
        else:
            rel = _entity("Directorship", "role", src, **dates)
            rel["properties"].update(director=[a], organization=[c])
        return [self.add(rel), a, c]

    def _benefit(self, table: str, row: dict[str, Any], src: str) -> list[str]:
        column, unit = ("recipient", "approving_unit") if table == "subsidies" else ("person", "unit")
        payer = self.unit(row.get(unit) or "?")
        payee = self.person(row.get(column) or "?", row.get("name"))
        pay = _entity(
            "Payment",
            "payment",
            src,
            amount=row.get("amount"),
            currency="CNY",
            date=row.get("period"),
            programme=row.get("program") or "财政供养",
            purpose=row.get("program") or "工资",
        )
        pay["properties"].update(payer=[payer], beneficiary=[payee])
        return [self.add(pay), payer, payee]

    def note(self, finding: dict[str, Any], involved: Iterable[str]) -> None:
        note = _entity(
            "Note",
            "finding",
            finding["key"],
            name=f"{finding['model_name']}（{finding['model']}）",
            description=finding["summary"],
            summary=finding.get("status"),
        )
        note["properties"]["entity"] = sorted(set(involved))
        self.add(note)

    def build(self, findings: list[dict[str, Any]]) -> list[Entity]:
        sources = {e["source"] for f in findings for e in f["evidence"]}
        rows = self._rows(sources)
        for f in findings:
            involved = [self.person(p) for p in f["persons"]]
            if f.get("unit"):
                involved.append(self.unit(f["unit"]))
            for e in f["evidence"]:
                if e["source"] in rows:
                    involved += self.row_entities(*rows[e["source"]])
            self.note(f, involved)
        return list(self.entities.values())


def write_ftm(bundle: Bundle, findings: list[dict[str, Any]], path: Path) -> int:
    entities = FtmWriter(bundle).build(findings)
    with path.open("w", encoding="utf-8") as fh:
        for entity in entities:
            fh.write(json.dumps(entity, ensure_ascii=False) + "\n")
    return len(entities)
