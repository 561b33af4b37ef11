"""A fresh worker process computes the public-holiday table (the ``holidays`` package: 26 years of lunar
dates) before any script runs, not inside the first ``due()``: on a loaded machine that computation took longer
than a script's 1-second limit and failed the step (seen in CI: ``Error evaluating expression
'due("plan_drafting")'`` in a new process). Reproduced here by making the table slow to build."""

import subprocess
import sys

from tests.support.samples import REPORT
from tests.support.samples import complete
from workflows.child_protection.process import open_case


def test_a_slow_holiday_table_in_a_fresh_process_does_not_fail_the_step(sqlite_engine, as_user, tmp_path):
    engine = sqlite_engine
    case = open_case(engine, REPORT, as_user("tongdai111"))
    complete(engine, case.id, "initial_assessment", as_user("canbo.x01"))
    script = f"""
import datetime as dt
import time
import holidays
real = holidays.country_holidays
def slow(*args, **kwargs):
    time.sleep(1.3)                      # longer than a script's time limit
    return real(*args, **kwargs)
holidays.country_holidays = slow
from engine.clock import FixedClock
from engine.db import Database
from engine.runtime import Engine
from workflows import build_registry
from tests.support.samples import complete
from tests.support.samples import actor_for
eng = Engine(Database({engine.db.url!r}), build_registry(), FixedClock(dt.datetime(2026, 11, 21, tzinfo=dt.timezone.utc)))
complete(eng, {case.id!r}, "specific_assessment", actor_for(eng, "canbo.x01"))
print(",".join(t.task_name for t in eng.open_tasks({case.id!r})))
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "draft_plan"
