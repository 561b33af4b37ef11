"""Whatever one process does with a case, any other process continues: every test process (and every
file in bpmn/) is driven with a new Engine per action and compared step by step with stock SpiffWorkflow."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from tests.support.diff_bpmn import PROCESSES
from tests.support.diff_bpmn import standard_loop
from tests.support.differential import Driver
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
                                       ("event_gateway", {"chase"}), ("call_activity", {"before"})])
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
