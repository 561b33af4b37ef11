"""A task writes only what it may (issue #18.8): a form's fields, or the names its process declares; never a
name the engine relies on."""

import pytest

from engine.errors import InvalidTaskData
from tests.support.db import START
from tests.support.diff_bpmn import doc
from tests.support.samples import REPORT
from tests.support.samples import actor_for
from tests.support.samples import open_task
from workflows.child_protection.intake import open_case

CONFIRM = doc("confirm_only", '<bpmn:startEvent id="s"/><bpmn:sequenceFlow id="a" sourceRef="s" targetRef="ok"/>'
              '<bpmn:userTask id="ok" name="Xác nhận"/><bpmn:sequenceFlow id="b" sourceRef="ok" targetRef="g"/>'
              '<bpmn:exclusiveGateway id="g" default="d1"/>'
              '<bpmn:sequenceFlow id="d2" sourceRef="g" targetRef="e"><bpmn:conditionExpression>approved == True'
              '</bpmn:conditionExpression></bpmn:sequenceFlow><bpmn:sequenceFlow id="d1" sourceRef="g" targetRef="e"/>'
              '<bpmn:endEvent id="e"/>')


@pytest.fixture
def confirm_case(engine):
    actor = actor_for(engine, "canbo.x01")
    engine.deploy(CONFIRM, actor)
    case = engine.start_case("confirm_only", {}, actor, incident_commune="X01", received_at=START)
    return case, open_task(engine, case.id, "ok"), actor


@pytest.mark.parametrize("data", [{"responsible_commune": "X02"}, {"case_id": "x"}, {"received_at": "2020-01-01"},
                                  {"__builtins__": {}}, {"_secret": 1}, {"ok_completed_by": "someone"},
                                  {"reporter_name": "A"}, {"x": 1}])
def test_a_confirm_only_task_takes_no_undeclared_or_reserved_name(engine, confirm_case, data):
    case, task, actor = confirm_case
    with pytest.raises(InvalidTaskData) as err:
        engine.complete_task(task.id, data, actor)
    assert set(err.value.fields) == set(data)
    assert engine.get_case(case.id).version == case.version       # nothing written


def test_a_name_the_process_reads_is_accepted(engine, confirm_case):
    case, task, actor = confirm_case
    engine.complete_task(task.id, {"approved": True}, actor)
    assert engine.get_case(case.id).status == "closed"


def test_a_form_task_refuses_reserved_names_too(engine):
    case = open_case(engine, REPORT, actor_for(engine, "tongdai111"))
    task = open_task(engine, case.id, "initial_assessment")
    with pytest.raises(InvalidTaskData) as err:
        engine.complete_task(task.id, {"responsible_commune": "X02", "emergency_response_started_at": "x",
                                       "plan_cycle_started_at": "2020-01-01"}, actor_for(engine, "canbo.x01"))
    assert {"responsible_commune", "plan_cycle_started_at"} <= set(err.value.fields)
