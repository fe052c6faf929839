"""Synthetic bundles whose talent pool can staff several teams at once (shared by the team and web tests)."""

from __future__ import annotations

import csv
from pathlib import Path

CORE_ROLES = ("组长", "副组长", "联络员")


def more_full_time(bundle: Path) -> None:
    """Turn every third talent-pool inspector into full-time staff (core roles in turn)."""
    path = bundle / "inspectors.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    pool = [r for r in rows if r["pool"] == "人才库"]
    for k, row in enumerate(pool[::3]):
        row.update(pool="专职", roles=CORE_ROLES[k % 3])
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
