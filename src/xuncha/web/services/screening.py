"""Screening in the office: run the engine on a round's accepted bundle, keep its records in the
``conflicts`` table, and read them back filtered, counted, exported and drawn."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Select, delete, func, insert, or_, select
from sqlalchemy.orm import Session

from xuncha.labels import CATEGORY_ZH, SEVERITY_ZH
from xuncha.store.models import Conflict, Round
from xuncha.web.deps import Invalid, NotFound
from xuncha.web.services.common import bundle_dir, round_dir
from xuncha.web.settings import Settings

NAMES_FILE = "path_names.json"  # every key on a stored path → its name, written next to the engine's files
SEVERITIES = ("must", "should", "notice")
STAGES = (1, 2, 3)


@dataclass(frozen=True)
class RunSummary:
    round_id: str
    conflicts: int
    by_stage: dict[str, int]
    by_severity: dict[str, int]
    by_category: dict[str, int]
    status: str


@dataclass(frozen=True)
class ConflictFilter:
    """What the list shows: a stage and optional filters (text filters match part of a name)."""

    stage: int | None = None
    severity: str = ""
    category: str = ""
    inspector: str = ""
    target: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v not in ("", None)}


def screen_dir(settings: Settings, round_id: str) -> Path:
    return round_dir(settings.data_dir, round_id, "screen")


def run(db: Session, settings: Settings, rnd: Round) -> RunSummary:
    """Screen ``rnd`` with the default policy, write the engine's files, replace the round's
    conflicts by the records (upheld objections are kept) and mark a draft round screened."""
    from xuncha.bundle.load import load_bundle
    from xuncha.bundle.problems import BundleError
    from xuncha.policy.model import PolicyError, load_policy
    from xuncha.screening.command import write_outputs
    from xuncha.screening.run import screen

    out = screen_dir(settings, rnd.id)
    try:
        bundle = load_bundle(bundle_dir(db, rnd))
        result = screen(bundle, rnd.id, load_policy(None))
    except (BundleError, PolicyError) as exc:
        zh, _, en = str(exc).partition(" / ")
        raise Invalid(f"回避审查无法运行：{zh}", f"screening could not run: {en or zh}") from exc
    with result:
        result.problems = bundle.problems + result.problems
        doc = write_outputs(result, out)
        records = result.records
        _write_names(result, records, out)
    _replace(db, rnd, records)
    if rnd.status == "draft":
        rnd.status = "screened"
    return RunSummary(rnd.id, len(records), doc["by_stage"], doc["by_severity"], doc["by_category"], rnd.status)


def _write_names(result: Any, records: list[dict[str, Any]], out: Path) -> None:
    from xuncha.screening.output import path_names as engine_path_names

    keys = {k for r in records for s in r["path"] for k in (s["from"], s["to"])}
    names = engine_path_names(result, keys) if keys else {}
    (out / NAMES_FILE).write_text(json.dumps(names, ensure_ascii=False), "utf-8")


def row_of(rnd_id: str, record: dict[str, Any]) -> dict[str, Any]:
    return {
        "round_id": rnd_id,
        "stage": int(record["stage"]),
        "severity": str(record["severity"]),
        "category": str(record["category"]),
        "inspector_key": str(record.get("inspector") or "")[:64],
        "inspector_name": str(record.get("inspector_name") or "")[:64],
        "target_unit": str(record.get("target") or "")[:64],
        "target_name": str(record.get("target_name") or "")[:255],
        "record": record,
    }


def _replace(db: Session, rnd: Round, records: list[dict[str, Any]]) -> None:
    from xuncha.web.services.objections import upheld_records

    db.execute(delete(Conflict).where(Conflict.round_id == rnd.id))
    if records:
        db.execute(insert(Conflict), [row_of(rnd.id, r) for r in records])
    upheld = [row_of(rnd.id, r) for r in upheld_records(db, rnd)]  # after the records: they name the targets
    if upheld:
        db.execute(insert(Conflict), upheld)


# ------------------------------------------------------------------ reading


def _filtered(round_id: str, f: ConflictFilter) -> Select[Conflict]:
    query = select(Conflict).where(Conflict.round_id == round_id)
    if f.stage is not None:
        query = query.where(Conflict.stage == f.stage)
    if f.severity:
        query = query.where(Conflict.severity == f.severity)
    if f.category:
        query = query.where(Conflict.category == f.category)
    if f.inspector:
        query = query.where(Conflict.inspector_name.contains(f.inspector, autoescape=True))
    if f.target:
        query = query.where(
            or_(Conflict.target_unit == f.target, Conflict.target_name.contains(f.target, autoescape=True))
        )
    return query


def _severity_rank() -> Any:
    from sqlalchemy import case

    return case({"must": 0, "should": 1}, value=Conflict.severity, else_=2)


def list_conflicts(
    db: Session, round_id: str, f: ConflictFilter, *, limit: int, offset: int
) -> tuple[int, list[Conflict]]:
    """The total matching ``f`` and one page of it, strongest first."""
    query = _filtered(round_id, f)
    total = int(db.execute(select(func.count()).select_from(query.subquery())).scalar_one())
    order = (_severity_rank(), Conflict.stage, Conflict.inspector_name, Conflict.target_unit, Conflict.id)
    rows = list(db.execute(query.order_by(*order).limit(limit).offset(offset)).scalars())
    return total, rows


def counts(db: Session, round_id: str, stage: int | None = None) -> dict[str, dict[str, int]]:
    """Conflicts by stage, by severity and by category (of ``stage`` when given)."""
    base = [Conflict.round_id == round_id] + ([Conflict.stage == stage] if stage is not None else [])
    result: dict[str, dict[str, int]] = {}
    for name, column in (("severity", Conflict.severity), ("category", Conflict.category)):
        rows = db.execute(select(column, func.count()).where(*base).group_by(column))
        result[name] = {str(k): int(n) for k, n in rows}
    rows = db.execute(
        select(Conflict.stage, func.count()).where(Conflict.round_id == round_id).group_by(Conflict.stage)
    )
    result["stage"] = {str(k): int(n) for k, n in rows}
    return result


def labelled(counted: dict[str, int], labels: dict[str, str]) -> list[tuple[str, str, int]]:
    """(key, Chinese label, count), in the labels' order."""
    order = list(labels)
    keys = sorted(counted, key=lambda k: (order.index(k) if k in order else len(order), k))
    return [(k, labels.get(k, k), counted[k]) for k in keys]


