"""The ProcessConfig of the trafficking-victim support case and its statutory guard."""

from __future__ import annotations

from engine.process import ProcessConfig
from engine.process import StatutoryGuard
from workflows.guards import required_timers
from workflows.trafficking_support.deadlines import DEADLINES
from workflows.trafficking_support.deadlines import REQUIRED_TIMERS
from workflows.trafficking_support.deadlines import TASK_DEADLINES
from workflows.trafficking_support.forms import FORMS
from workflows.trafficking_support.intake import PROCESS_ID
from workflows.trafficking_support.lanes import LANE_AGENCIES

BPMN_FILES = ["trafficking_support.bpmn"]


GUARDS = [StatutoryGuard("ts_required_timers", "Hẹn giờ 03 ngày xác minh thông tin ban đầu còn đủ (Điều 27.2)",
                         required_timers(REQUIRED_TIMERS, DEADLINES))]

CONFIG = ProcessConfig(process_id=PROCESS_ID, lane_agencies=LANE_AGENCIES, forms=FORMS, deadlines=DEADLINES,
                       task_deadlines=TASK_DEADLINES, guards=GUARDS, bpmn_files=BPMN_FILES)
