"""The script sandbox at run time (the attacks of spiffproto/checks/scripts_sandbox.py must fail)."""

import time

import pytest
from RestrictedPython import compile_restricted
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from engine.errors import ScriptRejected
from engine.scripting import SandboxEnvironment
from engine.scripting import compile_checked
from engine.scripting import make_script_engine
from tests.support.bpmn_snippets import script_process


def run_script(script: str):
    parser = SpiffBpmnParser()
    parser.add_bpmn_str(script_process(script), filename="t.bpmn")
    wf = BpmnWorkflow(parser.get_spec("p"), parser.get_subprocess_specs("p"), script_engine=make_script_engine())
    wf.do_engine_steps()
    return wf


@pytest.mark.parametrize("attack", [
    "import os\npid = os.getpid()",
    'pid = __import__("os").getpid()',
    'txt = open("/etc/hostname").read()',
    "n = len(().__class__.__base__.__subclasses__())",
    "g = (lambda: 0).__globals__",
    "x = getattr(1, '__class__')",
])
def test_attacks_fail(attack):
    with pytest.raises(Exception) as err:
        run_script(attack)
    assert "sandbox" in str(err.value) or "not allowed" in str(err.value) or "Error" in type(err.value).__name__


def test_second_layer_restricted_python_refuses_dunder_access():
    # defence in depth: even if the static policy missed it, RestrictedPython refuses to compile it
    with pytest.raises(SyntaxError):
        compile_restricted("n = ().__class__", "<bpmn-script>", "exec")


def test_script_helpers_cannot_be_overwritten_by_task_data():
    env = SandboxEnvironment(helpers={"now_iso": lambda: "x"})
    with pytest.raises(ValueError):
        env.execute("y = 1", {"now_iso": "shadow"})


def test_plain_arithmetic_runs():
    wf = run_script("score = 2 + 3\nitems = [i * 2 for i in range(3)]")
    task = [t for t in wf.get_tasks() if t.task_spec.name == "u"][0]
    assert task.data["score"] == 5 and task.data["items"] == [0, 2, 4]


def test_infinite_loop_is_stopped():
    start = time.monotonic()
    with pytest.raises(Exception) as err:
        run_script("i = 0\nwhile True:\n    i = i + 1")
    assert "longer than" in str(err.value)
    assert time.monotonic() - start < 10


def test_rejections_are_clear():
    with pytest.raises(ScriptRejected, match="import"):
        compile_checked("import os", "exec")
    with pytest.raises(ScriptRejected, match="syntax"):
        compile_checked("x = = 1", "exec")
