"""Finding the cases a signal reaches: the ``case_waits`` index against restoring every open case (the code before
it, kept here as ``by_restoring``), and what keeping the index costs a user action.

    .venv/bin/python bench/signals.py [--quick] [--postgres]

N open child-protection cases (the procedure's real state, waiting at a user task) and W cases waiting at a
signal catch event; times are medians of five lookups. The write cost is the median per action of the
procedure's path with the index kept and with its upkeep switched off (both in this run, interleaved).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import select  # noqa: E402

from bench.run import PATH  # noqa: E402
from bench.run import data_for  # noqa: E402
from bench.run import fresh_engine  # noqa: E402
from bench.run import pg_database  # noqa: E402
from engine import case_waits  # noqa: E402
from engine import messages  # noqa: E402
from engine import store  # noqa: E402
from engine.context import Actor  # noqa: E402
from engine.errors import EngineError  # noqa: E402
from engine.models import Case  # noqa: E402
from engine.status import waiting_for  # noqa: E402
from tests.engine.test_messages import SIGNAL  # noqa: E402
from tests.support.samples import REPORT  # noqa: E402
from tests.support.samples import actor_for  # noqa: E402
from tests.support.samples import open_task  # noqa: E402
from workflows.child_protection.process import open_case  # noqa: E402


def by_restoring(engine, kind: str, name: str, limit: int = 10_000) -> list[str]:
    """``engine.messages.waiting_cases`` before the index: every open case restored and looked at."""
    with engine.db.read() as s:
        cases = list(s.execute(select(Case).where(Case.status == "open").order_by(Case.created_at)
                               .limit(limit)).scalars())
    out = []
    for case in cases:
        try:
            wf = engine.deployment.workflow(case)
        except EngineError:
            continue
        if any(w["kind"] == kind and w["name"] == name for w in waiting_for(wf)):
            out.append(case.id)
    return out


def median_ms(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def write_cost(engine, cases: int) -> tuple[float, float]:
    """Median ms per action of the procedure's path, index kept / upkeep off."""
    actors = {u: actor_for(engine, u) for _, u in PATH}
    real_of_state, real_write = case_waits.of_state, store.write_waits
    kept: list[float] = []
    off: list[float] = []
    for i in range(cases):
        upkeep = i % 2 == 0
        case_waits.of_state = real_of_state if upkeep else (lambda wf: frozenset())
        store.write_waits = real_write if upkeep else (lambda s, plans: None)
        case = open_case(engine, dict(REPORT, urgency="non_emergency"), actors["canbo.x01"])
        for step, (name, user) in enumerate(PATH):
            tid = open_task(engine, case.id, name).id
            t0 = time.perf_counter()
            engine.complete_task(tid, data_for(step, name), actors[user])
            (kept if upkeep else off).append(time.perf_counter() - t0)
    case_waits.of_state, store.write_waits = real_of_state, real_write
    return statistics.median(kept) * 1000, statistics.median(off) * 1000


def run(url: str, open_cases: int, waiting: int, path_cases: int) -> dict:
    engine = fresh_engine(url)
    officer = actor_for(engine, "canbo.x01")
    engine.deploy(SIGNAL, Actor("bench"), main_id="wait_signal")
    for _ in range(open_cases):
        open_case(engine, dict(REPORT, urgency="non_emergency"), officer)
    ids = [engine.start_case("wait_signal", {}, Actor("bench"), incident_commune="X01").id for _ in range(waiting)]
    assert sorted(by_restoring(engine, "signal", "case_withdrawn")) == sorted(ids)
    assert sorted(messages.waiting_cases(engine, "signal", "case_withdrawn", None, 10_000)) == sorted(ids)
    before = median_ms(lambda: by_restoring(engine, "signal", "case_withdrawn"))
    after = median_ms(lambda: messages.waiting_cases(engine, "signal", "case_withdrawn", None, 10_000))
    t0 = time.perf_counter()
    reached = messages.broadcast(engine, "case_withdrawn", {}, Actor("bench"))
    broadcast = (time.perf_counter() - t0) * 1000
    assert sorted(reached) == sorted(ids)
    kept, off = write_cost(engine, path_cases)
    engine.db.dispose()
    return {"before": before, "after": after, "broadcast": broadcast, "kept": kept, "off": off}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--postgres", action="store_true")
    args = ap.parse_args()
    open_cases, waiting, path_cases = (300, 10, 6) if args.quick else (2_000, 20, 20)
    targets = []
    tmp = tempfile.mkdtemp()
    targets.append(("SQLite", f"sqlite:///{tmp}/signals.sqlite3", None))
    if args.postgres:
        pg = pg_database("bvte_bench_signals")
        if pg is not None:
            targets.append(("PostgreSQL", pg.url, pg))
    print(f"{open_cases} open cases at a user task, {waiting} waiting for the signal")
    print("| database | find, restoring every case | find, case_waits index | broadcast (find + deliver) "
          "| action, index kept | action, upkeep off |")
    print("|---|---|---|---|---|---|")
    for label, url, pg in targets:
        r = run(url, open_cases, waiting, path_cases)
        print(f"| {label} | {r['before']:.1f} ms | {r['after']:.2f} ms | {r['broadcast']:.1f} ms "
              f"| {r['kept']:.2f} ms | {r['off']:.2f} ms |")
        if pg is not None:
            pg.drop()


if __name__ == "__main__":
    main()
