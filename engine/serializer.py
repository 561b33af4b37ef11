"""SpiffWorkflow state <-> JSON without the spec: the spec lives once per process version.

``BpmnWorkflowConverter`` embeds the whole spec in every state (16 KB of a 39 KB case) and rebuilds
it on every load (0.68 ms of 1.24 ms, SPIFF_NOTES §6). Our converter leaves specs out of the dict
and takes already-built spec objects on restore, cached per process version.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from copy import copy
from decimal import Decimal
from uuid import UUID
from uuid import SafeUUID

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.serializer.default.workflow import TaskConverter
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

MAX_ENGINE_STEPS = 2_000   # engine steps (scripts, gateways, events) one action may take; a real step runs tens


class StepLimitExceeded(Exception):
    """An action ran more engine steps than ``MAX_ENGINE_STEPS``: a loop or a recursion without end."""

    def __init__(self, task):
        self.element = task.task_spec.bpmn_id or task.task_spec.name
        super().__init__(f"more than {MAX_ENGINE_STEPS} engine steps in one action, stopped at {self.element}")


class Workflow(BpmnWorkflow):
    """SpiffWorkflow's ``BpmnWorkflow`` whose engine steps find the READY tasks with ``ready_tasks``.

    ``_do_engine_steps`` is SpiffWorkflow 3.x's own, line for line, except for that one call: its
    ``get_tasks(state=READY)`` goes through a general-purpose filtering iterator, a fifth of the CPU of
    firing a timer. States are saved under SpiffWorkflow's type name, so either class restores them.
    """

    steps_left = MAX_ENGINE_STEPS   # the engine steps one action may still take (``Engine`` resets it)

    def __init__(self, spec, subprocess_specs=None, script_engine=None, **kwargs):
        super().__init__(spec, subprocess_specs, script_engine, **kwargs)
        self.task_removed_event.connect(_forget_removed)


    def _do_engine_steps(self, will_complete_task=None, did_complete_task=None):

        def update_workflow(wf):
            count = 0
            for task in ready_tasks(wf):
                if not task.task_spec.manual:
                    if will_complete_task is not None:
                        will_complete_task(task)
                    self.steps_left -= 1
                    if self.steps_left < 0:
                        raise StepLimitExceeded(task)
                    task.run()
                    count += 1
                    if did_complete_task is not None:
                        did_complete_task(task)
            return count

        active_subprocesses = self.get_active_subprocesses()
        for subprocess in sorted(active_subprocesses, key=lambda v: v.depth, reverse=True):
            count = None
            while count is None or count > 0:
                count = update_workflow(subprocess)
            if subprocess.parent_task_id is not None:
                task = self.get_task_from_id(subprocess.parent_task_id)
                task.task_spec._update(task)

        count = update_workflow(self)
        return count > 0 or len(self.get_active_subprocesses()) > len(active_subprocesses)


def _forget_removed(workflow, task) -> None:
    """A task removed from the tree (of the case or of one of its subprocesses: both notify the top workflow)
    leaves the event manager too.

    SpiffWorkflow 3.2.0 removes tasks without telling the event manager whenever it prunes a branch outright:
    a parallel gateway run a second time (``UnstructuredJoin._run_hook``: ``_drop_children(force=True)`` on
    the subtree of its earlier, completed run), a join cancelling the other threads (``Join._do_join``), a
    cancelled unfinished task dropping its unfinished children. A WAITING timer in such a branch stayed in
    ``event_manager.tasks`` with no parent, and the next ``refresh_timers`` failed on it (``'NoneType' object
    has no attribute 'data'``): the case could not take another step; a stale message or signal catch could
    catch an event for a task no longer in the case. Stock SpiffWorkflow fails the same way, in one process or
    with its own serializer around every action (``tests/engine/test_differential.py``)."""
    workflow.top_workflow.event_manager.tasks.pop(task.id, None)


def _lift_depth_limit() -> None:
    """SpiffWorkflow's task iterators stop descending at depth 1,000 without a word, so a case whose loop
    was drawn with a gateway silently stops finding its READY tasks after ~330 rounds (SPIFF_NOTES P1).
    The documented work-around: raise the default. Unbounded loops are stopped by ``MAX_ENGINE_STEPS``."""
    from SpiffWorkflow.bpmn.util.task import BpmnTaskIterator
    from SpiffWorkflow.util.task import TaskIterator

    for cls in (TaskIterator, BpmnTaskIterator):
        defaults = list(cls.__init__.__defaults__ or ())
        names = cls.__init__.__code__.co_varnames[1:cls.__init__.__code__.co_argcount]
        defaults[names.index("max_depth") - (len(names) - len(defaults))] = 10**9
        cls.__init__.__defaults__ = tuple(defaults)


_lift_depth_limit()


def ready_tasks(wf) -> list:
    """``wf.get_tasks(state=TaskState.READY)``: the same tasks in the same order, by a direct walk.

    Mirrors ``BpmnTaskIterator``: depth first from the root; into a task's subprocess (its root before the
    task's children) whenever it has one; into its children when it has some and is at least FUTURE.
    """
    ready, future = TaskState.READY, TaskState.FUTURE
    subprocesses = wf.top_workflow.subprocesses
    found = []
    stack = [(wf.task_tree, 0)]
    while stack:
        task, depth = stack.pop()
        state = task._state
        if state == ready:
            found.append(task)
        sub = subprocesses.get(task.id)
        if sub is not None:
            below = [sub.task_tree, *task.children]
        elif task._children and state >= future:
            below = task.children
        else:
            continue
        stack.extend((child, depth + 1) for child in reversed(below))
    return found


class _SpeclessWorkflowConverter(BpmnWorkflowConverter):
    def __init__(self, target_class, registry, typename=None):
        super().__init__(target_class, registry, typename or "BpmnWorkflow")

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


@functools.lru_cache(maxsize=65_536)
def _uuid(value: str) -> UUID:
    """A task id from its text: one object per id (dict lookups by id then match by identity), built
    without ``UUID.__init__``'s general parsing (a third of restoring a case went to it)."""
    if len(value) != 36 or value.count("-") != 4:
        return UUID(value)
    u = object.__new__(UUID)
    object.__setattr__(u, "int", int(value.replace("-", ""), 16))
    object.__setattr__(u, "is_safe", SafeUUID.unknown)
    return u


