"""What modellers draw is accepted (#19 item 2): standard non-flow children, other tools' extensionElements
(ignored, listed as warnings, meaning-changing ones named), bare ISO 8601 timer literals (quoted, in the
stored text too), file names as tools export them."""

from __future__ import annotations

import pytest

from engine.bpmn_accept import normalise_file_name
from engine.context import Actor
from engine.errors import InvalidProcess

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" '
        'id="d" targetNamespace="http://x">')


def _file(timer: str, task_extra: str = "", attrs: str = "") -> dict[str, bytes]:
    xml = (HEAD + '<bpmn:process id="modeller" isExecutable="true">'
           '<bpmn:ioSpecification><bpmn:dataInput id="in_1"/><bpmn:inputSet><bpmn:dataInputRefs>in_1'
           '</bpmn:dataInputRefs></bpmn:inputSet><bpmn:outputSet/></bpmn:ioSpecification>'
           '<bpmn:startEvent id="s"/>'
           f'<bpmn:userTask id="work" name="Việc"{attrs}>{task_extra}</bpmn:userTask>'
           f'<bpmn:boundaryEvent id="late" attachedToRef="work" cancelActivity="false"><bpmn:timerEventDefinition>'
           f'{timer}</bpmn:timerEventDefinition></bpmn:boundaryEvent>'
           '<bpmn:endEvent id="e"/><bpmn:endEvent id="e_late"/>'
           '<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="work"/>'
           '<bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="e"/>'
           '<bpmn:sequenceFlow id="f3" sourceRef="late" targetRef="e_late"/>'
           '</bpmn:process></bpmn:definitions>')
    return {"modeller.bpmn": xml.encode()}


@pytest.mark.parametrize("kind,literal", [("timeDuration", "PT12H"), ("timeDate", "2026-11-21T08:00:00+07:00"),
                                          ("timeCycle", "R3/PT1H")])
def test_a_bare_iso_literal_is_quoted(sqlite_engine, kind, literal):
    bundle = sqlite_engine.validate(_file(f"<bpmn:{kind}>{literal}</bpmn:{kind}>"))
    assert f'"{literal}"' in bundle.files["modeller.bpmn"]
    assert any(element == "late" and literal in text for element, text in bundle.warnings)


def test_a_timer_that_is_neither_iso_nor_python_is_still_refused(sqlite_engine):
    with pytest.raises(InvalidProcess):
        sqlite_engine.validate(_file("<bpmn:timeDuration>twelve hours</bpmn:timeDuration>"))


def test_standard_children_and_extensions_are_accepted_with_warnings(sqlite_engine):
    task = ('<bpmn:extensionElements><zeebe:taskDefinition type="x"/><camunda:inputOutput>'
            '<camunda:inputParameter name="a">1</camunda:inputParameter></camunda:inputOutput>'
            '</bpmn:extensionElements><bpmn:potentialOwner><bpmn:resourceAssignmentExpression>'
            '<bpmn:formalExpression>officer</bpmn:formalExpression></bpmn:resourceAssignmentExpression>'
            '</bpmn:potentialOwner>')
    files = _file('<bpmn:timeDuration>"PT1H"</bpmn:timeDuration>', task, ' camunda:formKey="verify"')
    bundle = sqlite_engine.validate(files)
    text = " | ".join(f"{e}: {t}" for e, t in bundle.warnings)
    assert "taskDefinition" in text and "inputOutput" in text and "formKey" in text and "changes meaning" in text
    version = sqlite_engine.deploy(files, Actor("policy"))
    case = sqlite_engine.start_case(version.process_id, {}, Actor("test"), incident_commune="X01")
    assert [t.task_name for t in sqlite_engine.open_tasks(case.id)] == ["work"]


@pytest.mark.parametrize("given,expected", [("A.2.0-export.bpmn", "A_2_0-export.bpmn"),
                                            ("diagram (1).bpmn", "diagram_1.bpmn"),
                                            ("Quy trình đón trẻ.bpmn20.xml", "Quy_trinh_don_tre.bpmn"),
                                            ("C:\\\\Users\\\\x\\\\a.xml", "a.bpmn"), ("(((.bpmn", "process.bpmn")])
def test_file_names_are_normalised(given, expected):
    assert normalise_file_name(given) == expected
    assert normalise_file_name(given, {expected}) == expected[:-5] + "-2.bpmn"


