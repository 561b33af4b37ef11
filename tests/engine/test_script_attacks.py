"""Real attacks on the script sandbox (issue #18.7), run in a worker process of their own: huge integers,
deep recursion, big allocations, long loops, quadratic C calls, attribute walks, imports, files, sockets.
Each must be refused or stopped within seconds, the worker must live on and still run ordinary scripts, no
file may be written and no connection made. Code the in-process bounds cannot vouch for runs in a forked
child under RLIMIT_CPU/RLIMIT_AS/RLIMIT_FSIZE/RLIMIT_NOFILE (``engine.sandbox_os``)."""

import json
import os
import re
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from engine import sandbox_os
from engine.scripting import SandboxEnvironment

ROOT = Path(__file__).resolve().parents[2]

ATTACKS = [
    # huge integers
    "x = 10**10**10", "x = 9**9**9", "x = 2**(2**40)", "x = int('9' * 5000)", "x = 10**5000\ny = str(x)",
    "x = (10**30000) * (10**30000)", "x = pow(3, 2**99999, 2**9000 - 1)", "x = 7\nfor i in range(64):\n    x = x * x",
    "x = (1).to_bytes(10**10, 'big')",
    # deep recursion
    "def f(n):\n    return f(n + 1)\nx = f(0)",
    "x = []\nfor i in range(10**6):\n    x = [x]\ny = str(x)",
    "x = []\nfor i in range(10**6):\n    x = [x]\ny = x == x",
    # big allocations
    "x = 'x' * 10**10", "x = [0] * 10**9", "x = ['a'] * 10**5 * 10**5",
    "s = 'x' * 10**6\nfor i in range(40):\n    s = s + s",
    "l = [0] * 10**6\nfor i in range(40):\n    l.extend(l)",
    "l = [1]\nfor i in range(40):\n    l = [*l, *l]",
    "s = 'x' * 10**6\nx = s.replace('x', s)",
    "x = ('x' * 10**5).join(['y' * 10**5] * 10**5)",
    "x = '{:>{}}'.format('a', 10**10)", "x = '%*d' % (10**10, 1)", "x = '%s' % ([['x' * 10**6] * 10**5],)",
    "s = 'x' * 10**6\nl = [s] * 10**6\nx = str(l)",
    "s = 'x' * 10**6\nl = [s] * 10**6\nx = f'{l}'",
    "l = []\nwhile True:\n    l.append('x' * 10**6)",
    "l = []\nwhile True:\n    l.append(list(range(10**6)))",
    "s = 'x' * 10**6\nl = []\nwhile True:\n    l.append(s[:] + 'y')",
    "l = list(range(10**6))\nm = []\nwhile True:\n    m.append(l[:])",
    "x = {i: 'v' * 1000 for i in range(10**8)}",
    # long loops and quadratic C calls
    "while True:\n    pass", "for i in range(10**12):\n    pass", "x = sum([[0] * 10**4] * 10**4, [])",
    "x = sorted(sorted(range(10**6)) * 10**3)", "x = len([i for i in range(10**7) for j in range(10**7)])",
    "x = max(range(10**18))",
    # walking out of the sandbox
    "x = ().__class__.__bases__[0].__subclasses__()", "x = [].__class__.__mro__[1].__subclasses__()",
    "x = (lambda: 0).__globals__", "x = datetime.__module__",
    "def g():\n    yield g.gi_frame.f_back\nx = [f.f_globals for f in g()]",
    "import os\nos.system('touch MARKER')", "__import__('os').system('touch MARKER')",
    "x = open('MARKER', 'w').write('x')", "x = getattr(1, 'real')", "x = type(1)", "x = eval('1')",
    "x = exec('import os')", "x = globals()", "x = vars()", "x = compile('1', 'f', 'eval')",
    "class A:\n    pass\nx = A.mro()", "x = timedelta.__dict__", "x = str.format('{0.__class__}', 1)",
    "x = '{0.__class__.__base__}'.format(1)", "x = dict.__subclasses__", "x = ''.join.__self__",
    "import socket\nsocket.create_connection(('127.0.0.1', PORT))",
    "x = __builtins__['__import__']('socket')", "x = __builtins__", "x = datetime.now.__self__",
]

