"""The engine over a real database: SQLite and PostgreSQL (each test runs on both)."""

import datetime as dt
import subprocess
import sys
import threading
from collections import Counter

import pytest
from sqlalchemy import func
from sqlalchemy import select

from engine.errors import Conflict
from engine.errors import Forbidden
from engine.errors import InvalidTaskData
from engine.models import AuditEvent
from engine.models import Case
from engine.models import CaseStep
from engine.models import OpenTask
from engine.models import Timer
from tests.support.db import as_database_owner
from tests.support.samples import HIGH
from tests.support.samples import REPORT
from tests.support.samples import actor_for
from tests.support.samples import complete
from tests.support.samples import open_task
from workflows.child_protection.process import open_case


def _count(engine, model):
    with engine.db.read() as s:
        return s.execute(select(func.count()).select_from(model)).scalar()


def test_case_runs_from_intake_to_closure(engine, as_user, clock):
    officer, chairman = as_user("canbo.x01"), as_user("chutich.x01")
    case = open_case(engine, REPORT, as_user("tongdai111"))
    assert [t.task_name for t in engine.open_tasks(case.id)] == ["initial_assessment"]
    complete(engine, case.id, "initial_assessment", officer)
    complete(engine, case.id, "specific_assessment", officer)
    complete(engine, case.id, "draft_plan", officer, refer_police=True)
    complete(engine, case.id, "approve_plan", chairman)
    police = as_user("congan.x01")
    complete(engine, case.id, "police_acknowledge", police)
    complete(engine, case.id, "police_report_outcome", police)
    complete(engine, case.id, "review_visit", officer, review_outcome="continue")
    complete(engine, case.id, "review_visit", officer, review_outcome="close")
    complete(engine, case.id, "close_case", chairman)
    final = engine.get_case(case.id)
    assert final.status == "closed"
    assert engine.open_tasks(case.id) == []
    assert engine.waiting_timers(case.id) == []
    names = [s.task_name for s in engine.steps(case.id)]
    assert names == ["initial_assessment", "specific_assessment", "draft_plan", "approve_plan", "police_acknowledge",
                     "police_report_outcome", "review_visit", "review_visit", "close_case"]


def test_tasks_route_to_the_right_agency_and_commune(engine, as_user):
    case = open_case(engine, dict(REPORT, residence_commune="X02"), as_user("tongdai111"))
    officer1 = as_user("canbo.x01")
    t = open_task(engine, case.id, "initial_assessment")
    assert t.agency_id == officer1.agency_id
    assert engine.inbox(as_user("canbo.x02").agency_id) == []
    complete(engine, case.id, "initial_assessment", officer1)
    # the child lives in X02: after the initial assessment the file is handed over to X02, which owns the plan
    # (Luật Trẻ em Điều 52.2)
    t = open_task(engine, case.id, "accept_transfer")
    assert t.agency_id == as_user("canbo.x02").agency_id
    assert engine.get_case(case.id).commune_code == "X02"
    complete(engine, case.id, "accept_transfer", as_user("canbo.x02"))
    assert open_task(engine, case.id, "specific_assessment").agency_id == as_user("canbo.x02").agency_id


def test_invalid_form_data_names_fields_and_writes_nothing(engine, as_user):
    case = open_case(engine, REPORT, as_user("tongdai111"))
    t = open_task(engine, case.id, "initial_assessment")
    before = (_count(engine, AuditEvent), engine.get_case(case.id).version)
    with pytest.raises(InvalidTaskData) as err:
        engine.complete_task(t.id, {"harm_severity": "extreme", "serious_harm": "maybe"}, as_user("canbo.x01"))
    assert {"harm_severity", "serious_harm", "assessment_notes", "abuser_access"} <= set(err.value.fields)
    assert (_count(engine, AuditEvent), engine.get_case(case.id).version) == before
    assert open_task(engine, case.id, "initial_assessment").id == t.id


def test_other_agency_cannot_complete(engine, as_user):
    case = open_case(engine, REPORT, as_user("tongdai111"))
    t = open_task(engine, case.id, "initial_assessment")
    with pytest.raises(Forbidden):
        engine.complete_task(t.id, HIGH, as_user("canbo.x02"))
    with pytest.raises(Forbidden):
        engine.complete_task(t.id, HIGH, as_user("congan.x01"))


