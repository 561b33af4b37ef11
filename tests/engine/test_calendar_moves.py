"""A province's own day off or working day (#20.5) moves the running deadlines it spans — the open task's
due instant and the waiting timer's (in the case's state and in ``timers``), so the timer worker fires at the
new instant — in one audited transaction after a preview that lists them; another province's deadlines do not
move. On SQLite and PostgreSQL, on the injectable clock (START: Friday 20/11/2026 22:00 Asia/Ho_Chi_Minh)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from engine import admin_calendar
from engine import calendar_moves
from engine.calendar_moves import Change
from engine.errors import InvalidTaskData
from engine.models import AuditEvent
from engine.models import Case
from tests.support.samples import REPORT
from tests.support.samples import complete
from tests.support.samples import open_task
from workflows.child_protection.process import open_case
from workflows.seed import seed_org

UTC = dt.timezone.utc
MON = dt.date(2026, 11, 23)
OLD = dt.datetime(2026, 11, 27, 16, 59, 59, tzinfo=UTC)    # Friday 27/11 23:59:59 in Vietnam
NEW = dt.datetime(2026, 11, 30, 16, 59, 59, tzinfo=UTC)    # Monday 30/11 23:59:59


def day_off(province="P01", day=MON, reason="Nghỉ bù theo quyết định của UBND tỉnh") -> Change:
    return Change(province, day, False, "123/QĐ-UBND", dt.date(2026, 11, 19), "nghỉ bù", reason)


@pytest.fixture
def assessed(engine, as_user):
    """A case of X01 (province P01) assessed at once: the specific assessment runs 5 working days (plan_drafting),
    to Friday 27/11, guarded by a timer at the same instant."""
    case = open_case(engine, REPORT, as_user("tongdai111"))
    complete(engine, case.id, "initial_assessment", as_user("canbo.x01"))
    assert open_task(engine, case.id, "specific_assessment").due_at == OLD
    return case


def test_the_preview_lists_the_task_and_the_timer_that_move_and_writes_nothing(engine, assessed):
    moves = calendar_moves.preview(engine, day_off())
    assert {(m.kind, m.reference, m.rule, m.old, m.new) for m in moves} == {
        ("task", assessed.reference, "plan_drafting", OLD, NEW), ("timer", assessed.reference, "plan_drafting", OLD, NEW)}
    assert open_task(engine, assessed.id, "specific_assessment").due_at == OLD
    assert engine.work_calendar("P01").is_working_day(MON)
    # a day after the limit ends moves nothing
    assert calendar_moves.preview(engine, day_off(day=dt.date(2026, 11, 30))) == []


def test_applying_moves_the_stored_due_instants_and_the_timer_fires_at_the_new_one(engine, assessed, clock):
    moves = calendar_moves.apply(engine, day_off(), "quantri.tinh")
    assert len(moves) == 2
    assert open_task(engine, assessed.id, "specific_assessment").due_at == NEW
    assert [t.due_at for t in engine.waiting_timers(assessed.id)] == [NEW]
    with engine.db.read() as s:
        state = s.get(Case, assessed.id).state
    assert state   # the timer's instant is in the state the worker restores: the old one fires no more
    clock.advance(OLD - clock.now() + dt.timedelta(hours=1))
    assert engine.fire_due_timers() == 0
    clock.advance(NEW - clock.now() + dt.timedelta(seconds=2))
    assert engine.fire_due_timers() == 1
    assert calendar_moves.preview(engine, day_off()) == []        # nothing left to move
    with engine.db.read() as s:
        actions = [(e.action, e.actor, e.chain) for e in s.execute(select(AuditEvent).where(
            AuditEvent.action.in_(("deadline.moved", "calendar.province.set")))).scalars()]
    assert ("calendar.province.set", "quantri.tinh", "P01") in actions and ("deadline.moved", "quantri.tinh", "P01") in actions


def test_new_tasks_count_on_the_province_calendar_and_removing_the_day_moves_them_back(engine, assessed, as_user):
    calendar_moves.apply(engine, day_off(), "quantri.tinh")
    other = open_case(engine, REPORT, as_user("tongdai111"))
    complete(engine, other.id, "initial_assessment", as_user("canbo.x01"))
    assert open_task(engine, other.id, "specific_assessment").due_at == NEW
    back = calendar_moves.apply(engine, Change("P01", MON, None, reason="quyết định bị thu hồi"), "quantri.tinh")
    assert {(m.reference, m.old, m.new) for m in back if m.kind == "task"} == {
        (assessed.reference, NEW, OLD), (other.reference, NEW, OLD)}
    assert open_task(engine, other.id, "specific_assessment").due_at == OLD
    history = admin_calendar.history(engine, "P01")
    assert [(h["action"], h["reason"]) for h in history[:2]] == [
        ("calendar.province.clear", "quyết định bị thu hồi"), ("calendar.province.set", "Nghỉ bù theo quyết định của UBND tỉnh")]
    assert history[1]["document"] == "123/QĐ-UBND" and history[1]["moved"] == 2


def test_another_provinces_day_moves_nothing_here(engine, assessed):
    seed_org(engine, ("P02", "Tỉnh thử"), [("Y01", "Xã thử")])
    assert calendar_moves.preview(engine, day_off("P02")) == []
    calendar_moves.apply(engine, day_off("P02"), "quantri.p02")
    assert open_task(engine, assessed.id, "specific_assessment").due_at == OLD
    assert [t.due_at for t in engine.waiting_timers(assessed.id)] == [OLD]
    assert engine.work_calendar("P01").is_working_day(MON) and not engine.work_calendar("P02").is_working_day(MON)
    assert engine.work_calendar().is_working_day(MON)      # the national calendar is untouched


def test_a_case_of_the_other_province_counts_on_its_own_calendar(engine, as_user):
    seed_org(engine, ("P02", "Tỉnh thử"), [("Y01", "Xã thử")])
    calendar_moves.apply(engine, day_off("P02"), "quantri.p02")
    case = open_case(engine, dict(REPORT, incident_commune="Y01"), as_user("tongdai111"))
    complete(engine, case.id, "initial_assessment", _officer(engine, "Y01"))
    assert open_task(engine, case.id, "specific_assessment").due_at == NEW
    assert [t.due_at for t in engine.waiting_timers(case.id)] == [NEW]


def _officer(engine, commune):
    from engine.context import Actor
    from engine.models import Agency

    with engine.db.read() as s:
        agency = s.execute(select(Agency).where(Agency.code == f"commune_officer.{commune}")).scalar_one()
    return Actor(f"canbo.{commune.lower()}", agency_id=agency.id, role="commune_officer")


def test_the_reason_and_the_document_are_required(engine):
    with pytest.raises(InvalidTaskData) as err:
        calendar_moves.apply(engine, Change("P01", MON, False, "", None, "", ""), "quantri.tinh")
    assert set(err.value.fields) == {"reason", "doc_number", "doc_date"}
    assert engine.work_calendar("P01").is_working_day(MON)


def test_the_year_shows_national_decisions_and_the_provinces_own(engine):
    calendar_moves.apply(engine, day_off(), "quantri.tinh")
    days = {d["day"]: d for d in admin_calendar.year_days(engine, 2026, "P01")}
    assert days[MON]["source"] == "province" and days[MON]["document"] == "123/QĐ-UBND"
    assert days[MON]["national"]["working"] is True
    assert days[dt.date(2026, 9, 2)]["working"] is False
    assert "P01" not in {d["source"] for d in admin_calendar.year_days(engine, 2026, "P02")}
    assert MON not in {d["day"] for d in admin_calendar.year_days(engine, 2026, "P02")}
