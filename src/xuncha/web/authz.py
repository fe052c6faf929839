"""Who may do what (need-to-know). The one table every route and API endpoint checks on the server.

A permission names an action on a kind of data. Row-level limits (a member sees only their own team,
a unit contact only its own objections) are applied by the query helpers in ``web/scope.py``; this
table says whether a role may use the route at all.
"""

from __future__ import annotations

from typing import Final

ADMIN, LEADING, LEADER, MEMBER, SUPERVISOR, AUDITOR, CONTACT = (
    "admin",
    "leading_group",
    "team_leader",
    "member",
    "supervisor",
    "auditor",
    "unit_contact",
)
ALL_ROLES: Final = frozenset({ADMIN, LEADING, LEADER, MEMBER, SUPERVISOR, AUDITOR, CONTACT})
INSPECTORS: Final = frozenset({LEADER, MEMBER})
IN_ROUND: Final = frozenset({ADMIN, LEADING, LEADER, MEMBER, SUPERVISOR})

PERMISSIONS: Final[dict[str, frozenset[str]]] = {
    # everyone logged in
    "home.view": ALL_ROLES,
    # imports and rounds
    "import.manage": frozenset({ADMIN}),
    "round.list": frozenset({ADMIN, LEADING, LEADER, MEMBER, SUPERVISOR}),
    # screening results are confidential: the office and the leading group
    "screening.run": frozenset({ADMIN}),
    "screening.read": frozenset({ADMIN, LEADING}),
    # stage 3
    "recusal.file": INSPECTORS,
    "recusal.read": frozenset({ADMIN, LEADING, LEADER, MEMBER}),  # inspectors: their own only
    "recusal.decide": frozenset({ADMIN}),
    "objection.file": frozenset({CONTACT}),
    "objection.read": frozenset({ADMIN, LEADING, CONTACT}),  # contacts: their own only
    "objection.decide": frozenset({ADMIN}),
    # staffing: unpublished plan only for the office and the leading group
    "staffing.run": frozenset({ADMIN}),
    "plan.read_draft": frozenset({ADMIN, LEADING}),
    "plan.read": frozenset({ADMIN, LEADING, LEADER, MEMBER, SUPERVISOR}),  # inspectors: their own team
    "plan.publish": frozenset({ADMIN}),
    # interference register
    "inquiry.file": IN_ROUND,
    "inquiry.read": IN_ROUND,  # the leading group and the office see all; others what they recorded
    "inquiry.annotate": frozenset({ADMIN, LEADING}),
    "inquiry.report": frozenset({ADMIN, LEADING}),
    # supervision
    "supervision.manage": frozenset({SUPERVISOR}),
    "supervision.read": frozenset({ADMIN, LEADING, SUPERVISOR}),
    # findings, rectification, evaluation
    "finding.write": INSPECTORS,  # their own team only
    "finding.read": frozenset({ADMIN, LEADING, LEADER, MEMBER, SUPERVISOR}),  # inspectors: own team
    "rectification.write": frozenset({ADMIN, LEADER}),
    "evaluation.read": frozenset({ADMIN, LEADING}),
    "appraisal.write": frozenset({ADMIN}),
    # revisits and coverage
    "revisit.manage": frozenset({ADMIN}),
    "revisit.read": frozenset({ADMIN, LEADING, SUPERVISOR}),
    "coverage.read": frozenset({ADMIN, LEADING}),
    # reports
    "report.download": frozenset({ADMIN, LEADING}),
    # the audit trail
    "audit.read": frozenset({AUDITOR}),
    "user.manage": frozenset({ADMIN}),
}


def allowed(role: str, permission: str) -> bool:
    """True when ``role`` holds ``permission``; an unknown permission is a programming error."""
    return role in PERMISSIONS[permission]
