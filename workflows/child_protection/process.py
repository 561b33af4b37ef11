"""The ProcessConfig of the child-protection case and its statutory guards."""

from __future__ import annotations

from engine.loader import ParsedBundle
from engine.process import ProcessConfig
from engine.process import StatutoryGuard
from workflows.child_protection.deadlines import DEADLINES
from workflows.child_protection.deadlines import REQUIRED_TIMERS
from workflows.child_protection.deadlines import TASK_DEADLINES
from workflows.child_protection.district_split import SPLITS
from workflows.child_protection.forms import FORMS
from workflows.child_protection.incident_report import FORM as INCIDENT_FORM
from workflows.child_protection.intake import PROCESS_ID
from workflows.child_protection.intake import open_case  # noqa: F401  (re-exported for callers)
from workflows.child_protection.lanes import LANE_AGENCIES
from workflows.child_protection.new_danger import EVENTS
from workflows.guards import required_timers

BPMN_FILES = ["child_protection_case.bpmn", "temporary_separation.bpmn", "referral_police.bpmn",
              "referral_health.bpmn", "referral_education.bpmn", "referral_legal_aid.bpmn",
              "referral_social_work.bpmn", "referral_crime_report.bpmn", "new_danger_response.bpmn",
              "incident_report.bpmn"]

# the new-danger steps record what the first ones do (Mẫu 02, the chairman's decision, the intervention: NĐ 56/2017
# Điều 26, 31, 32), on their own 12 hours (``deadlines``: danger_response)
TASK_FORMS = {**FORMS, "danger_assessment": FORMS["initial_assessment"],
              "danger_decision": FORMS["emergency_decision"], "danger_intervention": FORMS["emergency_intervention"],
              # báo cáo đột xuất (#21.4, ``incident_report``) and its escalation to the chairman
              "report_incident": INCIDENT_FORM, "escalate_incident_report": FORMS["escalate_response_overdue"]}


def _check_emergency_path(bundle: ParsedBundle) -> list[tuple[str, str]]:
    """The emergency decision must be reachable from the initial assessment through a gateway."""
    flows = [(el.get("sourceRef"), el.get("targetRef")) for _pid, el in bundle.elements("sequenceFlow")]
    succ: dict[str, set[str]] = {}
    for a, b in flows:
        succ.setdefault(a, set()).add(b)
    seen, todo = set(), ["initial_assessment"]
    while todo:
        node = todo.pop()
        for nxt in succ.get(node, ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    if "emergency_decision" not in seen or "emergency_intervention" not in seen:
        return [("initial_assessment", "đường can thiệp khẩn cấp 12 giờ không còn đi được / the 12-hour emergency "
                                       "path is no longer reachable from the initial assessment")]
    return []


GUARDS = [
    StatutoryGuard("required_timers", "Các hẹn giờ thời hạn luật định còn đủ",
                   required_timers(REQUIRED_TIMERS, DEADLINES)),
    StatutoryGuard("emergency_path", "Đường can thiệp khẩn cấp còn đi được", _check_emergency_path),
]

from workflows.child_protection.notify import NOTIFY  # noqa: E402

CONFIG = ProcessConfig(process_id=PROCESS_ID, lane_agencies=LANE_AGENCIES, forms=TASK_FORMS, deadlines=DEADLINES,
                       task_deadlines=TASK_DEADLINES, guards=GUARDS, bpmn_files=BPMN_FILES, notify=NOTIFY,
                       events=EVENTS, level_splits=SPLITS)
