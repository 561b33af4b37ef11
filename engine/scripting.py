"""The sandbox every BPMN script, condition and timer expression runs in.

SpiffWorkflow evaluates them with plain ``eval``/``exec`` (SPIFF_NOTES §3, P5). We compile them
with RestrictedPython (no imports, no dunder or private attribute access, guarded item and
attribute writes), hand them only whitelisted builtins and engine helpers, and stop any script
that uses more than ``time_limit`` seconds of CPU (a trace hook on the script's own frames; the thread's CPU
time, so that a busy machine, which slows every process, does not stop a script that does little). Single operations are
bounded by ``engine.sandbox_limits``; code made of anything those bounds cannot vouch for runs in a forked
child under the operating system's CPU, memory, file and descriptor limits (``engine.sandbox_os``).
"""

from __future__ import annotations

import ast
import datetime as dt
import sys
import time
import warnings
from functools import lru_cache
from typing import Any
from typing import Callable
from typing import Literal

from RestrictedPython import compile_restricted
from RestrictedPython import safe_globals
from RestrictedPython.Eval import default_guarded_getiter
from RestrictedPython.Guards import full_write_guard
from RestrictedPython.Guards import guarded_iter_unpack_sequence
from RestrictedPython.Guards import guarded_unpack_sequence
from RestrictedPython.Guards import safer_getattr
from RestrictedPython.PrintCollector import PrintCollector
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine import TaskDataEnvironment

from engine import sandbox_limits
from engine import sandbox_os
from engine.errors import ScriptRejected

SCRIPT_TIME_LIMIT = 1.0
_SAFE_BUILTIN_EXTRAS = {"min": min, "max": max, "sum": sum, "any": any, "all": all, "len": len,
                        "sorted": sorted, "enumerate": enumerate, "dict": dict, "list": list,
                        "set": set, "round": round, "abs": abs}


class ScriptTimeout(Exception):
    pass


FORBIDDEN_NAMES = {"open", "exec", "eval", "compile", "globals", "locals", "vars", "getattr", "setattr",
                   "delattr", "__import__", "breakpoint", "input", "help", "memoryview", "type", "super", "object"}


# methods that change a list, dict or set in place: refused in conditions and other expressions, which must
# only read the case data (a gateway condition that appends to a list would change the case as it is read)
MUTATORS = {"append", "extend", "insert", "pop", "remove", "clear", "update", "setdefault", "popitem", "add",
            "discard", "sort", "reverse", "difference_update", "intersection_update",
            "symmetric_difference_update"}


def _static_policy(source: str, mode: Literal["exec", "eval"]) -> None:
    """Reject imports and dangerous names before compiling: a clear message naming what was refused."""
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError as exc:
        raise ScriptRejected(f"lỗi cú pháp / syntax error: {exc.msg} (line {exc.lineno})") from None
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            raise ScriptRejected("kịch bản không được import mô-đun (không được đọc tệp, mạng hay hệ thống); hãy dùng "
                                 "các hàm có sẵn như date, datetime, timedelta, due / script rejected by the sandbox: "
                                 "import is not allowed (no files, network or system); use the built-in date, "
                                 "datetime, timedelta, due")
        if isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            raise ScriptRejected(f"kịch bản không được dùng '{node.id}' (có thể đọc tệp hoặc chạy mã tùy ý) / script "
                                 f"rejected by the sandbox: '{node.id}' is not allowed")
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            raise ScriptRejected(f"kịch bản không được dùng thuộc tính ẩn '{node.attr}' / script rejected by the "
                                 f"sandbox: attribute '{node.attr}' is not allowed")
        if isinstance(node, (ast.Global, ast.Nonlocal, ast.AsyncFunctionDef, ast.Await)):
            raise ScriptRejected(f"kịch bản không được dùng câu lệnh {type(node).__name__} / script rejected by the "
                                 f"sandbox: {type(node).__name__} is not allowed")
        if mode == "eval" and isinstance(node, ast.NamedExpr):
            raise ScriptRejected("một điều kiện không được gán biến / a condition cannot assign (:=)")
        if mode == "eval" and isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in MUTATORS:
            raise ScriptRejected(f"một điều kiện không được thay đổi dữ liệu hồ sơ / a condition cannot change "
                                 f"case data ('.{node.func.attr}(...)')")


