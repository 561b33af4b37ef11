"""A process drawn in a common modeller (no BVTE-specific code): lanes by agency name, or no lanes."""

import os

from click.testing import CliRunner

from tests.support.samples import actor_for
from webui.cli import main

CAMUNDA = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"
  id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn" exporter="Camunda Modeler" exporterVersion="5.20.0">
  <bpmn:collaboration id="Collaboration_1"><bpmn:participant id="Participant_1" processRef="home_visit"/></bpmn:collaboration>
  <bpmn:process id="home_visit" name="Thăm gia đình" isExecutable="true">
    <bpmn:laneSet id="LaneSet_1">
      <bpmn:lane id="Lane_0abc" name="Công an xã"><bpmn:flowNodeRef>Activity_1</bpmn:flowNodeRef></bpmn:lane>
      <bpmn:lane id="Lane_1def" name="Commune health station"><bpmn:flowNodeRef>StartEvent_1</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>Activity_2</bpmn:flowNodeRef><bpmn:flowNodeRef>Event_end</bpmn:flowNodeRef></bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="StartEvent_1"><bpmn:outgoing>Flow_1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="Activity_1" name="Xác minh" camunda:formKey="verify"><bpmn:incoming>Flow_1</bpmn:incoming><bpmn:outgoing>Flow_2</bpmn:outgoing></bpmn:userTask>
    <bpmn:userTask id="Activity_2" name="Khám sức khỏe"><bpmn:incoming>Flow_2</bpmn:incoming><bpmn:outgoing>Flow_3</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="Event_end"><bpmn:incoming>Flow_3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="Activity_1"/>
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Activity_1" targetRef="Activity_2"/>
    <bpmn:sequenceFlow id="Flow_3" sourceRef="Activity_2" targetRef="Event_end"/>
  </bpmn:process>
</bpmn:definitions>
"""


def test_modeller_drawn_process_deploys_and_runs(tmp_path, sqlite_engine, monkeypatch, cli_clock):
    path = tmp_path / "home_visit.bpmn"
    path.write_text(CAMUNDA, encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", sqlite_engine.db.url)
    runner = CliRunner()
    assert runner.invoke(main, ["validate", str(path)]).exit_code == 0
    assert runner.invoke(main, ["deploy", str(path)]).exit_code == 0
    res = runner.invoke(main, ["cases", "start", "home_visit", "--commune", "X01"])
    assert res.exit_code == 0, res.output
    police, health = actor_for(sqlite_engine, "congan.x01"), actor_for(sqlite_engine, "yte.x01")
    (task,) = sqlite_engine.inbox(police.agency_id)
    assert task.task_name == "Activity_1" and sqlite_engine.form_for(task) is None
    sqlite_engine.complete_task(task.id, {}, police)
    (task,) = sqlite_engine.inbox(health.agency_id)
    case = sqlite_engine.complete_task(task.id, {}, health)
    assert sqlite_engine.get_case(case.id).status == "closed"


def test_process_without_lanes_goes_to_the_commune_officer(tmp_path, sqlite_engine, monkeypatch, cli_clock):
    xml = CAMUNDA.replace(CAMUNDA[CAMUNDA.index("<bpmn:laneSet"):CAMUNDA.index("</bpmn:laneSet>") + 15], "")
    path = tmp_path / "home_visit.bpmn"
    path.write_text(xml, encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", sqlite_engine.db.url)
    runner = CliRunner()
    assert runner.invoke(main, ["deploy", str(path)]).exit_code == 0
    assert runner.invoke(main, ["cases", "start", "home_visit", "--commune", "X02"]).exit_code == 0
    officer = actor_for(sqlite_engine, "canbo.x02")
    assert [t.task_name for t in sqlite_engine.inbox(officer.agency_id)] == ["Activity_1"]


def test_unquoted_camunda_timer_is_read_as_its_iso_literal(tmp_path, monkeypatch, sqlite_engine, cli_clock):
    xml = CAMUNDA.replace('<bpmn:endEvent id="Event_end">',
                          '<bpmn:boundaryEvent id="Timer_1" attachedToRef="Activity_1"><bpmn:timerEventDefinition>'
                          '<bpmn:timeDuration>PT12H</bpmn:timeDuration></bpmn:timerEventDefinition>'
                          '</bpmn:boundaryEvent><bpmn:endEvent id="Event_end">')
    xml = xml.replace("<bpmn:flowNodeRef>Activity_1</bpmn:flowNodeRef>",
                      "<bpmn:flowNodeRef>Activity_1</bpmn:flowNodeRef><bpmn:flowNodeRef>Timer_1</bpmn:flowNodeRef>")
    path = tmp_path / "home_visit.bpmn"
    path.write_text(xml, encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", sqlite_engine.db.url)
    res = CliRunner().invoke(main, ["validate", str(path)])
    assert res.exit_code == 0 and res.output.startswith('warning: Timer_1: ') and '"PT12H"' in res.output
    assert not os.path.exists(tmp_path / "ran")
