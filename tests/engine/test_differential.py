"""Whatever one process does with a case, any other process continues: every test process (and every
file in bpmn/) is driven with a new Engine per action and compared step by step with stock SpiffWorkflow."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine

from engine.spiff import task_key
from tests.support.diff_bpmn import PROCESSES
from tests.support.diff_bpmn import standard_loop
from tests.support.differential import T0
from tests.support.differential import Driver
from tests.support.differential import Reference
from tests.support.differential import run


def _count(name, data):
    if name in ("visit",):
        return {"visits": data.get("visits", 0) + 1}
    if name == "each":
        return {"report": f"báo cáo {data.get('agency', '')}".strip()}
    return {"note": f"xong {name}"}


@pytest.fixture
def url(sqlite_engine):
    return sqlite_engine.db.url


@pytest.mark.parametrize("name", sorted(PROCESSES))
def test_each_construct_runs_as_stock_spiffworkflow(url, name):
    files, main_id, start = PROCESSES[name]
    out = run(url, files, main_id, start, Driver(data_for=_count))
    assert out.closed, out.trace


@pytest.mark.parametrize("name,wait", [("boundary_timers", {"work"}), ("event_subprocess", {"work"}),
                                       ("event_gateway", {"chase"}), ("call_activity", {"before"}),
                                       ("escalation_twice", {"a", "b"})])
def test_timers_fire_as_in_stock_spiffworkflow(url, name, wait):
    files, main_id, start = PROCESSES[name]
    out = run(url, files, main_id, start, Driver(data_for=_count, wait_before=frozenset(wait)))
    assert out.closed, out.trace
    assert any(step.startswith("wait") for step in out.trace)


def test_boundary_timers_both_fire_before_the_work(url):
    files, main_id, start = PROCESSES["boundary_timers"]
    driver = Driver(data_for=_count, choose=lambda names: "work" if names == ["work"] else sorted(names)[-1],
                    wait_before=frozenset({"work"}))
    out = run(url, files, main_id, start, driver)
    assert out.closed and "remind" in out.trace


def test_a_limit_missed_twice_then_the_escalation_limit(url):
    # a_limit, then b_limit: the second run of "fan" prunes the first escalation with its waiting limit
    files, main_id, start = PROCESSES["escalation_twice"]
    driver = Driver(data_for=_count, wait_before=frozenset({"a", "b", "escalate"}))
    out = run(url, files, main_id, start, driver)
    assert out.closed, out.trace
    assert out.trace.count("escalate") == 1 and sum(s.startswith("wait") for s in out.trace) == 3, out.trace


@pytest.mark.parametrize("round_trip_every", [1, 10**6], ids=["serializer_every_action", "one_process"])
def test_stock_spiffworkflow_keeps_a_removed_timer(round_trip_every):
    """Root cause of the stale timer: stock SpiffWorkflow 3.2.0, with its own serializer around every action
    or all in one process, keeps the pruned timer in its event manager and fails on it at the next refresh."""
    files, main_id, _start = PROCESSES["escalation_twice"]
    ref = Reference(files, main_id, PythonScriptEngine(), round_trip_every, mend=False)
    ref.start({}, T0)
    ref.fire(T0 + dt.timedelta(hours=1, seconds=1))            # a_limit: fan's first run, escalation_limit waits
    assert sorted(task_key(t) for t in ref.ready()) == ["a", "b", "escalate", "inform"]
    with pytest.raises(AttributeError, match="'NoneType' object has no attribute 'data'"):
        ref.fire(T0 + dt.timedelta(hours=2, seconds=1))        # b_limit: fan again, the first branch pruned
    mended = Reference(files, main_id, PythonScriptEngine(), round_trip_every)
    mended.start({}, T0)
    mended.fire(T0 + dt.timedelta(hours=1, seconds=1))
    mended.fire(T0 + dt.timedelta(hours=2, seconds=1))
    assert sorted(task_key(t) for t in mended.ready()) == ["a", "b", "escalate", "inform"]


def test_a_thousand_loop_iterations(url):
    # BVTE: a new Engine for each of the 1,001 actions; the reference round-trips its JSON every 50th
    out = run(url, standard_loop(), "loop_std", {"target": 1000, "visits": 0},
              Driver(data_for=_count, round_trip_every=50), max_actions=1100)
    assert out.closed and out.trace.count("visit") == 1000


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
@pytest.mark.parametrize("name", ["mi_parallel_cardinality", "mi_sequential_collection", "loop_2"])
def test_on_postgresql_too(engine, name):
    assert not engine.db.is_sqlite
    files, main_id, start = PROCESSES[name]
    assert run(engine.db.url, files, main_id, start, Driver(data_for=_count)).closed


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.randoms(use_true_random=False),
       name=st.sampled_from(["parallel", "mi_parallel_collection", "mi_parallel_cardinality", "embedded_subprocess"]))
def test_any_order_of_parallel_branches(url, order, name):
    files, main_id, start = PROCESSES[name]
    out = run(url, files, main_id, start, Driver(data_for=_count, choose=lambda names: order.choice(sorted(names))))
    assert out.closed, out.trace
