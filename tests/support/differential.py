"""Differential harness: a process driven through BVTE with a new ``Engine`` (no shared caches) for every
action, and the same process run by stock SpiffWorkflow 3.2.0 in one process with its own serializer
(the whole spec embedded, a JSON round trip around every action). At every step both must show the
same READY human tasks with the same data and the same waiting timers, and both must end the same way.

A ``Driver`` says what a person does: which of the ready tasks to complete (``choose``) and with
which data (``data_for``); when no task is ready, time moves to the next waiting timer.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Callable

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine.cases import json_safe
from engine.clock import FixedClock
from engine.clock import using_clock
from engine.db import Database
from engine.models import User
from engine.runtime import Actor
from engine.runtime import Engine
from engine.runtime import task_key
from workflows import build_registry

UTC = dt.timezone.utc
T0 = dt.datetime(2026, 11, 20, 1, 30, tzinfo=UTC)      # Friday 08:30 in Vietnam
# keys BVTE adds for its own bookkeeping are compared too: the reference is given the same ones


def stock_serializer() -> BpmnWorkflowSerializer:
    registry = BpmnWorkflowSerializer.configure(SPIFF_CONFIG)
    registry.register(dt.date, lambda v: {"value": v.isoformat()}, lambda d: dt.date.fromisoformat(d["value"]))
    return BpmnWorkflowSerializer(registry)


def canon(data: dict) -> str:
    return json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)


def advance(wf: BpmnWorkflow, clock) -> None:
    """SpiffWorkflow's documented drive: refresh timers, run engine steps, until nothing more is ready."""
    with using_clock(clock):
        for _ in range(50):
            wf.refresh_timers()
            wf.do_engine_steps()
            if not any(t.state == TaskState.READY and not t.task_spec.manual for t in wf.get_tasks()):
                break


def forget_removed_tasks(wf: BpmnWorkflow) -> BpmnWorkflow:
    """The one mend the reference needs (``engine.serializer._forget_removed``): SpiffWorkflow 3.2.0 prunes
    branches without telling its event manager, and its next ``refresh_timers`` fails on a removed timer
    (``test_stock_spiffworkflow_keeps_a_removed_timer``). With the mend the reference stays the yardstick."""
    wf.task_removed_event.connect(lambda sub, task: sub.top_workflow.event_manager.tasks.pop(task.id, None))
    return wf


class Reference:
    """Stock SpiffWorkflow: parsed once, state kept only as the stock serializer's JSON (``mend``: with
    ``forget_removed_tasks``, the default)."""

    def __init__(self, files: dict[str, bytes], main_id: str, script_engine, round_trip_every: int = 1,
                 mend: bool = True):
        parser = SpiffBpmnParser()
        for name, data in files.items():
            parser.add_bpmn_str(data, filename=name)
        self.spec, self.subs = parser.get_spec(main_id), parser.get_subprocess_specs(main_id)
        self.serializer = stock_serializer()
        self.script_engine = script_engine
        self.state = ""
        self.round_trip_every = round_trip_every   # >1 only to keep a 1,000-action case to seconds
        self.saves = 0
        self.mend = forget_removed_tasks if mend else (lambda wf: wf)

    def load(self) -> BpmnWorkflow:
        """The workflow as restored from its JSON after the last action (restored once per action)."""
        return self.wf

    def save(self, wf: BpmnWorkflow) -> None:
        self.saves += 1
        self.wf = wf
        if self.saves % self.round_trip_every == 0 or self.saves == 1:
            self.state = self.serializer.serialize_json(wf)
            self.wf = self.mend(self.serializer.deserialize_json(self.state))
            self.wf.script_engine = self.script_engine

    def start(self, payload: dict, now: dt.datetime) -> None:
        wf = self.mend(BpmnWorkflow(self.spec, self.subs, script_engine=self.script_engine))
        wf.get_next_task(state=TaskState.READY).data.update(payload)
        advance(wf, FixedClock(now))
        self.save(wf)

    def ready(self) -> list:
        return self.load().get_tasks(state=TaskState.READY, manual=True)

    def timers(self) -> list[str]:
        wf = self.load()
        dues = []
        for task in wf.get_tasks(state=TaskState.WAITING):
            spec = task.task_spec
            definition = getattr(spec, "event_definition", None)
            if isinstance(definition, TimerEventDefinition) or any(
                    isinstance(d, TimerEventDefinition) for d in getattr(definition, "event_definitions", ())):
                value = task.internal_data.get("event_value")
                if isinstance(value, dict):
                    value = value.get("next")
                if value:
                    dues.append(TimerEventDefinition.get_datetime(str(value)).astimezone(UTC).isoformat())
        return sorted(dues)

    def complete(self, task_id, data: dict, now: dt.datetime) -> None:
        wf = self.load()
        task = wf.get_task_from_id(task_id)
        task.data.update(data)
        with using_clock(FixedClock(now)):
            task.run()
        advance(wf, FixedClock(now))
        self.save(wf)

    def fire(self, now: dt.datetime) -> None:
        wf = self.load()
        advance(wf, FixedClock(now))
        self.save(wf)

    def completed(self) -> bool:
        return self.load().is_completed()

    def end_data(self) -> dict:
        return self.load().data


