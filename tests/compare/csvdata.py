"""The scenario county written as a bundle directory of CSV files."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

from tests.compare import scenario
from tests.compare.util import UNITS

TABLES: dict[str, list[dict[str, Any]]] = {
    "persons": [{("person_id" if k == "person_key" else k): v for k, v in p.items()} for p in scenario.PERSONS],
    "units": UNITS,
    "kinship": scenario.KINSHIP,
    "positions": scenario.POSITIONS,
    "companies": scenario.COMPANIES,
    "company_roles": scenario.ROLES,
    "payments": scenario.PAYMENTS,
    "subsidies": scenario.SUBSIDIES,
    "payroll": scenario.PAYROLL,
    "vehicles": scenario.VEHICLES,
    "real_estate": scenario.REAL_ESTATE,
    "deaths": scenario.DEATHS,
}


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


def write(folder: Path, **override: list[dict[str, Any]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in {**TABLES, **override}.items():
        columns = list(dict.fromkeys(k for r in rows for k in r))
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(columns)
            writer.writerows([_cell(r.get(c)) for c in columns] for r in rows)
    return folder
