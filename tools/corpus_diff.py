"""Differential check of BVTE against stock SpiffWorkflow 3.2.0 on a corpus of BPMN files (issue #19).

Not part of the test suite: the corpus is public third-party BPMN kept OUTSIDE the repository. Usage::

    .venv/bin/python tools/corpus_diff.py /tmp/corpus/tree [--manifest /tmp/corpus/manifest.tsv]
                                          [--out /tmp/corpus/result.tsv] [--only NAME] [--seconds 60]

The corpus is a flat directory or a tree (a folder per source, each file at its path in its repository).

For each ``*.bpmn`` file (with the files of its directory that define processes it calls, as
``engine.loader.collect_bundle`` finds them):

* **stock**: ``SpiffBpmnParser`` (``BpmnParser`` when that refuses the file) parses it; the first
  executable process of the file runs in memory: every READY human task is completed with empty data,
  every message or signal a task waits for is sent (with an empty payload) through the waiting
  definition, and when nothing else can move the clock jumps past the earliest timer.
* **BVTE**: a fresh SQLite database seeded as the tests seed it; ``Engine.validate`` then ``deploy``, a
  case started in commune X01, and the same drive through the engine's own services: tasks completed
  by a user of the task's agency, messages and signals delivered with ``engine.messages.deliver`` (the
  service behind the API, CLI and case page), timers fired by ``fire_due_timers`` with the injectable
  clock moved past the earliest due instant.

Results per side: ``refused`` (parse/validate), ``failed`` (an error while running), ``stuck`` (nothing
can move and it did not end), ``end``. A table (TSV) is written and a summary printed. A BVTE refusal
is ``explained`` when every problem names an element id of the file (or the file) and carries a
Vietnamese/English sentence, not raw parser output.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import re
import signal
import sys
import tempfile
import traceback
import warnings

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

UTC = dt.timezone.utc
T0 = dt.datetime(2026, 11, 20, 1, 30, tzinfo=UTC)
MAX_ACTIONS = 60


# ---------------------------------------------------------------------------------------------- stock

class _Clock:
    offset = dt.timedelta(0)


def _patch_spiff_clock() -> None:
    import SpiffWorkflow.bpmn.specs.event_definitions.timer as timer_mod

    real = dt.datetime

    class Shifted(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return real.now(tz) + _Clock.offset

    timer_mod.datetime = Shifted


def stock_run(files: dict[str, bytes]) -> tuple[str, str]:
    """(result, detail) of stock SpiffWorkflow 3.2.0 on the bundle."""
    from lxml import etree
    from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser
    from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition
    from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
    from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
    from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
    from SpiffWorkflow.bpmn.util import BpmnEvent
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
    from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
    from SpiffWorkflow.util.task import TaskState

    main_name = next(iter(files))
    main_id = None
    root = etree.fromstring(files[main_name])
    for proc in root.iter("{http://www.omg.org/spec/BPMN/20100524/MODEL}process"):
        if proc.get("isExecutable", "true") != "false":
            main_id = proc.get("id")
            break
    if main_id is None:
        return "refused", "no executable process"
    spec = subs = None
    errors = []
    for cls in (SpiffBpmnParser, BpmnParser):
        try:
            parser = cls()
            for name, data in files.items():
                parser.add_bpmn_str(data, filename=name)
            spec, subs = parser.get_spec(main_id), parser.get_subprocess_specs(main_id)
            break
        except Exception as exc:
            errors.append(f"{cls.__name__}: {exc}")
    if spec is None:
        return "refused", "; ".join(errors)[:300]
    try:
        _Clock.offset = dt.timedelta(0)
        wf = BpmnWorkflow(spec, subs)
        sent: set = set()
        for _ in range(MAX_ACTIONS):
            wf.refresh_timers()
            wf.do_engine_steps()
            if wf.is_completed():
                return "end", ""
            ready = wf.get_tasks(state=TaskState.READY, manual=True)
            if ready:
                ready[0].run()
                continue
            waiting = [t for t in wf.get_tasks(state=TaskState.WAITING)
                       if getattr(t.task_spec, "event_definition", None) is not None]
            moved = False
            for task in waiting:
                definition = task.task_spec.event_definition
                parts = (definition.event_definitions if isinstance(definition, MultipleEventDefinition)
                         else [definition])
                for part in parts:
                    if isinstance(part, (MessageEventDefinition, SignalEventDefinition)) and \
                            (task.task_spec.name, part.name) not in sent:
                        sent.add((task.task_spec.name, part.name))
                        try:
                            wf.send_event(BpmnEvent(part, payload={}))
                            moved = True
                        except Exception:
                            continue
                        break
                if moved:
                    break
            if moved:
                continue
            dues = []
            for task in waiting:
                definition = task.task_spec.event_definition
                parts = (definition.event_definitions if isinstance(definition, MultipleEventDefinition)
                         else [definition])
                if any(isinstance(p, TimerEventDefinition) for p in parts):
                    value = task.internal_data.get("event_value")
                    if isinstance(value, dict):
                        value = value.get("next")
                    if value:
                        dues.append(TimerEventDefinition.get_datetime(str(value)))
            if dues:
                due = min(dues)
                now = dt.datetime.now(UTC) + _Clock.offset
                _Clock.offset += max(dt.timedelta(0), due.astimezone(UTC) - now) + dt.timedelta(seconds=1)
                continue
            return "stuck", ", ".join(sorted({t.task_spec.name for t in waiting}))[:200]
        return "stuck", f"no end after {MAX_ACTIONS} actions"
    except Exception as exc:
        return "failed", f"{type(exc).__name__}: {exc}"[:300]


# ---------------------------------------------------------------------------------------------- BVTE

def explained(problems: list[tuple[str, str]], text: str) -> bool:
    """Every problem names an element id that occurs in the file (or a file name) and has a sentence in
    both languages (' / ' between Vietnamese and English), with no Python repr or parser traceback."""
    for where, what in problems:
        named = bool(where) and (f'id="{where}"' in text or where.endswith((".bpmn", ".dmn")) or where == "bundle")
        # (a Python suggestion may hold None: "invoiceId != None"; a repr of a missing value is "'None'")
        readable = " / " in what and not re.search(r"Traceback|<lxml|object at 0x|'None'|: None$", what)
        if not (named and readable):
            return False
    return True


def _seeded(url: str, clock, make_seeded_engine):
    """The tests' seeded engine (organisation, users, province set-up) without deploying the installed
    procedures' own BPMN: the corpus does not need them, and a procedure being edited cannot break the check."""
    from workflows import seed

    procedures = seed.registry.procedures
    seed.registry.procedures = lambda: []   # type: ignore[method-assign]
    try:
        return make_seeded_engine(url, clock)
    finally:
        seed.registry.procedures = procedures   # type: ignore[method-assign]


