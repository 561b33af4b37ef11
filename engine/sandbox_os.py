"""Scripts the in-process bounds cannot vouch for run in a forked child under the operating system's limits.

The in-process sandbox (``engine.scripting``, ``engine.sandbox_limits``) stops a script between Python steps
and bounds the operations it routes; it cannot stop one long C call it does not know (``sum`` of lists,
``str.join`` or ``str.replace`` of big strings, ``repr`` of a big structure, modular ``pow``…). So every
expression and script is sorted once, when compiled:

- **bounded**: only the constructs whose every step the sandbox bounds — names, constants, comparisons,
  boolean and arithmetic operators (``+ * ** << %`` routed through the bounds, what they build charged to
  the run's budget), literals without unpacking, subscripts, ``if``/``for``/``while``/``try``,
  comprehensions, and calls of the builtins and methods of ``CALLS``/``METHODS`` or of the engine's own
  helpers (never a name the script assigns). Such code runs in the worker, as fast as before. Every
  expression of the installed procedures is of this kind.
- **isolated**: anything else (a function or class defined in the script, an f-string, ``str``/``repr``,
  a method not listed, unpacking, ``sum`` with a start…) runs in a ``fork`` of the worker with
  ``RLIMIT_CPU`` (the time limit, whole seconds, rounded up), ``RLIMIT_AS`` (the worker's address space plus
  ``BVTE_SCRIPT_MEMORY_MB``, default 256), ``RLIMIT_FSIZE`` 0 (no file can be written), ``RLIMIT_NOFILE`` 0
  (no file or socket can be opened) and ``RLIMIT_CORE`` 0; the worker waits at most the time limit plus one
  second, then kills it. What the child returns (a value, or the task data an ``exec`` left) comes back
  pickled and is read with an unpickler that builds only plain data types. A fork costs a few
  milliseconds, paid only by such scripts.

Where ``fork`` is unavailable (not POSIX) isolated code runs in-process with the in-process bounds only.
"""

from __future__ import annotations

import ast
import builtins
import datetime as dt
import io
import os
import pickle
import select
import signal
import time
from functools import lru_cache
from typing import Any
from typing import Callable

# builtins whose cost is bounded by their (bounded) input; list/set/dict/tuple/sorted are charged
CALLS = frozenset({"len", "bool", "int", "float", "abs", "round", "min", "max", "any", "all", "isinstance",
                   "sorted", "list", "set", "dict", "tuple", "range", "enumerate", "zip", "divmod", "chr",
                   "ord", "pow", "sum"})
# methods of str, list, dict, datetime whose output is at most their input (the allocating ones charged)
METHODS = frozenset({"get", "keys", "values", "items", "startswith", "endswith", "lower", "upper", "strip",
                     "lstrip", "rstrip", "split", "count", "find", "index", "isoformat", "date", "weekday",
                     "isoweekday", "total_seconds", "append", "isdigit", "isalpha", "isalnum", "casefold",
                     "title", "capitalize", "copy", "ljust", "rjust", "center", "zfill", "replace", "join",
                     "astimezone", "timestamp"})
_NODES = (ast.Module, ast.Expression, ast.Expr, ast.Assign, ast.AugAssign, ast.If, ast.For, ast.While,
          ast.Break, ast.Continue, ast.Pass, ast.Name, ast.Load, ast.Store, ast.Del, ast.Delete, ast.Constant,
          ast.BoolOp, ast.And, ast.Or, ast.BinOp, ast.UnaryOp, ast.Not, ast.USub, ast.UAdd, ast.Invert,
          ast.Compare, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn, ast.Is,
          ast.IsNot, ast.IfExp, ast.Attribute, ast.Subscript, ast.Slice, ast.List, ast.Tuple, ast.Set,
          ast.Dict, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.comprehension, ast.Call,
          ast.keyword, ast.Try, ast.ExceptHandler, ast.Raise, ast.Add, ast.Sub, ast.Mult, ast.Div,
          ast.FloorDiv, ast.Mod, ast.Pow, ast.LShift, ast.RShift, ast.BitAnd, ast.BitOr, ast.BitXor)
SCRIPT_MEMORY_MB = 256


@lru_cache(maxsize=4096)
def bounded(source: str, mode: str, trusted: frozenset[str]) -> bool:
    """True when every step of ``source`` is bounded in-process (see the module's docstring); ``trusted``:
    the engine's helper names, which the script may call."""
    tree = ast.parse(source, mode=mode)
    assigned = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    callable_names = (CALLS | trusted) - assigned
    for node in ast.walk(tree):
        if not isinstance(node, _NODES):
            return False
        if isinstance(node, ast.Call):
            if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
                return False
            func = node.func
            if isinstance(func, ast.Name):
                if func.id not in callable_names or (func.id == "sum" and len(node.args) + len(node.keywords) > 1):
                    return False
            elif not (isinstance(func, ast.Attribute) and func.attr in METHODS):
                return False
        elif isinstance(node, (ast.List, ast.Tuple, ast.Set)) and any(isinstance(e, ast.Starred) for e in node.elts):
            return False
        elif isinstance(node, ast.Dict) and any(k is None for k in node.keys):
            return False
    return True