@dataclass
class Driver:
    """``data_for(task name, task data) -> form data``; ``choose(ready names) -> name`` (default: the first,
    sorted); ``wait_before``: names of tasks before whose completion time first runs to the next timer."""

    data_for: Callable[[str, dict], dict] = lambda name, data: {}
    choose: Callable[[list[str]], str] = lambda names: sorted(names)[0]
    wait_before: frozenset = frozenset()
    start: Callable[[Engine, dict, dt.datetime], str] | None = None   # starts the case, returns its id
    round_trip_every: int = 1   # the reference's JSON round trip: every action, unless a long case says less


@dataclass
class Outcome:
    closed: bool
    actions: int
    trace: list[str]


class Mismatch(AssertionError):
    pass


_LIVE: list[Engine] = []
_LIVE_REF: list[Engine] = []


def _fresh(url: str, now: dt.datetime) -> Engine:
    """A new Engine with nothing cached: as a new gunicorn worker or CLI call sees the case. The one
    made before it is closed (its connections too)."""
    while _LIVE:
        _LIVE.pop().db.dispose()
    engine = Engine(Database(url), build_registry(), FixedClock(now))
    _LIVE.append(engine)
    return engine


def _actor(engine: Engine, agency_id: int) -> Actor:
    with engine.db.read() as s:
        user = s.execute(select(User).where(User.agency_id == agency_id, User.active.is_(True))
                         .order_by(User.id).limit(1)).scalar()
    if user is None:
        raise Mismatch(f"no user in agency {agency_id}")
    return Actor(user.username, user.id, user.agency_id, user.role)


def run(url: str, files: dict[str, bytes], main_id: str, start_data: dict, driver: Driver,
        max_actions: int = 400) -> Outcome:
    """Drive one case through both and compare at every step; raise ``Mismatch`` on the first difference."""
    try:
        return _run(url, files, main_id, start_data, driver, max_actions)
    finally:
        while _LIVE or _LIVE_REF:
            (_LIVE or _LIVE_REF).pop().db.dispose()


