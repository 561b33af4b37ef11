"""Real headless Chromium (Debian's /usr/bin/chromium) driving a real WSGI server.

A report goes from intake through assessment, emergency, plan, approval and a police referral, each
step done by a different user logging in through the UI. Screenshots go to artifacts/screenshots/.
The BPMN files must render in bpmn-js.
"""

from __future__ import annotations

import os
import pathlib
import threading

import pytest
from werkzeug.serving import make_server

from webui import create_app
from workflows import BPMN_DIR
from workflows.seed import DEMO_PASSWORD

CHROMIUM = "/usr/bin/chromium"
ROOT = pathlib.Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"
VIEWER = ROOT / "webui" / "static" / "vendor" / "bpmn-js" / "bpmn-navigated-viewer.production.min.js"

if not os.path.exists(CHROMIUM) and os.environ.get("CI") != "true":
    pytest.skip("Debian chromium is not installed (make test installs it)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture
def server(sqlite_engine):
    app = create_app({"SECRET_KEY": "browser-test", "DATABASE_URL": sqlite_engine.db.url}, engine=sqlite_engine)
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()


@pytest.fixture
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield b
        b.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


class Session:
    """One person in their own browser context (own cookies)."""

    def __init__(self, browser, base, username, width=1200):
        self.ctx = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
        self.page = self.ctx.new_page()
        self.base = base
        self.page.goto(f"{base}/login")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", DEMO_PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_url(f"{base}/inbox")

    def open_task(self, title_part: str):
        self.page.goto(f"{self.base}/inbox")
        self.page.click(f"a.title:has-text('{title_part}')")
        self.page.wait_for_selector("form.card button[type=submit]")

    def submit(self):
        self.page.click("form.card button[type=submit]")
        self.page.wait_for_url(f"{self.base}/inbox")

    def close(self):
        self.ctx.close()


def test_report_to_police_referral_through_the_ui(server, browser, sqlite_engine):
    hotline = Session(browser, server, "tongdai111")
    page = hotline.page
    page.goto(f"{server}/intake/child_protection")
    page.select_option("#in-channel", "hotline_111")
    page.select_option("#in-case_category", "abused")
    page.select_option("#in-urgency", "emergency")
    page.select_option("#in-incident_commune", "X01")   # communes are chosen by name
    page.fill("#in-child_name", "Nguyễn Thị Bé")
    page.select_option("#in-child_sex", "female")
    page.fill("#in-child_age", "9")
    page.fill("#in-description", "Hàng xóm báo trẻ bị đánh, có vết bầm.")
    page.check("input[name=abuse_forms][value=violence]")
    shot(page, "01-intake")
    page.click("form.card button[type=submit]")
    page.wait_for_url(f"{server}/inbox")
    assert "Đã tạo hồ sơ" in page.content()
    hotline.close()

    officer = Session(browser, server, "canbo.x01", width=390)   # a phone screen in the field
    officer.open_task("Đánh giá nguy cơ ban đầu")
    p = officer.page
    for field, value in [("harm_severity", "high"), ("abuser_access", "high"), ("care_obstacles", "high"),
                         ("self_protection", "low"), ("risk_conclusion", "high")]:
        p.select_option(f"#in-{field}", value)
    p.check("input[name=serious_harm]")
    p.check("input[name=caregiver_is_abuser]")
    p.fill("#in-assessment_notes", "Tổn hại nghiêm trọng; người chăm sóc gây hại.")
    shot(p, "02-initial-assessment-phone")
    officer.submit()

    chairman = Session(browser, server, "chutich.x01")
    chairman.open_task("Quyết định biện pháp khẩn cấp")
    chairman.page.check("input[name=emergency_measures][value=stop_harm]")
    chairman.page.fill("#in-decision_notes", "Áp dụng ngay biện pháp khẩn cấp.")
    shot(chairman.page, "03-emergency-decision")
    chairman.submit()

    officer.open_task("Can thiệp khẩn cấp")
    officer.page.fill("#in-actions_taken", "Công an xã có mặt; trẻ được đưa đến trạm y tế.")
    officer.page.check("input[name=police_involved]")
    officer.submit()
    officer.open_task("Đánh giá chi tiết")
    p = officer.page
    p.fill("#in-physical_state", "Vết bầm ở tay")
    p.fill("#in-psychological_state", "Sợ hãi")
    p.fill("#in-family_assessment", "Mẹ đi làm xa")
    p.fill("#in-needs_meeting_date", "2026-11-23")
    p.fill("#in-needs_meeting_participants", "Cán bộ, trưởng thôn, bà ngoại")
    p.check("input[name=needs][value=medical]")
    officer.submit()
    officer.open_task("Xây dựng kế hoạch")
    officer.page.fill("#in-plan_objectives", "Trẻ an toàn")
    officer.page.fill("#in-plan_measures", "Khám sức khỏe; công an xử lý người gây hại")
    officer.page.check("input[name=refer_police]")
    officer.page.select_option("#in-child_data_sharing_basis", "consent_child_and_representative")
    officer.page.fill("#in-child_data_consent_by", "Trẻ và bà ngoại (người giám hộ)")
    officer.page.fill("#in-child_data_consent_on", "2026-11-23")
    shot(officer.page, "04-draft-plan")
    officer.submit()

    chairman.open_task("Phê duyệt kế hoạch")
    chairman.page.select_option("#in-approval_decision", "approve")
    chairman.page.fill("#in-approval_notes", "Đồng ý")
    chairman.submit()

    police = Session(browser, server, "congan.x01")
    assert "Xác nhận tiếp nhận yêu cầu" in police.page.content()
    shot(police.page, "05-police-inbox")
    police.open_task("Xác nhận tiếp nhận yêu cầu")
    body = police.page.inner_text("details.card")
    assert "Trần Văn Báo" not in body and "assessment_notes" not in body   # need-to-know
    police.page.fill("#in-contact_person", "Lê Minh Tuấn")
    police.page.fill("#in-planned_action", "Xác minh, xử lý người gây hại")
    police.submit()
    assert "Đã hoàn thành" in police.page.content()

    # the case file with the diagram rendered by bpmn-js and the current position highlighted
    from sqlalchemy import select

    from engine.models import Case

    with sqlite_engine.db.read() as s:
        case_id = s.execute(select(Case.id)).scalar_one()
    officer.page.goto(f"{server}/cases/{case_id}")
    officer.page.wait_for_selector("#diagram[data-rendered]", timeout=15000)
    assert officer.page.get_attribute("#diagram", "data-rendered") == "true"
    assert officer.page.locator(".bvte-active").count() >= 1
    shot(officer.page, "06-case-file")
    # a stranger from another commune cannot open it by guessing the URL
    stranger = Session(browser, server, "canbo.x02")
    resp = stranger.page.goto(f"{server}/cases/{case_id}")
    assert resp.status == 404
    for s in (officer, chairman, police, stranger):
        s.close()


def test_every_bpmn_file_renders_in_bpmn_js(browser):
    if not VIEWER.exists():
        pytest.fail("bpmn-js assets missing: run make install")
    page = browser.new_page()
    page.set_content("<div id='c' style='width:1600px;height:900px'></div>")
    page.add_script_tag(path=str(VIEWER))
    for path in sorted(pathlib.Path(BPMN_DIR).glob("*.bpmn")):
        result = page.evaluate("""async (xml) => {
            const v = new window.BpmnJS({ container: '#c' });
            const r = await v.importXML(xml);
            const n = v.get('elementRegistry').getAll().length;
            v.destroy();
            return { warnings: r.warnings.map(w => w.message), elements: n };
        }""", path.read_text(encoding="utf-8"))
        assert result["warnings"] == [], (path.name, result["warnings"])
        assert result["elements"] > 10, path.name
    page.close()
