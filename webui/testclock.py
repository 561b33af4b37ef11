"""POST /_test/clock moves the shared settable clock (only with BVTE_TEST_CLOCK=1, never in production)."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint
from flask import jsonify
from flask import request

from webui.errors import json_error
from webui.extensions import csrf

bp = Blueprint("testclock", __name__)


@bp.route("/_test/clock", methods=["GET", "POST"])
@csrf.exempt
def clock():
    from webui import get_engine

    engine = get_engine()
    if request.method == "POST":
        body = request.get_json(silent=True) or {}
        try:
            instant = dt.datetime.fromisoformat(str(body.get("now", "")))
            if instant.tzinfo is None:
                raise ValueError
        except ValueError:
            return json_error(400, "invalid", "ISO 8601 instant with offset required",
                              fields={"now": ["ISO 8601 instant with offset required"]})
        engine.clock.set(instant)
        if body.get("fire_timers", True):
            from workflows.registry import run_sweep_hooks

            run_sweep_hooks(engine)
            engine.fire_due_timers()
    return jsonify({"now": engine.now().isoformat()})
