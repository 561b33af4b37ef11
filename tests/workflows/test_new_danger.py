"""Danger can return at any stage (#16.3; NĐ 56/2017 Điều 26, 31, 32; Luật Trẻ em Điều 52.3).

Every action runs on a fresh ``Engine`` (no cache shared with the one before: the no-stall rule, whatever one
process can do another can continue), on the real BPMN parsed by SpiffWorkflow and a real database.
"""

from __future__ import annotations

import datetime as dt

import pytest

from engine import messages
from engine import status
from engine.db import Database
from engine.errors import Conflict
from engine.errors import Forbidden
from engine.errors import InvalidTaskData
from engine.runtime import Engine
from engine.workdays import parse_instant
from tests.support.db import make_seeded_engine
from tests.support.samples import HIGH
from tests.support.samples import REPORT
from tests.support.samples import SAMPLES
from tests.support.samples import actor_for
from tests.support.samples import open_task
from workflows.child_protection.intake import open_case
from workflows.registry import build_registry

UTC = dt.timezone.utc


class Run:
    """A case driven one action per fresh engine."""

    def __init__(self, url, clock):
        self.url, self.clock = url, clock
        self.seeded = make_seeded_engine(url, clock)
        self.made: list[Engine] = []

    def engine(self) -> Engine:
        """A new engine: its own database pool, process cache and parsed specs."""
        self.made.append(Engine(Database(self.url), build_registry(), self.clock))
        return self.made[-1]

    def dispose(self):
        for eng in [self.seeded, *self.made]:
            eng.db.dispose()

    def actor(self, username):
        return actor_for(self.engine(), username)

    def open(self, **report):
        return open_case(self.engine(), {**REPORT, **report}, self.actor("tongdai111")).id

    def do(self, case_id, task, username, **data):
        eng = self.engine()
        eng.complete_task(open_task(eng, case_id, task).id, {**SAMPLES[task], **data}, actor_for(eng, username))

    def danger(self, case_id, username, **payload):
        body = {"danger_kind": "new_danger", "danger_description": "Trẻ lại bị đánh, có vết thương mới."}
        body.update(payload)
        eng = self.engine()
        return messages.deliver(eng, case_id, "message", "nguy_co_moi", body, actor_for(eng, username))

    def tasks(self, case_id):
        return {(t.task_name, t.agency_type): t for t in self.engine().open_tasks(case_id)}

    def names(self, case_id):
        return sorted(t.task_name for t in self.engine().open_tasks(case_id))

    def fire(self, at: str):
        self.clock.set(parse_instant(at))
        return self.engine().fire_due_timers()

    def to_monitoring(self, case_id):
        """Through assessment, plan and approval to the first review visit (no referral)."""
        self.do(case_id, "initial_assessment", "canbo.x01")
        self.do(case_id, "specific_assessment", "canbo.x01")
        self.do(case_id, "draft_plan", "canbo.x01")
        self.do(case_id, "approve_plan", "chutich.x01")
        assert self.names(case_id) == ["review_visit"]


@pytest.fixture
def run(sqlite_url, clock):
    r = Run(sqlite_url, clock)
    yield r
    r.dispose()


@pytest.fixture
def run_both(db_url, clock):
    """SQLite and PostgreSQL (the main scenario runs on both)."""
    r = Run(db_url, clock)
    yield r
    r.dispose()


def test_new_danger_during_monitoring_opens_its_own_12_hours_and_the_plan_goes_on(run_both):
    run = run_both
    case = run.open()
    run.to_monitoring(case)
    run.clock.set(parse_instant("2026-11-25T22:30:00+07:00"))      # at night
    run.danger(case, "congan.x01")
    tasks = run.tasks(case)
    assert sorted(tasks) == [("danger_assessment", "commune_officer"), ("review_visit", "commune_officer")]
    # 12 clock hours from the new information, through the night (NĐ 56/2017 Điều 26.3; BLDS Điều 147.1)
    assert tasks[("danger_assessment", "commune_officer")].due_at == parse_instant("2026-11-26T10:30:00+07:00")
    run.do(case, "danger_assessment", "canbo.x01", **HIGH)
    assert ("danger_decision", "commune_chairman") in run.tasks(case)
    # the 12 hours pass at 10:30: the chairman and the commune police at once, the province not yet
    assert run.fire("2026-11-26T10:29:00+07:00") == 0
    run.fire("2026-11-26T10:31:00+07:00")
    tasks = run.tasks(case)
    assert ("escalate_response_overdue", "commune_chairman") in tasks
    assert ("escalate_response_police", "commune_police") in tasks
    assert not any(agency == "provincial_health" for _, agency in tasks)
    assert ("review_visit", "commune_officer") in tasks                 # the running plan is not cancelled
    run.do(case, "danger_decision", "chutich.x01")
    run.do(case, "danger_intervention", "canbo.x01")
    run.do(case, "escalate_response_overdue", "chutich.x01")
    run.do(case, "escalate_response_police", "congan.x01")
    data = run.engine().case_data(case)
    assert data["danger_kind"] == "new_danger" and data["serious_harm"] is True
    assert data["danger_received_at"].startswith("2026-11-25T22:30")
    assert data["received_at"] != data["danger_received_at"]            # the first report's instant stays
    assert "new_danger" not in data
    assert run.names(case) == ["review_visit"]
    run.do(case, "review_visit", "canbo.x01")
    run.do(case, "close_case", "chutich.x01")
    assert run.engine().get_case(case).status == "closed"


