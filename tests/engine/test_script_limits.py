"""Scripts cannot hog the machine (issue #18.7): single huge operations are refused before they run, what a
run builds is budgeted, every expression a BPMN file can hold is checked at upload, and conditions cannot
change case data."""

import pytest
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from engine.errors import InvalidProcess
from engine.errors import ScriptRejected
from engine.loader import parse_bundle
from engine.sandbox_limits import ScriptLimit
from engine.scripting import SandboxEnvironment
from engine.scripting import make_script_engine
from tests.support.bpmn_snippets import one_lane
from tests.support.bpmn_snippets import process
from tests.support.bpmn_snippets import script_process
from workflows import build_registry

HOGS = ["x = 10**(10**7)", "x = 10**10**8", "x = pow(10, 10**7)", "x = 'a' * 10**9", "x = [0] * 10**8",
        "x = (1,) * 10**8", "x = 1 << 10**9", "x = list(range(10**9))", "x = 'a'.ljust(10**9)",
        "x = 'b'.center(10**9)", "x = '1'.zfill(10**9)", "x = '\\t'.expandtabs(10**9)",
        "x = '%0999999999d' % 1", "y = 'a'\ny *= 10**9", "y = 10**5000\nfor i in range(20):\n    y = y * y",
        "x = [('a' * 10**6) for i in range(10**5)]", "x = '{:>999999999}'.format(1)"]


@pytest.mark.parametrize("script", HOGS)
def test_a_huge_operation_is_refused_before_it_runs(script):
    with pytest.raises((ScriptLimit, ScriptRejected, NotImplementedError)):
        SandboxEnvironment().execute(script, {})


@pytest.mark.parametrize("script", ["x = f'{1:>999999999}'", "w = 9\nx = f'{1:>{w}}'"])
def test_huge_or_dynamic_format_widths_are_refused_at_compile(script):
    with pytest.raises(ScriptRejected):
        SandboxEnvironment().execute(script, {})


@pytest.mark.parametrize("script,expected", [("x = 2 ** 10 * 3", 3072), ("x = 'ab' * 3", "ababab"),
                                             ("x = pow(2, 10**9, 7)", 2), ("x = 'n=%d' % 5", "n=5"),
                                             ("x = 17 % 5", 2), ("x = len(list(range(1000)))", 1000),
                                             ("x = 'ab'.ljust(4, '-')", "ab--"), ("x = 1 << 20", 1 << 20)])
def test_ordinary_arithmetic_still_works(script, expected):
    data: dict = {}
    SandboxEnvironment().execute(script, data)
    assert data["x"] == expected


def test_a_hog_in_a_process_fails_naming_the_step():
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(script_process("x = 10**(10**7)"), filename="t.bpmn")
    wf = BpmnWorkflow(parser.get_spec("p"), parser.get_subprocess_specs("p"), script_engine=make_script_engine())
    with pytest.raises(Exception) as err:
        wf.do_engine_steps()
    assert "lũy thừa" in str(err.value) or "power" in str(err.value)


def _problems(doc: bytes):
    with pytest.raises(InvalidProcess) as err:
        parse_bundle({"p.bpmn": doc}, build_registry())
    return err.value.problems


def _user_with_loop(loop: str) -> bytes:
    body = ('<bpmn:startEvent id="s"/><bpmn:sequenceFlow id="a" sourceRef="s" targetRef="u"/>'
            f'<bpmn:userTask id="u" name="Việc"><bpmn:multiInstanceLoopCharacteristics isSequential="false">'
            f'{loop}</bpmn:multiInstanceLoopCharacteristics></bpmn:userTask>'
            '<bpmn:sequenceFlow id="b" sourceRef="u" targetRef="e"/><bpmn:endEvent id="e"/>')
    return process(body, lanes=one_lane(["s", "u", "e"]))


@pytest.mark.parametrize("loop", [
    "<bpmn:loopCardinality>__import__('os').getpid()</bpmn:loopCardinality>",
    "<bpmn:loopCardinality>2</bpmn:loopCardinality><bpmn:completionCondition>open('/etc/passwd')"
    "</bpmn:completionCondition>",
])
def test_loop_expressions_are_checked_at_upload(loop):
    assert any(eid == "u" for eid, _ in _problems(_user_with_loop(loop)))


def test_a_conditional_event_condition_is_checked_at_upload():
    body = ('<bpmn:startEvent id="s"/><bpmn:sequenceFlow id="a" sourceRef="s" targetRef="c"/>'
            '<bpmn:intermediateCatchEvent id="c"><bpmn:conditionalEventDefinition id="cd">'
            '<bpmn:condition>__import__("os").system("id")</bpmn:condition>'
            '</bpmn:conditionalEventDefinition></bpmn:intermediateCatchEvent>'
            '<bpmn:sequenceFlow id="b" sourceRef="c" targetRef="u"/><bpmn:userTask id="u" name="Việc"/>'
            '<bpmn:sequenceFlow id="d" sourceRef="u" targetRef="e"/><bpmn:endEvent id="e"/>')
    assert any(eid == "c" for eid, _ in _problems(process(body, lanes=one_lane(["s", "c", "u", "e"]))))


@pytest.mark.parametrize("condition", ["items.append(1) or False", "(n := 3) > 1", "d.update({'x': 1}) or True",
                                       "list.append(items, 2) or False"])
def test_conditions_cannot_change_case_data(condition):
    data = {"items": [], "d": {}}
    with pytest.raises(ScriptRejected):
        SandboxEnvironment().evaluate(condition, data)
    assert data == {"items": [], "d": {}}
    body = ('<bpmn:startEvent id="s"/><bpmn:sequenceFlow id="a" sourceRef="s" targetRef="g"/>'
            '<bpmn:exclusiveGateway id="g" default="no"/>'
            f'<bpmn:sequenceFlow id="yes" sourceRef="g" targetRef="u"><bpmn:conditionExpression>{condition}'
            '</bpmn:conditionExpression></bpmn:sequenceFlow><bpmn:sequenceFlow id="no" sourceRef="g" targetRef="u"/>'
            '<bpmn:userTask id="u" name="Việc"/><bpmn:sequenceFlow id="b" sourceRef="u" targetRef="e"/>'
            '<bpmn:endEvent id="e"/>')
    assert any(eid == "yes" for eid, _ in _problems(process(body, lanes=one_lane(["s", "g", "u", "e"]))))