def test_a_camunda_condition_is_refused_with_the_python_to_write(sqlite_engine):
    from engine.bpmn_accept import python_for

    assert python_for("${approved && amount gt 100}") == "approved and amount > 100"
    assert python_for("#{!done}") == "not done" and python_for("done") is None
    xml = (HEAD + '<bpmn:process id="juel" isExecutable="true"><bpmn:startEvent id="s"/>'
           '<bpmn:exclusiveGateway id="g" default="f3"/><bpmn:userTask id="a" name="A"/><bpmn:userTask id="b" name="B"/>'
           '<bpmn:endEvent id="e"/><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="g"/>'
           '<bpmn:sequenceFlow id="f2" sourceRef="g" targetRef="a"><bpmn:conditionExpression>${approved == true}'
           '</bpmn:conditionExpression></bpmn:sequenceFlow><bpmn:sequenceFlow id="f3" sourceRef="g" targetRef="b"/>'
           '<bpmn:sequenceFlow id="f4" sourceRef="a" targetRef="e"/><bpmn:sequenceFlow id="f5" sourceRef="b" '
           'targetRef="e"/></bpmn:process></bpmn:definitions>')
    with pytest.raises(InvalidProcess) as refused:
        sqlite_engine.validate({"juel.bpmn": xml.encode()})
    assert any(element == "f2" and "write: approved == True" in text for element, text in refused.value.problems)


def test_a_process_not_marked_executable_says_how_to_fix_it(sqlite_engine):
    xml = HEAD + '<bpmn:process id="p" isExecutable="false"><bpmn:startEvent id="s"/></bpmn:process></bpmn:definitions>'
    with pytest.raises(InvalidProcess) as refused:
        sqlite_engine.validate({"p.bpmn": xml.encode()})
    assert "tick 'Executable'" in refused.value.problems[0][1]


def test_a_bare_io_specification_gets_its_empty_sets(sqlite_engine):
    # Camunda Modeler 5 writes <bpmn:ioSpecification /> on a process with data objects; the schema wants the sets
    xml = (HEAD + '<bpmn:process id="bare_io" isExecutable="true"><bpmn:ioSpecification />'
           '<bpmn:startEvent id="s"/><bpmn:endEvent id="e"/><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="e"/>'
           '</bpmn:process></bpmn:definitions>')
    bundle = sqlite_engine.validate({"bare_io.bpmn": xml.encode()})
    assert "<bpmn:inputSet/><bpmn:outputSet/></bpmn:ioSpecification>" in bundle.files["bare_io.bpmn"]
    assert any(element == "bare_io" and "inputSet, outputSet" in text for element, text in bundle.warnings)


def test_an_unmapped_lane_says_how_to_map_it(sqlite_engine):
    xml = (HEAD + '<bpmn:process id="lanes_ab" isExecutable="true"><bpmn:laneSet id="ls"><bpmn:lane id="lane_a" '
           'name="A"><bpmn:flowNodeRef>t</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet><bpmn:startEvent id="s"/>'
           '<bpmn:userTask id="t"/><bpmn:endEvent id="e"/><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t"/>'
           '<bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="e"/></bpmn:process></bpmn:definitions>')
    with pytest.raises(InvalidProcess) as exc:
        sqlite_engine.validate({"lanes_ab.bpmn": xml.encode()})
    assert any(where == "lane_a" and "name the lane after an agency type" in what and "Công an xã" in what
               for where, what in exc.value.problems)


@pytest.mark.parametrize("loop,says", [
    ("<bpmn:standardLoopCharacteristics/>", "set a loopCondition (a Python expression) or a loopMaximum"),
    ("<bpmn:multiInstanceLoopCharacteristics/>", "neither how many times (loopCardinality) nor over which list")])
def test_a_loop_without_its_bound_is_refused_in_both_languages(sqlite_engine, loop, says):
    xml = (HEAD + '<bpmn:process id="loops" isExecutable="true"><bpmn:startEvent id="s"/>'
           f'<bpmn:userTask id="again">{loop}</bpmn:userTask><bpmn:endEvent id="e"/>'
           '<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="again"/>'
           '<bpmn:sequenceFlow id="f2" sourceRef="again" targetRef="e"/></bpmn:process></bpmn:definitions>')
    with pytest.raises(InvalidProcess) as exc:
        sqlite_engine.validate({"loops.bpmn": xml.encode()})
    assert any(where == "again" and says in what and " / " in what for where, what in exc.value.problems), \
        exc.value.problems