_MUTABLE = (dict, list, set)
_STR = {str}


class _TaskConverter(TaskConverter):
    """SpiffWorkflow's task converter with the same output, cheaper: the parent looked up once per task
    when saving; on restore, ids parsed once (``_uuid``) and a task's data rebuilt from its parent's
    by a one-level copy, which is what ``DeepMerge.merge({}, …)`` amounts to for an empty target."""

    def to_dict(self, task):
        parent = task.parent     # a dict lookup each time: once here, not four times
        if parent is None:
            data, delta = task.data, {}
        else:
            before, after = parent.data, task.data
            data = {}
            delta = {"updates": {k: v for k, v in after.items() if k not in before or v != before[k]},
                     "deletions": [k for k in before if k not in after]}
        return {
            "id": str(task.id),
            "parent": str(task._parent) if parent is not None else None,
            "children": [str(child) for child in task._children],
            "last_state_change": task.last_state_change,
            "state": task.state,
            "task_spec": task.task_spec.name,
            "triggered": task.triggered,
            "internal_data": self.registry.convert(task.internal_data),
            "data": data,
            "delta": delta,
        }

    def _restore_internal(self, internal):
        """``registry.restore(internal)``, without visiting each item of a list of plain strings (a standard
        loop's ``merged`` list has one per iteration: 1,000 after 1,000 review visits)."""
        if type(internal) is not dict or "typename" in internal:
            return self.registry.restore(internal)
        return {k: list(v) if type(v) is list and {*map(type, v)} <= _STR else self.registry.restore(v)
                for k, v in internal.items()}

    def from_dict(self, dct, workflow):
        task_spec = workflow.spec.task_specs.get(dct["task_spec"])
        task = self.target_class(workflow, task_spec, state=dct["state"], id=_uuid(dct["id"]))
        parent_id = dct["parent"]
        task._parent = _uuid(parent_id) if parent_id is not None else None
        task._children = [_uuid(child) for child in dct["children"]]
        task.last_state_change = dct["last_state_change"]
        task.triggered = dct["triggered"]
        task.internal_data = self._restore_internal(dct["internal_data"])
        if isinstance(task_spec, CatchingEvent) and task.has_state(TaskState.WAITING):
            task.workflow.top_workflow.event_manager.add_task(task)
        delta = dct.get("delta")
        parent = task.parent if delta else None
        if parent is not None:
            data = {k: copy(v) if isinstance(v, _MUTABLE) else v for k, v in parent.data.items()}
            data.update(self.registry.restore(delta.get("updates", {})))
            for key in delta.get("deletions", {}):
                data.pop(key, None)
        else:
            data = self.registry.restore(dct["data"])
        task.data = data
        return task


