"""Hostile characters are refused with a 400 naming the field, never a 500 (issue #18.10)."""

import pytest

from tests.webui.test_webui import app as app  # noqa: F401  (the fixture)
from tests.webui.test_webui import login


@pytest.mark.parametrize("path", ["/inbox?commune=X%0001", "/inbox?task=%00", "/reports?start=2026-01-01%00",
                                  "/api/v1/tasks?commune=%00"])
def test_nul_in_a_query_is_400(app, path):  # noqa: F811
    client = app.test_client()
    login(client, "canbo.x01")
    answer = client.get(path)
    assert answer.status_code == 400
    assert "NUL" in answer.get_data(as_text=True)


def test_nul_in_a_login_name_is_400(app):  # noqa: F811
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    import re

    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = client.post("/login", data={"csrf_token": token, "username": "canbo\x00.x01", "password": "x"})
    assert answer.status_code == 400 and "username" in answer.get_data(as_text=True)
