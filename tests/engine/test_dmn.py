"""DMN decision tables with their BPMN (#19 item 3) and messages for people (#19 item 5): what is checked at
deploy time, what a decision returns, FEEL and JUEL named with the Python to write, schema errors reduced, and
SpiffWorkflow's errors in both languages. (The conformance files c16-c19 run whole cases through the CLI.)"""

from __future__ import annotations

import io
import os

import pytest

from engine import bpmn_messages
from engine import feel
from engine.bpmn_accept import normalise_file_name
from engine.errors import InvalidProcess
from engine.loader import collect_bundle
from engine.loader import parse_bundle
from tests.workflows.test_processes import login
from webui import create_app

CORPUS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "conformance")


def _bundle(name: str) -> dict[str, bytes]:
    return collect_bundle(os.path.join(CORPUS, name))


def _problems(sqlite_engine, files) -> list[tuple[str, str]]:
    with pytest.raises(InvalidProcess) as exc:
        parse_bundle(files, sqlite_engine.registry)
    return exc.value.problems


def test_the_decisions_a_diagram_calls_travel_with_it(sqlite_engine):
    files = _bundle("c16_dmn_unique.bpmn")
    assert sorted(files) == ["c16_dmn_unique.bpmn", "c16_priority_unique.dmn"]
    bundle = parse_bundle(files, sqlite_engine.registry)
    assert list(bundle.decisions) == ["c16_priority_unique.dmn"]
    problems = _problems(sqlite_engine, {"c16_dmn_unique.bpmn": files["c16_dmn_unique.bpmn"]})
    assert problems[0][0] == "decide" and "c16_priority" in problems[0][1] and ".dmn" in problems[0][1]


def test_a_cell_is_compiled_under_the_sandbox_and_feel_gets_the_python(sqlite_engine):
    files = _bundle("c16_dmn_unique.bpmn")
    table = files["c16_priority_unique.dmn"].decode()
    bad = dict(files, **{"c16_priority_unique.dmn": table.replace("age_years * 12", "__import__('os')").encode()})
    assert any(e == "c16_priority_in0" and "sandbox" in m for e, m in _problems(sqlite_engine, bad))
    ranged = dict(files, **{"c16_priority_unique.dmn": table.replace("&lt; 192", "[0..191]").encode()})
    problems = _problems(sqlite_engine, ranged)
    assert any(e == "c16_priority_r1_i0" and "0 <= ? <= 191" in m and "FEEL" in m for e, m in problems)
    two = table.replace('<decision id="c16_priority"', '<decision id="other"><decisionTable id="t2"/></decision>'
                        '<decision id="c16_priority"')
    problems = _problems(sqlite_engine, dict(files, **{"c16_priority_unique.dmn": two.encode()}))
    assert any("one decision per DMN file" in m for _e, m in problems)


def test_no_match_gives_none_and_collect_aggregates(sqlite_engine):
    from SpiffWorkflow.exceptions import SpiffWorkflowException
    from SpiffWorkflow.util.task import TaskState

    from engine.spiff import new_workflow

    files = _bundle("c18_dmn_collect.bpmn")
    table = files["c18_support_collect.dmn"].decode().replace('hitPolicy="COLLECT"',
                                                              'hitPolicy="COLLECT" aggregation="COUNT"')
    bundle = parse_bundle(dict(files, **{"c18_support_collect.dmn": table.encode()}), sqlite_engine.registry)
    wf = new_workflow(bundle, sqlite_engine.deployment.script_engine(sqlite_engine.registry.config_for("x")), {})
    with pytest.raises(SpiffWorkflowException):   # the gateway wants the list: with COUNT the table gives 3
        wf.do_engine_steps()
    done = [t for t in wf.tasks.values() if t.task_spec.name == "decide" and t.state == TaskState.COMPLETED]
    assert done[0].data["measures"] == 3


def test_feel_and_juel_are_named_with_the_python_to_write():
    assert feel.python_for_juel("${approved && amount gt 100}") == "approved and amount > 100"
    assert feel.python_for_feel('= status = "open" and not(urgent)') == 'status == "open" and not (urgent)'
    assert feel.python_for_feel("age between 6 and 15") == "6 <= age <= 15"
    assert feel.python_for_feel("risk_level == 'high'") is None            # Python already
    assert feel.entry_hint('"police","health"') == ('? in ("police", "health")', True)
    assert feel.entry_hint("]1..5]") == ("1 < ? <= 5", False)
    assert feel.entry_hint('not("closed")') == ('? != "closed"', True)
    assert feel.entry_hint('"high"') == (None, False)


def test_feel_condition_and_other_languages_are_refused_with_a_hint(sqlite_engine):
    from tests.support.diff_bpmn import doc

    xml = doc("feel_cond", '<bpmn:startEvent id="s"/><bpmn:exclusiveGateway id="g" default="f2"/>'
                           '<bpmn:endEvent id="e1"/><bpmn:endEvent id="e2"/>'
                           '<bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="g"/>'
                           '<bpmn:sequenceFlow id="f1" sourceRef="g" targetRef="e1"><bpmn:conditionExpression>'
                           '= risk = "high"</bpmn:conditionExpression></bpmn:sequenceFlow>'
                           '<bpmn:sequenceFlow id="f2" sourceRef="g" targetRef="e2"/>')
    problems = _problems(sqlite_engine, xml)
    assert [(e, 'risk == "high"' in m) for e, m in problems] == [("f1", True)]   # the flow is named: marked


def test_schema_errors_say_element_attribute_and_what_is_expected():
    tag, attribute, text = bpmn_messages.reduce_schema_message(
        "Element '{http://www.omg.org/spec/BPMN/20100524/MODEL}process', attribute 'isExecutable': 'yes' is not a "
        "valid value of the atomic type 'xs:boolean'.")
    assert (tag, attribute) == ("bpmn:process", "isExecutable") and "true or false" in text and "cần" in text
    _t, _a, text = bpmn_messages.reduce_schema_message(
        "Element '{http://www.omg.org/spec/BPMN/20100524/MODEL}incoming': This element is not expected. Expected is "
        "one of ( {http://www.omg.org/spec/BPMN/20100524/MODEL}documentation ).")
    assert "expected here: bpmn:documentation" in text and "{" not in text


def test_common_spiffworkflow_errors_read_in_both_languages():
    text = bpmn_messages.translate("Multiple outgoing flows are not supported for tasks of type")
    assert text.startswith("nhiệm vụ này có nhiều luồng ra") and "add a gateway" in text
    assert "không điều kiện nào" in bpmn_messages.translate("No conditions satisfied for gw_1")
    assert bpmn_messages.translate("something new") == "something new"


def test_upload_keeps_dmn_files_beside_the_diagram(sqlite_engine):
    assert normalise_file_name("Bảng quyết định (1).dmn") == "Bang_quyet_dinh_1.dmn"
    app = create_app({"SECRET_KEY": "k", "DATABASE_URL": sqlite_engine.db.url}, engine=sqlite_engine)
    policy = login(app, "chinhsach.tinh")
    files = _bundle("c16_dmn_unique.bpmn")
    res = policy.post("/processes/upload", data={"csrf_token": policy.csrf, "files": [
        (io.BytesIO(files["c16_priority_unique.dmn"]), "priority table.dmn"),
        (io.BytesIO(files["c16_dmn_unique.bpmn"]), "c16_dmn_unique.bpmn")]}, content_type="multipart/form-data")
    assert res.status_code == 303
    page = policy.get(res.headers["Location"]).get_data(as_text=True)
    assert "c16_dmn_unique" in page and "priority_table.dmn" in page and "Hợp lệ" in page
