"""Reports built from a known set of seeded cases match counts computed independently from the inputs."""

import datetime as dt
import io
import random
from collections import Counter

import openpyxl

from tests.support.samples import REPORT
from tests.support.samples import actor_for
from tests.support.samples import complete
from workflows.child_protection.process import open_case
from workflows.child_protection.reports import build_report
from workflows.child_protection.reports import to_excel

FORMS = ["violence", "sexual_abuse", "neglect", "exploitation"]


def expected_age_group(age):
    if age is None:
        return "unknown"
    return "under_6" if age < 6 else "6_11" if age < 12 else "12_15" if age < 16 else "16_17"


def test_counts_match_inputs(sqlite_engine, clock):
    rng = random.Random(7)
    hotline = actor_for(sqlite_engine, "tongdai111")
    inputs = []
    for i in range(40):
        report = dict(REPORT, child_name=f"Trẻ {i}", child_sex=rng.choice(["male", "female", "unknown"]),
                      child_age=rng.choice([None, 2, 5, 6, 11, 12, 15, 16, 17]),
                      abuse_forms=rng.sample(FORMS, rng.randint(0, 2)), incident_commune=rng.choice(["X01", "X02"]))
        if report["child_age"] is None:
            report.pop("child_age")
        inputs.append(report)
        open_case(sqlite_engine, report, hotline)
        clock.advance(dt.timedelta(hours=1))
    rep = build_report(sqlite_engine, "P01", dt.date(2026, 11, 1), dt.date(2026, 12, 31))
    assert rep.total == 40
    assert rep.by_sex == dict(Counter(r["child_sex"] for r in inputs)) | {
        k: 0 for k in ("male", "female", "unknown") if k not in {r["child_sex"] for r in inputs}}
    abuse = Counter(f for r in inputs for f in r["abuse_forms"])
    assert {k: v for k, v in rep.by_abuse.items() if v} == dict(abuse)
    ages = Counter(expected_age_group(r.get("child_age")) for r in inputs)
    assert {k: v for k, v in rep.by_age.items() if v} == dict(ages)
    assert rep.by_commune == dict(Counter(r["incident_commune"] for r in inputs))
    # only X01's cases when asked for X01
    assert build_report(sqlite_engine, "P01", dt.date(2026, 11, 1), dt.date(2026, 12, 31), "X01").total == \
        sum(1 for r in inputs if r["incident_commune"] == "X01")
    # nothing outside the period
    assert build_report(sqlite_engine, "P01", dt.date(2026, 1, 1), dt.date(2026, 10, 31)).total == 0


def test_compliance_and_excel(sqlite_engine, clock):
    hotline, officer = actor_for(sqlite_engine, "tongdai111"), actor_for(sqlite_engine, "canbo.x01")
    on_time = open_case(sqlite_engine, REPORT, hotline)
    complete(sqlite_engine, on_time.id, "initial_assessment", officer)          # at once: on time
    late = open_case(sqlite_engine, REPORT, hotline)
    clock.advance(dt.timedelta(hours=13))
    complete(sqlite_engine, late.id, "initial_assessment", officer)             # 13 h later: late
    rep = build_report(sqlite_engine, "P01", dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    row = next(r for r in rep.compliance if r["rule"] == "emergency_response")
    assert (row["steps"], row["on_time"]) == (2, 1)
    assert abs(row["median_hours"] - 6.5) < 0.01
    wb = openpyxl.load_workbook(io.BytesIO(to_excel(rep)))
    assert wb.sheetnames == ["Biểu tổng hợp", "Theo xã", "Tuân thủ thời hạn", "Quá hạn"]
    summary = {r[1]: r[3] for r in wb["Biểu tổng hợp"].iter_rows(values_only=True) if r and len(r) > 3}
    assert summary["Số hồ sơ tiếp nhận (lượt)"] == 2
    assert summary["Số trẻ em có hồ sơ trong kỳ"] == 1      # the same child reported twice
    comp = list(wb["Tuân thủ thời hạn"].iter_rows(min_row=2, values_only=True))
    assert any(r[2] == 2 and r[3] == 1 for r in comp)


def test_reports_page_and_export_access(sqlite_engine):
    import re

    from webui import create_app

    app = create_app({"SECRET_KEY": "k", "DATABASE_URL": sqlite_engine.db.url}, engine=sqlite_engine)

    def login(username):
        c = app.test_client()
        page = c.get("/login").get_data(as_text=True)
        tok = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        c.post("/login", data={"username": username, "password": "bvte-demo-2026", "csrf_token": tok})
        return c

    reader = login("baocao.tinh")
    assert reader.get("/reports?start=2026-01-01&end=2026-12-31").status_code == 200
    assert reader.get("/reports?start=bad").status_code == 422
    res = reader.get("/reports.xlsx?start=2026-01-01&end=2026-12-31")
    assert res.status_code == 200 and res.data[:2] == b"PK"
    assert login("congan.x01").get("/reports").status_code == 403
    reader.get("/lang/en")
    english = reader.get("/reports?start=2026-01-01&end=2026-12-31").get_data(as_text=True)
    assert "Export to Excel" in english and "Compliance with statutory time limits" in english
