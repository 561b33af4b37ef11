"""/api/v1/docs in real headless Chromium: Swagger UI renders every operation of the generated document
under the app's Content-Security-Policy, and the page asks no other host for anything."""

from __future__ import annotations

import os
import threading
import urllib.parse

import pytest
from werkzeug.serving import make_server

from webui import create_app

CHROMIUM = "/usr/bin/chromium"
if not os.path.exists(CHROMIUM) and os.environ.get("CI") != "true":
    pytest.skip("Debian chromium is not installed (make test installs it)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


def test_docs_page_renders_from_local_assets(sqlite_engine):
    app = create_app({"SECRET_KEY": "docs-test", "DATABASE_URL": sqlite_engine.db.url}, engine=sqlite_engine)
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{srv.server_port}"
    hosts, problems = set(), []
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
            page = browser.new_page()
            page.on("request", lambda r: hosts.add(urllib.parse.urlsplit(r.url).netloc))
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.goto(f"{base}/api/v1/docs")
            page.wait_for_selector(".opblock-summary", timeout=20000)
            shown = page.locator(".opblock-summary-path").all_inner_texts()
            browser.close()
    finally:
        srv.shutdown()
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    expected = sum(len(ops) for ops in spec["paths"].values())
    assert len(shown) == expected and "/reports" in "".join(shown)
    assert hosts <= {f"127.0.0.1:{srv.server_port}"}, hosts     # no CDN, no font or analytics host
    assert problems == []
