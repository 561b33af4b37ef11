"""Step definitions of the trafficking-victim scenarios (own wording, so they never clash with features/conftest.py).

The clock is injected: scenarios move time, never sleep. They run on SQLite (a fresh file per scenario);
tests/workflows/test_trafficking_support.py covers PostgreSQL.
"""

from __future__ import annotations

import pytest
from pytest_bdd import given
from pytest_bdd import parsers
from pytest_bdd import then
from pytest_bdd import when

from engine.workdays import parse_instant
from tests.support.samples import actor_for
from workflows import registry
from workflows.trafficking_support import child_link
from workflows.trafficking_support.forms import FORMS
from workflows.trafficking_support.intake import open_case
from workflows.trafficking_support.samples import REPORT
from workflows.trafficking_support.samples import SAMPLES


@pytest.fixture
def ts(sqlite_engine, clock):
    return {"engine": sqlite_engine, "clock": clock, "report": dict(REPORT), "case": None}


def _value(task: str, field: str, text: str):
    kind = next(f.kind for f in FORMS[task].fields if f.name == field)
    if kind == "int":
        return int(text)
    if kind == "multichoice":
        return [v.strip() for v in text.split(",")]
    if kind == "bool":
        return text == "có"
    return text


def _mine(ts, username: str, task: str):
    actor = actor_for(ts["engine"], username)
    return [t for t in ts["engine"].inbox(actor.agency_id, limit=500)
            if t.task_name == task and t.case_id == ts["case"].id]


def _complete(ts, username: str, task: str, **overrides):
    [open_task] = _mine(ts, username, task) or [None]
    assert open_task is not None, f"{username} has no task {task}"
    ts["engine"].complete_task(open_task.id, dict(SAMPLES[task], **overrides), actor_for(ts["engine"], username))


# ------------------------------------------------------------------ given
@given(parsers.parse('một người trình báo bị mua bán tại xã "{commune}"'))
def _(ts, commune):
    ts["report"]["incident_commune"] = commune


@given(parsers.parse("người trình báo {age:d} tuổi"))
def _(ts, age):
    ts["report"]["person_age"] = age


@given("người trình báo chưa rõ tuổi")
def _(ts):
    ts["report"]["person_age"] = None


@given(parsers.parse('người trình báo cư trú tại xã "{commune}"'))
def _(ts, commune):
    ts["report"]["residence_commune"] = commune


@given("người trình báo được Bộ đội Biên phòng tiếp nhận")
def _(ts):
    ts["report"]["channel"] = "border_guard"


# ------------------------------------------------------------------ when
@when(parsers.parse('"{username}" ghi nhận trình báo lúc "{instant}"'))
def _(ts, username, instant):
    ts["clock"].set(parse_instant(instant))
    ts["case"] = open_case(ts["engine"], dict(ts["report"], received_at=instant), actor_for(ts["engine"], username))


@when(parsers.parse('"{username}" thực hiện bước "{task}"'))
def _(ts, username, task):
    _complete(ts, username, task)


@when(parsers.parse('"{username}" thực hiện bước "{task}" với "{field}" là "{value}"'))
def _(ts, username, task, field, value):
    _complete(ts, username, task, **{field: _value(task, field, value)})


@when("các cơ quan thực hiện các chế độ hỗ trợ")
def _(ts):
    for username, task in [("trogiupxh.tinh", "provide_essential_needs"), ("yte.x01", "provide_health_support"),
                           ("ctxh.tinh", "provide_psychological_support"), ("trogiup.tinh", "provide_legal_aid"),
                           ("vhxh.x01", "provide_education_vocational"), ("chutich.x01", "grant_initial_allowance")]:
        _complete(ts, username, task)


@when("hệ thống quét định kỳ")
def _(ts):
    registry.run_sweep_hooks(ts["engine"])


@when(parsers.parse('đến thời điểm "{instant}"'))
def _(ts, instant):
    ts["clock"].set(parse_instant(instant))
    ts["engine"].fire_due_timers()


# ------------------------------------------------------------------ then
@then(parsers.parse('"{username}" có việc "{task}"'))
def _(ts, username, task):
    assert _mine(ts, username, task), f"{username} has no {task}"


@then(parsers.parse('"{username}" có việc "{task}" hạn "{instant}"'))
def _(ts, username, task, instant):
    [found] = _mine(ts, username, task)
    assert found.due_at == parse_instant(instant)


@then(parsers.parse('"{username}" không có việc "{task}"'))
def _(ts, username, task):
    assert not _mine(ts, username, task)


@then(parsers.parse('"{username}" có việc bảo vệ trẻ em "{task}"'))
def _(ts, username, task):
    actor = actor_for(ts["engine"], username)
    [cp_id] = child_link._cp_case_ids(ts["engine"], ts["case"].id)
    assert any(t.task_name == task and t.case_id == cp_id for t in ts["engine"].inbox(actor.agency_id, limit=500))


@then("hồ sơ nạn nhân đã đóng")
def _(ts):
    assert ts["engine"].get_case(ts["case"].id).status == "closed"


@then(parsers.parse("hồ sơ liên kết {count:d} hồ sơ bảo vệ trẻ em"))
def _(ts, count):
    assert len(child_link._cp_case_ids(ts["engine"], ts["case"].id)) == count


@then("hồ sơ không liên kết hồ sơ bảo vệ trẻ em nào")
def _(ts):
    assert child_link._cp_case_ids(ts["engine"], ts["case"].id) == []


@then(parsers.parse('việc "{task}" được đánh dấu đã báo cấp trên'))
def _(ts, task):
    assert any(t.escalated_at for t in ts["engine"].open_tasks(ts["case"].id) if t.task_name == task)
