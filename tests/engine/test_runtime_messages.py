"""Failures while a case runs read in Vietnamese and English (#19 item 5), found by tools/corpus_diff.py on
public files: a condition or script reading a field the case data lacks says which field, without
SpiffWorkflow's "Did you mean" list of the engine's own fields."""

from __future__ import annotations

import pytest

from engine.bpmn_messages import runtime
from engine.context import Actor
from engine.errors import WorkflowFailure

GATEWAY = ('<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
           'id="d_rt" targetNamespace="http://bvte.example/test"><bpmn:process id="rt_gateway" isExecutable="true">'
           '<bpmn:startEvent id="start"/><bpmn:exclusiveGateway id="which" default="f_low"/>'
           '<bpmn:endEvent id="high"/><bpmn:endEvent id="low"/>'
           '<bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="which"/>'
           '<bpmn:sequenceFlow id="f_high" sourceRef="which" targetRef="high"><bpmn:conditionExpression>'
           'risk_score &gt; 3</bpmn:conditionExpression></bpmn:sequenceFlow>'
           '<bpmn:sequenceFlow id="f_low" sourceRef="which" targetRef="low"/></bpmn:process></bpmn:definitions>')


def test_a_condition_on_a_missing_field_names_the_field(sqlite_engine):
    sqlite_engine.deploy({"rt_gateway.bpmn": GATEWAY.encode()}, Actor("test"))
    with pytest.raises(WorkflowFailure) as exc:
        sqlite_engine.start_case("rt_gateway", {}, Actor("test"), incident_commune="X01")
    text = str(exc.value)
    assert "which" in text and "dữ liệu hồ sơ chưa có trường 'risk_score'" in text
    assert "the case data has no field 'risk_score'" in text and "Did you mean" not in text


def test_other_expression_failures_keep_their_cause():
    text = runtime("Error evaluating expression '1 / 0'. ZeroDivisionError: division by zero")
    assert text == ("không tính được biểu thức '1 / 0' / expression '1 / 0' failed "
                    "(ZeroDivisionError: division by zero)")
