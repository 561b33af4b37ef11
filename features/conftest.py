"""Step definitions for the Vietnamese features. The clock is injected: scenarios move time, never sleep.

Features run on SQLite (a fresh file per scenario); the engine tests in tests/ cover PostgreSQL.
"""

from __future__ import annotations

import datetime as dt

import pytest
from pytest_bdd import given
from pytest_bdd import parsers
from pytest_bdd import then
from pytest_bdd import when
from sqlalchemy import func
from sqlalchemy import select

from engine.errors import InvalidTaskData
from engine.models import AuditEvent
from engine.models import Case
from engine.workdays import WorkCalendar
from engine.workdays import compute_due
from engine.workdays import parse_instant
from tests.support.samples import HIGH
from tests.support.samples import REPORT
from tests.support.samples import SAMPLES
from tests.support.samples import actor_for
from tests.support.samples import complete
from tests.support.samples import open_task
from workflows.child_protection.deadlines import DEADLINES
from workflows.child_protection.deadlines import REFERRAL_CODES
from workflows.child_protection.forms import FORMS
from workflows.child_protection.process import open_case

UNITS = {"giờ": "hours", "ngày làm việc": "working_days", "ngày": "days"}


@pytest.fixture
def ctx(sqlite_engine, clock):
    return {"engine": sqlite_engine, "clock": clock, "report": dict(REPORT), "case": None, "cases": []}


def _engine(ctx):
    return ctx["engine"]


def _value(text: str):
    return {"có": True, "không": False, "true": True, "false": False}.get(text, text)


def _move(ctx, instant: str) -> None:
    ctx["clock"].set(parse_instant(instant))
    _engine(ctx).fire_due_timers()


def _tasks_of(ctx, username: str, task: str):
    actor = actor_for(_engine(ctx), username)
    return [t for t in _engine(ctx).inbox(actor.agency_id, limit=500)
            if t.task_name == task and t.case_id == ctx["case"].id]


# ------------------------------------------------------------------ given
@given(parsers.parse('một báo cáo về trẻ em bị bạo lực tại xã "{commune}"'))
def _(ctx, commune):
    ctx["report"]["incident_commune"] = commune


@given("người báo tin giấu tên")
def _(ctx):
    ctx["report"].update(reporter_anonymous=True)


@given("người báo tin không đồng ý ghi thông tin của mình")
def _(ctx):
    ctx["report"].update(reporter_consent=False)


@given(parsers.parse('trẻ cư trú tại xã "{commune}"'))
def _(ctx, commune):
    ctx["report"]["residence_commune"] = commune


@given(parsers.parse('báo cáo có hình thức xâm hại "{form}"'))
def _(ctx, form):
    ctx["report"]["abuse_forms"] = [form]


@given(parsers.parse("trẻ {age:d} tuổi"))
def _(ctx, age):
    ctx["report"]["child_age"] = age


@given("báo cáo không có nội dung")
def _(ctx):
    ctx["report"].pop("description")


@given(parsers.parse('một hồ sơ tại xã "{commune}" đã trình kế hoạch lúc "{instant}"'))
def _(ctx, commune, instant):
    ctx["clock"].set(parse_instant(instant) - dt.timedelta(hours=2))
    ctx["report"]["incident_commune"] = commune
    ctx["case"] = open_case(_engine(ctx), ctx["report"], actor_for(_engine(ctx), "tongdai111"))
    officer = actor_for(_engine(ctx), f"canbo.{commune.lower()}")
    for task in ("initial_assessment", "specific_assessment"):
        complete(_engine(ctx), ctx["case"].id, task, officer)
    ctx["clock"].set(parse_instant(instant))
    complete(_engine(ctx), ctx["case"].id, "draft_plan", officer, refer_police=True)


# ------------------------------------------------------------------ when
@when(parsers.parse('"{username}" ghi nhận báo cáo lúc "{instant}"'))
def _(ctx, username, instant):
    ctx["clock"].set(parse_instant(instant))
    ctx["case"] = open_case(_engine(ctx), dict(ctx["report"], received_at=instant), actor_for(_engine(ctx), username))
    ctx["cases"].append(ctx["case"])


@when(parsers.parse('"{username}" ghi nhận thêm một báo cáo về cùng trẻ lúc "{instant}"'))
def _(ctx, username, instant):
    ctx["clock"].set(parse_instant(instant))
    ctx["cases"].append(open_case(_engine(ctx), dict(ctx["report"], received_at=instant, channel="police"),
                                  actor_for(_engine(ctx), username)))


@when(parsers.parse('"{username}" gửi báo cáo'))
def _(ctx, username):
    try:
        open_case(_engine(ctx), ctx["report"], actor_for(_engine(ctx), username))
        ctx["error"] = None
    except InvalidTaskData as exc:
        ctx["error"] = exc


@when(parsers.parse('"{username}" hoàn thành "{task}"'))
def _(ctx, username, task):
    complete(_engine(ctx), ctx["case"].id, task, actor_for(_engine(ctx), username))


