"""BVTE's state serializer restores exactly what SpiffWorkflow's own converters restore, only cheaper."""

import datetime as dt
from decimal import Decimal
from uuid import UUID

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.util.task import TaskState

from engine import serializer
from engine.models import Case
from tests.support.samples import REPORT
from tests.support.samples import actor_for
from tests.support.samples import complete
from workflows.child_protection.process import open_case

PATH = [("initial_assessment", "canbo.x01", {}), ("specific_assessment", "canbo.x01", {}),
        ("draft_plan", "canbo.x01", {"refer_police": True}), ("approve_plan", "chutich.x01", {}),
        ("police_acknowledge", "congan.x01", {}), ("police_report_outcome", "congan.x01", {}),
        ("review_visit", "canbo.x01", {"review_outcome": "continue"}),
        ("review_visit", "canbo.x01", {"review_outcome": "close"})]


def _stock_serializer() -> BpmnWorkflowSerializer:
    """The same configuration with SpiffWorkflow's own task converter."""
    from SpiffWorkflow.bpmn.serializer.default.workflow import TaskConverter
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
    from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
    from SpiffWorkflow.task import Task

    config = dict(SPIFF_CONFIG)
    config[BpmnWorkflow] = serializer._SpeclessWorkflowConverter
    config[Task] = TaskConverter
    registry = BpmnWorkflowSerializer.configure(config)
    registry.register(dt.date, lambda v: {"value": v.isoformat()}, lambda d: dt.date.fromisoformat(d["value"]))
    registry.register(Decimal, lambda v: {"value": str(v)}, lambda d: Decimal(d["value"]))
    return BpmnWorkflowSerializer(registry)


def _restore(ser, state, lv):
    import json

    dct = json.loads(state)
    dct["spec"], dct["subprocess_specs"] = lv.bundle.spec, lv.bundle.subprocess_specs
    return ser.from_dict(dct)


def _tasks(wf):
    yield from wf.tasks.values()
    for sub in wf.subprocesses.values():
        yield from sub.tasks.values()


def _same(ours, stock):
    a, b = list(_tasks(ours)), list(_tasks(stock))
    assert [t.id for t in a] == [t.id for t in b]
    for x, y in zip(a, b, strict=True):
        assert type(x.id) is UUID and type(x._parent) in (UUID, type(None))
        assert (x._parent, x._children, x.state, x.task_spec.name, x.triggered, x.last_state_change) == \
               (y._parent, y._children, y.state, y.task_spec.name, y.triggered, y.last_state_change)
        assert x.data == y.data and x.internal_data == y.internal_data
        assert all(type(x.data[k]) is type(y.data[k]) for k in x.data)
        assert x.data is not x.parent.data if x.parent is not None else True
    assert set(ours.event_manager.tasks) == set(stock.event_manager.tasks)
    assert serializer.dump_state(ours) == serializer.dump_state(stock) == _stock_dump(stock)


def _stock_dump(wf):
    import json

    ser = _stock_serializer()
    ser.registry._encoder_mode = True
    return json.dumps(ser.to_dict(wf), cls=ser._encoder_cls, separators=(",", ":"))


def test_restore_matches_spiffworkflow_at_every_step_of_a_case(sqlite_engine):
    eng = sqlite_engine
    case = open_case(eng, dict(REPORT, urgency="non_emergency"), actor_for(eng, "tongdai111"))
    stock = _stock_serializer()
    states = []
    for name, user, extra in PATH:
        with eng.db.read() as s:
            row = s.get(Case, case.id)
            states.append((row.state, eng.deployment.loaded_id(s, row.process_version_id)))
        complete(eng, case.id, name, actor_for(eng, user), **extra)
    assert any('"subprocesses":{}' not in state for state, _ in states)    # call activities were entered
    for state, lv in states:
        _same(_restore(serializer.SERIALIZER, state, lv), _restore(stock, state, lv))


def test_restored_task_data_is_not_shared_with_the_parent(sqlite_engine):
    eng = sqlite_engine
    case = open_case(eng, dict(REPORT, urgency="non_emergency"), actor_for(eng, "tongdai111"))
    with eng.db.read() as s:
        row = s.get(Case, case.id)
        wf = eng.deployment.load(row, eng.deployment.loaded_id(s, row.process_version_id))
    ready = next(t for t in _tasks(wf) if t.state == TaskState.READY and t.task_spec.manual)
    parent = ready.parent
    assert isinstance(parent.data["abuse_forms"], list)
    assert ready.data["abuse_forms"] == parent.data["abuse_forms"]
    ready.data["abuse_forms"].append("changed")
    ready.data["child_name"] = "changed"
    assert "changed" not in parent.data["abuse_forms"] and parent.data.get("child_name") != "changed"