def test_it_can_return_several_times_and_a_closed_case_refuses_it(run):
    case = run.open()
    run.do(case, "initial_assessment", "canbo.x01")
    run.danger(case, "canbo.x01")
    run.danger(case, "tongdai111")                                      # the hotline, on the report it sent
    assert run.names(case).count("danger_assessment") == 2
    for _ in range(2):
        run.do(case, "danger_assessment", "canbo.x01")                   # low risk: nothing more to decide
    assert run.names(case) == ["specific_assessment"]
    run.do(case, "specific_assessment", "canbo.x01")
    run.do(case, "draft_plan", "canbo.x01")
    run.do(case, "approve_plan", "chutich.x01")
    run.do(case, "review_visit", "canbo.x01")
    run.do(case, "close_case", "chutich.x01")
    assert run.engine().get_case(case).status == "closed"
    with pytest.raises(Conflict):
        run.danger(case, "canbo.x01")


def test_refusal_of_the_plan_goes_to_the_chairman_who_may_separate(run):
    case = run.open()
    run.to_monitoring(case)
    run.clock.set(parse_instant("2026-11-27T09:00:00+07:00"))
    run.danger(case, "canbo.x01", danger_kind="plan_refused",
               danger_description="Cha mẹ không cho cán bộ vào nhà, không thực hiện kế hoạch.")
    run.do(case, "danger_assessment", "canbo.x01")                       # no serious harm recorded
    assert ("danger_decision", "commune_chairman") in run.tasks(case)   # Điều 32: refusal is a ground
    run.clock.set(parse_instant("2026-11-27T11:00:00+07:00"))
    run.do(case, "danger_decision", "chutich.x01", separation_ordered=True, shelter_place="Nhà bà ngoại")
    run.do(case, "danger_intervention", "canbo.x01")
    tasks = run.tasks(case)
    # alternative care within the 12 hours of the new information, not of the first report
    assert tasks[("arrange_alternative_care", "commune_officer")].due_at == parse_instant("2026-11-27T21:00:00+07:00")
    run.do(case, "arrange_alternative_care", "canbo.x01")
    # 15 days at most from the new decision (Điều 32), ending 24:00 of day 15, no roll-over
    assert run.tasks(case)[("separation_review", "commune_chairman")].due_at == parse_instant(
        "2026-12-12T23:59:59+07:00")
    assert ("review_visit", "commune_officer") in run.tasks(case)
    run.do(case, "separation_review", "chutich.x01")
    data = run.engine().case_data(case)
    assert data["danger_kind"] == "plan_refused" and data["separation_ordered"] is True
    assert "intake_received_at" not in data and data["received_at"] != data["danger_received_at"]


def test_twelve_hours_on_tet_are_clock_hours(run):
    run.clock.set(parse_instant("2027-02-05T08:00:00+07:00"))
    case = run.open(received_at="2027-02-05T08:00:00+07:00")
    run.do(case, "initial_assessment", "canbo.x01")
    run.clock.set(parse_instant("2027-02-06T20:00:00+07:00"))         # mùng 1 Tết Đinh Mùi, a day off
    run.danger(case, "congan.x01")
    assert run.tasks(case)[("danger_assessment", "commune_officer")].due_at == parse_instant(
        "2027-02-07T08:00:00+07:00")
    run.fire("2027-02-07T08:01:00+07:00")
    assert {("escalate_response_overdue", "commune_chairman"), ("escalate_response_police", "commune_police")} \
        <= set(run.tasks(case))


