"""Bounds on what one script operation may build, so a BPMN script cannot hog the CPU or the memory.

The sandbox's time limit (``engine.scripting``) stops a script between Python steps; it cannot stop one C
operation. ``10**(10**7)`` (seconds of big-integer work) or ``'a' * 10**9`` (a gigabyte) are single
operations, so they are checked before they run:

- ``**``, ``*``, ``<<`` and their in-place forms go through ``binop`` (the compiled script calls it): an
  integer result over ``MAX_INT_BITS`` bits, or a string, list or tuple over ``MAX_ITEMS`` items, is refused;
- ``range`` and the string methods that pad (``ljust``, ``rjust``, ``center``, ``zfill``, ``expandtabs``)
  are bounded the same way; ``pow`` with three arguments (modular) is allowed, otherwise as ``**``;
- format widths (``%`` formatting, ``str.format`` and f-strings) over six digits, widths given by ``*`` or by a
  nested field, and ``%`` formatting of anything but numbers and strings are refused;
- ``+`` of strings, lists or tuples, ``join``, ``replace``, ``extend`` and ``int.to_bytes`` are bounded the same
  way; the copying builtins (``list``, ``set``, ``dict``, ``tuple``, ``sorted``), slices and copying methods
  (``lower``, ``split``…) are charged to the budget below;
- what those operations build in one script run is also summed (``BUDGET`` items): a loop that builds a
  megabyte a turn is stopped long before its second is up.
A refused operation raises ``ScriptLimit`` with a sentence naming it.
"""

from __future__ import annotations

import ast
import math
import re
import threading
from typing import Any

from RestrictedPython import RestrictingNodeTransformer

MAX_INT_BITS = 100_000        # about 30,000 decimal digits
MAX_ITEMS = 1_000_000         # characters of a string, items of a list or a range
_WIDE = re.compile(r"\d{7,}")
_OPS = {ast.Pow: "**", ast.Mult: "*", ast.LShift: "<<", ast.Add: "+"}
PADDING = {"ljust", "rjust", "center", "zfill", "expandtabs"}
BUDGET = 20_000_000           # items built by the bounded operations in one script run
_spent = threading.local()


def start_budget() -> None:
    _spent.items = 0


def _charge(items: int) -> None:
    total = getattr(_spent, "items", 0) + items
    _spent.items = total
    if total > BUDGET:
        raise ScriptLimit(f"kịch bản tạo quá nhiều dữ liệu / script built more than {BUDGET:,} items")


class ScriptLimit(ArithmeticError):
    pass


def _bits(value: int) -> int:
    return abs(value).bit_length()


def _sized(value: Any) -> bool:
    return isinstance(value, (str, bytes, list, tuple))


