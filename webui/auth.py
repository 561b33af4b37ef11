"""Login and logout. Passwords are argon2 hashes; failed logins are rate limited per user and address."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from flask import Blueprint
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_login import current_user
from flask_login import login_required
from flask_login import login_user
from flask_login import logout_user

from engine import accounts
from engine.context import Actor
from webui.extensions import login_manager
from workflows.agencies import AGENCY_TYPES

bp = Blueprint("auth", __name__)


@dataclass
class LoginUser:
    """The logged-in person as the web layer sees it (Flask-Login adapter over ``engine.models.User``)."""

    id: int
    username: str
    full_name: str
    role: str
    agency_id: int | None
    agency_name: str
    agency_type: str | None
    commune_code: str | None
    province_code: str | None
    is_active: bool = True
    is_authenticated: bool = True
    is_anonymous: bool = False

    def get_id(self) -> str:
        return str(self.id)

    @property
    def actor(self) -> Actor:
        return Actor(self.username, self.id, self.agency_id, self.role)

    @property
    def role_name(self) -> str:
        agency_type = AGENCY_TYPES.get(self.role)
        return agency_type.name_vi if agency_type else self.role


def load_login_user(user_id: int) -> LoginUser | None:
    from webui import get_engine

    return _login_user(accounts.active_user(get_engine(), user_id))


def _login_user(row: accounts.UserRecord | None) -> LoginUser | None:
    if row is None:
        return None
    return LoginUser(row.id, row.username, row.full_name, row.role, row.agency_id, row.agency_name or "",
                     row.agency_type, row.commune_code, row.province_code)


def load_token_user(token_hash: str) -> LoginUser | None:
    """The active user an unrevoked API token belongs to (one query: token, user and agency)."""
    from webui import get_engine

    return _login_user(accounts.token_user(get_engine(), token_hash))


@login_manager.user_loader
def _load(user_id: str):
    try:
        return load_login_user(int(user_id))
    except ValueError:
        return None


class _Throttle:
    """Failed-login counter per key; in memory, so per worker (documented in the README)."""

    def __init__(self):
        self._fails: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def blocked(self, key: str, limit: int, window: int) -> bool:
        now = time.monotonic()
        with self._lock:
            recent = [t for t in self._fails.get(key, []) if now - t < window]
            self._fails[key] = recent
            return len(recent) >= limit

    def fail(self, key: str) -> None:
        with self._lock:
            self._fails.setdefault(key, []).append(time.monotonic())

    def clear(self, key: str) -> None:
        with self._lock:
            self._fails.pop(key, None)


def _throttle() -> _Throttle:
    return current_app.extensions.setdefault("bvte_login_throttle", _Throttle())


@bp.route("/login", methods=["GET", "POST"])
def login():
    from webui import get_engine

    if current_user.is_authenticated:
        return redirect(url_for("inbox.index"))
    error = None
    status = 200
    if request.method == "POST":
        username = (request.form.get("username") or "").strip()[:80]
        password = request.form.get("password") or ""
        keys = [f"u:{username.lower()}", f"ip:{request.remote_addr}"]
        limit, window = current_app.config["LOGIN_MAX_FAILURES"], current_app.config["LOGIN_LOCK_SECONDS"]
        engine = get_engine()
        if any(_throttle().blocked(k, limit if k.startswith("u:") else limit * 4, window) for k in keys):
            error = "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau ít phút."
            status = 429
        else:
            found = accounts.authenticate(engine, username, password)
            if found is not None:
                for k in keys:
                    _throttle().clear(k)
                session.permanent = True   # expires after PERMANENT_SESSION_LIFETIME without a request
                login_user(load_login_user(found.user_id))
                accounts.record_login(engine, found.username, request.remote_addr, succeeded=True)
                target = request.args.get("next") or ""
                if not target.startswith("/") or target.startswith("//"):
                    target = url_for("inbox.index")
                return redirect(target)
            for k in keys:
                _throttle().fail(k)
            accounts.record_login(engine, username, request.remote_addr, succeeded=False)
            error = "Tên đăng nhập hoặc mật khẩu không đúng."
            status = 401
    return render_template("auth/login.html", error=error), status


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash("Đã đăng xuất.")
    return redirect(url_for("auth.login"))
