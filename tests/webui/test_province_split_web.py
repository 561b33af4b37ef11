"""#16.10 through the web: the province's administrator gives a former district task (NĐ 147/2025/NĐ-CP) to the
province on the administration page (audited; a post without its basis is a 422 naming the field), and the
next separated child's alternative care is then in Sở Y tế's inbox, done from its task page."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.models import AuditEvent
from tests.support.samples import HIGH
from tests.support.samples import REPORT
from tests.support.samples import actor_for
from tests.support.samples import complete
from tests.support.samples import open_task
from tests.support.web import csrf
from tests.support.web import make_app
from tests.support.web import signed_in
from workflows.child_protection.intake import open_case

PAGE = "/admin/province-split"


@pytest.fixture
def app(sqlite_engine):
    return make_app(sqlite_engine)


_login, _csrf = signed_in, csrf


def test_the_administrator_gives_alternative_care_to_the_province_and_soyte_does_it(app, sqlite_engine):
    admin = _login(app, "quantri.tinh")
    page = admin.get(PAGE).get_data(as_text=True)
    assert "nd147.alternative_care" in page and "147/2025" in page and "Chưa chọn (mặc định)" in page
    bad = admin.post(PAGE, data={"csrf_token": _csrf(page), "key": "nd147.alternative_care", "level": "province",
                                 "reason": ""})
    assert bad.status_code == 422 and "cần ghi căn cứ" in bad.get_data(as_text=True)
    done = admin.post(PAGE, data={"csrf_token": _csrf(page), "key": "nd147.alternative_care", "level": "province",
                                  "reason": "Quyết định 12/QĐ-UBND ngày 01/12/2026"})
    assert done.status_code == 302
    shown = admin.get(PAGE).get_data(as_text=True)
    assert "quantri.tinh" in shown and "Quyết định 12/QĐ-UBND ngày 01/12/2026" in shown
    with sqlite_engine.db.read() as s:
        assert s.execute(select(AuditEvent.actor).where(AuditEvent.action == "province_setting.set")).scalar_one() \
            == "quantri.tinh"

    case = open_case(sqlite_engine, REPORT, actor_for(sqlite_engine, "tongdai111"))
    complete(sqlite_engine, case.id, "initial_assessment", actor_for(sqlite_engine, "canbo.x01"), **HIGH)
    complete(sqlite_engine, case.id, "emergency_decision", actor_for(sqlite_engine, "chutich.x01"),
             separation_ordered=True, shelter_place="Nhà bà ngoại")
    complete(sqlite_engine, case.id, "emergency_intervention", actor_for(sqlite_engine, "canbo.x01"))
    task = open_task(sqlite_engine, case.id, "arrange_alternative_care")
    soyte = _login(app, "soyte.tinh")
    assert f"/tasks/{task.id}" in soyte.get("/inbox").get_data(as_text=True)
    assert f"/tasks/{task.id}" not in _login(app, "canbo.x01").get("/inbox").get_data(as_text=True)
    form = soyte.get(f"/tasks/{task.id}").get_data(as_text=True)
    res = soyte.post(f"/tasks/{task.id}", data={"csrf_token": _csrf(form), "shelter_place": "Cơ sở trợ giúp xã hội tỉnh",
                                                "alternative_carer": "Trung tâm Công tác xã hội tỉnh"})
    assert res.status_code == 302
    assert "separation_review" in {t.task_name for t in sqlite_engine.open_tasks(case.id)}
