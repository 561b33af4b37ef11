"""Messages and signals delivered to cases (#19 item 1): by case, permission-checked, payload validated,
audited; a message racing a timer at an event-based gateway; a signal to every waiting case."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine import messages
from engine.context import Actor
from engine.errors import Conflict
from engine.errors import Forbidden
from engine.errors import InvalidTaskData
from engine.models import AuditEvent
from engine.models import Case
from engine.process import EventRule
from tests.support.diff_bpmn import _flows
from tests.support.diff_bpmn import _user
from tests.support.diff_bpmn import doc
from tests.support.diff_bpmn import event_gateway
from tests.support.samples import actor_for
from tests.support.samples import open_task

SIGNAL = doc("wait_signal", '<bpmn:startEvent id="start"/><bpmn:intermediateCatchEvent id="withdrawn">'
                            '<bpmn:signalEventDefinition signalRef="sig_withdrawn"/></bpmn:intermediateCatchEvent>'
             + _user("close", "Đóng hồ sơ") + '<bpmn:endEvent id="end"/>'
             + _flows("start", "withdrawn", "close", "end"),
             more='<bpmn:signal id="sig_withdrawn" name="case_withdrawn"/>')


def _start(engine, files, pid):
    engine.deploy(files, Actor("test"), main_id=pid)
    return engine.start_case(pid, {}, Actor("test"), incident_commune="X01")


def _waiting_answer(engine):
    case = _start(engine, event_gateway(), "event_gw")
    officer = actor_for(engine, "canbo.x01")
    engine.complete_task(open_task(engine, case.id, "ask").id, {}, officer)
    return engine.get_case(case.id), officer


def test_a_message_reaches_the_case_that_waits_for_it(sqlite_engine):
    case, officer = _waiting_answer(sqlite_engine)
    assert [(a.kind, a.name, a.may_send) for a in messages.awaited(sqlite_engine, case, officer)] == [
        ("message", "answer", True)]
    messages.deliver(sqlite_engine, case.id, "message", "answer", {"reply": "đã nhận"}, officer)
    assert [t.task_name for t in sqlite_engine.open_tasks(case.id)] == ["read_answer"]
    assert sqlite_engine.waiting_timers(case.id) == []            # the gateway's timer lost the race
    assert messages.awaited(sqlite_engine, sqlite_engine.get_case(case.id), officer) == []
    with sqlite_engine.db.read() as s:
        row = s.execute(select(AuditEvent).where(AuditEvent.action == "message.receive")).scalar_one()
    assert row.case_id == case.id and row.actor == "canbo.x01" and row.detail["name"] == "answer"
    with pytest.raises(Conflict):                                  # delivered once: no longer awaited
        messages.deliver(sqlite_engine, case.id, "message", "answer", {}, officer)


def test_only_the_agency_the_process_names_may_send_and_the_payload_is_checked(sqlite_engine, monkeypatch):
    case, officer = _waiting_answer(sqlite_engine)
    police = actor_for(sqlite_engine, "congan.x01")
    with pytest.raises(Forbidden):                                 # default: the commune case manager only
        messages.deliver(sqlite_engine, case.id, "message", "answer", {}, police)
    other_commune = actor_for(sqlite_engine, "canbo.x02")
    with pytest.raises(Forbidden):
        messages.deliver(sqlite_engine, case.id, "message", "answer", {}, other_commune)

    class Form:
        def validate(self, data):
            if not data.get("reply"):
                raise InvalidTaskData({"reply": ["bắt buộc / required"]})
            return {"reply": str(data["reply"])}

    lv = sqlite_engine.deployment.version_of(case.process_version_id)
    rule = EventRule("message", "answer", frozenset({"commune_police"}), Form(), "Trả lời của công an")
    monkeypatch.setattr(lv.config, "events", {("message", "answer"): rule})
    with pytest.raises(Forbidden):
        messages.deliver(sqlite_engine, case.id, "message", "answer", {"reply": "x"}, officer)
    with pytest.raises(InvalidTaskData):
        messages.deliver(sqlite_engine, case.id, "message", "answer", {}, police)
    messages.deliver(sqlite_engine, case.id, "message", "answer", {"reply": "đã xác minh"}, police)
    assert [t.task_name for t in sqlite_engine.open_tasks(case.id)] == ["read_answer"]


def test_a_case_not_waiting_is_told_so(sqlite_engine):
    case = _start(sqlite_engine, event_gateway(), "event_gw")     # still at "ask"
    with pytest.raises(Conflict, match="not waiting"):
        messages.deliver(sqlite_engine, case.id, "message", "answer", {}, actor_for(sqlite_engine, "canbo.x01"))


def test_a_signal_reaches_every_waiting_case_of_the_commune(sqlite_engine):
    here = _start(sqlite_engine, SIGNAL, "wait_signal")
    there = sqlite_engine.start_case("wait_signal", {}, Actor("test"), incident_commune="X02")
    assert [a.name for a in messages.awaited(sqlite_engine, here)] == ["case_withdrawn"]
    reached = messages.broadcast(sqlite_engine, "case_withdrawn", {}, Actor("cli:test"), commune="X01")
    assert reached == [here.id]
    assert [t.task_name for t in sqlite_engine.open_tasks(here.id)] == ["close"]
    assert sqlite_engine.open_tasks(there.id) == []


REQUEST = doc("referral_req", '<bpmn:startEvent id="start"/>' + _user("send", "Chuyển gửi")
              + '<bpmn:intermediateThrowEvent id="refer"><bpmn:messageEventDefinition messageRef="m_referral"/>'
                '</bpmn:intermediateThrowEvent><bpmn:intermediateCatchEvent id="wait_reply">'
                '<bpmn:messageEventDefinition messageRef="m_reply"/></bpmn:intermediateCatchEvent>'
              + _user("read_reply", "Đọc phản hồi") + '<bpmn:endEvent id="end"/>'
              + _flows("start", "send", "refer", "wait_reply", "read_reply", "end"),
              more='<bpmn:message id="m_referral" name="referral"/><bpmn:message id="m_reply" name="reply"/>')
HANDLER = doc("referral_handler", '<bpmn:startEvent id="start"><bpmn:messageEventDefinition messageRef="m_referral"/>'
              '</bpmn:startEvent>' + _user("handle", "Tiếp nhận chuyển gửi")
              + '<bpmn:intermediateThrowEvent id="answer"><bpmn:messageEventDefinition messageRef="m_reply"/>'
                '</bpmn:intermediateThrowEvent><bpmn:endEvent id="end"/>'
              + _flows("start", "handle", "answer", "end"),
              more='<bpmn:message id="m_referral" name="referral"/><bpmn:message id="m_reply" name="reply"/>')


def test_a_thrown_message_starts_a_case_whose_reply_comes_back(sqlite_engine):
    engine, officer = sqlite_engine, actor_for(sqlite_engine, "canbo.x01")
    engine.deploy(HANDLER, Actor("test"), main_id="referral_handler")
    assert messages.message_start_processes(engine, "referral") == ["referral_handler"]
    asking = _start(engine, REQUEST, "referral_req")
    other = engine.start_case("referral_req", {}, Actor("test"), incident_commune="X01")   # another asker
    engine.complete_task(open_task(engine, other.id, "send").id, {}, officer)
    engine.complete_task(open_task(engine, asking.id, "send").id, {}, officer)   # throws "referral"
    waiting = messages.waiting_cases(engine, "message", "reply", None, 100)
    assert sorted(waiting) == sorted([asking.id, other.id])
    with engine.db.read() as s:
        made = list(s.execute(select(Case).where(Case.process_version_id.in_(
            [v.id for v in engine.versions("referral_handler")]))).scalars())
    assert len(made) == 2                                          # one handler case per referral
    mine = next(c for c in made if engine.case_data(c.id).get(messages.STARTED_BY) == asking.id)
    engine.complete_task(open_task(engine, mine.id, "handle").id, {}, officer)   # throws "reply"
    assert [t.task_name for t in engine.open_tasks(asking.id)] == ["read_reply"]  # back to its own asker
    assert engine.open_tasks(other.id) == []


CORRELATED = {"corr_reply.bpmn": (
    '<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'id="d_corr" targetNamespace="http://bvte.example/test">'
    '<bpmn:collaboration id="c"><bpmn:participant id="p" processRef="corr_reply"/><bpmn:correlationKey id="k" '
    'name="reply_key"><bpmn:correlationPropertyRef>ref_prop</bpmn:correlationPropertyRef></bpmn:correlationKey>'
    '</bpmn:collaboration><bpmn:correlationProperty id="ref_prop" name="ref_prop">'
    '<bpmn:correlationPropertyRetrievalExpression messageRef="m_reply"><bpmn:formalExpression>ref'
    '</bpmn:formalExpression></bpmn:correlationPropertyRetrievalExpression></bpmn:correlationProperty>'
    '<bpmn:message id="m_reply" name="reply"/>'
    '<bpmn:process id="corr_reply" isExecutable="true"><bpmn:startEvent id="start"/>'
    '<bpmn:intermediateCatchEvent id="wait_reply"><bpmn:messageEventDefinition messageRef="m_reply"/>'
    '</bpmn:intermediateCatchEvent><bpmn:endEvent id="end"/>'
    '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait_reply"/>'
    '<bpmn:sequenceFlow id="f2" sourceRef="wait_reply" targetRef="end"/></bpmn:process></bpmn:definitions>').encode()}


def test_a_message_without_its_correlation_field_is_refused_naming_it(sqlite_engine):
    # found by tools/corpus_diff.py on SpiffWorkflow's waiting_event.bpmn: the raw NameError escaped (a 500)
    case = _start(sqlite_engine, CORRELATED, "corr_reply")
    officer = actor_for(sqlite_engine, "canbo.x01")
    with pytest.raises(InvalidTaskData) as exc:
        messages.deliver(sqlite_engine, case.id, "message", "reply", {}, officer)
    assert list(exc.value.fields) == ["ref"] and "correlation key" in exc.value.fields["ref"][0]
    assert sqlite_engine.get_case(case.id).status == "open"