def bvte_run(files: dict[str, bytes], workdir: str) -> tuple[str, str, list[str]]:
    """(result, detail, warnings) of BVTE on the bundle, on a fresh seeded SQLite database."""
    from sqlalchemy import select

    from engine import messages as events
    from engine.clock import FixedClock
    from engine.context import Actor
    from engine.db import Base
    from engine.db import Database
    from engine.errors import Conflict
    from engine.errors import InvalidProcess
    from engine.errors import InvalidTaskData
    from engine.models import User
    from tests.support.db import make_seeded_engine

    url = f"sqlite:///{workdir}/bvte.sqlite3"
    db = Database(url)
    Base.metadata.create_all(db.write_engine)
    db.dispose()
    clock = FixedClock(T0)
    eng = _seeded(url, clock, make_seeded_engine)
    text = "\n".join(v.decode("utf-8", "replace") for v in files.values())
    harness = Actor("corpus-diff")
    try:
        try:
            bundle = eng.validate(files)
        except InvalidProcess as exc:
            problems = list(exc.problems)
            verdict = "explained" if explained(problems, text) else "UNCLEAR"
            return "refused", f"{verdict}: " + " | ".join(f"{w}: {m}" for w, m in problems)[:400], []
        notes = [f"{w}: {m}" for w, m in bundle.warnings]
        try:
            eng.deploy(files, harness)
            case = eng.start_case(bundle.main_id, {}, harness, incident_commune="X01", received_at=T0)
        except Exception as exc:
            return "failed", f"start: {type(exc).__name__}: {exc}"[:300], notes
        sent: set = set()
        for _ in range(MAX_ACTIONS):
            case = eng.get_case(case.id)
            if case.status == "closed":
                return "end", "", notes
            tasks = eng.open_tasks(case.id)
            try:
                if tasks:
                    task = sorted(tasks, key=lambda t: t.task_name)[0]
                    with eng.db.read() as s:
                        user = s.execute(select(User).where(User.agency_id == task.agency_id,
                                                            User.active.is_(True)).order_by(User.id)).scalar()
                    if user is None:
                        return "stuck", f"no user in agency of {task.task_name}", notes
                    eng.complete_task(task.id, {}, Actor(user.username, user.id, user.agency_id, user.role))
                    continue
                waits = [w for w in events.awaited(eng, case) if (w.kind, w.name, w.element) not in sent]
                if waits:
                    w = waits[0]
                    sent.add((w.kind, w.name, w.element))
                    try:   # an empty payload may not match a correlation key: refused, as stock refuses it
                        events.deliver(eng, case.id, w.kind, w.name, {}, harness)
                    except (Conflict, InvalidTaskData):
                        pass
                    continue
                timers = eng.waiting_timers(case.id)
                if timers:
                    due = min(t.due_at if t.due_at.tzinfo else t.due_at.replace(tzinfo=UTC) for t in timers)
                    clock.set(max(clock.now(), due + dt.timedelta(seconds=1)))
                    eng.fire_due_timers()
                    continue
            except Exception as exc:
                return "failed", f"{type(exc).__name__}: {exc}"[:300], notes
            return "stuck", f"status {case.status}, nothing open, awaited or timed", notes
        return "stuck", f"no end after {MAX_ACTIONS} actions", notes
    finally:
        eng.db.dispose()