def get_conflict(db: Session, round_id: str, conflict_id: int) -> Conflict:
    found = db.get(Conflict, conflict_id)
    if found is None or found.round_id != round_id:
        raise NotFound("该条回避关系不存在", "no such conflict")
    return found


def path_names(settings: Settings, round_id: str) -> dict[str, str]:
    path = screen_dir(settings, round_id) / NAMES_FILE
    if not path.is_file():
        return {}
    names: dict[str, str] = json.loads(path.read_text("utf-8"))
    return names


def engine_workbook(settings: Settings, round_id: str) -> Path:
    path = screen_dir(settings, round_id) / "conflicts.xlsx"
    if not path.is_file():
        raise NotFound("尚未运行回避审查", "screening has not been run for this round")
    return path


# ------------------------------------------------------------------ graph and export

NODE_KINDS = (("巡察干部", "#b3261e"), ("关系人", "#1f6feb"), ("其他人员", "#8c959f"), ("单位/学校", "#1a7f37"))


def graph_option(conflict: Conflict, names: dict[str, str]) -> dict[str, Any]:
    """An ECharts option drawing the record's path: people and units as nodes, the kinship terms
    and relations as edge labels."""
    record = conflict.record
    steps: list[dict[str, Any]] = list(record.get("path") or [])
    known = {
        str(record.get("inspector") or ""): str(record.get("inspector_name") or ""),
        str(record.get("counterpart") or ""): str(record.get("counterpart_name") or ""),
        str(record.get("target") or ""): str(record.get("target_name") or ""),
    }
    keys: list[str] = []
    for step in steps:
        for key in (str(step["from"]), str(step["to"])):
            if key not in keys:
                keys.append(key)
    nodes = [_node(key, record, names.get(key) or known.get(key) or key) for key in keys]
    links = [
        {"source": keys.index(str(s["from"])), "target": keys.index(str(s["to"])), "value": str(s.get("relation", ""))}
        for s in steps
    ]
    return {
        "tooltip": {"formatter": "{b}"},
        "legend": [{"data": [k for k, _ in NODE_KINDS]}],
        "series": [
            {
                "type": "graph",
                "layout": "force",
                "roam": True,
                "draggable": True,
                "force": {"repulsion": 400, "edgeLength": 160},
                "categories": [{"name": k, "itemStyle": {"color": c}} for k, c in NODE_KINDS],
                "label": {"show": True, "position": "bottom"},
                "edgeSymbol": ["none", "arrow"],
                "edgeLabel": {"show": True, "formatter": "{c}", "fontSize": 11},
                "data": nodes,
                "links": links,
            }
        ],
    }


def _node(key: str, record: dict[str, Any], name: str) -> dict[str, Any]:
    if key == record.get("inspector"):
        kind = 0
    elif key == record.get("counterpart"):
        kind = 1
    elif key.startswith("school:") or key == record.get("target") or not key[:1].isdigit() or len(key) != 18:
        kind = 3
    else:
        kind = 2
    return {"id": key, "name": name, "category": kind, "symbolSize": 46 if kind < 2 else 32}


EXPORT_COLUMNS = (
    ("阶段", "stage"),
    ("回避程度", "severity_zh"),
    ("关系类别", "category_zh"),
    ("巡察干部", "inspector"),
    ("干部姓名", "inspector_name"),
    ("被巡察单位", "target"),
    ("单位名称", "target_name"),
    ("关系人", "counterpart"),
    ("关系人名称", "counterpart_name"),
    ("关系人身份", "counterpart_role"),
    ("称谓", "kin_term"),
    ("关系路径", "path_text"),
    ("规则", "rule"),
    ("依据", "basis"),
    ("数据来源", "sources_text"),
)


def path_text(record: dict[str, Any], names: dict[str, str]) -> str:
    from xuncha.screening.output import path_text as engine_path_text

    return engine_path_text({"path": record.get("path") or []}, names)


def export_xlsx(rows: list[Conflict], names: dict[str, str]) -> bytes:
    """The listed conflicts as a workbook (one sheet, Chinese headers, filters on)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "回避审查"
    sheet.append([title for title, _ in EXPORT_COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        view = export_view(row, names)
        sheet.append([view.get(key, "") for _, key in EXPORT_COLUMNS])
    for cell in sheet["L"]:
        cell.alignment = Alignment(wrap_text=True)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export_view(row: Conflict, names: dict[str, str]) -> dict[str, Any]:
    record = row.record
    return {
        **{k: ("" if v is None else v) for k, v in record.items() if not isinstance(v, list | dict)},
        "stage": row.stage,
        "severity_zh": SEVERITY_ZH.get(row.severity, row.severity),
        "category_zh": CATEGORY_ZH.get(row.category, row.category),
        "path_text": path_text(record, names),
        "sources_text": "；".join(str(s) for s in record.get("sources") or []),
    }
