"""The ProcessConfig of the trafficking-victim support case and its statutory guard."""

from __future__ import annotations

from engine.loader import ParsedBundle
from engine.process import ProcessConfig
from engine.process import StatutoryGuard
from workflows.child_protection.process import _timer_rules
from workflows.trafficking_support.deadlines import DEADLINES
from workflows.trafficking_support.deadlines import REQUIRED_TIMERS
from workflows.trafficking_support.deadlines import TASK_DEADLINES
from workflows.trafficking_support.forms import FORMS
from workflows.trafficking_support.intake import PROCESS_ID
from workflows.trafficking_support.lanes import LANE_AGENCIES

BPMN_FILES = ["trafficking_support.bpmn"]


def _check_required_timers(bundle: ParsedBundle) -> list[tuple[str, str]]:
    problems = []
    rules = _timer_rules(bundle)
    tasks = {el.get("id") for _pid, el in bundle.elements("userTask")}
    for task_id, rule in REQUIRED_TIMERS.items():
        limit = DEADLINES[rule]
        if task_id not in tasks:
            problems.append((task_id, f"thiếu bước bắt buộc theo luật / statutory step '{task_id}' is missing "
                                      f"({limit.legal_basis})"))
        elif rule not in rules.get(task_id, set()):
            problems.append((task_id, f"thiếu hẹn giờ thời hạn luật định {limit.describe_vi()} "
                                      f"(due(\"{rule}\"), {limit.legal_basis}) / statutory time-limit timer removed"))
    return problems


GUARDS = [StatutoryGuard("ts_required_timers", "Hẹn giờ 03 ngày xác minh thông tin ban đầu còn đủ (Điều 27.2)",
                         _check_required_timers)]

CONFIG = ProcessConfig(process_id=PROCESS_ID, lane_agencies=LANE_AGENCIES, forms=FORMS, deadlines=DEADLINES,
                       task_deadlines=TASK_DEADLINES, guards=GUARDS, bpmn_files=BPMN_FILES)
