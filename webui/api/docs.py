"""The interactive API page, /api/v1/docs: Swagger UI served from this server (``webui/static/vendor/
swagger-ui``, copied from the npm package ``swagger-ui-dist`` by ``make``), never from a CDN; its
start-up script is served here too, so the page runs under the app's ``script-src 'self'`` policy."""

from __future__ import annotations

from flask import Response
from flask import url_for
from markupsafe import escape

from webui.api import bp
from webui.api.spec import operation

PAGE = """<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>BVTE API: tài liệu / documentation</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{css}">
</head>
<body>
<noscript>Trang này cần JavaScript. Tài liệu dạng JSON: <a href="{spec}">{spec}</a></noscript>
<div id="swagger-ui" data-spec="{spec}"></div>
<script src="{bundle}"></script>
<script src="{init}"></script>
</body>
</html>
"""

INIT = """(function () {
  var node = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({url: node.getAttribute("data-spec"), dom_id: "#swagger-ui",
                               deepLinking: true, validatorUrl: null, tryItOutEnabled: false});
})();
"""
HTML = {"type": "string", "format": "html"}


@bp.get("/docs")
@operation(public=True, responses={200: ("Swagger UI page", HTML)})
def docs():
    """Trang tài liệu tương tác / the interactive API page (Swagger UI, local assets)."""
    def asset(name: str) -> str:
        return str(escape(url_for("static", filename=f"vendor/swagger-ui/{name}")))

    html = PAGE.format(css=asset("swagger-ui.css"), bundle=asset("swagger-ui-bundle.js"),
                       init=escape(url_for("api.docs_init")), spec=escape(url_for("api.openapi")))
    return Response(html, mimetype="text/html")


@bp.get("/docs/init.js")
@operation(public=True, responses={200: ("the page's start-up script", {"type": "string", "format": "javascript"})})
def docs_init():
    """Mã khởi động trang tài liệu / the page's start-up script."""
    return Response(INIT, mimetype="text/javascript")
