"""Camunda's expression languages recognised where BVTE reads Python, with the Python to write instead (#19 item 5).

Camunda 7 writes conditions as JUEL (``${approved && amount > 100}``), Camunda 8 and DMN tables as FEEL
(``= amount > 100``, ``status = "open"``, ``[1..5]``, ``"a","b"``, ``not("x")``). SpiffWorkflow evaluates
every expression as Python, so such a text either does not compile or, worse, means something else. Nothing
here rewrites a diagram: these functions only suggest, for the message that names the element.
"""

from __future__ import annotations

import ast
import re

_JUEL = re.compile(r"^\s*[$#]\{(.*)\}\s*$", re.S)
_JUEL_WORDS = [(r"&&", " and "), (r"\|\|", " or "), (r"!(?!=)", " not "), (r"\beq\b", "=="), (r"\bne\b", "!="),
               (r"\bgt\b", ">"), (r"\bge\b", ">="), (r"\blt\b", "<"), (r"\ble\b", "<="), (r"\btrue\b", "True"),
               (r"\bfalse\b", "False"), (r"\bnull\b", "None"), (r"\bempty\s+(\w+)", r"not \1")]
_LITERALS = [(r"\btrue\b", "True"), (r"\bfalse\b", "False"), (r"\bnull\b", "None")]
_NUM = r"-?\d+(?:\.\d+)?"
_VALUE = rf'(?:{_NUM}|"[^"]*"|[A-Za-z_][\w.]*)'
_RANGE = re.compile(rf"^\s*([\[\](])\s*({_VALUE})\s*\.\.\s*({_VALUE})\s*([\])[])\s*$")
_STRING_SPLIT = re.compile(r'''((?:[^,"']|"[^"]*"|'[^']*')+)''')


def _outside_strings(text: str, pattern: str, repl: str) -> str:
    parts = re.split(r'("[^"]*"|\'[^\']*\')', text)
    return "".join(p if i % 2 else re.sub(pattern, repl, p) for i, p in enumerate(parts))


def python_for_juel(expression: str) -> str | None:
    """The Python a Camunda/JUEL ``${…}`` (or ``#{…}``) expression most likely means, or None when it is not
    one: ``${approved && amount > 100}`` -> ``approved and amount > 100``."""
    found = _JUEL.match(expression or "")
    if found is None:
        return None
    text = found.group(1)
    for pattern, repl in _JUEL_WORDS:
        text = _outside_strings(text, pattern, repl)
    return " ".join(text.split())


def python_for_feel(expression: str) -> str | None:
    """The Python a FEEL expression most likely means, or None when it does not look like FEEL:
    ``= status = "open" and not(urgent)`` -> ``status == "open" and not (urgent)``."""
    text = (expression or "").strip()
    zeebe = text.startswith("=") and not text.startswith("==")
    if zeebe:
        text = text[1:].strip()
    out = _outside_strings(text, r"(?<![=!<>])=(?!=)", "==")
    for pattern, repl in _LITERALS:
        out = _outside_strings(out, pattern, repl)
    out = _outside_strings(out, r"\bnot\s*\(", "not (")
    between = re.fullmatch(rf"\s*({_VALUE})\s+between\s+({_VALUE})\s+and\s+({_VALUE})\s*", out)
    if between:
        out = f"{between.group(2)} <= {between.group(1)} <= {between.group(3)}"
    ranged = re.fullmatch(rf"\s*({_VALUE})\s+in\s+(.+)", out)
    if ranged and _RANGE.match(ranged.group(2)):
        out = _range(ranged.group(2), ranged.group(1))
    out = re.sub(r"\bstring length\(", "len(", out)
    out = re.sub(r"\bcount\(", "len(", out)
    out = " ".join(out.split())
    if not zeebe and out == " ".join(text.split()):
        return None
    return out


def _range(text: str, subject: str) -> str:
    m = _RANGE.match(text)
    assert m is not None
    low_op = "<=" if m.group(1) == "[" else "<"
    high_op = "<=" if m.group(4) == "]" else "<"
    return f"{m.group(2)} {low_op} {subject} {high_op} {m.group(3)}"


def _parses(text: str) -> bool:
    try:
        ast.parse(text, mode="eval")
    except SyntaxError:
        return False
    return True


def hint(expression: str) -> str:
    """A sentence to add to a compile failure of a BPMN expression ('' when there is nothing to suggest)."""
    juel = python_for_juel(expression)
    if juel is not None:
        return (f" — cú pháp Camunda/JUEL ${{…}}: BVTE dùng biểu thức Python, hãy viết: {juel} / Camunda "
                f"JUEL syntax: BVTE expressions are Python; write: {juel}")
    suggestion = python_for_feel(expression)
    if suggestion is not None and suggestion != expression.strip() and _parses(suggestion):
        return (f" — cú pháp FEEL: BVTE dùng biểu thức Python, hãy viết: {suggestion} / FEEL syntax: BVTE "
                f"expressions are Python; write: {suggestion}")
    return ""


def entry_hint(text: str) -> tuple[str | None, bool]:
    """(the Python for a DMN input cell written in FEEL, whether the FEEL text parses as other Python) or
    (None, False) when the cell is not FEEL. ``?`` stands for the column's input, as SpiffWorkflow reads it."""
    cell = text.strip()
    if _RANGE.match(cell):
        return _range(cell, "?"), False
    negated = re.fullmatch(r"not\s*\((.*)\)", cell, re.S)
    if negated:
        items = _items(negated.group(1))
        py = f"? != {items[0]}" if len(items) == 1 else f"? not in ({', '.join(items)})"
        return py, True
    items = _items(cell)
    if len(items) > 1:
        return f"? in ({', '.join(items)})", _parses(cell)
    if re.fullmatch(r"true|false|null", cell):
        return {"true": "True", "false": "False", "null": "None"}[cell], True
    if re.match(r"(date and time|date|time|duration)\s*\(", cell):
        return 'a quoted ISO 8601 text compared with ? (e.g. ? >= "2027-01-01")', False
    return None, False


def _items(text: str) -> list[str]:
    return [p.strip() for p in _STRING_SPLIT.findall(text) if p.strip()]