def test_new_danger_in_another_commune_is_assessed_there_and_the_case_stays_with_its_commune(run):
    case = run.open(residence_commune="X02")
    run.do(case, "initial_assessment", "canbo.x01")
    run.do(case, "accept_transfer", "canbo.x02")                        # the residence commune owns the plan
    run.danger(case, "canbo.x02", danger_commune="x01")                 # the child is hurt while visiting X01
    assert open_task(run.engine(), case, "danger_assessment").commune_code == "X01"   # NĐ 56/2017 Điều 26.1
    with pytest.raises(Forbidden):
        run.do(case, "danger_assessment", "canbo.x02")
    run.do(case, "danger_assessment", "canbo.x01")
    assert run.engine().case_data(case)["responsible_commune"] == "X02"
    assert open_task(run.engine(), case, "specific_assessment").commune_code == "X02"   # Luật Trẻ em Điều 52.2
    with pytest.raises(Forbidden):
        run.do(case, "specific_assessment", "canbo.x01")
    run.do(case, "specific_assessment", "canbo.x02")


def test_who_may_record_it_and_what_it_must_hold(run):
    case = run.open()
    run.do(case, "initial_assessment", "canbo.x01")
    for username in ("yte.x01", "truonghoc.x01", "canbo.x02", "congan.x02", "chutich.x01"):
        with pytest.raises(Forbidden):
            run.danger(case, username)
    with pytest.raises(InvalidTaskData) as bad:
        run.danger(case, "canbo.x01", danger_kind="rumour")
    assert "danger_kind" in bad.value.fields
    with pytest.raises(InvalidTaskData) as bad:
        run.danger(case, "canbo.x01", danger_description="")
    assert "danger_description" in bad.value.fields
    assert run.names(case) == ["specific_assessment"]                  # nothing half-written
    # the generic "awaited" card sends a note: read as the description of a new danger
    eng = run.engine()
    messages.deliver(eng, case, "message", "nguy_co_moi", {"note": "Trẻ bỏ nhà đi."}, actor_for(eng, "canbo.x01"))
    assert "danger_assessment" in run.names(case)


def test_a_trigger_in_one_case_leaves_later_cases_as_they_were(run):
    """SpiffWorkflow links an event sub-process into the shared spec the first time one is triggered; later
    cases would then wait for it from their start and never end. BVTE wires it once at parse time."""
    first = run.open()
    eng = run.engine()
    eng.complete_task(open_task(eng, first, "initial_assessment").id, SAMPLES["initial_assessment"],
                      actor_for(eng, "canbo.x01"))
    messages.deliver(eng, first, "message", "nguy_co_moi", {"danger_kind": "new_danger", "danger_description": "x"},
                     actor_for(eng, "canbo.x01"))
    later = open_case(eng, REPORT, actor_for(eng, "tongdai111")).id    # the same engine, after the trigger
    wf = eng.deployment.workflow(eng.get_case(later))
    assert [w for w in status.waiting_for(wf) if w["name"] == "nguy_co_moi"] == [
        {"kind": "message", "name": "nguy_co_moi", "element": "new_danger_reported", "standing": True}]
    assert not any(t.task_spec.name.startswith("new_danger") for t in wf.tasks.values())
    for task in ("initial_assessment", "specific_assessment", "draft_plan"):
        eng.complete_task(open_task(eng, later, task).id, SAMPLES[task], actor_for(eng, "canbo.x01"))
    eng.complete_task(open_task(eng, later, "approve_plan").id, SAMPLES["approve_plan"], actor_for(eng, "chutich.x01"))
    eng.complete_task(open_task(eng, later, "review_visit").id, SAMPLES["review_visit"], actor_for(eng, "canbo.x01"))
    eng.complete_task(open_task(eng, later, "close_case").id, SAMPLES["close_case"], actor_for(eng, "chutich.x01"))
    assert run.engine().get_case(later).status == "closed"


def test_a_case_that_only_waits_for_new_danger_counts_as_stalled(run):
    """The event sub-process can always be triggered, so it must not hide a case whose own path stopped."""
    from SpiffWorkflow.util.task import TaskState

    case = run.open()
    eng = run.engine()
    wf = eng.deployment.workflow(eng.get_case(case))
    assert status.stall(wf, "open") is None
    for task in list(wf.get_tasks(state=TaskState.READY | TaskState.WAITING)):   # every step stuck half-run
        task._set_state(TaskState.STARTED)
    assert any(w.get("standing") for w in status.waiting_for(wf))
    assert status.stall(wf, "open") is not None
