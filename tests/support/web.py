"""Helpers of the web tests: an app over the test engine, a signed-in client, the page's CSRF token."""

from __future__ import annotations

import re

from webui import create_app
from workflows.seed import DEMO_PASSWORD


def make_app(engine):
    return create_app({"SECRET_KEY": "k", "DATABASE_URL": engine.db.url, "TESTING": True}, engine=engine)


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def signed_in(app, username: str):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"username": username, "password": DEMO_PASSWORD, "csrf_token": csrf(page)})
    return client
