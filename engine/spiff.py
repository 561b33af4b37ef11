"""The one place that walks a SpiffWorkflow state: its tasks, READY user tasks and waiting timers, restoring
a case's state on its version and running it until only waits remain, and naming the element a failure
happened at.

Everything that reads SpiffWorkflow's task tree or its timer internals goes through here, so a SpiffWorkflow
upgrade has one module to check (besides ``engine.serializer``, which saves and restores the state).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from engine import bpmn_messages
from engine import serializer
from engine.clock import Clock
from engine.clock import using_clock
from engine.errors import EngineError
from engine.errors import InvalidTaskData
from engine.errors import WorkflowFailure

UTC = dt.timezone.utc
MAX_EXTRA_PASSES = 8   # engine passes after a timer came due while stepping (guards against a loop)


@dataclass
class Stored:
    """A case's rows in ``open_tasks``, ``timers`` (ids; timers with due instant and guarded task) and
    ``case_waits`` ((kind, name) of the messages and signals awaited; None: not known, rewrite them all)."""

    tasks: set[str]
    timers: dict[str, tuple[dt.datetime, str | None]]
    waits: frozenset[tuple[str, str]] | None = None


def task_key(task) -> str:
    """The BPMN element id of a task (loop and multi-instance children share their parent's id)."""
    return getattr(task.task_spec, "bpmn_id", None) or task.task_spec.name


def all_tasks(wf: BpmnWorkflow):
    """Every task of the case, its subprocesses' included, in creation order: a flat scan of the task
    dicts (``get_tasks`` walks the tree, resolving each parent by id; several times dearer)."""
    yield from wf.tasks.values()
    for sub in wf.subprocesses.values():
        yield from sub.tasks.values()


def ready_manual(wf: BpmnWorkflow) -> list:
    """The case's READY user tasks: ``wf.get_tasks(state=READY, manual=True)``, same tasks, same order
    (``engine.store`` takes the case's commune from the last of them)."""
    return [t for t in serializer.ready_tasks(wf) if t.task_spec.manual]


def stored_rows(wf: BpmnWorkflow) -> Stored:
    """The open-task, timer and awaited-event rows a stored state has (what ``engine.store`` wrote for it)."""
    from engine.case_waits import of_state

    return Stored({str(t.id) for t in ready_manual(wf)},
                  {str(t.id): (due, attached) for t, due, attached in waiting_timers(wf)}, of_state(wf))


def waiting_timers(wf: BpmnWorkflow):
    """(timer task, due instant, guarded task id or None) for every waiting timer event."""
    for task in all_tasks(wf):
        if task.state != TaskState.WAITING:
            continue
        spec = task.task_spec
        if not isinstance(spec, CatchingEvent) or not waits_on_timer(spec.event_definition):
            continue
        value = task.internal_data.get("event_value")
        if isinstance(value, dict):
            value = value.get("next")
        if not value:
            continue
        try:
            due = TimerEventDefinition.get_datetime(str(value))
        except ValueError:
            due = None
        if due is None:
            continue
        attached = None
        if task.parent is not None and isinstance(task.parent.task_spec, BoundaryEventSplit):
            for sibling in task.parent.children:
                if sibling is not task and not isinstance(sibling.task_spec, CatchingEvent):
                    attached = str(sibling.id)
        yield task, due.astimezone(UTC), attached


def waits_on_timer(definition) -> bool:
    """A timer, or a set of events one of which is a timer (an event-based gateway, a multiple event):
    SpiffWorkflow keeps that timer's due instant in the task's ``event_value`` either way."""
    if isinstance(definition, TimerEventDefinition):
        return True
    return any(isinstance(d, TimerEventDefinition) for d in getattr(definition, "event_definitions", ()))


def describe(exc: Exception) -> str:
    """One sentence for a failure inside a step, naming the BPMN element where SpiffWorkflow knows it."""
    if isinstance(exc, serializer.StepLimitExceeded):
        return f"{exc} (vòng lặp không dừng? / a loop that never ends?)"
    task = getattr(exc, "task", None)
    spec = getattr(task, "task_spec", None)
    element = getattr(spec, "bpmn_id", None) or getattr(spec, "name", None)
    text = str(exc) if isinstance(exc, SpiffWorkflowException) else f"{type(exc).__name__}: {exc}"
    inner = exc.__context__   # SpiffWorkflow wraps an expression's error without saying what it was
    if isinstance(exc, SpiffWorkflowException) and inner is not None and not isinstance(inner, SpiffWorkflowException) \
            and str(inner) not in text:
        text = f"{text.rstrip('. ')}: {type(inner).__name__}: {inner}"
    text = bpmn_messages.runtime(text)
    return f"{element}: {text}" if element and element not in text else text


def merged_data(wf: BpmnWorkflow) -> dict:
    """The case's data merged in the order its tasks completed, then the workflow's own data."""
    merged: dict = {}
    for task in sorted((t for t in wf.tasks.values() if t.state == TaskState.COMPLETED),
                       key=lambda t: t.last_state_change):
        merged.update(task.data)
    merged.update(wf.data)
    return merged


def new_workflow(bundle: Any, script_engine: Any, payload: dict) -> BpmnWorkflow:
    """A fresh case on a parsed bundle, its start task given ``payload``."""
    wf = serializer.Workflow(bundle.spec, bundle.subprocess_specs, script_engine=script_engine)
    wf.get_next_task(state=TaskState.READY).data.update(payload)
    return wf


def ready_task(wf: BpmnWorkflow, task_id) -> Any | None:
    """The task with this id if it is READY, else None."""
    task = wf.get_task_from_id(task_id)
    return task if task is not None and task.state == TaskState.READY else None


def load(case: Any, bundle: Any, script_engine: Any, clock: Clock) -> BpmnWorkflow:
    """Restore the case's stored state on its version's specs; a damaged or foreign state is refused."""
    try:
        with using_clock(clock):
            return serializer.load_state(case.state, case.serializer_version, bundle.spec,
                                         bundle.subprocess_specs, script_engine)
    except Exception as exc:   # a damaged or foreign state: refuse clearly, never act on it
        raise WorkflowFailure(f"hồ sơ {case.reference}: trạng thái không đọc được / case state does not "
                              f"load: {type(exc).__name__}: {exc}") from None


def run_task(task: Any, clock: Clock, step: str) -> None:
    """Run one READY user task (the completion); any failure is a ``WorkflowFailure`` naming the step."""
    try:
        with using_clock(clock):   # timers reached by this completion start from the engine's now
            task.run()
    except EngineError:
        raise
    except Exception as exc:   # SpiffWorkflow's, a sandboxed script's, or anything else: never a 500
        raise WorkflowFailure(f"quy trình lỗi ở bước {step} / process error at step "
                              f"{step}: {describe(exc)}") from None


def advance(wf: BpmnWorkflow, clock: Clock) -> None:
    """Run the case's engine steps until only waits remain (capped per action); every failure is a
    ``WorkflowFailure`` naming the element. The caller loads the work calendar first."""
    wf.steps_left = serializer.MAX_ENGINE_STEPS
    try:
        with using_clock(clock):
            wf.refresh_timers()
            wf.do_engine_steps()
            # do_engine_steps ends by refreshing timers: run on only if that made an event ready
            for _ in range(MAX_EXTRA_PASSES):
                if not any(t.state == TaskState.READY for t in wf.event_manager.tasks.values()):
                    break
                wf.do_engine_steps()
    except EngineError:
        raise
    except Exception as exc:   # SpiffWorkflow's, a sandboxed script's, the step cap, anything else
        raise WorkflowFailure(f"quy trình lỗi / process error: {describe(exc)}") from None


def standing_starts(wf: BpmnWorkflow) -> list:
    """The start events of the case's event sub-processes that a message or signal triggers (each arrival opens
    one more, alongside the rest of the case): the case catches them at any time until it has ended."""
    if wf.is_completed():
        return []
    found = []
    for name in getattr(wf.spec.start, "trigger_specs", None) or ():
        sub = wf.subprocess_specs.get(name)
        for start in getattr(sub, "bpmn_start_events", None) or ():
            if isinstance(start.event_definition, (MessageEventDefinition, SignalEventDefinition)):
                found.append(start)
    return found


def _catching(wf: BpmnWorkflow, kind: str, name: str):
    """The definitions of the WAITING elements that catch this message or signal (an event-based gateway's
    or a multiple event's members included), then of the event sub-processes it would start."""
    cls = MessageEventDefinition if kind == "message" else SignalEventDefinition
    for task in all_tasks(wf):
        if task.state != TaskState.WAITING or not isinstance(task.task_spec, CatchingEvent):
            continue
        definition = task.task_spec.event_definition
        for d in getattr(definition, "event_definitions", None) or [definition]:
            if isinstance(d, cls) and d.name == name:
                yield d
    for start in standing_starts(wf):
        if isinstance(start.event_definition, cls) and start.event_definition.name == name:
            yield start.event_definition


def _correlations(wf: BpmnWorkflow, definition: MessageEventDefinition, name: str, payload: dict) -> dict:
    """The message's correlation values computed from ``payload`` by its retrieval expressions; a payload
    without a name an expression reads is ``InvalidTaskData`` naming it (the sender's mistake, a 422)."""
    try:
        return definition.calculate_correlations(wf.script_engine, definition.correlation_properties, payload)
    except Exception as exc:
        missing = getattr(exc, "name", None) or next(
            (m for m in re.findall(r"name '([^']+)' is not defined", str(exc))), None)
        if missing:
            raise InvalidTaskData({missing: [f"thông điệp {name} cần trường này cho khoá liên kết / message {name} "
                                             f"needs this field for its correlation key"]}) from None
        raise WorkflowFailure(f"sự kiện {name}: {describe(exc)}") from None


def send_event(wf: BpmnWorkflow, kind: str, name: str, payload: dict, clock: Clock) -> bool:
    """Hand the case a message or signal, built on the waiting element's own definition (so SpiffWorkflow's
    correlation check, computed from ``payload``, decides whether it is this case's); False when nothing
    waiting caught it. The caller runs the case on (``advance``)."""
    for definition in _catching(wf, kind, name):
        correlations = {}
        if isinstance(definition, MessageEventDefinition) and definition.correlation_properties:
            correlations = _correlations(wf, definition, name, payload)
        try:
            with using_clock(clock):
                wf.send_event(BpmnEvent(definition, payload=dict(payload), correlations=correlations))
        except SpiffWorkflowException:
            continue
        except Exception as exc:   # a correlation expression failing on the payload: a failure naming it
            raise WorkflowFailure(f"sự kiện {name}: {describe(exc)}") from None
        return True
    return False


def thrown_events(wf: BpmnWorkflow) -> list[tuple[str, str, dict, dict]]:
    """(kind, name, payload, correlations) of the messages and signals the case threw that nothing inside
    it caught (taken: SpiffWorkflow forgets them)."""
    out = []
    for event in wf.get_events():
        definition = event.event_definition
        kind = ("message" if isinstance(definition, MessageEventDefinition)
                else "signal" if isinstance(definition, SignalEventDefinition) else None)
        if kind is not None:
            out.append((kind, definition.name, dict(event.payload or {}) if isinstance(event.payload, dict)
                        else {"payload": event.payload}, dict(event.correlations or {})))
    return out


def task_data(wf: BpmnWorkflow, task_id) -> dict:
    """A copy of the data of the task with this id ({} when the state has no such task)."""
    task = wf.get_task_from_id(task_id)
    return dict(task.data) if task is not None else {}


def repredict(wf: BpmnWorkflow) -> None:
    """Predict the tasks ahead again from the specs the state was restored on (after a version move)."""
    for task in list(wf.get_tasks(state=TaskState.DEFINITE_MASK)):
        task.task_spec._predict(task, mask=TaskState.NOT_FINISHED_MASK)