# ---------------------------------------------------------------------------------------------- main

class _TimeUp(BaseException):   # not caught by the code under test (``except Exception``)
    pass


@contextlib.contextmanager
def _time_limit(seconds: int):
    """SIGALRM after ``seconds``: a file that loops for ever is reported, not waited on."""
    def up(_sig, _frame):
        raise _TimeUp()
    old = signal.signal(signal.SIGALRM, up)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", help="directory of .bpmn files (flat)")
    ap.add_argument("--manifest", help="TSV: file name, repository, path (shown beside each result)")
    ap.add_argument("--out", help="write the table here (TSV)")
    ap.add_argument("--only", help="only files whose name contains this")
    ap.add_argument("--seconds", type=int, default=60, help="each side's time limit per file (then: timeout)")
    args = ap.parse_args(argv)
    warnings.simplefilter("ignore")
    from engine.loader import collect_bundle

    _patch_spiff_clock()
    origin = {}
    if args.manifest and os.path.exists(args.manifest):
        for line in open(args.manifest, encoding="utf-8"):
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 3:
                origin[parts[0]] = f"{parts[1]}:{parts[2]}"
    # the corpus as a flat directory or a tree (each source's files in their own folders, so that a file's
    # called processes are looked up beside it, as its modeller had them)
    names = sorted(os.path.relpath(os.path.join(d, n), args.corpus) for d, _dirs, files in os.walk(args.corpus)
                   for n in files if n.endswith(".bpmn") and (not args.only or args.only in os.path.join(d, n)))
    rows = []
    for name in names:
        files = collect_bundle(os.path.join(args.corpus, name))
        try:
            with _time_limit(args.seconds):
                stock = stock_run(files)
        except _TimeUp:
            stock = ("timeout", f"more than {args.seconds} s")
        except Exception as exc:
            stock = ("failed", f"harness: {exc}")
        with tempfile.TemporaryDirectory() as tmp:
            try:
                with _time_limit(args.seconds):
                    ours = bvte_run(files, tmp)
            except _TimeUp:
                ours = ("timeout", f"more than {args.seconds} s", [])
            except Exception as exc:
                ours = ("failed", f"harness: {type(exc).__name__}: {exc} {traceback.format_exc(limit=2)}"[:300], [])
        rows.append((name, stock[0], ours[0], stock[1], ours[1], len(ours[2])))
        print(f"{name:60} spiff={stock[0]:8} bvte={ours[0]:8} {ours[1][:110]}", flush=True)
    total = len(rows)
    s_end = sum(r[1] == "end" for r in rows)
    s_parse = sum(r[1] != "refused" for r in rows)
    b_valid = sum(r[2] != "refused" for r in rows)
    b_start = sum(r[2] not in ("refused",) and not r[4].startswith("start:") for r in rows)
    b_end = sum(r[2] == "end" for r in rows)
    gap = [r[0] for r in rows if r[1] == "end" and r[2] != "end"]
    unclear = [r[0] for r in rows if r[2] == "refused" and "UNCLEAR" in r[4]]
    print(f"\nfiles {total}; SpiffWorkflow parses {s_parse}, runs to the end {s_end}; "
          f"BVTE validates {b_valid}, starts {b_start}, runs to the end {b_end}")
    print(f"SpiffWorkflow ends but BVTE does not ({len(gap)}): {', '.join(gap) or '-'}")
    print(f"refusals not explained ({len(unclear)}): {', '.join(unclear) or '-'}")
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            fh.write("file\torigin\tspiff\tbvte\tspiff_detail\tbvte_detail\tbvte_warnings\n")
            for r in rows:
                fh.write("\t".join([r[0], origin.get(r[0], ""), r[1], r[2],
                                    r[3].replace("\t", " ").replace("\n", " "),
                                    r[4].replace("\t", " ").replace("\n", " "), str(r[5])]) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
