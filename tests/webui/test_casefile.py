"""Issue #22 through Flask's test client on SQLite and PostgreSQL: the inbox rows, filters, search and sort;
dates and people as people read them; the case file's next step, notes and reopening; the printouts (PDF);
evidence files (checked by content, metadata stripped, need-to-know, every download audited)."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from engine.models import AuditEvent
from tests.support.samples import HIGH
from tests.support.samples import REPORT
from tests.support.samples import complete
from tests.support.samples import open_task
from webui import create_app
from workflows.child_protection.process import open_case
from workflows.seed import DEMO_PASSWORD

ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


@pytest.fixture
def app(engine, tmp_path):
    return create_app({"SECRET_KEY": "test-key", "DATABASE_URL": engine.db.url, "TESTING": True,
                       "BVTE_ATTACHMENTS_DIR": str(tmp_path / "files")}, engine=engine)


def token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def login(app, username):
    client = app.test_client()
    page = client.get("/login")
    client.post("/login", data={"username": username, "password": DEMO_PASSWORD,
                                "csrf_token": token(page.get_data(as_text=True))})
    return client


def visible_text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S))


def test_inbox_rows_filters_search_and_sort(app, engine, as_user):
    first = open_case(engine, REPORT, as_user("tongdai111"))
    second = open_case(engine, dict(REPORT, child_name="Lê Văn Minh", urgency="non_emergency"), as_user("tongdai111"))
    officer = login(app, "canbo.x01")
    html = officer.get("/inbox").get_data(as_text=True)
    assert first.reference in html and second.reference in html
    assert "N.T.B." in html and "L.V.M." in html and "Nguyễn Thị Bé" not in html   # initials only
    assert "Khẩn cấp" in html and "20/11/2026 22:00" in html and not ISO.search(visible_text(html))
    assert '<option value="X01"' in html and "Đạ Tẻh" in html                       # communes by name
    assert '<option value="initial_assessment"' in html and "Đánh giá nguy cơ ban đầu (Mẫu 02)</option>" in html
    found = officer.get("/inbox?q=Lê Văn").get_data(as_text=True)
    assert second.reference in found and first.reference not in found
    by_ref = officer.get(f"/inbox?q={first.reference}").get_data(as_text=True)
    assert first.reference in by_ref and second.reference not in by_ref
    urgent = officer.get("/inbox?sort=urgency").get_data(as_text=True)
    assert urgent.index(first.reference) < urgent.index(second.reference)
    assert second.reference not in officer.get("/inbox?task=no_such_task").get_data(as_text=True)


def test_english_inbox_and_messages_in_one_language(app, engine, as_user):
    case = open_case(engine, REPORT, as_user("tongdai111"))
    officer = login(app, "canbo.x01")
    t = open_task(engine, case.id, "initial_assessment")
    page = officer.get(f"/tasks/{t.id}").get_data(as_text=True)
    bad = officer.post(f"/tasks/{t.id}", data={"csrf_token": token(page)}).get_data(as_text=True)
    assert "Bắt buộc nhập" in bad and "Required" not in bad
    officer.get("/lang/en")
    html = officer.get("/inbox").get_data(as_text=True)
    assert "Initial risk assessment" in html and "left" in html
    bad = officer.post(f"/tasks/{t.id}", data={"csrf_token": token(page)}).get_data(as_text=True)
    assert "Required" in bad and "Bắt buộc nhập" not in bad


def test_case_file_next_step_people_notes_and_reopen(app, engine, as_user):
    case = open_case(engine, REPORT, as_user("tongdai111"))
    complete(engine, case.id, "initial_assessment", as_user("canbo.x01"), **HIGH)
    chairman = login(app, "chutich.x01")
    html = chairman.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Bước tiếp theo" in html and "Quyết định biện pháp khẩn cấp" in html
    assert "Nguyễn Thị Hạnh" in html and "canbo.x01" not in html                     # by name and agency
    assert "Tổn hại nghiêm trọng, người chăm sóc gây hại." in html                  # notes of another agency
    assert "_timer" not in visible_text(html) and not ISO.search(visible_text(html))
    step = engine.steps(case.id)[0]
    short = chairman.post(f"/cases/{case.id}/reopen", data={"csrf_token": token(html), "step_id": step.id,
                                                            "reason": "nhầm"})
    assert short.status_code == 303 and open_task(engine, case.id, "emergency_decision")
    done = chairman.post(f"/cases/{case.id}/reopen", data={
        "csrf_token": token(html), "step_id": step.id, "reason": "Đánh giá nhầm mức độ nguy cơ, cần đánh giá lại"})
    assert done.status_code == 303
    assert [t.task_name for t in engine.open_tasks(case.id)] == ["initial_assessment"]
    with engine.db.read() as s:
        ev = s.execute(select(AuditEvent).where(AuditEvent.action == "task.reopen")).scalar_one()
    assert ev.actor == "chutich.x01" and "cần đánh giá lại" in ev.detail["reason"]
    assert "Mở lại bước" in chairman.get(f"/cases/{case.id}").get_data(as_text=True)
    officer = login(app, "canbo.x01")   # the officer may not reopen
    assert officer.post(f"/cases/{case.id}/reopen", data={"csrf_token": token(html), "step_id": step.id,
                                                          "reason": "x" * 30}).status_code in (400, 403)


def test_printout_official_layout_and_pdf(app, engine, as_user):
    case = open_case(engine, REPORT, as_user("tongdai111"))
    complete(engine, case.id, "initial_assessment", as_user("canbo.x01"), **HIGH)
    officer = login(app, "canbo.x01")
    html = officer.get(f"/cases/{case.id}/print/mau-02").get_data(as_text=True)
    for text in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Số: 02/", "Nơi nhận:",
                 "Nguyễn Thị Hạnh", "ngày 20 tháng 11 năm 2026"):
        assert text in html
    assert "onclick" not in html and 'id="print-button"' in html
    pdf = officer.get(f"/cases/{case.id}/print/mau-02.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data[:5] == b"%PDF-"


def _jpeg_with_gps() -> bytes:
    from PIL import Image

    img = Image.new("RGB", (40, 30), (200, 10, 10))
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"
    exif[0x8825] = {1: "N", 2: (10.0, 45.0, 0.0), 3: "E", 4: (106.0, 40.0, 0.0)}
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_attachments_checked_cleaned_need_to_know_and_audited(app, engine, as_user, tmp_path):
    from PIL import Image

    case = open_case(engine, REPORT, as_user("tongdai111"))
    complete(engine, case.id, "initial_assessment", as_user("canbo.x01"), **HIGH)   # the police get a task
    officer = login(app, "canbo.x01")
    page = officer.get(f"/cases/{case.id}/attachments/new").get_data(as_text=True)
    photo = _jpeg_with_gps()
    assert b"CameraMaker" in photo
    fake = officer.post(f"/cases/{case.id}/attachments/new", data={
        "csrf_token": token(page), "audience": "case", "file": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "report.pdf")},
        content_type="multipart/form-data")
    assert fake.status_code == 422 and "kiểm tra theo nội dung" in fake.get_data(as_text=True)
    ok = officer.post(f"/cases/{case.id}/attachments/new", data={
        "csrf_token": token(page), "audience": "case", "note": "Ảnh vết bầm",
        "file": (io.BytesIO(photo), "../../ảnh vết bầm.jpg")}, content_type="multipart/form-data")
    assert ok.status_code == 303
    secret = officer.post(f"/cases/{case.id}/attachments/new", data={
        "csrf_token": token(page), "audience": "commune",
        "file": (io.BytesIO(b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"), "giay.pdf")}, content_type="multipart/form-data")
    assert secret.status_code == 303
    html = officer.get(f"/cases/{case.id}").get_data(as_text=True)
    ids = [int(i) for i in re.findall(rf"/cases/{case.id}/attachments/(\d+)\"", html)]
    assert len(ids) == 2 and "ảnh vết bầm.jpg" in html
    got = officer.get(f"/cases/{case.id}/attachments/{ids[0]}")
    assert got.status_code == 200 and got.mimetype == "image/jpeg" and b"CameraMaker" not in got.data
    with Image.open(io.BytesIO(got.data)) as img:
        assert not img.getexif() and img.size == (40, 30)
    assert "default-src 'none'" in got.headers["Content-Security-Policy"]
    assert list((tmp_path / "files").iterdir())   # on disk under the configured directory
    # police hold a task of the case (crime report): they see the case file, not the commune-only file
    police = login(app, "congan.x01")
    assert police.get(f"/cases/{case.id}/attachments/{ids[0]}").status_code == 200
    assert police.get(f"/cases/{case.id}/attachments/{ids[1]}").status_code == 404
    assert login(app, "canbo.x02").get(f"/cases/{case.id}/attachments/{ids[0]}").status_code == 404
    with engine.db.read() as s:
        downloads = s.execute(select(AuditEvent.actor).where(AuditEvent.action == "attachment.download")).scalars()
        assert sorted(downloads) == ["canbo.x01", "congan.x01"]


def test_a_case_one_may_not_see_offers_break_glass(app, engine, as_user):
    case = open_case(engine, REPORT, as_user("tongdai111"))
    stranger = login(app, "canbo.x02")
    res = stranger.get(f"/cases/{case.id}")
    assert res.status_code == 404 and "/break-glass" in res.get_data(as_text=True)
    assert "/break-glass" in stranger.get("/inbox").get_data(as_text=True)          # and from the menu