def binop(op: str, a: Any, b: Any) -> Any:
    if op == "**":
        if isinstance(a, int) and isinstance(b, int) and b > 0 and abs(a) > 1 \
                and b * math.log2(abs(a)) > MAX_INT_BITS:
            raise ScriptLimit(f"phép lũy thừa quá lớn / power too large for a script ({a}**{b})")
        result = a ** b
        if isinstance(result, int):
            _charge(_bits(result) // 8)
        return result
    if op == "*":
        for seq, n in ((a, b), (b, a)):
            if _sized(seq) and isinstance(n, int) and len(seq) * n > MAX_ITEMS:
                raise ScriptLimit(f"chuỗi/danh sách quá dài / sequence repeated beyond {MAX_ITEMS:,} items")
        if isinstance(a, int) and isinstance(b, int) and _bits(a) + _bits(b) > MAX_INT_BITS:
            raise ScriptLimit("phép nhân quá lớn / product too large for a script")
        result = a * b
        if _sized(result):
            _charge(len(result))
        return result
    if op == "<<":
        if isinstance(a, int) and isinstance(b, int) and _bits(a) + b > MAX_INT_BITS:
            raise ScriptLimit("phép dịch bit quá lớn / shift too large for a script")
        return a << b
    if op == "+":
        if _sized(a) and _sized(b):
            if len(a) + len(b) > MAX_ITEMS:
                raise ScriptLimit(f"chuỗi/danh sách quá dài / concatenation beyond {MAX_ITEMS:,} items")
            _charge(len(a) + len(b))
        return a + b
    raise ScriptLimit(f"phép toán không được phép / operator {op} not allowed")


_SCALAR = (int, float, bool, type(None))


def modulo(a: Any, b: Any) -> Any:
    if isinstance(a, str):
        if _WIDE.search(a) or "*" in a:
            raise ScriptLimit("độ rộng định dạng quá lớn / format width too large (or given by '*')")
        values = b.values() if isinstance(b, dict) else b if isinstance(b, tuple) else (b,)
        for value in values:   # formatting a list or dict writes all of it: only plain values
            if not isinstance(value, (*_SCALAR, str)):
                raise ScriptLimit("chỉ định dạng được số và chuỗi / only numbers and strings can be formatted")
        result = a % b
        _charge(len(result))
        return result
    return a % b


def bounded_range(*args: int) -> range:
    r = range(*args)
    if len(r) > MAX_ITEMS:
        raise ScriptLimit(f"range quá dài / range beyond {MAX_ITEMS:,} items")
    _charge(len(r))
    return r


def bounded_pow(base, exp, mod=None):
    if mod is not None:
        if isinstance(exp, int) and isinstance(mod, int) and (_bits(exp) > MAX_INT_BITS or _bits(mod) > 4096):
            raise ScriptLimit("phép lũy thừa modulo quá lớn / modular power too large for a script")
        return pow(base, exp, mod)
    return binop("**", base, exp)


def _charged(make):
    def build(*args, **kwargs):
        result = make(*args, **kwargs)
        _charge(len(result))
        return result
    build.__name__ = make.__name__
    return build


# the builtins that copy what they are given, charged to the run's budget
CHARGED_BUILTINS = {f.__name__: _charged(f) for f in (list, set, dict, tuple, sorted)}


def getitem(obj: Any, index: Any) -> Any:
    """``obj[index]``; a slice's copy is charged to the run's budget."""
    result = obj[index]
    if isinstance(index, slice) and _sized(result):
        _charge(len(result))
    return result


# methods of strings and lists that build a copy of at most their own size: charged
_COPYING = {"lower", "upper", "strip", "lstrip", "rstrip", "split", "title", "capitalize", "casefold", "copy",
            "rsplit", "splitlines", "swapcase"}


def guard_attribute(obj: Any, name: str, value: Any) -> Any:
    """Wrap the padding, joining and replacing methods of strings, and ``str.format``, with the item and
    width bounds; charge the copying methods to the run's budget."""
    if isinstance(obj, (str, bytes)) and name == "join":
        def joined(parts):
            parts = list(parts)
            size = len(obj) * max(len(parts) - 1, 0) + sum(len(p) for p in parts if _sized(p))
            if size > MAX_ITEMS:
                raise ScriptLimit(f"chuỗi quá dài / join() beyond {MAX_ITEMS:,} characters")
            _charge(size)
            return value(parts)
        return joined
    if isinstance(obj, (str, bytes)) and name == "replace":
        def replaced(old, new, count=-1):
            hits = obj.count(old) if count < 0 else min(count, obj.count(old))
            if _sized(old) and _sized(new) and len(obj) + hits * (len(new) - len(old)) > MAX_ITEMS:
                raise ScriptLimit(f"chuỗi quá dài / replace() beyond {MAX_ITEMS:,} characters")
            result = value(old, new, count)
            _charge(len(result))
            return result
        return replaced
    if isinstance(obj, int) and name == "to_bytes":
        def to_bytes(length=1, *args, **kwargs):
            if isinstance(length, int) and length > MAX_ITEMS:
                raise ScriptLimit(f"quá dài / to_bytes() beyond {MAX_ITEMS:,} bytes")
            return value(length, *args, **kwargs)
        return to_bytes
    if name in _COPYING and _sized(obj):
        return _charged(value)
    if isinstance(obj, list) and name == "extend":
        def extended(items):
            items = list(items)
            if len(obj) + len(items) > MAX_ITEMS:
                raise ScriptLimit(f"danh sách quá dài / list beyond {MAX_ITEMS:,} items")
            _charge(len(items))
            return value(items)
        return extended
    if isinstance(obj, str) and name in ("format", "format_map") and re.search(r"\{[^{}]*:[^{}]*\{", obj):
        raise ScriptLimit("độ rộng định dạng lồng nhau không được phép / nested format fields are not allowed")
    if isinstance(obj, str) and name in PADDING:
        def padded(*args, **kwargs):
            width = args[0] if args else kwargs.get("width", kwargs.get("tabsize", 0))
            if isinstance(width, int) and (len(obj) * width if name == "expandtabs" else width) > MAX_ITEMS:
                raise ScriptLimit(f"chuỗi quá dài / {name}() beyond {MAX_ITEMS:,} characters")
            result = value(*args, **kwargs)
            _charge(len(result))
            return result
        return padded
    if isinstance(obj, str) and name in ("format", "format_map") and _WIDE.search(obj):
        raise ScriptLimit("độ rộng định dạng quá lớn / format width too large")
    return value


def _call(name: str, args: list, where: ast.AST) -> ast.Call:
    call = ast.copy_location(ast.Call(func=ast.Name(name, ast.Load()), args=args, keywords=[]), where)
    return ast.fix_missing_locations(call)


class BoundedTransformer(RestrictingNodeTransformer):
    """RestrictedPython's policy, with ``**``, ``*``, ``<<`` and ``%`` routed through the bounds above and
    f-string widths checked."""

    def visit_BinOp(self, node: ast.BinOp):  # noqa: N802  (ast.NodeTransformer naming)
        node = self.node_contents_visit(node)
        name = _OPS.get(type(node.op))
        if name is not None:
            return _call("_binop_", [ast.Constant(name), node.left, node.right], node)
        if isinstance(node.op, ast.Mod):
            return _call("_modulo_", [node.left, node.right], node)
        return node

    def visit_FormattedValue(self, node: ast.FormattedValue):  # noqa: N802
        spec = node.format_spec
        if spec is not None:
            parts = spec.values if isinstance(spec, ast.JoinedStr) else [spec]
            for part in parts:
                if not isinstance(part, ast.Constant):
                    self.error(node, "f-string với định dạng động không được phép / dynamic format spec")
                elif _WIDE.search(str(part.value)):
                    self.error(node, "độ rộng định dạng quá lớn / format width too large")
        return self.node_contents_visit(node)


def inplace(op: str, x: Any, y: Any) -> Any:
    if op in ("*=", "**=", "<<="):
        return binop(op[:-1], x, y)
    if op == "%=":
        return modulo(x, y)
    ops = {"+=": lambda a, b: a + b, "-=": lambda a, b: a - b, "/=": lambda a, b: a / b,
           "//=": lambda a, b: a // b}
    if op not in ops:
        raise ScriptLimit(f"operator {op} is not allowed in scripts")
    if op == "+=" and _sized(x) and _sized(y) and len(x) + len(y) > MAX_ITEMS:
        raise ScriptLimit(f"chuỗi/danh sách quá dài / beyond {MAX_ITEMS:,} items")
    result = ops[op](x, y)
    if _sized(result):
        _charge(len(result))
    return result
