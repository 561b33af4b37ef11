"""A commune sends its periodic report up; the province sees who has and has not, and the total (#21.4)."""

import io
import re

import openpyxl

from tests.support.samples import REPORT
from tests.support.samples import actor_for
from workflows.child_protection.process import open_case


def test_commune_submits_and_province_aggregates(sqlite_engine):
    from webui import create_app

    hotline = actor_for(sqlite_engine, "tongdai111")
    for i in range(3):
        open_case(sqlite_engine, dict(REPORT, child_name=f"Trẻ {i}"), hotline)
    open_case(sqlite_engine, dict(REPORT, child_name="Trẻ X02", incident_commune="X02"), hotline)
    app = create_app({"SECRET_KEY": "k", "DATABASE_URL": sqlite_engine.db.url}, engine=sqlite_engine)

    def login(username):
        c = app.test_client()
        tok = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").get_data(as_text=True)).group(1)
        c.post("/login", data={"username": username, "password": "bvte-demo-2026", "csrf_token": tok})
        return c

    def csrf(client, url):
        return re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)

    period = "2026-nam"   # 15/12/2025 – 14/12/2026 holds the cases (20/11/2026)
    province = login("baocao.tinh")
    page = province.get(f"/reports/submissions?period={period}").get_data(as_text=True)
    assert page.count("Chưa gửi") >= 2
    officer = login("canbo.x01")
    url = f"/reports/submissions?period={period}"
    assert officer.post("/reports/submissions", data={"period": period}).status_code == 400   # no CSRF token
    res = officer.post("/reports/submissions", data={"period": period, "csrf_token": csrf(officer, url)})
    assert res.status_code == 302
    assert officer.post("/reports/submissions", data={"period": "2026-xx", "csrf_token": csrf(officer, url)}) \
        .status_code == 422
    assert login("congan.x01").post("/reports/submissions", data={"period": period}).status_code in (400, 403)
    from engine import submissions

    rows = {r.commune: r for r in submissions.status(sqlite_engine, "P01", "child_protection", period)}
    assert rows["X01"].submission is not None and rows["X02"].submission is None
    assert rows["X01"].submission.figures["children"] == 3 and rows["X01"].submission.revision == 1
    officer.post("/reports/submissions", data={"period": period, "csrf_token": csrf(officer, url)})
    rows = {r.commune: r for r in submissions.status(sqlite_engine, "P01", "child_protection", period)}
    assert rows["X01"].submission.revision == 2
    assert submissions.aggregate(list(rows.values()))["children"] == 3
    page = province.get(url).get_data(as_text=True)
    assert "Đã gửi" in page and "canbo.x01" in page
    xlsx = province.get(f"/reports/submissions.xlsx?period={period}")
    ws = openpyxl.load_workbook(io.BytesIO(xlsx.data)).active
    header = [c.value for c in ws[2]]
    col = header.index("Số trẻ em") + 1
    x01 = next(r for r in ws.iter_rows(min_row=3) if r[0].value == "X01")
    assert x01[col - 1].value == 3 and x01[col - 1].number_format == "#,##0"
    assert x01[4].number_format == "hh:mm dd/mm/yyyy"
    assert province.get("/reports/submissions?period=bad").status_code == 422
    assert login("congan.x01").get(url).status_code == 403