HARNESS = textwrap.dedent("""
    import json, os, resource, sys, time
    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))   # the harness's own net: never the machine
    from engine.scripting import SandboxEnvironment
    env = SandboxEnvironment(helpers={"now_iso": lambda: "2026-11-20T22:00:00+07:00"})
    for line in sys.stdin:
        script = json.loads(line)
        began = time.monotonic()
        data = {}
        try:
            env.execute(script, data)
            outcome = "ran: " + ", ".join(sorted(k for k in data))
        except BaseException as exc:
            outcome = "refused: " + type(exc).__name__ + ": " + str(exc)[:200]
        print(json.dumps({"script": script, "outcome": outcome, "seconds": time.monotonic() - began}), flush=True)
    data = {"a": 2}
    env.execute("b = a * 21", data)
    print(json.dumps({"after": data.get("b"), "pid": os.getpid()}), flush=True)
""")


def test_attacks_are_refused_quickly_and_the_worker_lives_on(tmp_path):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.settimeout(0.1)
    port = listener.getsockname()[1]
    scripts = [a.replace("PORT", str(port)) for a in ATTACKS]
    proc = subprocess.run([sys.executable, "-c", HARNESS], input="".join(json.dumps(s) + "\n" for s in scripts),
                          capture_output=True, text=True, cwd=tmp_path, timeout=400,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    lines = [json.loads(x) for x in proc.stdout.splitlines() if x.startswith("{")]
    results = [x for x in lines if "script" in x]
    assert len(results) == len(scripts), (proc.stdout[-2000:], proc.stderr[-3000:])
    ran = [r for r in results if r["outcome"].startswith("ran")]
    assert ran == [], ran
    slow = [(r["script"], round(r["seconds"], 1)) for r in results if r["seconds"] > 4.0]
    assert slow == [], slow
    assert lines[-1]["after"] == 42                         # the same worker still runs ordinary scripts
    assert not (tmp_path / "MARKER").exists()
    with pytest.raises(OSError):
        listener.accept()                                   # nothing connected
    listener.close()


def test_ordinary_scripts_run_in_a_limited_child_when_the_bounds_cannot_vouch_for_them():
    data: dict = {"n": 4}
    SandboxEnvironment().execute("def sq(v):\n    return v * v\nm = sq(n)\nlabel = f'{m} trẻ'", data)
    assert data == {"n": 4, "m": 16, "label": "16 trẻ"}
    assert SandboxEnvironment().evaluate("str(n) + '!'", {"n": 3}) == "3!"
    with pytest.raises(NameError):
        SandboxEnvironment().execute("def f():\n    return missing\nx = f()", {})


def _expressions():
    """Every script and condition of the installed procedures' BPMN files."""
    found = []
    for path in sorted((ROOT / "bpmn").glob("*.bpmn")):
        text = path.read_text(encoding="utf-8")
        for tag, mode in (("script", "exec"), ("conditionExpression", "eval"), ("preScript", "exec"),
                          ("postScript", "exec")):
            for body in re.findall(rf"<(?:bpmn|spiffworkflow):{tag}(?:\s[^>]*)?>(.*?)</(?:bpmn|spiffworkflow):{tag}>",
                                   text, re.S):
                source = (body.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
                          .replace("&amp;", "&"))
                found.append((path.name, source.strip() if mode == "eval" else source, mode))
    return found


def test_every_expression_of_the_installed_procedures_runs_in_process():
    """The hot path pays no fork: each is made only of what the in-process bounds vouch for."""
    import textwrap as tw

    expressions = _expressions()
    assert len(expressions) > 30
    trusted = frozenset({"now_iso", "due", "datetime", "timedelta"})
    outside = [(f, s) for f, s, mode in expressions if not sandbox_os.bounded(tw.dedent(s), mode, trusted)]
    assert outside == []


@pytest.mark.parametrize("source,mode,expected", [
    ("a + b", "eval", True), ("x = sum(v)", "exec", True), ("x = sum(v, [])", "exec", False),
    ("x = str(v)", "exec", False), ("x = f'{v}'", "exec", False), ("x = v.replace('a', 'b')", "exec", True),
    ("x = v.extend(w)", "exec", False), ("len = v.pop\nx = len()", "exec", False), ("x = [*v]", "exec", False),
    ("x = (lambda: 1)()", "exec", False), ("x = due('plan')", "exec", True), ("x = v.now()", "exec", False)])
def test_what_runs_in_process_and_what_in_a_child(source, mode, expected):
    assert sandbox_os.bounded(source, mode, frozenset({"due"})) is expected
