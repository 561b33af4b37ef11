"""BVTE web UI: the Flask app factory. Nothing is created at import time."""

from __future__ import annotations

import os

from flask import Flask
from flask import redirect
from flask import render_template
from flask import request
from flask import session as flask_session
from flask import url_for
from flask_babel import get_locale

from engine.runtime import Engine
from webui.compose import build_engine
from webui.config import from_env
from webui.extensions import babel
from webui.extensions import csrf
from webui.extensions import login_manager
from webui.labels import field_labels


def create_app(overrides: dict | None = None, engine: Engine | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=False)
    app.config.update(from_env(overrides))
    if app.config["BVTE_TRUSTED_PROXIES"]:   # the real client and scheme from the configured proxies only
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = app.config["BVTE_TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n)  # type: ignore[method-assign]
    if engine is None:
        engine = build_engine(app.config["DATABASE_URL"], test_clock=app.config["BVTE_TEST_CLOCK"])
    app.extensions["bvte_engine"] = engine
    _procedure_templates(app)

    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", os.path.join(os.path.dirname(__file__), "translations"))
    babel.init_app(app, locale_selector=_select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Vui lòng đăng nhập để tiếp tục."
    login_manager.session_protection = "strong"
    csrf.init_app(app)

    from webui import account
    from webui import admin
    from webui import admin_more
    from webui import admin_org
    from webui import admin_split
    from webui import api
    from webui import attachments
    from webui import auth
    from webui import cases
    from webui import errors
    from webui import filters
    from webui import guards
    from webui import inbox
    from webui import incidents
    from webui import logging_config
    from webui import notifications
    from webui import ops
    from webui import processes
    from webui import register
    from webui import reports

    app.register_blueprint(auth.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(attachments.bp)
    app.register_blueprint(inbox.bp)
    app.register_blueprint(cases.bp)
    app.register_blueprint(reports.bp)
    app.register_blueprint(register.bp)
    app.register_blueprint(processes.bp)
    app.register_blueprint(incidents.bp)
    app.register_blueprint(notifications.bp)
    for admin_bp in (account.bp, admin.bp, admin_org.bp, admin_more.bp, admin_split.bp):   # my account; a province's administration
        app.register_blueprint(admin_bp)
    ops.init_app(app)   # /health, /ready, /metrics and the request metrics
    errors.init_app(app)
    guards.init_app(app)
    logging_config.configure_if_unset()
    filters.init_app(app)
    if app.config["BVTE_TEST_CLOCK"]:
        from webui import testclock

        app.register_blueprint(testclock.bp)

    @app.after_request
    def _security_headers(resp):
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("X-Frame-Options", "DENY")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        resp.headers.setdefault("Content-Security-Policy",
                                "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'")
        if "text/html" in resp.content_type:
            resp.headers.setdefault("Cache-Control", "no-store")
        return resp

    @app.get("/")
    def index():
        return render_template("index.html")

    @app.get("/lang/<code>")
    def set_language(code: str):
        if code in LANGUAGES:
            flask_session["lang"] = code
        target = request.referrer or ""
        return redirect(target if target.startswith(request.host_url) else url_for("index"))

    @app.context_processor
    def _inject():
        return {"now": engine.now(), "lang": str(get_locale() or "vi"), "field_labels": field_labels}

    return app


LANGUAGES = ("vi", "en")


def _select_locale() -> str:
    """Vietnamese first: the user's choice, else Vietnamese (English only when asked for)."""
    lang = flask_session.get("lang") or request.args.get("lang")
    return lang if lang in LANGUAGES else "vi"


def get_engine() -> Engine:
    from flask import current_app

    return current_app.extensions["bvte_engine"]


def _procedure_templates(app: Flask) -> None:
    """Templates a procedure package ships (its reports, printables) are found after webui's own."""
    import jinja2

    from workflows import registry

    dirs = [p.templates_dir for p in registry.procedures() if p.templates_dir and os.path.isdir(p.templates_dir)]
    if dirs:
        own: list[jinja2.BaseLoader] = [app.jinja_loader] if app.jinja_loader is not None else []
        app.jinja_loader = jinja2.ChoiceLoader([*own, *(jinja2.FileSystemLoader(d) for d in dirs)])
