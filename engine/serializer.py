"""SpiffWorkflow state <-> JSON without the spec: the spec lives once per process version.

``BpmnWorkflowConverter`` embeds the whole spec in every state (16 KB of a 39 KB case) and rebuilds
it on every load (0.68 ms of 1.24 ms, SPIFF_NOTES §6). Our converter leaves specs out of the dict
and takes already-built spec objects on restore, cached per process version.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG


class _SpeclessWorkflowConverter(BpmnWorkflowConverter):
    def to_dict(self, workflow):
        dct = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct):
        spec = dct.pop("spec")
        subprocess_specs = dct.pop("subprocess_specs", {})
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], _uuid, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(_uuid(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _uuid(value):
    from uuid import UUID

    return UUID(value)


def _build_serializer() -> BpmnWorkflowSerializer:
    config = dict(SPIFF_CONFIG)
    config[BpmnWorkflow] = _SpeclessWorkflowConverter
    registry = BpmnWorkflowSerializer.configure(config)
    registry.register(dt.date, lambda v: {"value": v.isoformat()}, lambda d: dt.date.fromisoformat(d["value"]))
    registry.register(Decimal, lambda v: {"value": str(v)}, lambda d: Decimal(d["value"]))
    return BpmnWorkflowSerializer(registry)


SERIALIZER = _build_serializer()
VERSION = SERIALIZER.VERSION


def compact(workflow: BpmnWorkflow) -> int:
    """Drop the finished iterations of standard loops from the task tree; returns how many were dropped.

    A standard loop keeps every completed iteration as a child task, so a case reviewed 1,000 times
    would carry 1,000 tasks forever (SPIFF_NOTES §8 f). Their data is already merged into the loop
    task, and the step history lives in ``case_steps`` and the audit log, so the finished leaves go.
    The loop's ``merged`` list keeps its length (for ``loopMaximum``) with empty placeholders.
    """
    from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import StandardLoopTask
    from SpiffWorkflow.util.task import TaskState

    dropped = 0
    for wf in [workflow, *workflow.subprocesses.values()]:
        for task in list(wf.tasks.values()):
            if not isinstance(task.task_spec, StandardLoopTask):
                continue
            done = [c for c in task.children if c.state == TaskState.COMPLETED and not c.children]
            if not done:
                continue
            gone = {c.id for c in done}
            task.children = [c for c in task.children if c.id not in gone]
            for tid in gone:
                wf.tasks.pop(tid, None)
            merged = task.internal_data.get("merged", [])
            task.internal_data["merged"] = ["" if m in {str(g) for g in gone} else m for m in merged]
            if wf.last_task is not None and wf.last_task.id in gone:
                wf.last_task = task
            dropped += len(gone)
    return dropped


def dump_state(workflow: BpmnWorkflow) -> str:
    registry = SERIALIZER.registry
    registry._encoder_mode = True
    try:
        dct = SERIALIZER.to_dict(workflow)
        return json.dumps(dct, cls=SERIALIZER._encoder_cls, separators=(",", ":"))
    finally:
        registry._encoder_mode = False


def load_state(state: str, version: str, spec, subprocess_specs, script_engine) -> BpmnWorkflow:
    dct = json.loads(state)
    if version != VERSION:
        dct[SERIALIZER.VERSION_KEY] = version
        SERIALIZER.migrate(dct)
    dct["spec"] = spec
    dct["subprocess_specs"] = subprocess_specs
    workflow = SERIALIZER.from_dict(dct)
    workflow.script_engine = script_engine
    return workflow
