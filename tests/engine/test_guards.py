"""Guards: a process that would run without end, print, or fail inside a step is refused or answered
with a clear error naming the element, and nothing of the action is written."""

from __future__ import annotations

import datetime as dt

import pytest

from engine.errors import InvalidProcess
from engine.errors import WorkflowFailure
from engine.runtime import Actor
from tests.support.diff_bpmn import _flows
from tests.support.diff_bpmn import _user
from tests.support.diff_bpmn import doc
from tests.support.samples import REPORT
from tests.support.samples import SAMPLES
from tests.support.samples import actor_for
from tests.support.samples import open_task
from workflows.child_protection.process import open_case

ACT = Actor("test")


def _caller(pid: str, target: str) -> str:
    return ('<bpmn:startEvent id="s"/>' + f'<bpmn:callActivity id="call_{pid}" calledElement="{target}"/>'
            + '<bpmn:endEvent id="e"/>' + _flows("s", f"call_{pid}", "e"))


def test_a_process_calling_itself_is_refused_naming_the_chain(sqlite_engine):
    with pytest.raises(InvalidProcess) as err:
        sqlite_engine.validate(doc("selfish", _caller("selfish", "selfish")))
    assert ("call_selfish", "quy trình gọi lại chính nó / call-activity cycle: selfish → selfish") in err.value.problems


def test_an_indirect_call_cycle_is_refused(sqlite_engine):
    files = doc("a", _caller("a", "b"))
    files.update(doc("b", _caller("b", "a")))
    with pytest.raises(InvalidProcess) as err:
        sqlite_engine.validate(files, main_id="a")
    assert any(el == "call_b" and "a → b → a" in msg for el, msg in err.value.problems)


def _looping(after_user: bool) -> dict[str, bytes]:
    """A script loop that never ends (each pass is legal, the whole is not)."""
    body = ('<bpmn:startEvent id="s"/>' + (_user("ask") if after_user else "")
            + '<bpmn:exclusiveGateway id="m"/><bpmn:scriptTask id="spin"><bpmn:script>n = n + 1</bpmn:script>'
              '</bpmn:scriptTask><bpmn:exclusiveGateway id="g" default="out"/><bpmn:endEvent id="e"/>'
            + _flows(*(["s", "ask", "m"] if after_user else ["s", "m"]), "spin", "g")
            + '<bpmn:sequenceFlow id="back" sourceRef="g" targetRef="m"><bpmn:conditionExpression>n &gt; 0'
              '</bpmn:conditionExpression></bpmn:sequenceFlow><bpmn:sequenceFlow id="out" sourceRef="g" targetRef="e"/>')
    return doc("spinner", body)


def test_engine_steps_are_capped_when_a_case_starts(sqlite_engine):
    sqlite_engine.deploy(_looping(False), ACT)
    with pytest.raises(WorkflowFailure) as err:
        sqlite_engine.start_case("spinner", {"n": 1}, ACT, incident_commune="X01")
    assert "engine steps" in err.value.message and err.value.message.split("stopped at ")[1][:4] in ("m (v", "spin", "g (v")
    with sqlite_engine.db.read() as s:
        from sqlalchemy import func
        from sqlalchemy import select

        from engine.models import Case
        assert s.execute(select(func.count()).select_from(Case).where(Case.process_version_id.isnot(None))
                         .where(Case.reference.notlike("BC-%"))).scalar() == 0


def test_engine_steps_are_capped_on_a_completion_and_nothing_is_written(sqlite_engine):
    sqlite_engine.deploy(_looping(True), ACT)
    case = sqlite_engine.start_case("spinner", {"n": 1}, ACT, incident_commune="X01")
    officer = actor_for(sqlite_engine, "canbo.x01")
    (task,) = sqlite_engine.open_tasks(case.id)
    with pytest.raises(WorkflowFailure):
        sqlite_engine.complete_task(task.id, {}, officer)
    assert [t.id for t in sqlite_engine.open_tasks(case.id)] == [task.id]
    assert sqlite_engine.get_case(case.id).version == case.version


def test_print_is_accepted_with_a_warning_at_validation(sqlite_engine):
    """print() runs as in SpiffWorkflow, its output discarded (#19: the public corpus prints); validation says so."""
    body = ('<bpmn:startEvent id="s"/><bpmn:scriptTask id="talk"><bpmn:script>print("hi")</bpmn:script>'
            '</bpmn:scriptTask>' + _user("u") + '<bpmn:endEvent id="e"/>' + _flows("s", "talk", "u", "e"))
    bundle = sqlite_engine.validate(doc("talker", body))
    assert any(el == "talk" and "print" in msg for el, msg in bundle.warnings)


@pytest.mark.parametrize("script", ["x = 1 / 0", "x = [][1]", "x = undefined_name + 1"])
def test_a_failing_step_is_a_clear_error_naming_it(sqlite_engine, script):
    body = ('<bpmn:startEvent id="s"/>' + _user("ask") + f'<bpmn:scriptTask id="boom"><bpmn:script>{script}'
            '</bpmn:script></bpmn:scriptTask><bpmn:endEvent id="e"/>' + _flows("s", "ask", "boom", "e"))
    sqlite_engine.deploy(doc("boomer", body), ACT)
    case = sqlite_engine.start_case("boomer", {}, ACT, incident_commune="X01")
    (task,) = sqlite_engine.open_tasks(case.id)
    with pytest.raises(WorkflowFailure) as err:
        sqlite_engine.complete_task(task.id, {}, actor_for(sqlite_engine, "canbo.x01"))
    assert "boom" in err.value.message
    assert [t.id for t in sqlite_engine.open_tasks(case.id)] == [task.id]


def test_due_reads_the_calendar_before_the_script_time_limit(sqlite_engine, monkeypatch, clock):
    """A calendar read slower than a script's 1-second limit no longer fails the completion."""
    import time

    case = open_case(sqlite_engine, dict(REPORT, urgency="non_emergency"), actor_for(sqlite_engine, "tongdai111"))
    real = sqlite_engine.calendars.load

    def slow():
        time.sleep(1.2)
        return real()
    monkeypatch.setattr(sqlite_engine.calendars, "load", slow)
    sqlite_engine.calendars.forget()
    clock.advance(dt.timedelta(minutes=5))
    task = open_task(sqlite_engine, case.id, "initial_assessment")
    sqlite_engine.complete_task(task.id, SAMPLES["initial_assessment"], actor_for(sqlite_engine, "canbo.x01"))
    assert sqlite_engine.waiting_timers(case.id)