def _run(url, files, main_id, start_data, driver, max_actions):
    now = T0
    eng = _fresh(url, now)
    eng.deploy(files, Actor("harness"), main_id=main_id)
    if driver.start is not None:
        case_id = driver.start(eng, start_data, now)
    else:
        case_id = eng.start_case(main_id, start_data, Actor("harness"), incident_commune="X01", received_at=now).id
    eng = _fresh(url, now)
    case = eng.get_case(case_id)
    lv = eng.deployment.version_of(case.process_version_id)
    start_task = next(t for t in eng.deployment.load(case, lv).tasks.values() if t.task_spec.name == "Start")
    # the reference's scripts see the same helpers (now_iso, due) on a clock the harness moves
    ref_clock = FixedClock(now)
    helpers = Engine(Database(url), build_registry(), ref_clock)
    _LIVE_REF.append(helpers)
    ref = Reference(files, main_id, helpers.deployment.script_engine(lv.config), driver.round_trip_every)
    ref.start(json_safe(dict(start_task.data)), now)
    trace: list[str] = []
    waited_for: set[str] = set()
    for action in range(max_actions):
        ref_clock.set(now)
        eng = _fresh(url, now)
        case = eng.get_case(case_id)
        ours = eng.open_tasks(case_id)
        theirs = ref.ready()
        ours_by = Counter((t.task_name, canon(eng.task_data(t.id, case))) for t in ours)
        theirs_by = Counter((task_key(t), canon(t.data)) for t in theirs)
        if ours_by != theirs_by:
            raise Mismatch(_diff(f"ready tasks after {trace}", ours_by, theirs_by))
        our_timers = sorted(_aware(t.due_at).isoformat() for t in eng.waiting_timers(case_id))
        if our_timers != ref.timers():
            raise Mismatch(f"waiting timers after {trace}: BVTE {our_timers} vs SpiffWorkflow {ref.timers()}")
        if (case.status == "closed") != ref.completed():
            raise Mismatch(f"end after {trace}: BVTE {case.status}, SpiffWorkflow completed={ref.completed()}")
        if case.status == "closed":
            if canon(_end_data(eng, case)) != canon(ref.end_data()):
                raise Mismatch(f"end data: BVTE {_end_data(eng, case)} vs SpiffWorkflow {ref.end_data()}")
            return Outcome(True, action, trace)
        names = [t.task_name for t in ours]
        pick = driver.choose(names) if names else None
        if our_timers and (pick is None or (pick in driver.wait_before and pick not in waited_for)):
            if pick is not None:
                waited_for.add(pick)
            now = max(now, dt.datetime.fromisoformat(our_timers[0]) + dt.timedelta(seconds=1))
            eng = _fresh(url, now)
            eng.fire_due_timers()
            ref_clock.set(now)
            ref.fire(now)
            trace.append(f"wait→{now:%d %H:%M}")
            continue
        if pick is None:
            return Outcome(False, action, trace)      # neither can move: the caller decides if that is right
        task = min((t for t in ours if t.task_name == pick), key=lambda t: canon(eng.task_data(t.id, case)))
        before = eng.task_data(task.id, case)
        data = driver.data_for(pick, before)
        form = eng.form_for(task, case)
        clean = form.validate(data) if form is not None else json_safe(dict(data))
        actor = _actor(eng, task.agency_id)
        eng.complete_task(task.id, data, actor)
        match = [t for t in theirs if task_key(t) == pick and canon(t.data) == canon(before)][0]
        ref.complete(match.id, {**clean, f"{pick}_completed_at": now.isoformat(),
                                f"{pick}_completed_by": actor.label}, now)
        trace.append(pick)
        now += dt.timedelta(minutes=1)
    raise Mismatch(f"no end after {max_actions} actions: {trace[-10:]}")


def _end_data(eng: Engine, case) -> dict:
    return eng.workflow(case).data


def _aware(instant: dt.datetime) -> dt.datetime:
    return instant if instant.tzinfo else instant.replace(tzinfo=UTC)


def _diff(what: str, ours: Counter, theirs: Counter) -> str:
    only_ours = [n for n, _ in (ours - theirs)]
    only_theirs = [n for n, _ in (theirs - ours)]
    detail = ""
    for (n, d) in (ours - theirs):
        for (m, e) in (theirs - ours):
            if n == m:
                a, b = json.loads(d), json.loads(e)
                detail = str({k: (a.get(k), b.get(k)) for k in set(a) | set(b) if a.get(k) != b.get(k)})
    return f"{what}: only in BVTE {only_ours}, only in SpiffWorkflow {only_theirs} {detail}"


def new_id() -> str:
    return str(uuid.uuid4())