def can_fork() -> bool:
    return hasattr(os, "fork") and os.name == "posix"


def _address_space() -> int:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _child_limits(limit: float) -> None:
    import resource

    cpu = int(limit) + 1
    memory = int(os.environ.get("BVTE_SCRIPT_MEMORY_MB") or SCRIPT_MEMORY_MB) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    space = _address_space()
    if space:
        resource.setrlimit(resource.RLIMIT_AS, (space + memory, space + memory))
    resource.setrlimit(resource.RLIMIT_NOFILE, (0, 0))
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGALRM, signal.SIGCHLD):
        signal.signal(sig, signal.SIG_DFL)


_PLAIN = {("builtins", n) for n in ("set", "frozenset", "list", "dict", "tuple", "bytes", "bytearray",
                                     "complex", "range", "slice")}
_PLAIN |= {("datetime", n) for n in ("datetime", "date", "time", "timedelta", "timezone")}


class _PlainUnpickler(pickle.Unpickler):
    """Builds plain data only: what a script's child returns cannot make the worker run anything."""

    def find_class(self, module, name):
        if (module, name) in _PLAIN:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not plain data")


def _loads(data: bytes) -> Any:
    return _PlainUnpickler(io.BytesIO(data)).load()


class IsolatedError(Exception):
    """What the child reported, raised in the worker as an exception of the same builtin type."""


def _rebuild(kind: str, message: str) -> BaseException:
    from engine.sandbox_limits import ScriptLimit
    from engine.scripting import ScriptTimeout

    if kind == "ScriptTimeout":
        return ScriptTimeout(message)
    if kind in ("ScriptLimit", "MemoryError", "RecursionError"):
        return ScriptLimit(message if kind == "ScriptLimit" else
                           f"kịch bản dùng quá nhiều bộ nhớ / script exceeded its limits ({kind})")
    found = getattr(builtins, kind, None)
    if isinstance(found, type) and issubclass(found, Exception) and found not in (SystemExit,):
        try:
            return found(message)
        except Exception:   # noqa: BLE001  (an exception type that wants other arguments)
            pass
    return IsolatedError(f"{kind}: {message}")


def run_isolated(fn: Callable[[], Any], context: dict, limit: float, *, returns_context: bool) -> Any:
    """Run ``fn`` in a forked child under the OS limits; its value (and, with ``returns_context``, the
    ``context`` it left) comes back to the worker. Raises what the child raised, ``ScriptTimeout`` when it
    ran out of time and ``ScriptLimit`` when the OS stopped it."""
    from engine.sandbox_limits import ScriptLimit
    from engine.scripting import ScriptTimeout

    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:   # the child: never returns
        code = 0
        try:
            os.close(read_end)
            _child_limits(limit)
            try:
                value = fn()
                payload = pickle.dumps(("ok", value, dict(context) if returns_context else None), protocol=5)
            except BaseException as exc:   # noqa: BLE001  (reported to the worker, whatever it is)
                payload = pickle.dumps(("error", type(exc).__name__, str(exc)[:2000]), protocol=5)
            view = memoryview(payload)
            while view:
                view = view[os.write(write_end, view):]
        except BaseException:   # noqa: BLE001
            code = 70
        finally:
            os._exit(code)
    os.close(write_end)
    chunks: list[bytes] = []
    deadline = time.monotonic() + limit + 1.0
    timed_out = False
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([read_end], [], [], left)[0]:
                timed_out = True
                break
            chunk = os.read(read_end, 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_end)
        if timed_out:
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    if timed_out:
        raise ScriptTimeout(f"script ran longer than {limit:g} s and was stopped")
    if os.WIFSIGNALED(status) or not chunks:
        sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
        if sig == signal.SIGXCPU:
            raise ScriptTimeout(f"script used more than {limit:g} s of CPU and was stopped")
        raise ScriptLimit("kịch bản bị hệ điều hành dừng / script stopped by the operating system's limits")
    try:
        kind, first, second = _loads(b"".join(chunks))
    except Exception as exc:   # noqa: BLE001  (not plain data)
        raise ScriptLimit(f"kết quả kịch bản không hợp lệ / a script's result must be plain data ({exc})") from None
    if kind == "error":
        raise _rebuild(first, second)
    if returns_context and isinstance(second, dict):
        context.clear()
        context.update(second)
    return first


_ = dt   # datetime values are among the plain data a child may return