@lru_cache(maxsize=4096)
def compile_checked(source: str, mode: Literal["exec", "eval"]):
    """Compile under RestrictedPython's policy; a rejected construct raises ``ScriptRejected``."""
    _static_policy(source, mode)
    try:
        with warnings.catch_warnings():   # "Prints, but never reads 'printed'": print() is meant to show nothing
            warnings.simplefilter("ignore", SyntaxWarning)
            return compile_restricted(source, "<bpmn-script>", mode, policy=sandbox_limits.BoundedTransformer)
    except SyntaxError as exc:
        # RestrictedPython reports policy violations as SyntaxError with lineno None (SPIFF_NOTES §3)
        raise ScriptRejected(f"script rejected by the sandbox: {exc.msg if hasattr(exc, 'msg') else exc}") from None


def _base_globals(extra: dict[str, Any]) -> dict[str, Any]:
    g: dict[str, Any] = dict(safe_globals)
    g["__builtins__"] = dict(safe_globals["__builtins__"], **_SAFE_BUILTIN_EXTRAS)
    g["__builtins__"].update(sandbox_limits.CHARGED_BUILTINS, range=sandbox_limits.bounded_range,
                             pow=sandbox_limits.bounded_pow)
    g.update({"_getattr_": _getattr, "_getitem_": sandbox_limits.getitem,
              "_getiter_": default_guarded_getiter, "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
              "_unpack_sequence_": guarded_unpack_sequence, "_write_": full_write_guard,
              "_inplacevar_": sandbox_limits.inplace, "_binop_": sandbox_limits.binop,
              "_modulo_": sandbox_limits.modulo,
              # print() writes into RestrictedPython's collector, read by nobody: the script runs as drawn and
              # nothing of the case reaches a log (validation warns: engine.bpmn_accept.print_warnings)
              "_print_": PrintCollector})
    g.update(extra)
    return g


def _getattr(obj, name, default=None):
    return sandbox_limits.guard_attribute(obj, name, safer_getattr(obj, name, default))


def _run_limited(fn: Callable[[], Any], limit: float) -> Any:
    deadline = time.thread_time() + limit

    def tracer(frame, event, arg):
        if frame.f_code.co_filename != "<bpmn-script>":
            return None
        if time.thread_time() > deadline:
            raise ScriptTimeout(f"script ran longer than {limit:g} s and was stopped")
        return tracer

    previous = sys.gettrace()
    sandbox_limits.start_budget()
    sys.settrace(tracer)
    try:
        return fn()
    finally:
        sys.settrace(previous)


class SandboxEnvironment(TaskDataEnvironment):
    """A TaskDataEnvironment that compiles with RestrictedPython and time-limits every script.

    ``context_helpers`` are factories called with the task data; the functions they return can see
    that data (``due("plan_drafting")`` reads the rule's start field from the task).
    """

    def __init__(self, helpers: dict[str, Any] | None = None,
                 context_helpers: dict[str, Callable[[dict], Callable]] | None = None,
                 time_limit: float = SCRIPT_TIME_LIMIT):
        base = {"datetime": dt.datetime, "timedelta": dt.timedelta}
        base.update(helpers or {})
        super().__init__(_base_globals(base))
        self.context_helpers = context_helpers or {}
        self.time_limit = time_limit
        self.trusted = frozenset(base) | frozenset(self.context_helpers)   # the engine's helpers: callable
        self.isolate = sandbox_os.can_fork()

    def _bound(self, context: dict) -> dict:
        return {name: factory(context) for name, factory in self.context_helpers.items()}

    def _in_process(self, source: str, mode: Literal["exec", "eval"], extra: dict) -> bool:
        """Whether the in-process bounds vouch for ``source`` (else it runs in a limited child process)."""
        trusted = self.trusted if not extra else self.trusted | frozenset(extra)
        return not self.isolate or sandbox_os.bounded(source, mode, trusted)

    def evaluate(self, expression, context, external_context=None):
        source = expression.strip()
        code = compile_checked(source, "eval")
        extra = dict(external_context or {})
        extra.update(self._bound(context))

        def run():
            return _run_limited(lambda: super(SandboxEnvironment, self).evaluate(code, context, extra),
                                self.time_limit)
        if self._in_process(source, "eval", dict(external_context or {})):
            return run()
        return sandbox_os.run_isolated(run, context, self.time_limit, returns_context=False)

    def execute(self, script, context, external_context=None):
        code = compile_checked(script, "exec")
        extra = dict(external_context or {})
        extra.update(self._bound(context))

        def run():
            return _run_limited(lambda: super(SandboxEnvironment, self).execute(code, context, extra),
                                self.time_limit)
        if self._in_process(script, "exec", dict(external_context or {})):
            return run()
        return sandbox_os.run_isolated(run, context, self.time_limit, returns_context=True)


def make_script_engine(helpers=None, context_helpers=None) -> PythonScriptEngine:
    return PythonScriptEngine(environment=SandboxEnvironment(helpers, context_helpers))
