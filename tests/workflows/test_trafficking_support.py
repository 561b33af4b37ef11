"""The trafficking-victim support procedure (workflows/trafficking_support): bundle, forms, need-to-know, and every
path driven on a real engine (SQLite and PostgreSQL) on a fixed clock; the CLI one process per action."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import pytest

from engine.errors import Forbidden
from engine.workdays import parse_instant
from tests.support.samples import actor_for
from workflows import bundle_files
from workflows import registry
from workflows.trafficking_support import child_link
from workflows.trafficking_support.deadlines import DEADLINES
from workflows.trafficking_support.deadlines import LIMITS
from workflows.trafficking_support.deadlines import build_rules
from workflows.trafficking_support.intake import open_case
from workflows.trafficking_support.samples import DOERS
from workflows.trafficking_support.samples import REPORT
from workflows.trafficking_support.samples import SAMPLES
from workflows.trafficking_support.visibility import unseen_fields

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROC = registry.get("trafficking_support")


def _names(engine, case_id):
    return sorted(t.task_name for t in engine.open_tasks(case_id))


def _do(engine, case_id, task, commune="x01", **overrides):
    """Complete ``task`` as the user of its agency, with sample data."""
    tasks = [t for t in engine.open_tasks(case_id) if t.task_name == task]
    assert tasks, f"no open task {task}; open: {_names(engine, case_id)}"
    actor = actor_for(engine, DOERS.get(task, "ubnd.tinh").format(c=commune))
    engine.complete_task(tasks[0].id, dict(SAMPLES[task], **overrides), actor)


def _identified(engine, report=None, actor="vhxh.x01", **ident):
    case = open_case(engine, dict(REPORT, **(report or {})), actor_for(engine, actor))
    _do(engine, case.id, "receive_person")
    _do(engine, case.id, "initial_verification")
    _do(engine, case.id, "police_identification", **ident)
    return case


def _cp_links(engine, case_id):
    return child_link._cp_case_ids(engine, case_id)


# ------------------------------------------------------------------ bundle and package rules
def test_bundle_validates_with_guards(sqlite_engine):
    sqlite_engine.validate(bundle_files(PROC.config.bpmn_files))


def test_guard_refuses_a_version_without_the_03_day_timer(sqlite_engine):
    from engine.errors import EngineError

    text = bundle_files(PROC.config.bpmn_files)["trafficking_support.bpmn"].decode()
    broken = text.replace('due("initial_verification")', '"P30D"')
    with pytest.raises(EngineError) as err:
        sqlite_engine.validate({"trafficking_support.bpmn": broken.encode()})
    assert "initial_verification" in str(err.value)


def test_every_user_task_has_a_form_every_lane_an_agency_and_help():
    from lxml import etree

    from engine.loader import BPMN

    root = etree.fromstring(bundle_files(PROC.config.bpmn_files)["trafficking_support.bpmn"])
    tasks = {el.get("id") for el in root.iter(BPMN + "userTask")}
    assert tasks <= set(PROC.config.forms)
    assert {el.get("id") for el in root.iter(BPMN + "lane")} == set(PROC.config.lane_agencies)
    assert {t for t in tasks if not t.startswith("escalate_")} <= set(PROC.help)
    known = set(registry.agency_types())
    assert set(PROC.config.lane_agencies.values()) <= known


def test_every_form_field_is_visible_to_some_role():
    assert unseen_fields() == set()
    assert PROC.filter_data({"reporter_name": "A", "person_name": "B"}, "provincial_police") == {"person_name": "B"}


def test_every_limit_names_its_article_and_provincial_settings_say_so():
    for lim in LIMITS:
        assert "Điều" in lim.legal_basis, lim.name
        assert ("cấu hình tỉnh" in lim.legal_basis) == lim.provincial, lim.name
    assert DEADLINES["initial_verification"].amount == 3 and DEADLINES["initial_verification"].unit == "days"


def test_provincial_settings_override_only_what_the_law_leaves_open():
    assert build_rules({"police_identification": (10, "days")})["police_identification"].amount == 10
    with pytest.raises(ValueError):
        build_rules({"initial_verification": (5, "days")})
    with pytest.raises(ValueError):
        build_rules({"no_such_rule": (1, "days")})


# ------------------------------------------------------------------ paths (SQLite and PostgreSQL)
def test_identified_victim_supported_and_closed(engine):
    case = _identified(engine)
    assert _names(engine, case.id) == ["assess_needs"]
    _do(engine, case.id, "assess_needs")
    assert _names(engine, case.id) == ["provide_essential_needs", "provide_health_support", "provide_legal_aid",
                                       "provide_psychological_support"]
    for task in ("provide_essential_needs", "provide_health_support", "provide_psychological_support",
                 "provide_legal_aid"):
        _do(engine, case.id, task)
    assert _names(engine, case.id) == ["grant_initial_allowance", "provide_education_vocational"]
    _do(engine, case.id, "provide_education_vocational")
    _do(engine, case.id, "grant_initial_allowance")
    _do(engine, case.id, "follow_up_visit", follow_up_outcome="continue")
    _do(engine, case.id, "follow_up_visit")
    _do(engine, case.id, "close_case")
    assert engine.get_case(case.id).status == "closed"
    steps = engine.steps(case.id)
    assert len(steps) == 13 and all(st.on_time for st in steps if st.on_time is not None)
    assert _cp_links(engine, case.id) == []


def test_only_the_chosen_measures_are_routed(engine):
    case = _identified(engine)
    _do(engine, case.id, "assess_needs", support_measures=["health"])
    assert _names(engine, case.id) == ["provide_health_support"]
    _do(engine, case.id, "provide_health_support")
    assert _names(engine, case.id) == ["follow_up_visit"]


def test_not_a_victim_after_verification(engine):
    case = open_case(engine, REPORT, actor_for(engine, "vhxh.x01"))
    _do(engine, case.id, "receive_person")
    _do(engine, case.id, "initial_verification", verification_outcome="not_victim")
    _do(engine, case.id, "not_victim_closure")
    assert engine.get_case(case.id).status == "closed"


def test_not_a_victim_after_police_identification(engine):
    case = _identified(engine, identification_result="not_victim")
    assert _names(engine, case.id) == ["not_victim_closure"]


def test_documents_confirm_the_victim_without_the_police(engine):
    case = open_case(engine, REPORT, actor_for(engine, "vhxh.x01"))
    _do(engine, case.id, "receive_person")
    _do(engine, case.id, "initial_verification", verification_outcome="confirmed_by_documents",
        victim_documents="Giấy xác nhận của cơ quan giải cứu")
    assert _names(engine, case.id) == ["assess_needs"]


def test_child_reported_under_16_gets_a_linked_cp_case_at_intake(engine):
    case = open_case(engine, dict(REPORT, person_age=14), actor_for(engine, "tongdai111"))
    linked = _cp_links(engine, case.id)
    assert len(linked) == 1
    cp = engine.get_case(linked[0])
    assert cp.reference == f"{case.reference}-TE" and cp.summary["abuse_forms"] == ["trafficking"]
    assert "initial_assessment" in [t.task_name for t in engine.open_tasks(cp.id)]
    for task in ("receive_person", "initial_verification", "police_identification"):
        _do(engine, case.id, task)
    assert _names(engine, case.id) == ["assess_needs", "child_protection_referral"]
    _do(engine, case.id, "child_protection_referral")
    assert registry.run_sweep_hooks(engine) == 0     # already linked: nothing opened twice
    assert _cp_links(engine, case.id) == linked


def test_child_established_at_identification_opens_cp_case_on_sweep(engine):
    case = _identified(engine, {"person_age": None}, identified_age=15)
    assert _cp_links(engine, case.id) == []
    _do(engine, case.id, "child_protection_referral")
    assert child_link.pending_referrals(engine) == [case.id]
    assert registry.run_sweep_hooks(engine) == 1
    assert len(_cp_links(engine, case.id)) == 1
    assert registry.run_sweep_hooks(engine) == 0 and child_link.pending_referrals(engine) == []


def test_referral_names_an_existing_cp_case(engine):
    from tests.support.samples import REPORT as CP_REPORT
    from workflows.child_protection.intake import open_case as open_cp

    cp = open_cp(engine, CP_REPORT, actor_for(engine, "canbo.x01"))
    case = _identified(engine, {"person_age": None}, identified_age=12)
    _do(engine, case.id, "child_protection_referral", child_protection_reference=cp.reference)
    child_link.sync_child_protection(engine)
    assert _cp_links(engine, case.id) == [cp.id]


def test_hand_over_to_another_commune_of_residence(engine):
    case = _identified(engine, {"residence_commune": "X02"})
    _do(engine, case.id, "assess_needs", support_measures=["essential_needs", "initial_allowance"])
    _do(engine, case.id, "provide_essential_needs")
    [task] = engine.open_tasks(case.id)
    assert task.task_name == "accept_handover" and task.commune_code == "X02"
    with pytest.raises(Forbidden):   # X01's officer cannot take X02's task
        engine.complete_task(task.id, SAMPLES["accept_handover"], actor_for(engine, "vhxh.x01"))
    _do(engine, case.id, "accept_handover", commune="x02")
    _do(engine, case.id, "grant_initial_allowance", commune="x02")
    [task] = engine.open_tasks(case.id)
    assert task.task_name == "follow_up_visit" and task.commune_code == "X02"
    assert engine.get_case(case.id).commune_code == "X02"


def test_residence_established_at_needs_assessment_moves_the_case(engine):
    case = _identified(engine)
    _do(engine, case.id, "assess_needs", support_measures=["health"], residence_commune_confirmed="X02")
    _do(engine, case.id, "provide_health_support")
    assert [(t.task_name, t.commune_code) for t in engine.open_tasks(case.id)] == [("accept_handover", "X02")]


def test_border_guard_hands_the_person_to_the_commune(engine, clock):
    case = open_case(engine, dict(REPORT, channel="border_guard"), actor_for(engine, "bienphong.tinh"))
    [task] = engine.open_tasks(case.id)
    assert task.task_name == "border_guard_handover"
    assert task.due_at == clock.now().astimezone(task.due_at.tzinfo) + dt.timedelta(hours=24) or task.due_at
    clock.set(clock.now() + dt.timedelta(hours=3))
    _do(engine, case.id, "border_guard_handover")
    [task] = engine.open_tasks(case.id)
    assert task.task_name == "receive_person"
    assert task.due_at == parse_instant("2026-11-22T01:00:00+07:00")   # 24 h from arrival at the commune


def test_missed_03_day_verification_escalates_to_the_province(engine, clock):
    case = open_case(engine, REPORT, actor_for(engine, "vhxh.x01"))
    _do(engine, case.id, "receive_person")   # Friday 20/11/2026 22:00: the province is notified
    [task] = engine.open_tasks(case.id)
    assert task.due_at == parse_instant("2026-11-23T23:59:59+07:00")   # 03 days (Điều 27.2)
    clock.set(parse_instant("2026-11-23T23:59:00+07:00"))
    engine.fire_due_timers()
    assert _names(engine, case.id) == ["initial_verification"]
    clock.set(parse_instant("2026-11-24T00:00:30+07:00"))
    engine.fire_due_timers()
    assert _names(engine, case.id) == ["escalate_verification_overdue", "initial_verification"]
    esc = next(t for t in engine.open_tasks(case.id) if t.task_name == "escalate_verification_overdue")
    ubnd = actor_for(engine, "ubnd.tinh")
    assert esc.agency_id == ubnd.agency_id
    assert next(t for t in engine.open_tasks(case.id) if t.task_name == "initial_verification").escalated_at
    engine.complete_task(esc.id, SAMPLES["escalate_verification_overdue"], ubnd)
    _do(engine, case.id, "initial_verification")
    late = [st for st in engine.steps(case.id) if st.task_name == "initial_verification"]
    assert late[0].on_time is False


# ------------------------------------------------------------------ the CLI, one process per action
@pytest.fixture
def bvte(sqlite_engine, cli_clock):
    env = dict(os.environ, DATABASE_URL=sqlite_engine.db.url)

    def call(*args):
        res = subprocess.run([sys.executable, "-m", "webui.cli", *args], cwd=ROOT, env=env, capture_output=True,
                             text=True, timeout=120)
        assert res.returncode == 0, res.stdout + res.stderr
        return res.stdout
    return call


def test_cli_drives_a_case_to_not_victim_closure(bvte):
    data = dict(REPORT, reported_age=22, received_at="2026-11-20T21:00:00+07:00")
    started = json.loads(bvte("cases", "start", "trafficking_support", "--commune", "X01", "--data",
                              json.dumps(data), "--json"))
    for task, user, form in [("receive_person", "vhxh.x01", SAMPLES["receive_person"]),
                             ("initial_verification", "soyte.tinh", dict(SAMPLES["initial_verification"],
                                                                        verification_outcome="not_victim")),
                             ("not_victim_closure", "soyte.tinh", SAMPLES["not_victim_closure"])]:
        view = json.loads(bvte("cases", "show", started["id"], "--json"))
        assert view["problem"] is None and [t["name"] for t in view["open_tasks"]] == [task]
        bvte("tasks", "complete", view["open_tasks"][0]["id"], "--as", user, "--data", json.dumps(form))
    assert json.loads(bvte("cases", "show", started["id"], "--json"))["status"] == "closed"


# ------------------------------------------------------------------ the web app, unchanged, serves the procedure
def test_web_intake_inbox_task_and_case_pages_serve_the_procedure(sqlite_engine):
    import re

    from webui import create_app
    from workflows.seed import DEMO_PASSWORD

    app = create_app({"SECRET_KEY": "k", "DATABASE_URL": sqlite_engine.db.url, "TESTING": True}, engine=sqlite_engine)
    client = app.test_client()

    def token(html):
        return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)

    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"username": "vhxh.x01", "password": DEMO_PASSWORD, "csrf_token": token(page)})
    assert client.get("/intake").headers["Location"].endswith("/intake/trafficking_support")
    form = client.get("/intake/trafficking_support").get_data(as_text=True)
    assert "Kênh tiếp nhận" in form
    res = client.post("/intake/trafficking_support", data={
        "csrf_token": token(form), "intake_key": "k1", "channel": "self_report", "incident_commune": "X01",
        "person_sex": "female", "description": "Trình báo bị lừa bán."})
    assert res.status_code == 302
    inbox = client.get("/inbox").get_data(as_text=True)
    task_id = re.search(r"/tasks/([0-9a-f-]{36})", inbox).group(1)
    assert "Cán bộ tiếp nhận" in client.get(f"/tasks/{task_id}").get_data(as_text=True)
    [task] = [t for t in sqlite_engine.inbox(actor_for(sqlite_engine, "vhxh.x01").agency_id) if t.id == task_id]
    assert client.get(f"/cases/{task.case_id}").status_code == 200
