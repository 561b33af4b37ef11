"""Statutory guards a procedure shares: the time-limit timers the law requires stay on their steps."""

from __future__ import annotations

import ast
from typing import Callable
from typing import Mapping

from engine.loader import BPMN
from engine.loader import ParsedBundle
from engine.workdays import DeadlineRule


def timer_rules(bundle: ParsedBundle) -> dict[str, set[str]]:
    """task id -> deadline rules of the ``due("rule")`` timers attached to it."""
    found: dict[str, set[str]] = {}
    for _pid, boundary in bundle.elements("boundaryEvent"):
        for expr in boundary.iter(BPMN + "timeDate"):
            try:
                node = ast.parse((expr.text or "").strip(), mode="eval").body
            except SyntaxError:
                continue
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "due" and node.args:
                arg = node.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.setdefault(boundary.get("attachedToRef"), set()).add(arg.value)
    return found


def required_timers(required: Mapping[str, str], deadlines: Mapping[str, DeadlineRule]
                    ) -> Callable[[ParsedBundle], list[tuple[str, str]]]:
    """A guard check: every step of ``required`` (task id -> rule) exists and keeps its rule's timer."""
    def check(bundle: ParsedBundle) -> list[tuple[str, str]]:
        problems = []
        rules = timer_rules(bundle)
        tasks = {el.get("id") for _pid, el in bundle.elements("userTask")}
        for task_id, rule in required.items():
            limit = deadlines[rule]
            if task_id not in tasks:
                problems.append((task_id, f"thiếu bước bắt buộc theo luật / statutory step '{task_id}' is missing "
                                          f"({limit.legal_basis})"))
            elif rule not in rules.get(task_id, set()):
                problems.append((task_id, f"thiếu hẹn giờ thời hạn luật định {limit.describe_vi()} "
                                          f"(due(\"{rule}\"), {limit.legal_basis}) / statutory time-limit timer "
                                          f"removed"))
        return problems
    return check