@when(parsers.parse('"{username}" hoàn thành "{task}" với "{field}" là "{value}"'))
def _(ctx, username, task, field, value):
    complete(_engine(ctx), ctx["case"].id, task, actor_for(_engine(ctx), username), **{field: _value(value)})


@when(parsers.parse('"{username}" đánh giá ban đầu với nguy cơ cao'))
def _(ctx, username):
    complete(_engine(ctx), ctx["case"].id, "initial_assessment", actor_for(_engine(ctx), username), **HIGH)


@when(parsers.parse('"{username}" lập kế hoạch chuyển gửi tất cả các cơ quan'))
def _(ctx, username):
    flags = {f"refer_{code}": True for code in REFERRAL_CODES}
    complete(_engine(ctx), ctx["case"].id, "draft_plan", actor_for(_engine(ctx), username), **flags)


@when("mỗi cơ quan xác nhận và báo cáo kết quả")
def _(ctx):
    users = {"police": "congan.x01", "health": "yte.x01", "education": "truonghoc.x01",
             "legal_aid": "trogiup.tinh", "social_work": "ctxh.tinh"}
    for code, username in users.items():
        actor = actor_for(_engine(ctx), username)
        complete(_engine(ctx), ctx["case"].id, f"{code}_acknowledge", actor)
        complete(_engine(ctx), ctx["case"].id, f"{code}_report_outcome", actor)


@when(parsers.parse('đến thời điểm "{instant}"'))
def _(ctx, instant):
    _move(ctx, instant)


@when(parsers.parse('tính thời hạn {amount:d} {unit} từ "{start}"'), target_fixture="computed")
def _(amount, unit, start):
    return compute_due(parse_instant(start), amount, UNITS[unit], WorkCalendar())


@when(parsers.parse('tính mức tối đa {amount:d} ngày cách ly từ "{start}"'), target_fixture="computed")
def _(amount, start):
    rule = DEADLINES["separation_limit"]
    assert rule.amount == amount
    return rule.due(parse_instant(start), WorkCalendar())


# ------------------------------------------------------------------ then
@then(parsers.parse('"{username}" có việc "{task}"'))
def _(ctx, username, task):
    assert _tasks_of(ctx, username, task), f"{username} has no {task}; open: " + str(
        [(t.task_name, t.agency_type) for t in _engine(ctx).open_tasks(ctx["case"].id)])


@then(parsers.parse('"{username}" có {n:d} việc "{task}"'))
def _(ctx, username, n, task):
    assert len(_tasks_of(ctx, username, task)) == n


@then(parsers.parse('"{username}" không có việc "{task}"'))
def _(ctx, username, task):
    assert not _tasks_of(ctx, username, task)


@then(parsers.parse('hạn của việc "{task}" là "{instant}"'))
def _(ctx, task, instant):
    assert open_task(_engine(ctx), ctx["case"].id, task).due_at == parse_instant(instant)


@then(parsers.parse('việc "{task}" bị đánh dấu quá hạn và đã báo cáo cấp trên'))
def _(ctx, task):
    t = open_task(_engine(ctx), ctx["case"].id, task)
    assert t.due_at < _engine(ctx).now() and t.escalated_at is not None


@then(parsers.parse('việc "{task}" mở với kế hoạch bị trả lại'))
def _(ctx, task):
    data = _engine(ctx).task_data(open_task(_engine(ctx), ctx["case"].id, task).id)
    form = FORMS[task]
    draft = SAMPLES["draft_plan"]
    assert all(data.get(k) == v for k, v in draft.items()), data
    assert {f.name for f in form.fields} >= set(draft) | {"refer_police", "refer_health"}
    assert data["rejected_plans"][-1]["plan_measures"] == draft["plan_measures"]


@then(parsers.parse('"{username}" không thể hoàn thành "{task}" khi chưa chọn "{field}"'))
def _(ctx, username, task, field):
    data = {k: v for k, v in SAMPLES[task].items() if k != field}
    with pytest.raises(InvalidTaskData) as err:
        _engine(ctx).complete_task(open_task(_engine(ctx), ctx["case"].id, task).id, data,
                                   actor_for(_engine(ctx), username))
    assert field in err.value.fields


@then("hồ sơ đã đóng")
def _(ctx):
    assert _engine(ctx).get_case(ctx["case"].id).status == "closed"


@then(parsers.parse('hồ sơ do xã "{commune}" phụ trách'))
def _(ctx, commune):
    assert _engine(ctx).get_case(ctx["case"].id).commune_code == commune


@then(parsers.parse("dòng thời gian có {n:d} bước, tất cả đúng hạn"))
def _(ctx, n):
    steps = _engine(ctx).steps(ctx["case"].id)
    assert len(steps) == n and all(s.on_time is not False for s in steps)


@then(parsers.parse('hồ sơ ghi rõ người 16–17 tuổi không thuộc Luật Trẻ em và áp dụng thủ tục "{procedure}"'))
def _(ctx, procedure):
    data = _engine(ctx).case_data(ctx["case"].id)
    assert data["child_age_16_17"] is True and data["applicable_procedure"] == procedure
    assert "Điều 1" in data["age_scope_note"]


