"""Periodic follow-up of children in special circumstances (#21.3): the review «Rà soát định kỳ» becomes due
every N months (the province's setting per group), an overdue review is escalated to the commune chairman, the
loop runs period after period across separate Engine instances (one per action, as the CLI runs), and ending
the membership in the register, the review's «no longer in the group» or the 16th birthday ends it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from engine.db import Database
from engine.errors import InvalidTaskData
from engine.models import AuditEvent
from engine.register import person_of_case
from engine.register import records
from engine.register.records import PersonFields
from engine.runtime import Engine
from engine.workdays import parse_instant
from tests.support.samples import actor_for
from workflows import build_registry
from workflows.child_followup.followups import end_for_period
from workflows.child_followup.followups import ensure_followups
from workflows.child_followup.followups import months_for
from workflows.child_followup.followups import set_months
from workflows.child_followup.followups import start_for_period
from workflows.child_followup.schedule import add_months
from workflows.child_followup.schedule import sixteenth_birthday

REVIEW = {"visit_date": "2027-02-10", "situation": "Trẻ đi học đều, sống với bà ngoại", "still_in_group": "yes",
          "support_needed": "Tư vấn tâm lý", "next_step": "Tiếp tục theo dõi"}


def _child(engine, birth=dt.date(2015, 3, 2), group="l", start=dt.date(2026, 11, 20)):
    with engine.db.write() as s:
        person = records.create_person(s, engine.now(), "canbo.x01", "P01", PersonFields(
            full_name="Nguyễn Thị Lan", sex="female", birth_date=birth, residence_commune_code="X01"))
        period = records.add_period(s, engine.now(), "canbo.x01", person.id, "group", group, start, None,
                                    "Biên bản xác minh của UBND xã")
        return person.id, period.id


@pytest.fixture
def fresh(engine, clock):
    """``fresh()``: a new Engine on the same database, nothing carried in memory from the previous action
    (each disposed at the end)."""
    made: list[Engine] = []

    def make() -> Engine:
        made.append(Engine(Database(engine.db.url), build_registry(), clock))
        return made[-1]
    yield make
    for eng in made:
        eng.db.dispose()


def _tasks(eng, username):
    return [t for t in eng.inbox(actor_for(eng, username).agency_id) if t.task_name in
            ("periodic_review", "escalate_review_overdue")]


def test_schedule_helpers():
    assert add_months(dt.date(2027, 1, 31), 1) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2026, 11, 20), 3) == dt.date(2027, 2, 20)
    assert sixteenth_birthday(dt.date(2016, 2, 29), None) == dt.date(2032, 2, 29)
    assert sixteenth_birthday(None, 2014) == dt.date(2030, 12, 31) and sixteenth_birthday(None, None) is None


def test_review_due_escalated_and_looping_across_engines(engine, clock, fresh):
    person_id, period_id = _child(engine)
    case = start_for_period(engine, period_id)
    assert case is not None and case.reference == f"TD-{period_id}"
    assert start_for_period(engine, period_id) is None and ensure_followups(engine, "P01") == 0   # idempotent
    with engine.db.read() as s:
        assert person_of_case(s, case.id) == person_id
    data = engine.case_data(case.id)
    assert data["followup_months"] == 3 and data["review_count"] > 10
    assert _tasks(engine, "canbo.x01") == []                         # not open before its window
    for n in range(1, 4):                                            # three periods, each action a new process
        eng = fresh()
        opens, due = eng.case_data(case.id)["review_schedule"][n - 1]
        assert parse_instant(due).date() >= add_months(dt.date(2026, 11, 20), 3 * n)
        clock.set(parse_instant(opens) + dt.timedelta(minutes=1))
        eng.fire_due_timers()
        eng = fresh()
        [task] = _tasks(eng, "canbo.x01")
        assert task.due_at == parse_instant(due)
        if n == 2:                                                   # overdue: the chairman is told
            clock.set(parse_instant(due) + dt.timedelta(minutes=1))
            eng.fire_due_timers()
            eng = fresh()
            [esc] = _tasks(eng, "chutich.x01")
            assert esc.task_name == "escalate_review_overdue"
            eng.complete_task(esc.id, {"escalation_action": "Đã nhắc cán bộ thăm trẻ"},
                              actor_for(eng, "chutich.x01"))
        eng = fresh()
        eng.complete_task(task.id, REVIEW, actor_for(eng, "canbo.x01"))
        eng = fresh()
        assert eng.get_case(case.id).status == "open" and _tasks(eng, "canbo.x01") == []
        assert eng.case_data(case.id)["review_no"] == n + 1 or n == 3
    # the membership ends in the register: the follow-up ends with it
    eng = fresh()
    with eng.db.write() as s:
        records.end_period(s, eng.now(), "canbo.x01", person_id, period_id, eng.now().date(), "Trẻ được nhận nuôi")
    assert end_for_period(eng, period_id)
    assert fresh().get_case(case.id).status == "closed"
    assert ensure_followups(eng, "P01") == 0                          # an ended membership gets no new one


def test_review_says_no_longer_in_group_and_membership_end_during_review(engine, clock):
    _pid, period_id = _child(engine, group="a")
    case = start_for_period(engine, period_id)
    assert engine.case_data(case.id)["followup_months"] == 6
    opens, _due = engine.case_data(case.id)["review_schedule"][0]
    clock.set(parse_instant(opens) + dt.timedelta(hours=1))
    engine.fire_due_timers()
    [task] = _tasks(engine, "canbo.x01")
    engine.complete_task(task.id, {**REVIEW, "still_in_group": "no", "next_step": "Đề nghị kết thúc trong sổ"},
                         actor_for(engine, "canbo.x01"))
    assert engine.get_case(case.id).status == "closed"
    # a second child: the membership ends while the review is open
    pid2, period2 = _child(engine, group="a", start=dt.date(2026, 11, 1))
    case2 = start_for_period(engine, period2)
    opens2, _ = engine.case_data(case2.id)["review_schedule"][0]
    clock.set(max(parse_instant(opens2), clock.now()) + dt.timedelta(hours=1))
    engine.fire_due_timers()
    assert [t.case_id for t in _tasks(engine, "canbo.x01")] == [case2.id]
    with engine.db.write() as s:
        records.end_period(s, engine.now(), "canbo.x01", pid2, period2, engine.now().date(), "Trẻ chuyển đi")
    assert end_for_period(engine, period2)
    assert engine.get_case(case2.id).status == "closed" and _tasks(engine, "canbo.x01") == []


def test_ends_at_sixteen_and_province_interval(engine, clock, fresh):
    set_months(engine, "admin", "P01", "l", 6)
    assert months_for(engine, "P01")["l"] == 6 and months_for(engine, "P01")["b"] == 3
    with pytest.raises(InvalidTaskData):
        set_months(engine, "admin", "P01", "l", 0)
    with pytest.raises(InvalidTaskData):
        set_months(engine, "admin", "P01", "zz", 3)
    with engine.db.read() as s:
        assert s.execute(select(AuditEvent).where(AuditEvent.action == "register.interval_set")).first()
    # 16 on 1 Dec 2027: reviews due 20/5/2027 and 20/11/2027 only
    _pid, period_id = _child(engine, birth=dt.date(2011, 12, 1))
    case = start_for_period(engine, period_id)
    data = engine.case_data(case.id)
    assert data["review_count"] == 2 and data["followup_months"] == 6
    for n in range(2):
        eng = fresh()
        opens, _ = eng.case_data(case.id)["review_schedule"][n]
        clock.set(parse_instant(opens) + dt.timedelta(minutes=1))
        eng.fire_due_timers()
        [task] = _tasks(eng, "canbo.x01")
        eng.complete_task(task.id, REVIEW, actor_for(eng, "canbo.x01"))
    assert fresh().get_case(case.id).status == "closed"


def test_ensure_starts_missing_ones_only_with_a_commune(engine):
    _child(engine)
    _child(engine, group="d")
    with engine.db.write() as s:
        nowhere = records.create_person(s, engine.now(), "canbo.x01", "P01", PersonFields(full_name="Lê Văn B"))
        records.add_period(s, engine.now(), "canbo.x01", nowhere.id, "group", "b", dt.date(2026, 11, 1), None, "x")
        records.add_period(s, engine.now(), "canbo.x01", nowhere.id, "risk", "poor_household", None, None, "x")
    assert ensure_followups(engine, "P01") == 2
    assert ensure_followups(engine) == 0


def test_cli_starts_missing_followups_idempotently_one_process_per_action(sqlite_engine, cli_clock):
    import json

    from tests.support.cli import bvte_runner

    bvte = bvte_runner(sqlite_engine.db.url)
    _pid, period_id = _child(sqlite_engine)
    assert "P01 l: every 4 month(s)" in bvte("register", "followups", "interval", "--province", "P01", "--group",
                                             "l", "--months", "4")
    assert "1 follow-up(s) started" in bvte("register", "followups", "start", "--province", "P01")
    assert "0 follow-up(s) started" in bvte("register", "followups", "start", "--province", "P01")
    view = json.loads(bvte("cases", "show", f"TD-{period_id}", "--json"))
    assert view["status"] == "open" and view["process"] == "child_followup" and view["open_tasks"] == []
    assert sqlite_engine.case_data(view["id"])["followup_months"] == 4


def test_the_sweep_links_a_follow_up_left_without_its_record(engine):
    """A case left outside the child's record (started by an older version, a restored backup): the sweep links
    it."""
    from sqlalchemy import delete

    from engine.register.models import PersonCase
    from workflows.child_followup.followups import on_sweep

    pid, period_id = _child(engine)
    case = start_for_period(engine, period_id)
    with engine.db.write() as s:
        s.execute(delete(PersonCase).where(PersonCase.case_id == case.id))
        assert person_of_case(s, case.id) is None
    on_sweep(engine)
    with engine.db.read() as s:
        assert person_of_case(s, case.id) == pid
    assert on_sweep(engine) == 0


def test_a_follow_up_starts_with_its_record_link_in_one_transaction(engine, monkeypatch):
    """The link fails: no case is left behind either (the start and the link are one transaction), and the next
    sweep starts it whole."""
    from engine.models import Case

    pid, period_id = _child(engine)

    def broken(*_a, **_k):
        raise RuntimeError("the link write failed")
    monkeypatch.setattr(records, "link_case", broken)
    with pytest.raises(RuntimeError):
        start_for_period(engine, period_id)
    with engine.db.read() as s:
        assert s.execute(select(Case).where(Case.reference == f"TD-{period_id}")).scalar() is None
    monkeypatch.undo()
    case = start_for_period(engine, period_id)
    with engine.db.read() as s:
        assert person_of_case(s, case.id) == pid


def test_a_changed_interval_or_birth_date_reschedules_the_running_follow_ups(engine, clock, fresh):
    """The province moves group l from 3 to 6 months while a follow-up runs: the review under way keeps its dates,
    the later ones follow the new interval (audited); the birth date corrected to 16 in 2027: it ends then."""
    from workflows.child_followup.followups import reschedule

    person_id, period_id = _child(engine)
    case = start_for_period(engine, period_id)
    first = engine.case_data(case.id)["review_schedule"][0]
    assert set_months(engine, "admin", "P01", "l", 6) == 1
    assert set_months(engine, "admin", "P01", "l", 6) == 0            # already on the rule
    with engine.db.read() as s:
        [event] = s.execute(select(AuditEvent).where(AuditEvent.action == "case.amend")).scalars()
        assert event.case_id == case.id and event.detail["new"]["followup_months"] == 6
    eng = fresh()
    clock.set(parse_instant(first[0]) + dt.timedelta(minutes=1))
    eng.fire_due_timers()
    [task] = _tasks(eng, "canbo.x01")
    assert task.due_at == parse_instant(first[1])                    # the review under way: unchanged
    eng.complete_task(task.id, REVIEW, actor_for(eng, "canbo.x01"))
    data = fresh().case_data(case.id)
    assert data["followup_months"] == 6 and data["review_schedule"][0] == first
    dues = [parse_instant(due).date() for _opens, due in data["review_schedule"]]
    assert dues[1] >= dt.date(2027, 5, 20) and dues[2] >= dt.date(2027, 11, 20) and dues[2] < dt.date(2027, 12, 1)
    # the birth date corrected: 16 on 1 Dec 2027, so the review due 20/11/2027 is the last
    eng = fresh()
    with eng.db.write() as s:
        records.update_person(s, eng.now(), "canbo.x01", person_id, PersonFields(
            full_name="Nguyễn Thị Lan", sex="female", birth_date=dt.date(2011, 12, 1), residence_commune_code="X01"))
    assert reschedule(eng, person_id=person_id) == 1
    for n in (1, 2):
        eng = fresh()
        opens, _ = data["review_schedule"][n]
        clock.set(parse_instant(opens) + dt.timedelta(minutes=1))
        eng.fire_due_timers()
        [task] = _tasks(eng, "canbo.x01")
        eng.complete_task(task.id, REVIEW, actor_for(eng, "canbo.x01"))
    assert fresh().get_case(case.id).status == "closed"
