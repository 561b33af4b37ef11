"""BVTE benchmarks: ``make bench`` (or ``python bench/run.py [--quick]``). Prints a table, writes bench/results.md.

1. Engine overhead: one user action through BVTE (load case, validate, complete, run, store state + tasks +
   timers + step + audit in one transaction) against raw SpiffWorkflow doing load + step + save of the same
   case to JSON in memory, on the same process and the same actions.
3. Growth: cost of the 1st, 10th, 100th and 1,000th review visit of one case (standard loop).

Benchmarks are not tests: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer  # noqa: E402
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow  # noqa: E402
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG  # noqa: E402
from SpiffWorkflow.util.task import TaskState  # noqa: E402
from sqlalchemy import text  # noqa: E402

from engine.clock import FixedClock  # noqa: E402
from engine.clock import using_clock  # noqa: E402
from engine.db import Base  # noqa: E402
from engine.db import Database  # noqa: E402
from engine.runtime import Engine  # noqa: E402
from engine.runtime import task_key  # noqa: E402
from engine.workdays import WorkCalendar  # noqa: E402
from tests.support.db import PG_ADMIN_URL  # noqa: E402
from tests.support.db import PostgresUnavailable  # noqa: E402
from tests.support.db import ThrowawayDatabase  # noqa: E402
from tests.support.samples import REPORT  # noqa: E402
from tests.support.samples import SAMPLES  # noqa: E402
from tests.support.samples import actor_for  # noqa: E402
from tests.support.samples import open_task  # noqa: E402
from workflows import build_registry  # noqa: E402
from workflows.child_protection.forms import FORMS  # noqa: E402
from workflows.child_protection.process import open_case  # noqa: E402
from workflows.seed import seed_demo  # noqa: E402

PATH = [("initial_assessment", "canbo.x01"), ("specific_assessment", "canbo.x01"), ("draft_plan", "canbo.x01"),
        ("approve_plan", "chutich.x01"), ("police_acknowledge", "congan.x01"),
        ("police_report_outcome", "congan.x01"), ("review_visit", "canbo.x01"), ("review_visit", "canbo.x01"),
        ("close_case", "chutich.x01")]
START = dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.timezone.utc)
WINDOW = 9    # visits per growth sample (median)
RAW_SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))


def data_for(step_no: int, name: str) -> dict:
    data = dict(SAMPLES[name])
    if name == "draft_plan":
        data["refer_police"] = True
    if name == "review_visit":
        data["review_outcome"] = "continue" if step_no == 6 else "close"
    return data


def fresh_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        db = Database(url)
        Base.metadata.create_all(db.write_engine)
    else:
        db = Database(url)
        Base.metadata.drop_all(db.write_engine)
        Base.metadata.create_all(db.write_engine)
    engine = Engine(db, build_registry(), FixedClock(START))
    seed_demo(engine)
    return engine


def bench_engine(url: str, cases: int) -> list[float]:
    engine = fresh_engine(url)
    actors = {u: actor_for(engine, u) for _, u in PATH}
    per_action = []
    for _ in range(cases):
        case = open_case(engine, dict(REPORT, urgency="non_emergency"), actors["canbo.x01"])
        for i, (name, user) in enumerate(PATH):
            tid = open_task(engine, case.id, name).id
            data = data_for(i, name)
            t0 = time.perf_counter()
            engine.complete_task(tid, data, actors[user])
            per_action.append(time.perf_counter() - t0)
    engine.db.dispose()
    return per_action


def bench_raw(cases: int) -> list[float]:
    """Raw SpiffWorkflow on the same bundle and actions: deserialize JSON, complete, step, serialize JSON."""
    engine = Engine(Database("sqlite:///:memory:"), build_registry(), FixedClock(START))
    from engine.loader import collect_bundle
    from workflows import BPMN_DIR

    bundle = engine.validate(collect_bundle(os.path.join(BPMN_DIR, "child_protection_case.bpmn")))
    engine.calendars.hold(WorkCalendar())   # no database here: the public calendar
    script_engine = engine.deployment.script_engine(engine.registry.config_for(bundle.main_id))
    per_action = []
    with using_clock(engine.clock):
        for _ in range(cases):
            wf = BpmnWorkflow(bundle.spec, bundle.subprocess_specs, script_engine=script_engine)
            start = dict(REPORT, urgency="non_emergency", received_at=START.isoformat(), incident_commune="X01",
                         crime_suspected=False,   # the intake form's default (open_case applies it)
                         residence_commune="X01", responsible_commune="X01", case_id=str(uuid.uuid4()))
            wf.get_next_task(state=TaskState.READY).data.update(start)
            wf.do_engine_steps()
            state = RAW_SERIALIZER.serialize_json(wf)
            for i, (name, _user) in enumerate(PATH):
                data = FORMS[name].validate(data_for(i, name))   # cleaned outside the timing
                t0 = time.perf_counter()
                wf = RAW_SERIALIZER.deserialize_json(state)
                wf.script_engine = script_engine
                task = next(t for t in wf.get_tasks(state=TaskState.READY, manual=True) if task_key(t) == name)
                task.data.update(data)
                task.data[f"{name}_completed_at"] = START.isoformat()
                task.run()
                wf.refresh_timers()
                wf.do_engine_steps()
                state = RAW_SERIALIZER.serialize_json(wf)
                per_action.append(time.perf_counter() - t0)
    return per_action


def bench_growth(url: str, visits: list[int]) -> dict[int, float]:
    engine = fresh_engine(url)
    officer = actor_for(engine, "canbo.x01")
    case = open_case(engine, dict(REPORT, urgency="non_emergency"), officer)
    for i, (name, user) in enumerate(PATH[:6]):
        engine.complete_task(open_task(engine, case.id, name).id, data_for(i, name), actor_for(engine, user))
    costs: dict = {}
    samples: dict[int, list[float]] = {n: [] for n in visits}
    data = dict(SAMPLES["review_visit"], review_outcome="continue")
    for n in range(1, max(visits) + WINDOW):
        tid = open_task(engine, case.id, "review_visit").id
        t0 = time.perf_counter()
        engine.complete_task(tid, data, officer)
        elapsed = time.perf_counter() - t0
        for v in visits:
            if v <= n < v + WINDOW:     # the median of nine visits from the n-th on, not one noisy sample
                samples[v].append(elapsed)
    for v in visits:
        costs[v] = statistics.median(samples[v])
    with engine.db.read() as s:
        size = s.execute(text("SELECT length(state) FROM cases")).scalar()
    costs["state_bytes"] = size
    engine.db.dispose()
    return costs


def pg_database(prefix: str) -> ThrowawayDatabase | None:
    """A throwaway PostgreSQL database for the run (dropped at the end), or None without PostgreSQL."""
    db = ThrowawayDatabase(prefix, os.environ.get("BVTE_BENCH_PG", PG_ADMIN_URL))
    try:
        db.create()
    except PostgresUnavailable as exc:
        print(f"{exc}; PostgreSQL rows skipped", file=sys.stderr)
        return None
    return db


def ms(values) -> str:
    return f"{statistics.median(values) * 1000:.2f}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    cases = 5 if args.quick else 30
    visits = [1, 10, 100] if args.quick else [1, 10, 100, 1000]
    rows = []
    raw = bench_raw(cases)
    rows.append(("1. raw SpiffWorkflow: JSON load + step + save (in memory)", ms(raw), "—"))
    tmp = tempfile.mkdtemp()
    urls = [("SQLite", f"sqlite:///{tmp}/bench.sqlite3")]
    pg = pg_database("bvte_bench")
    if pg:
        urls.append(("PostgreSQL", pg.url))
    for label, url in urls:
        eng = bench_engine(url, cases)
        ratio = statistics.median(eng) / statistics.median(raw)
        rows.append((f"1. BVTE complete_task, one transaction ({label})", ms(eng), f"ratio {ratio:.2f} (target ≤ 2)"))
    for label, url in urls:
        g = bench_growth(url, visits)
        first = g[1]
        for n in visits:
            rows.append((f"3. review visit #{n} ({label})", f"{g[n] * 1000:.2f}",
                         f"{g[n] / first:.2f}× the 1st (target ≤ 1.5)"))
        rows.append((f"3. case state after {max(visits)} visits ({label})", f"{g['state_bytes'] / 1024:.0f} KB", ""))
    header = ("| measure | median ms | against target |\n|---|---|---|\n")
    table = header + "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows)
    print(table)
    if pg:
        pg.drop()
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "results.md"), "w") as fh:
        fh.write(f"# Benchmark results ({stamp}, {'quick' if args.quick else 'full'} run, {cases} cases × "
                 f"{len(PATH)} actions)\n\n{table}\n")


if __name__ == "__main__":
    main()
