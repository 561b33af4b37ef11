"""Checks of a bundle's timers and call activities that need no SpiffWorkflow spec (``engine.loader`` runs them)."""

from __future__ import annotations

import ast
import re

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine.process import ProcessConfig


def call_cycles(main_id: str, calls: dict[str, list[tuple[str, str]]]) -> list[tuple[str, str]]:
    """A process that calls itself, directly or through others, would start sub-processes without end:
    each such chain is refused, named from the main process (``a → b → a``)."""
    problems: list[tuple[str, str]] = []
    seen_cycles: set[frozenset] = set()

    def walk(pid: str, chain: list[str]) -> None:
        for call_id, target in calls.get(pid, []):
            if target in chain:
                cycle = chain[chain.index(target):] + [target]
                if frozenset(cycle) not in seen_cycles:
                    seen_cycles.add(frozenset(cycle))
                    problems.append((call_id, "quy trình gọi lại chính nó / call-activity cycle: "
                                              + " → ".join(cycle)))
            else:
                walk(target, chain + [target])

    walk(main_id, [main_id])
    return problems


def check_timer(owner: str, kind: str, expr: str, cfg: ProcessConfig) -> list[tuple[str, str]]:
    hint = 'phải là chuỗi ISO 8601 trong ngoặc kép hoặc due("quy_tắc") / must be a quoted ISO 8601 literal or due("rule")'
    try:
        node = ast.parse(expr, mode="eval").body
    except SyntaxError:
        cron = len(expr.split()) in (5, 6, 7) and all(re.fullmatch(r"[\d*?/,\-LW#A-Z]+", p) for p in expr.split())
        extra = (" — có vẻ là biểu thức cron (Camunda/Quartz), không thuộc BPMN: viết chu kỳ ISO 8601, vd. R/PT5M "
                 "(mỗi 5 phút) / it looks like a cron expression (Camunda/Quartz), which BPMN does not have: write an "
                 "ISO 8601 cycle, e.g. R/PT5M (every 5 minutes)") if cron else ""
        return [(owner, f"biểu thức hẹn giờ lỗi cú pháp / timer expression does not parse: {expr!r}{extra}")]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            if kind == "timeDate":
                TimerEventDefinition.get_datetime(node.value)
            elif kind == "timeDuration":
                TimerEventDefinition.parse_iso_duration(node.value)
            else:
                TimerEventDefinition.parse_iso_recurring_interval(node.value)
        except Exception:
            return [(owner, f"giá trị hẹn giờ không phải ISO 8601 / timer value {node.value!r} is not ISO 8601 {kind}")]
        return []
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "due"
            and len(node.args) == 1 and not node.keywords and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)):
        if kind != "timeDate":
            return [(owner, 'due(...) trả về một thời điểm: dùng timeDate / due(...) gives an instant: use timeDate')]
        rule = node.args[0].value
        if rule not in cfg.deadlines:
            return [(owner, f"quy tắc thời hạn '{rule}' không tồn tại / unknown deadline rule '{rule}'")]
        return []
    return [(owner, f"biểu thức hẹn giờ {expr!r}: {hint}")]