def test_stale_version_is_a_conflict(engine, as_user):
    case = open_case(engine, REPORT, as_user("tongdai111"))
    t = open_task(engine, case.id, "initial_assessment")
    with pytest.raises(Conflict):
        engine.complete_task(t.id, HIGH, as_user("canbo.x01"), expected_version=case.version + 5)


def test_second_completion_is_told_who_completed(engine, as_user):
    case = open_case(engine, REPORT, as_user("tongdai111"))
    t = open_task(engine, case.id, "initial_assessment")
    engine.complete_task(t.id, HIGH, as_user("canbo.x01"))
    with pytest.raises(Conflict, match="canbo.x01"):
        engine.complete_task(t.id, HIGH, as_user("canbo.x01"))


def test_two_concurrent_completions_one_wins(engine, as_user):
    case = open_case(engine, REPORT, as_user("tongdai111"))
    t = open_task(engine, case.id, "initial_assessment")
    officer = as_user("canbo.x01")
    results = []
    barrier = threading.Barrier(2)

    def run():
        barrier.wait()
        try:
            engine.complete_task(t.id, HIGH, officer)
            results.append("ok")
        except Conflict:
            results.append("conflict")

    threads = [threading.Thread(target=run) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(results) == ["conflict", "ok"]
    with engine.db.read() as s:
        assert s.execute(select(func.count()).select_from(CaseStep).where(CaseStep.task_id == t.id)).scalar() == 1
    # serious violence: the police get the crime report at once (NĐ 56/2017 Điều 25.3), and the commune its
    # immediate incident report (the provincial plan, #21.4)
    assert sorted(x.task_name for x in engine.open_tasks(case.id)) == ["emergency_decision", "police_crime_report",
                                                                       "report_incident"]


def test_claim_blocks_others(engine, as_user):
    case = open_case(engine, REPORT, as_user("tongdai111"))
    t = open_task(engine, case.id, "initial_assessment")
    engine.claim(t.id, as_user("canbo.x01"))
    assert open_task(engine, case.id, "initial_assessment").claimed_by == as_user("canbo.x01").user_id


def test_emergency_deadline_escalates_to_chairman_and_police_once(engine, as_user, clock):
    case = open_case(engine, REPORT, as_user("tongdai111"))
    complete(engine, case.id, "initial_assessment", as_user("canbo.x01"), **HIGH)
    decision = open_task(engine, case.id, "emergency_decision")
    # received Friday 22:00 -> due Saturday 10:00 Vietnam time
    assert decision.due_at == dt.datetime(2026, 11, 21, 3, 0, tzinfo=dt.timezone.utc)
    clock.advance(dt.timedelta(hours=11, minutes=59))
    assert engine.fire_due_timers() == 0
    clock.advance(dt.timedelta(minutes=2))
    assert engine.fire_due_timers() == 1
    assert engine.fire_due_timers() == 0
    # the chairman carries the 12-hour duty (NĐ 56/2017 Điều 26.3); the police are on duty 24/7
    esc = open_task(engine, case.id, "escalate_response_overdue")
    assert esc.agency_id == as_user("chutich.x01").agency_id
    assert open_task(engine, case.id, "escalate_response_police").agency_id == as_user("congan.x01").agency_id
    assert open_task(engine, case.id, "emergency_decision").escalated_at is not None
    with engine.db.read() as s:
        fired = s.execute(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "timer.fire")).scalar()
    assert fired == 1


def test_two_timer_workers_fire_each_timer_exactly_once(engine, as_user, clock):
    ids = []
    for _ in range(6):
        ids.append(open_case(engine, REPORT, as_user("tongdai111")).id)
    clock.advance(dt.timedelta(hours=13))
    counts = []
    barrier = threading.Barrier(2)

    def worker():
        barrier.wait()
        counts.append(engine.fire_due_timers())

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sum(counts) == 6
    for cid in ids:
        assert [t.task_name for t in engine.open_tasks(cid)].count("escalate_response_overdue") == 1
    # only the escalations' own limits wait (chairman and police, one each per case)
    with engine.db.read() as s:
        left = Counter(s.execute(select(Timer.event_name)).scalars())
    assert left == {"chairman_escalation_timer": 6, "police_escalation_timer": 6}, left


