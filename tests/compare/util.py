"""Small hand-made bundles for comparison tests, typed as the loader types them."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.screening.util import bundle, table

__all__ = ["bundle", "person", "table"]


def person(key: str, name: str, gender: str, year: int = 1970, **extra: Any) -> dict[str, Any]:
    return {"person_key": key, "name": name, "gender": gender, "birth_date": date(year, 1, 1), **extra}


# A village: 村委 V1 (head 王父), its accountant; the township T1 (党政机关 style 乡镇(街道)).
UNITS = [
    {"unit_id": "V1", "name": "东村村委会", "type": "村(社区)"},
    {"unit_id": "T1", "name": "东镇人民政府", "type": "乡镇(街道)"},
    {"unit_id": "B1", "name": "县财政局", "type": "党政机关"},
    {"unit_id": "E1", "name": "县城投公司", "type": "国有企业"},
]