def _build_serializer() -> BpmnWorkflowSerializer:
    config = dict(SPIFF_CONFIG)
    config[BpmnWorkflow] = _SpeclessWorkflowConverter
    config[Workflow] = _SpeclessWorkflowConverter    # registered last: restores as ``Workflow``
    config[Task] = _TaskConverter
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
            gone_ids = {str(g) for g in gone}
            task.internal_data["merged"] = ["" if m in gone_ids else m for m in merged]
            if wf.last_task is not None and wf.last_task.id in gone:
                wf.last_task = task
            dropped += len(gone)
    return dropped


def connect_loops(spec, subprocess_specs: dict) -> None:
    """Wire each loop and multi-instance task to the task it repeats, as the stock serializer does.

    A ``LoopTask`` learns that an iteration finished through its child spec's ``completed_event``.
    SpiffWorkflow connects that event when it restores a spec from a dict (``BpmnProcessSpecConverter``)
    or when the loop creates its first child; a spec built by the parser and reused across loads has
    neither, so in a process that had not itself started the loop the iteration finished unseen and
    the case stalled (multi-instance never ending, the review loop left STARTED). Idempotent.
    """
    from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask

    for process_spec in [spec, *subprocess_specs.values()]:
        for task_spec in process_spec.task_specs.values():
            if isinstance(task_spec, LoopTask):
                child = process_spec.task_specs[task_spec.task_spec]
                if not child.completed_event.is_connected(task_spec.merge_child):
                    child.completed_event.connect(task_spec.merge_child)
        wire_event_subprocesses(process_spec)


def wire_event_subprocesses(process_spec) -> None:
    """Give each event sub-process started by a message or signal the links SpiffWorkflow adds the first time
    one is triggered, without the one that would start it with every case.

    ``BpmnStartTask.trigger_wf`` connects the start task to the event sub-process (and it to the end join) when
    it is first triggered. On a spec shared by every case of a version that mutation makes each case started
    afterwards open the sub-process at once, waiting for its start event, so those cases never end, and which
    cases do depends on what the worker process did before. Here the sub-process is linked to the end join and
    given the start task as an input (so ``trigger_wf`` finds it linked and changes nothing), while the start
    task does not list it as an output: it is created only when its event arrives, in every process alike.
    Idempotent."""
    start = getattr(process_spec, "start", None)
    if start is None:
        return
    for name in getattr(start, "trigger_specs", None) or ():
        task_spec = process_spec.task_specs.get(name)
        if task_spec is None:
            continue
        if start.name not in task_spec._inputs:   # the names the ``inputs`` property resolves
            task_spec._inputs.append(start.name)
        if process_spec.end not in task_spec.outputs:
            task_spec.connect(process_spec.end)


def dump_state(workflow: BpmnWorkflow) -> str:
    registry = SERIALIZER.registry
    registry._encoder_mode = True
    try:
        dct = SERIALIZER.to_dict(workflow)
        return json.dumps(dct, cls=SERIALIZER._encoder_cls, separators=(",", ":"))
    finally:
        registry._encoder_mode = False


def load_state(state: str, version: str, spec, subprocess_specs, script_engine) -> BpmnWorkflow:
    return restore_state(json.loads(state), version, spec, subprocess_specs, script_engine)


def restore_state(dct: dict, version: str, spec, subprocess_specs, script_engine) -> BpmnWorkflow:
    """``load_state`` from the already parsed JSON (which it consumes)."""
    if version != VERSION:
        dct[SERIALIZER.VERSION_KEY] = version
        SERIALIZER.migrate(dct)
    dct["spec"] = spec
    dct["subprocess_specs"] = subprocess_specs
    workflow = SERIALIZER.from_dict(dct)
    workflow.script_engine = script_engine
    return workflow
