"""Chinese labels shared by reports (one place, so that every report says the same)."""

from __future__ import annotations

CATEGORY_ZH = {
    "spouse": "夫妻关系",
    "lineal": "直系血亲",
    "collateral3": "三代以内旁系血亲",
    "in_law": "近姻亲",
    "other_kin": "其他亲属",
    "work": "任职关系",
    "superior": "上下级/共事",
    "study": "同学关系",
    "region": "地域关系",
    "declared": "本人申报",
    "objection": "回避异议",
}
SEVERITY_ZH = {"must": "必须回避", "should": "建议回避", "notice": "提示"}