def test_malformed_task_id_is_refused():
    import pytest

    with pytest.raises(ValueError):
        serializer._uuid("not-a-uuid")
    assert serializer._uuid("12345678-1234-5678-1234-567812345678") == UUID("12345678-1234-5678-1234-567812345678")


def test_ready_task_walk_matches_spiffworkflow_at_every_engine_step(sqlite_engine, clock, monkeypatch):
    """``Workflow`` runs engine steps on ``ready_tasks``: checked against ``get_tasks(state=READY)`` on
    every call while cases run through call activities, an emergency branch and a fired timer."""
    from tests.support.samples import HIGH
    from tests.support.samples import open_task

    real, seen = serializer.ready_tasks, []

    def checked(wf):
        ours = real(wf)
        assert [t.id for t in ours] == [t.id for t in wf.get_tasks(state=TaskState.READY)]
        seen.append((wf is wf.top_workflow, len(ours)))
        return ours

    monkeypatch.setattr(serializer, "ready_tasks", checked)
    eng = sqlite_engine
    case = open_case(eng, dict(REPORT, urgency="non_emergency"), actor_for(eng, "tongdai111"))
    for name, user, extra in PATH:
        complete(eng, case.id, name, actor_for(eng, user), **extra)
    complete(eng, case.id, "close_case", actor_for(eng, "chutich.x01"))
    assert eng.get_case(case.id).status == "closed"
    urgent = open_case(eng, dict(REPORT), actor_for(eng, "tongdai111"))
    complete(eng, urgent.id, "initial_assessment", actor_for(eng, "canbo.x01"), **HIGH)
    clock.advance(dt.timedelta(hours=13))
    assert eng.fire_due_timers() == 1
    assert open_task(eng, urgent.id, "escalate_response_overdue") is not None
    assert any(top and n for top, n in seen) and any(not top and n for top, n in seen)   # subprocesses too


def test_a_tree_deeper_than_a_thousand_still_finds_its_ready_task(sqlite_engine):
    """SpiffWorkflow's iterators stopped at depth 1,000 without a word (SPIFF_NOTES P1): a gateway loop of
    400 script rounds (tree depth > 1,200) then a user task must leave that task open, and found by both."""
    from engine.runtime import Actor
    from tests.support.diff_bpmn import _flows
    from tests.support.diff_bpmn import _user
    from tests.support.diff_bpmn import doc

    body = ('<bpmn:startEvent id="s"/><bpmn:exclusiveGateway id="m"/><bpmn:scriptTask id="tick"><bpmn:script>'
            'n = n + 1</bpmn:script></bpmn:scriptTask><bpmn:exclusiveGateway id="g" default="out"/>'
            + _user("then") + '<bpmn:endEvent id="e"/>' + _flows("s", "m", "tick", "g")
            + '<bpmn:sequenceFlow id="back" sourceRef="g" targetRef="m"><bpmn:conditionExpression>n &lt; 400'
              '</bpmn:conditionExpression></bpmn:sequenceFlow><bpmn:sequenceFlow id="out" sourceRef="g" '
              'targetRef="then"/>' + _flows("then", "e", prefix="t"))
    eng = sqlite_engine
    eng.deploy(doc("deep", body), Actor("t"))
    case = eng.start_case("deep", {"n": 0}, Actor("t"), incident_commune="X01")
    assert [t.task_name for t in eng.open_tasks(case.id)] == ["then"]
    wf = eng.workflow(eng.get_case(case.id))
    depth, task = 0, wf.get_tasks(state=TaskState.READY, manual=True)[0]
    while task.parent is not None:
        depth, task = depth + 1, task.parent
    assert depth > 1000
    assert [t.id for t in serializer.ready_tasks(wf)] == [t.id for t in wf.get_tasks(state=TaskState.READY)]


def test_engine_steps_are_spiffworkflows_own_but_for_the_ready_walk():
    """If a SpiffWorkflow upgrade changes ``_do_engine_steps``, ``Workflow`` must be brought in line."""
    import inspect

    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

    def lines(fn):
        return [line.strip() for line in inspect.getsource(fn).splitlines()
                if line.strip() and not line.strip().startswith("#")]

    cap = {"self.steps_left -= 1", "if self.steps_left < 0:", "raise StepLimitExceeded(task)"}
    ours = [line.replace("ready_tasks(wf)", "wf.get_tasks(state=TaskState.READY)")
            for line in lines(serializer.Workflow._do_engine_steps) if line not in cap]
    assert ours == lines(BpmnWorkflow._do_engine_steps)