def test_case_continues_in_a_new_process(engine, as_user, db_url):
    case = open_case(engine, REPORT, as_user("tongdai111"))
    complete(engine, case.id, "initial_assessment", as_user("canbo.x01"))
    script = f"""
import datetime as dt
from engine.clock import FixedClock
from engine.db import Database
from engine.runtime import Engine
from workflows import build_registry
from tests.support.samples import complete
from tests.support.samples import actor_for
eng = Engine(Database({db_url!r}), build_registry(), FixedClock(dt.datetime(2026, 11, 21, tzinfo=dt.timezone.utc)))
complete(eng, {case.id!r}, "specific_assessment", actor_for(eng, "canbo.x01"))
print(",".join(t.task_name for t in eng.open_tasks({case.id!r})))
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "draft_plan"
    assert [t.task_name for t in engine.open_tasks(case.id)] == ["draft_plan"]


def test_consistency_check_is_clean_and_detects_a_lost_row(engine, as_user):
    from engine.consistency import check

    case = open_case(engine, REPORT, as_user("tongdai111"))
    problems, checked = check(engine)
    assert problems == [] and checked == 1
    with engine.db.write() as s:
        s.delete(s.get(OpenTask, open_task(engine, case.id, "initial_assessment").id))
    problems, _ = check(engine)
    assert len(problems) == 1 and "open tasks differ" in problems[0]


def test_audit_chain_detects_edit_and_delete(engine, as_user):
    from engine import audit

    open_case(engine, REPORT, as_user("tongdai111"))
    with engine.db.read() as s:
        assert audit.verify(s) == []
    with engine.db.write() as s:
        as_database_owner(s)
        row = s.execute(select(AuditEvent).order_by(AuditEvent.id).limit(1).offset(1)).scalar()
        row.actor = "someone-else"
    with engine.db.read() as s:
        assert any("edited" in p for p in audit.verify(s))


def test_audit_chain_detects_rows_cut_off_the_end(engine, as_user):
    from engine import audit

    case = open_case(engine, REPORT, as_user("tongdai111"))
    complete(engine, case.id, "initial_assessment", as_user("canbo.x01"))
    with engine.db.read() as s:
        assert audit.verify(s) == []
    with engine.db.write() as s:   # the newest row gone: every remaining row still chains
        as_database_owner(s)
        s.delete(s.execute(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).scalar())
    with engine.db.read() as s:
        assert "audit head of province P01 does not match the newest row (rows were removed from the end of " \
            "the chain)" in audit.verify(s)


def test_duplicate_report_keeps_a_dedup_key(engine, as_user):
    a = open_case(engine, REPORT, as_user("tongdai111"))
    b = open_case(engine, dict(REPORT, child_name="NGUYỄN THỊ BÉ"), as_user("canbo.x01"))
    assert a.dedup_key == b.dedup_key and a.id != b.id


def test_received_in_future_is_rejected(engine, as_user, clock):
    future = (clock.now() + dt.timedelta(days=1)).isoformat()
    with pytest.raises(InvalidTaskData) as err:
        open_case(engine, dict(REPORT, received_at=future), as_user("tongdai111"))
    assert "received_at" in err.value.fields
    with engine.db.read() as s:
        assert s.execute(select(func.count()).select_from(Case)).scalar() == 0


def test_review_loop_state_stays_compact(sqlite_engine):
    from tests.support.samples import SAMPLES

    eng = sqlite_engine
    officer = actor_for(eng, "canbo.x01")
    case = open_case(eng, dict(REPORT, urgency="non_emergency"), actor_for(eng, "tongdai111"))
    for name, user in [("initial_assessment", "canbo.x01"), ("specific_assessment", "canbo.x01"),
                       ("draft_plan", "canbo.x01"), ("approve_plan", "chutich.x01")]:
        complete(eng, case.id, name, actor_for(eng, user))
    sizes = []
    for _ in range(30):
        eng.complete_task(open_task(eng, case.id, "review_visit").id,
                          dict(SAMPLES["review_visit"], review_outcome="continue"), officer)
        sizes.append(len(eng.get_case(case.id).state))
    assert sizes[-1] - sizes[4] < 200      # a few bytes per visit (placeholders), not ~1 KB
    complete(eng, case.id, "review_visit", officer, review_outcome="close")
    complete(eng, case.id, "close_case", actor_for(eng, "chutich.x01"))
    assert eng.get_case(case.id).status == "closed"
    assert [s.task_name for s in eng.steps(case.id)].count("review_visit") == 31
    from engine.consistency import check
    assert check(eng)[0] == []


def test_a_broken_case_does_not_stop_the_timer_sweep(engine, as_user, clock):
    broken = open_case(engine, REPORT, as_user("tongdai111"))
    healthy = open_case(engine, REPORT, as_user("tongdai111"))
    with engine.db.write() as s:
        s.get(Case, broken.id).state = '{"not": "a workflow"}'
    clock.advance(dt.timedelta(hours=13))
    assert engine.fire_due_timers() == 1
    assert "escalate_response_overdue" in [t.task_name for t in engine.open_tasks(healthy.id)]
    assert engine.waiting_timers(broken.id)          # left for a later sweep, nothing half-written


def test_calendar_override_moves_a_working_day_deadline(engine, as_user):
    import datetime as dt

    from engine.runtime import Actor

    case = open_case(engine, REPORT, as_user("tongdai111"))
    complete(engine, case.id, "initial_assessment", as_user("canbo.x01"))
    # received and assessed Friday 20/11/2026 22:00; Tuesday 24/11 is a working day (no decision gives it
    # off: BLLĐ 2019 Điều 112.1) -> 5 working days end Friday 27/11
    assert open_task(engine, case.id, "specific_assessment").due_at == dt.datetime(
        2026, 11, 27, 16, 59, 59, tzinfo=dt.timezone.utc)
    engine.set_calendar_day(dt.date(2026, 11, 23), False, "nghỉ bù công bố muộn", Actor("admin"))
    other = open_case(engine, REPORT, as_user("tongdai111"))
    complete(engine, other.id, "initial_assessment", as_user("canbo.x01"))
    assert open_task(engine, other.id, "specific_assessment").due_at == dt.datetime(
        2026, 11, 30, 16, 59, 59, tzinfo=dt.timezone.utc)


def test_a_case_changed_during_a_sweep_is_fired_once_by_the_next_sweep(engine, as_user, clock, monkeypatch):
    """The sweep runs SpiffWorkflow outside its write; a case written meanwhile is skipped, not fired
    twice, and its lease is given back so the next sweep fires it at once."""
    from sqlalchemy import update

    case = open_case(engine, REPORT, as_user("tongdai111"))
    clock.advance(dt.timedelta(hours=13))
    plans = engine.timers.plans

    def racing_plans(case_ids, now, skip):
        result = plans(case_ids, now, skip)
        with engine.db.write() as s:     # someone else writes the case between the read and the write
            s.execute(update(Case).where(Case.id == case.id).values(version=Case.version + 1))
        return result

    monkeypatch.setattr(engine.timers, "plans", racing_plans)
    assert engine.fire_due_timers() == 0
    with engine.db.read() as s:
        leases = list(s.execute(select(Timer.leased_by).where(Timer.case_id == case.id)).scalars())
    assert leases and all(lease is None for lease in leases)
    monkeypatch.undo()
    assert engine.fire_due_timers() == 1
    assert [t.task_name for t in engine.open_tasks(case.id)].count("escalate_response_overdue") == 1
    with engine.db.read() as s:
        fired = s.execute(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "timer.fire", AuditEvent.case_id == case.id)).scalar()
    assert fired == 1


def test_a_colliding_case_reference_is_drawn_again(engine, as_user, monkeypatch):
    """24 random bits per commune per day can collide: the engine draws another reference, never a 500."""
    import engine.cases as cases

    real, fixed = cases.new_reference, iter(["X01-261121-AAAAAA", "X01-261121-AAAAAA", "X01-261121-AAAAAA"])
    monkeypatch.setattr(cases, "new_reference", lambda commune, now: next(fixed, None) or real(commune, now))
    first = open_case(engine, REPORT, as_user("tongdai111"))
    second = open_case(engine, REPORT, as_user("tongdai111"))
    assert first.reference == "X01-261121-AAAAAA" and second.reference not in (first.reference, None)