@then("hồ sơ ghi trẻ dưới 16 tuổi")
def _(ctx):
    assert _engine(ctx).case_data(ctx["case"].id)["child_age_16_17"] is False


@then("thông tin người báo tin không được lưu")
def _(ctx):
    data = _engine(ctx).case_data(ctx["case"].id)
    assert data.get("reporter_name") is None and data.get("reporter_phone") is None


@then("hệ thống cho biết trẻ đã có hồ sơ đang mở để cán bộ quyết định liên kết")
def _(ctx):
    first, second = ctx["cases"]
    assert [c.id for c in _engine(ctx).open_cases_with_key(second.dedup_key, exclude=second.id)] == [first.id]


@then("hai hồ sơ vẫn tách riêng")
def _(ctx):
    with _engine(ctx).db.read() as s:
        assert s.execute(select(func.count()).select_from(Case)).scalar() == 2


@then(parsers.parse('báo cáo bị từ chối ở trường "{field}"'))
def _(ctx, field):
    assert ctx["error"] is not None and field in ctx["error"].fields


@then("không có hồ sơ nào được tạo")
def _(ctx):
    with _engine(ctx).db.read() as s:
        assert s.execute(select(func.count()).select_from(Case)).scalar() == 0


@then(parsers.parse('nhật ký kiểm toán ghi "{action}"'))
def _(ctx, action):
    with _engine(ctx).db.read() as s:
        assert s.execute(select(AuditEvent).where(AuditEvent.action == action)).first() is not None


@then(parsers.parse('thời hạn là "{expected}"'))
def _(computed, expected):
    assert computed == parse_instant(expected)


# ------------------------------------------------------------------ confidentiality (#16.7)
@given(parsers.parse('trẻ đang ở "{place}"'))
def _(ctx, place):
    ctx["report"]["child_current_location"] = place


def _seen(ctx, actor) -> dict:
    from engine import lookups
    from webui.access import visible_data

    case = lookups.find_case(_engine(ctx), ctx["case"].id)
    return visible_data(_engine(ctx), _engine(ctx).case_data(case.id), actor, case, "partner")


@then(parsers.parse('"{username}" thấy thông tin người báo tin của hồ sơ'))
def _(ctx, username):
    assert _seen(ctx, actor_for(_engine(ctx), username)).get("reporter_name") == REPORT["reporter_name"]


@then(parsers.parse('"{username}" không thấy thông tin người báo tin của hồ sơ'))
def _(ctx, username):
    assert "reporter_name" not in _seen(ctx, actor_for(_engine(ctx), username))


@then("một tổng đài khác không thấy thông tin người báo tin của hồ sơ")
def _(ctx):
    from engine.context import Actor

    own = actor_for(_engine(ctx), "tongdai111")
    assert "reporter_name" not in _seen(ctx, Actor("tongdai.khac", None, own.agency_id + 1000, "hotline"))


@then(parsers.parse('"{username}" theo dõi được tình trạng hồ sơ mà không thấy nội dung'))
def _(ctx, username):
    from engine import lookups

    sent = lookups.reports_sent(_engine(ctx), actor_for(_engine(ctx), username).agency_id)
    assert [r["reference"] for r in sent] == [ctx["case"].reference] and sent[0]["steps"]
    assert REPORT["description"] not in str(sent) and REPORT["child_name"] not in str(sent)


@when(parsers.parse('"{username}" đánh giá xong và lập kế hoạch'))
def _(ctx, username):
    from tests.support.samples import LOW

    actor = actor_for(_engine(ctx), username)
    complete(_engine(ctx), ctx["case"].id, "initial_assessment", actor, **LOW)
    complete(_engine(ctx), ctx["case"].id, "specific_assessment", actor)


def _refer_school(ctx, username, basis):
    plan = dict(SAMPLES["draft_plan"], refer_education=True, child_data_sharing_basis=basis,
                child_data_consent_by="Trẻ và mẹ" if basis.startswith("consent") else "Trẻ bị đe dọa tính mạng")
    _engine(ctx).complete_task(open_task(_engine(ctx), ctx["case"].id, "draft_plan").id, plan,
                               actor_for(_engine(ctx), username))


@when(parsers.parse('"{username}" chuyển gửi nhà trường với căn cứ "{basis}"'))
def _(ctx, username, basis):
    _refer_school(ctx, username, basis)


@then(parsers.parse('"{username}" không thể chuyển gửi nhà trường với căn cứ "{basis}" ở trường "{field}"'))
def _(ctx, username, basis, field):
    with pytest.raises(InvalidTaskData) as err:
        _refer_school(ctx, username, basis)
    assert field in err.value.fields


@then(parsers.parse('"{username}" thấy tên trẻ nhưng không thấy nơi trẻ đang ở'))
def _(ctx, username):
    seen = _seen(ctx, actor_for(_engine(ctx), username))
    assert seen.get("child_name") == REPORT["child_name"] and "child_current_location" not in seen
