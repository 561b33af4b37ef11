"""Issue #20 in a real browser (headless Chromium): every administration and account page at desktop and
phone size (no HTTP error, nothing wider than the screen, no critical or serious axe-core violation); a
new province set up from nothing by its administrator alone — communes imported from CSV, a user created,
two-factor sign-in enrolled, a holiday declared — and a hotline report then reaching the new commune's
officer; a deactivated user locked out at once."""

from __future__ import annotations

import re

import pyotp
import pytest

from tests.e2e.test_browser import CHROMIUM
from tests.e2e.test_browser import Session
from tests.e2e.test_browser import browser  # noqa: F401  (fixture)
from tests.e2e.test_browser import server  # noqa: F401  (fixture)
from tests.e2e.test_browser import shot
from tests.e2e.test_pages import axe_problems
from tests.support.samples import REPORT
from tests.support.samples import actor_for

assert CHROMIUM
PASSWORD = "Mây-trắng-bay-qua-đèo-2026"

ADMIN_PAGES = ["/admin", "/admin/users", "/admin/users/canbo.x01", "/admin/users/import", "/admin/security",
               "/admin/communes", "/admin/agencies", "/admin/calendar", "/admin/calendar?day=2026-11-23",
               "/admin/schedules", "/admin/tokens", "/admin/rosters", "/account", "/account/password", "/account/2fa"]


@pytest.mark.parametrize("width", [1200, 390])
def test_admin_and_account_pages_fit_and_pass_axe(server, browser, width):  # noqa: F811
    bad: list[str] = []
    for role, pages in (("quantri.tinh", ADMIN_PAGES), ("canbo.x01", ["/account", "/account/password",
                                                                      "/account/2fa"])):
        who = Session(browser, server, role, width=width)
        for path in pages:
            resp = who.page.goto(f"{server}{path}")
            who.page.wait_for_load_state("networkidle")
            if resp is None or resp.status >= 400:
                bad.append(f"{role} {path}: HTTP {resp.status if resp else '?'}")
                continue
            wide = who.page.evaluate("document.documentElement.scrollWidth")
            if wide > width:
                bad.append(f"{role} {path}: {wide}px wide on a {width}px screen")
            bad.extend(f"{role} {path}: {p}" for p in axe_problems(who.page, server))
            shot(who.page, f"20-{width}-{role}-{path.strip('/').replace('/', '_').replace('?', '_')[:50]}")
        who.close()
    assert bad == []


def _secret(page) -> str:
    return re.search(r"<code>([A-Z2-7]{16,})</code>", page.content()).group(1)


def test_a_province_set_up_by_its_administrator_alone(server, browser, sqlite_engine, clock):  # noqa: F811
    from workflows.child_protection.process import open_case

    eng = sqlite_engine
    adm = Session(browser, server, "quantri.tinh")
    p = adm.page
    # communes from the official list: a new commune X05
    p.goto(f"{server}/admin/communes")
    p.fill("textarea[name=csv]", "code,name,province,replaces\nX05,Xã Lộc Thành,P01,\n")
    p.fill("form[action$='/communes/import'] input[name=reason]", "Nghị quyết sắp xếp ĐVHC")
    p.click("form[action$='/communes/import'] button[type=submit]")
    assert "X05" in p.content() and "Xem trước" in p.content()
    p.fill("textarea[name=csv]", "code,name,province,replaces\nX05,Xã Lộc Thành,P01,\n")
    p.fill("form[action$='/communes/import'] input[name=reason]", "Nghị quyết sắp xếp ĐVHC")
    p.check("form[action$='/communes/import'] input[name=apply]")
    p.click("form[action$='/communes/import'] button[type=submit]")
    assert "Đã áp dụng" in p.content()
    # a user for its commune officer, who sets a password with the link and must enrol two-factor sign-in
    p.goto(f"{server}/admin/security")
    p.check("input[name=roles][value=commune_officer]")
    p.fill("input[name=reason]", "quy định của tỉnh")
    p.click("form.card button[type=submit]")
    p.goto(f"{server}/admin/users")
    p.fill("input[name=username]", "canbo.x05")
    p.fill("input[name=full_name]", "Hồ Thị Xuân")
    p.select_option("select[name=agency]", "commune_officer.X05")
    p.fill("input[name=reason]", "cán bộ xã mới")
    p.click("form.card button[type=submit]")
    link = re.search(r"(/account/setup/[A-Za-z0-9_-]+)", p.content()).group(1)
    p.goto(f"{server}/admin/calendar")
    p.fill("form[method=post] input[name=day]", "2027-02-11")
    p.fill("input[name=doc_number]", "QĐ 1234/QĐ-TTg")
    p.fill("input[name=doc_date]", "2026-12-01")
    p.fill("input[name=reason]", "Tết Đinh Mùi")
    p.click("form[method=post] button[type=submit]")          # the preview of the deadlines that move
    p.click("button:has-text('Xác nhận và lưu')")
    assert "QĐ 1234/QĐ-TTg" in p.content()
    assert not eng.calendar(province="P01").is_working_day(__import__("datetime").date(2027, 2, 11))

    officer_ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    o = officer_ctx.new_page()
    o.goto(f"{server}{link}")
    o.fill("input[name=new]", PASSWORD)
    o.fill("input[name=confirm]", PASSWORD)
    o.click("form.card button[type=submit]")
    o.wait_for_url(f"{server}/login")
    o.fill("input[name=username]", "canbo.x05")
    o.fill("input[name=password]", PASSWORD)
    o.click("button[type=submit]")
    o.wait_for_url(f"{server}/account/2fa")
    assert o.locator(".qr svg").count() == 1
    o.fill("input[name=code]", pyotp.TOTP(_secret(o)).at(eng.now()))
    o.click("form.card button[type=submit]")
    assert o.locator("ul.codes li").count() == 10
    shot(o, "20-390-canbo.x05-recovery")
    # a hotline report for X05 reaches the new officer
    open_case(eng, dict(REPORT, incident_commune="X05"), actor_for(eng, "tongdai111"))
    o.goto(f"{server}/inbox")
    assert "Đánh giá nguy cơ ban đầu" in o.content()
    # deactivated: locked out at once
    p.goto(f"{server}/admin/users/canbo.x05")
    p.fill("form[action$='/deactivate'] input[name=reason]", "chuyển công tác")
    p.click("form[action$='/deactivate'] button[type=submit]")
    o.goto(f"{server}/inbox")
    assert "/login" in o.url
    officer_ctx.close()
    adm.close()