def test_an_id_that_is_not_an_xml_name_runs_with_a_warning(sqlite_engine):
    """A template's ``{{PROCESS_ID}}`` (SpiffWorkflow reads ids as strings and runs it): accepted, the id named in
    a warning, the diagram's reference to it too; the case runs to its task."""
    files = _file('<bpmn:timeDuration>"PT1H"</bpmn:timeDuration>')
    text = files["modeller.bpmn"].decode().replace('id="modeller"', 'id="{{PROCESS_ID}}"').replace(
        '<bpmn:userTask id="work"', '<bpmn:userTask id="work {{x}}"').replace('targetRef="work"', 'targetRef="work {{x}}"')
    text = text.replace('sourceRef="work"', 'sourceRef="work {{x}}"').replace('attachedToRef="work"',
                                                                              'attachedToRef="work {{x}}"')
    files = {"modeller.bpmn": text.encode()}
    bundle = sqlite_engine.validate(files)
    warned = {e for e, _t in bundle.warnings}
    assert {"{{PROCESS_ID}}", "work {{x}}"} <= warned
    version = sqlite_engine.deploy(files, Actor("policy"))
    case = sqlite_engine.start_case(version.process_id, {}, Actor("test"), incident_commune="X01")
    assert [t.task_name for t in sqlite_engine.open_tasks(case.id)] == ["work {{x}}"]


@pytest.mark.parametrize("task,words", [
    ('<bpmn:serviceTask id="call_crm" name="CRM"/>', ("call_crm", "service task", "user task")),
    ('<bpmn:scriptTask id="env" scriptFormat="python"><bpmn:script>import os\nx = os.environ</bpmn:script>'
     '</bpmn:scriptTask>', ("env", "import", "không được")),
])
def test_refusals_of_unsupported_or_unsafe_elements_say_why_in_both_languages(sqlite_engine, task, words):
    xml = (HEAD + '<bpmn:process id="p" isExecutable="true"><bpmn:startEvent id="s"/>' + task +
           '<bpmn:endEvent id="e"/><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="' + task.split('"')[1] + '"/>'
           '<bpmn:sequenceFlow id="f2" sourceRef="' + task.split('"')[1] + '" targetRef="e"/></bpmn:process>'
           '</bpmn:definitions>')
    with pytest.raises(InvalidProcess) as err:
        sqlite_engine.validate({"p.bpmn": xml.encode()})
    [(element, text)] = err.value.problems
    assert element == words[0] and " / " in text and all(w in text for w in words[1:])


def test_a_cron_timer_is_refused_with_the_iso_form_suggested(sqlite_engine):
    with pytest.raises(InvalidProcess) as err:
        sqlite_engine.validate(_file("<bpmn:timeCycle>0/5 0/1 * 1/1 * ?</bpmn:timeCycle>"))
    assert any("cron" in text and "R/PT5M" in text for _e, text in err.value.problems)


def test_a_script_that_prints_runs_and_prints_nothing(sqlite_engine, capfd):
    """SpiffWorkflow's own test files print: the script runs (its output discarded, never a child's data in a
    server log), the validation warns."""
    xml = (HEAD + '<bpmn:process id="printing" isExecutable="true"><bpmn:startEvent id="s"/>'
           '<bpmn:scriptTask id="say"><bpmn:script>secret = "Nguyễn Văn A"\nprint("child:", secret)\nx = 2'
           '</bpmn:script></bpmn:scriptTask><bpmn:userTask id="work"/><bpmn:endEvent id="e"/>'
           '<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="say"/>'
           '<bpmn:sequenceFlow id="f2" sourceRef="say" targetRef="work"/>'
           '<bpmn:sequenceFlow id="f3" sourceRef="work" targetRef="e"/></bpmn:process></bpmn:definitions>')
    files = {"printing.bpmn": xml.encode()}
    assert any(e == "say" and "print()" in t and " / " in t for e, t in sqlite_engine.validate(files).warnings)
    version = sqlite_engine.deploy(files, Actor("policy"))
    case = sqlite_engine.start_case(version.process_id, {}, Actor("test"), incident_commune="X01")
    assert [t.task_name for t in sqlite_engine.open_tasks(case.id)] == ["work"]
    assert sqlite_engine.task_data(sqlite_engine.open_tasks(case.id)[0].id)["x"] == 2
    out, err = capfd.readouterr()
    assert "Nguyễn Văn A" not in out + err


@pytest.mark.parametrize("english", ["Data Store name is missing from bpmn xml.",
                                     "Data Store with name JSONFileDataStore has no implementation.",
                                     "A Service Task must have an operator."])
def test_spiffworkflow_refusals_read_in_both_languages(english):
    from engine.bpmn_messages import translate

    text = translate(english)
    assert " / " in text and text != english and "BVTE" in text
