"""DMN decision tables render read-only in dmn-js (vendored from npm, no CDN) in real headless Chromium: every
conformance table, and a draft's .dmn file on the processes page (#19 item 3)."""

from __future__ import annotations

import io
import pathlib

import pytest

from tests.e2e.test_browser import ROOT
from tests.e2e.test_browser import Session
from tests.e2e.test_browser import browser  # noqa: F401  (fixture)
from tests.e2e.test_browser import server  # noqa: F401  (fixture)
from tests.workflows.test_processes import login
from webui import create_app

DMN_VIEWER = ROOT / "webui" / "static" / "vendor" / "dmn-js" / "dmn-viewer.production.min.js"
CORPUS = ROOT / "tests" / "conformance"


def test_every_conformance_table_renders_in_dmn_js(browser):  # noqa: F811
    if not DMN_VIEWER.exists():
        pytest.fail("dmn-js assets missing: run make install")
    page = browser.new_page()
    page.set_content("<div id='c' style='width:1400px;height:700px'></div>")
    page.add_script_tag(path=str(DMN_VIEWER))
    for path in sorted(pathlib.Path(CORPUS).glob("*.dmn")):
        result = page.evaluate("""async (xml) => {
            const v = new window.DmnJS({ container: '#c' });
            const r = await v.importXML(xml);
            const rows = document.querySelectorAll('#c tbody tr').length;
            v.destroy();
            return { warnings: r.warnings.map(w => w.message), rows };
        }""", path.read_text(encoding="utf-8"))
        assert result["warnings"] == [], (path.name, result["warnings"])
        assert result["rows"] >= 2, path.name
    page.close()


def test_a_drafts_decision_table_is_shown_on_the_processes_page(server, browser, sqlite_engine):  # noqa: F811
    app = create_app({"SECRET_KEY": "k", "DATABASE_URL": sqlite_engine.db.url}, engine=sqlite_engine)
    policy = login(app, "chinhsach.tinh")
    res = policy.post("/processes/upload", data={"csrf_token": policy.csrf, "files": [
        (io.BytesIO((CORPUS / "c16_dmn_unique.bpmn").read_bytes()), "c16_dmn_unique.bpmn"),
        (io.BytesIO((CORPUS / "c16_priority_unique.dmn").read_bytes()), "c16_priority_unique.dmn")]},
        content_type="multipart/form-data")
    draft = res.headers["Location"]
    who = Session(browser, server, "chinhsach.tinh")
    who.page.goto(f"{server}{draft}?file=c16_priority_unique.dmn")
    who.page.wait_for_selector("#dmn-viewer[data-rendered]")
    assert who.page.get_attribute("#dmn-viewer", "data-rendered") == "true"
    assert "Trẻ dưới 16 tuổi" in who.page.inner_text("#dmn-viewer")
    who.close()


def test_the_case_file_shows_its_decision_tables_read_only(server, browser, sqlite_engine):  # noqa: F811
    from engine.context import Actor
    from engine.loader import collect_bundle

    sqlite_engine.deploy(collect_bundle(str(CORPUS / "c16_dmn_unique.bpmn")), Actor("test"))
    case = sqlite_engine.start_case("c16_dmn_unique", {}, Actor("test"), incident_commune="X01")
    who = Session(browser, server, "canbo.x01")
    who.page.goto(f"{server}/cases/{case.id}")
    who.page.wait_for_selector("#decisions .decision[data-rendered]", state="attached")
    assert who.page.get_attribute("#decisions .decision", "data-rendered") == "true"
    assert "Nguy cơ thấp" in who.page.inner_text("#decisions")
    assert who.page.locator("#decisions [contenteditable=true]").count() == 0   # a viewer: nothing to edit
    who.close()
