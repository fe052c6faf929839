"""Writers: teams.jsonl (byte-deterministic), teams.xlsx and a printable teams.docx."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from xuncha.teams.model import Assignment, InfeasibleTarget, Team


def team_record(team: Team, assignment: Assignment) -> dict[str, Any]:
    return {
        "round": team.round,
        "target": list(team.targets),
        "members": [
            {
                "person": m.person,
                "name": m.name,
                "role": m.role,
                "pool": m.pool,
                "skills": list(m.skills),
            }
            for m in team.members
        ],
        "accepted_ties": list(team.accepted_ties),
        "objective": dict(team.objective),
        "pins": [{"person": p.person, "target": p.target, "reason": p.reason} for p in team.pins],
        "bans": [{"person": b.person, "reason": b.reason} for b in assignment.bans],
        "seed_tag": seed_tag(assignment),
    }


def seed_tag(assignment: Assignment) -> str:
    """The draw's seed as 16 hex digits: the first 16 of its published commitment (draw.commit).

    Written on every line, so a different seed never verifies, even when it draws the same people.
    """
    return f"{assignment.seed:016x}"


def infeasible_record(item: InfeasibleTarget, assignment: Assignment) -> dict[str, Any]:
    return {
        "round": item.round,
        "target": list(item.targets),
        "status": "infeasible",
        "reasons": list(item.reasons),
        "bans": [{"person": b.person, "reason": b.reason} for b in assignment.bans],
        "seed_tag": seed_tag(assignment),
    }


def records(assignment: Assignment) -> list[dict[str, Any]]:
    rows = [team_record(t, assignment) for t in assignment.teams]
    rows += [infeasible_record(i, assignment) for i in assignment.infeasible]
    return sorted(rows, key=lambda r: r["target"])


def teams_jsonl(assignment: Assignment) -> bytes:
    lines = [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in records(assignment)]
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def write_teams(assignment: Assignment, out_dir: str | Path) -> list[Path]:
    """Write teams.jsonl, teams.xlsx and teams.docx into ``out_dir``; return the paths."""
    from xuncha.teams.documents import write_docx, write_xlsx

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "teams.jsonl").write_bytes(teams_jsonl(assignment))
    write_xlsx(assignment, out / "teams.xlsx")
    write_docx(assignment, out / "teams.docx")
    return [out / "teams.jsonl", out / "teams.xlsx", out / "teams.docx"]
