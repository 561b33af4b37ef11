"""Every file in bpmn/, driven through its paths with a new Engine per action and compared step by step
with stock SpiffWorkflow (tests/differential.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.support.differential import Driver
from tests.support.differential import run
from tests.support.samples import HIGH
from tests.support.samples import LOW
from tests.support.samples import REPORT
from tests.support.samples import SAMPLES
from tests.support.samples import actor_for
from workflows import bundle_files
from workflows.child_protection.process import CONFIG
from workflows.child_protection.process import open_case
from workflows.reporting import CONFIG as REPORTING

FILES = bundle_files(CONFIG.bpmn_files)


def _intake(report):
    def start(engine, _data, now):
        return open_case(engine, dict(report, received_at=now.isoformat()), actor_for(engine, "tongdai111")).id
    return start


def _path(overrides: dict[str, list[dict]]):
    """Sample data per task; ``overrides[task]`` is used one entry per visit (the last one repeats)."""
    seen: dict[str, int] = {}

    def data_for(name, _data):
        n = seen.get(name, 0)
        seen[name] = n + 1
        extra = overrides.get(name, [{}])
        return {**SAMPLES[name], **extra[min(n, len(extra) - 1)]}
    return data_for


PATHS = {
    "non_emergency_review_continue_then_close": (
        dict(REPORT, urgency="non_emergency"), {"initial_assessment": [LOW],
                                         "review_visit": [{"review_outcome": "continue"}] * 2 + [{}]}, set()),
    "emergency_with_referrals": (
        REPORT, {"initial_assessment": [HIGH], "draft_plan": [{"refer_police": True, "refer_health": True}]}, set()),
    "plan_rejected_then_revised": (
        dict(REPORT, urgency="non_emergency"),
        {"approve_plan": [{"approval_decision": "revise", "approval_notes": "Bổ sung."}, {}],
         "draft_plan": [{"refer_health": True}]}, set()),
    "separation_and_new_plan": (
        REPORT, {"initial_assessment": [HIGH], "emergency_decision": [{"separation_ordered": True}],
                 "review_visit": [{"review_outcome": "new_plan"}, {}]}, set()),
    "residence_elsewhere": (dict(REPORT, urgency="non_emergency", residence_commune="X02"), {}, set()),
    "residence_elsewhere_after_emergency": (
        dict(REPORT, residence_commune="X02"), {"initial_assessment": [HIGH]}, set()),
    "crime_report_at_intake": (
        dict(REPORT, abuse_forms=["sexual_abuse"]), {"initial_assessment": [dict(HIGH, abuse_forms=["sexual_abuse"])]},
        set()),
    "crime_report_not_a_crime": (
        dict(REPORT, crime_suspected=True), {"police_crime_report": [{"crime_report_handling": "not_crime"}]}, set()),
    "crime_report_late": (dict(REPORT, crime_suspected=True), {}, {"police_crime_result"}),
    "separation_extended": (
        REPORT, {"initial_assessment": [HIGH], "emergency_decision": [{"separation_ordered": True}],
                 "separation_review": [{"separation_action": "extend"}]}, {"end_extended_separation"}),
    "every_limit_missed": (
        REPORT, {"initial_assessment": [HIGH]},
        {"initial_assessment", "emergency_decision", "emergency_intervention", "specific_assessment",
         "draft_plan", "approve_plan"}),
}


@pytest.mark.parametrize("path", sorted(PATHS))
def test_child_protection_paths(sqlite_engine, path):
    report, overrides, waits = PATHS[path]
    driver = Driver(data_for=_path(overrides), start=_intake(report), wait_before=frozenset(waits),
                    choose=lambda names: sorted(names)[0])
    out = run(sqlite_engine.db.url, FILES, CONFIG.process_id, {}, driver)
    assert out.closed, out.trace
    if waits:
        assert any(step.startswith("wait") for step in out.trace)


@pytest.mark.parametrize("late", [False, True])
def test_statutory_report(sqlite_engine, late):
    def start(engine, _data, now):
        due = (now + dt.timedelta(days=3)).isoformat()
        return engine.start_case(REPORTING.process_id, {"report_code": "ky_1", "report_label": "Báo cáo",
                                                        "report_due_at": due, "report_year": 2026},
                                 actor_for(engine, "baocao.tinh"), incident_commune="X01").id
    driver = Driver(data_for=lambda name, data: SAMPLES.get(name) or {
        "document_number": "1/BC", "submitted_on": "2026-11-21", "escalation_action": "Đôn đốc."},
        start=start, wait_before=frozenset({"submit_statutory_report"} if late else set()))
    out = run(sqlite_engine.db.url, bundle_files(REPORTING.bpmn_files), REPORTING.process_id, {}, driver)
    assert out.closed, out.trace
