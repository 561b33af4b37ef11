"""A case that cannot move is an incident: failing sweeps are retried with backoff and still flag the overdue
step; stalled cases are recorded when they stop; both are listed (bvte check, the Sự cố page) and retried."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func
from sqlalchemy import select

from engine import incidents
from engine.consistency import check
from engine.models import AuditEvent
from engine.runtime import Actor
from tests.support.diff_bpmn import _flows
from tests.support.diff_bpmn import _user
from tests.support.diff_bpmn import doc
from tests.support.diff_bpmn import stalled_join
from tests.support.samples import actor_for

ACT = Actor("test")
FAILING = doc("failing", '<bpmn:startEvent id="s"/>' + _user("work", "Xử lý")
              + '<bpmn:boundaryEvent id="late" attachedToRef="work" cancelActivity="false"><bpmn:timerEventDefinition>'
                '<bpmn:timeDuration>"PT1H"</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>'
                '<bpmn:scriptTask id="broken"><bpmn:script>x = 1 / 0</bpmn:script></bpmn:scriptTask>'
              + _user("chase") + '<bpmn:endEvent id="e"/><bpmn:endEvent id="e2"/>'
              + _flows("s", "work", "e") + _flows("late", "broken", "chase", "e2", prefix="l"))


def _fired(engine):
    with engine.db.read() as s:
        return s.execute(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "timer.fire")).scalar()


def test_a_failing_case_is_an_incident_retried_with_backoff(sqlite_engine, clock):
    eng = sqlite_engine
    eng.deploy(FAILING, ACT)
    case = eng.start_case("failing", {}, ACT, incident_commune="X01")
    (work,) = eng.open_tasks(case.id)
    clock.advance(dt.timedelta(hours=1, seconds=1))
    assert eng.fire_due_timers() == 0
    (inc,) = incidents.listing(eng)
    assert (inc.reference, inc.kind, inc.attempts, inc.step) == (case.reference, "failing", 1, "work")
    assert "broken" in inc.error and "division by zero" in inc.error
    assert eng.open_tasks(case.id)[0].escalated_at is not None      # the missed limit still shows as overdue
    clock.advance(dt.timedelta(seconds=5))
    assert eng.fire_due_timers() == 0
    assert incidents.listing(eng)[0].attempts == 1                  # backing off: not tried again yet
    clock.advance(incidents.backoff(1))
    eng.fire_due_timers()
    assert incidents.listing(eng)[0].attempts == 2
    problems, _ = check(eng)
    assert any(case.reference in p and "keep failing" in p for p in problems)
    incidents.retry(eng, case.id, actor_for(eng, "chinhsach.tinh"))
    assert incidents.listing(eng)[0].attempts == 3
    with eng.db.read() as s:
        assert s.execute(select(AuditEvent.actor).where(AuditEvent.action == "incident.retry")).scalar() == "chinhsach.tinh"
    eng.complete_task(work.id, {}, actor_for(eng, "canbo.x01"))      # the case moved: no longer listed
    assert [i.case_id for i in incidents.listing(eng)] == []
    assert _fired(eng) == 0


def test_a_stalled_case_is_recorded_when_it_stops(sqlite_engine):
    eng = sqlite_engine
    eng.deploy(stalled_join("stuck"), ACT)
    case = eng.start_case("stuck", {}, ACT, incident_commune="X01")
    assert incidents.listing(eng) == []
    eng.complete_task(eng.open_tasks(case.id)[0].id, {}, actor_for(eng, "canbo.x01"))
    (inc,) = incidents.listing(eng)
    assert (inc.case_id, inc.kind, inc.step) == (case.id, "stalled", "join") and "cannot move" in inc.error


def test_incidents_page_lists_and_retries_for_operators_only(sqlite_engine, clock):
    import re

    from webui import create_app
    from workflows.seed import DEMO_PASSWORD

    eng = sqlite_engine
    eng.deploy(FAILING, ACT)
    case = eng.start_case("failing", {}, ACT, incident_commune="X01")
    clock.advance(dt.timedelta(hours=1, seconds=1))
    eng.fire_due_timers()
    app = create_app({"SECRET_KEY": "k", "DATABASE_URL": eng.db.url}, engine=eng)

    def login(username):
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        client.post("/login", data={"username": username, "password": DEMO_PASSWORD, "csrf_token": csrf})
        return client
    officer = login("canbo.x01")
    assert officer.get("/incidents").status_code == 403
    assert officer.post(f"/incidents/{case.id}/retry").status_code in (400, 403)
    op = login("chinhsach.tinh")
    html = op.get("/incidents").get_data(as_text=True)
    assert case.reference in html and "broken" in html and "Sự cố" in html
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    assert op.post(f"/incidents/{case.id}/retry").status_code == 400            # CSRF
    res = op.post(f"/incidents/{case.id}/retry", data={"csrf_token": csrf}, follow_redirects=True)
    assert res.status_code == 200 and "lần 2" in res.get_data(as_text=True)
    metrics = app.test_client().get("/metrics").get_data(as_text=True)
    assert 'bvte_incidents{kind="failing"} 1.0' in metrics and case.reference not in metrics


def test_a_limit_passing_while_the_case_cannot_run_reaches_the_supervising_body(engine, clock):
    """Issue #14.4: the engine cannot run the case, so its escalation timer cannot open the supervising body's
    task; that body and the step's holder are told at once anyway (the notification outbox), once."""
    from engine.notify.models import Notification
    from engine.process import ProcessConfig
    from engine.process import ProcessRegistry
    from engine.runtime import Engine
    from engine.workdays import DeadlineRule

    rule = DeadlineRule("answer", 1, "hours", "received_at", "Trả lời trong 1 giờ", "Answer within an hour",
                        "cấu hình thử", escalate_to="lane_sup")
    cfg = ProcessConfig("stuck", lane_agencies={"lane_officer": "commune_officer", "lane_sup": "provincial_health"},
                        deadlines={"answer": rule}, task_deadlines={"work": "answer"})
    lanes = ('<bpmn:laneSet id="ls"><bpmn:lane id="lane_officer" name="Cán bộ"><bpmn:flowNodeRef>s</bpmn:flowNodeRef>'
             '<bpmn:flowNodeRef>work</bpmn:flowNodeRef><bpmn:flowNodeRef>e</bpmn:flowNodeRef>'
             '<bpmn:flowNodeRef>broken</bpmn:flowNodeRef><bpmn:flowNodeRef>e2</bpmn:flowNodeRef>'
             '<bpmn:flowNodeRef>late</bpmn:flowNodeRef></bpmn:lane>'
             '<bpmn:lane id="lane_sup" name="Sở"><bpmn:flowNodeRef>chase</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>')
    files = doc("stuck", lanes + '<bpmn:startEvent id="s"/>' + _user("work", "Trả lời")
                + '<bpmn:boundaryEvent id="late" attachedToRef="work" cancelActivity="false"><bpmn:timerEventDefinition>'
                  '<bpmn:timeDate>due("answer")</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:boundaryEvent>'
                  '<bpmn:scriptTask id="broken"><bpmn:script>x = 1 / 0</bpmn:script></bpmn:scriptTask>'
                + _user("chase", "Đôn đốc") + '<bpmn:endEvent id="e"/><bpmn:endEvent id="e2"/>'
                + _flows("s", "work", "e") + _flows("late", "broken", "chase", "e2", prefix="l"))
    base = engine.registry
    registry = ProcessRegistry([cfg], agency_types=base.agency_types, default_agency=base.default_agency)
    eng = Engine(engine.db, registry, clock)
    eng.deploy(files, ACT)
    case = eng.start_case("stuck", {}, ACT, incident_commune="X01")
    clock.advance(dt.timedelta(hours=1, seconds=1))
    assert eng.fire_due_timers() == 0
    clock.advance(incidents.backoff(1))
    eng.fire_due_timers()                                                   # failing again: told once only
    with eng.db.read() as s:
        kinds = s.execute(select(Notification.kind, Notification.user_id, Notification.channel)
                          .where(Notification.case_id == case.id)).all()
    stuck = [k for k in kinds if k[0] == "stuck_overdue" and k[2] == "app"]
    users = {u for _k, u, _c in stuck}
    assert stuck and len(stuck) == len(set(stuck))
    with eng.db.read() as s:
        from engine.models import User

        roles = set(s.execute(select(User.role).where(User.id.in_(users))).scalars())
    assert {"commune_officer", "provincial_health"} <= roles, roles
