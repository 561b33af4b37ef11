"""Operations: ``/health`` (the process answers), ``/ready`` (it can serve: database, schema, timer
worker), ``/metrics`` (Prometheus) and the HTTP request metrics behind it.

``/health`` and ``/ready`` need no login and show no data beyond ok/not-ok. ``/metrics`` answers a
loopback client (a scraper on the same host; a request that came through a proxy, i.e. carries a
forwarding header, is not one) or a request with ``Authorization: Bearer <BVTE_METRICS_TOKEN>``:
401 without credentials, 403 with a wrong token.

Request counts under several gunicorn workers: counters live in the worker that served the request, so
``/metrics`` sums every worker's only in prometheus-client's multiprocess mode (``PROMETHEUS_MULTIPROC_DIR``,
which ``webui.gunicorn_conf`` sets: run gunicorn with ``-c python:webui.gunicorn_conf``). Without it each
scrape sees the counters of the one worker that answered. The work gauges (tasks, timers, incidents)
are read from the database at each scrape (``engine.metrics``: indexed counts), so they are right either way.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import time
from typing import Any
from typing import Iterator

from flask import Blueprint
from flask import Flask
from flask import Response
from flask import current_app
from flask import g
from flask import jsonify
from flask import request
from prometheus_client import CollectorRegistry
from prometheus_client import Counter
from prometheus_client import Histogram
from prometheus_client import generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from sqlalchemy.exc import SQLAlchemyError

from engine import metrics as work
from webui.errors import json_error

bp = Blueprint("ops", __name__)
READY_SWEEP_SECONDS = 180.0   # a timer worker sweeps every 5 s and backs off at most 60 s on errors
FORWARDED = ("X-Forwarded-For", "Forwarded", "X-Real-IP")

# registry=None: registered per scrape (a fresh registry), or summed from the files in multiprocess mode
REQUESTS = Counter("bvte_http_requests", "HTTP requests by route (URL rule) and status",
                   ["method", "route", "status"], registry=None)
LATENCY = Histogram("bvte_http_request_duration_seconds", "HTTP request latency by route (URL rule)",
                    ["method", "route"], registry=None,
                    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0))


def _engine():
    from webui import get_engine

    return get_engine()


def init_app(app: Flask) -> None:
    """Register the endpoints and time every request (by its URL rule, never its raw path)."""
    app.config.setdefault("BVTE_METRICS_TOKEN", os.environ.get("BVTE_METRICS_TOKEN") or None)
    app.register_blueprint(bp)
    app.before_request_funcs.setdefault(None, []).insert(0, _start_timer)   # before any other hook
    app.after_request(_count)


def _start_timer() -> None:
    g._ops_started = time.perf_counter()


def _count(resp: Response) -> Response:
    route = request.url_rule.rule if request.url_rule is not None else "<unmatched>"
    REQUESTS.labels(request.method, route, str(resp.status_code)).inc()
    started = g.get("_ops_started")
    if started is not None:
        LATENCY.labels(request.method, route).observe(time.perf_counter() - started)
    return resp


@bp.get("/health")
def health():
    """The process is up (no database read)."""
    return {"status": "ok"}


@bp.get("/ready")
def ready() -> tuple[Response, int]:
    """200 when the database answers, its schema is at the code's migration head and a timer worker
    swept recently; 503 otherwise, naming the failed check (no details: this is public)."""
    engine = _engine()
    checks: dict[str, str] = {}
    try:
        work.ping(engine.db)
        checks["database"] = "ok"
        current, heads = work.schema_revisions(engine.db)
        checks["migrations"] = "ok" if current == heads else "not_at_head"
        last = work.last_sweep(engine)
    except SQLAlchemyError:
        engine.db.dispose()   # reconnect on the next probe
        checks.setdefault("database", "unreachable")
        last = None
    limit = float(current_app.config.get("BVTE_READY_SWEEP_SECONDS", READY_SWEEP_SECONDS))
    if checks["database"] == "ok":
        if last is None:
            checks["timer_worker"] = "never_seen"
        else:
            checks["timer_worker"] = "ok" if (engine.now() - last).total_seconds() <= limit else "stale"
    ok = all(v == "ok" for v in checks.values())
    return jsonify({"status": "ready" if ok else "not_ready", "checks": checks}), 200 if ok else 503


def _loopback() -> bool:
    if any(h in request.headers for h in FORWARDED):
        return False
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


def _refused() -> Any:
    token = current_app.config.get("BVTE_METRICS_TOKEN")
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, given = header.partition(" ")
        if token and scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode()):
            return None
        return json_error(403, "forbidden", "sai mã truy cập số liệu / wrong metrics token")
    if _loopback():
        return None
    return json_error(401, "unauthorized", "cần 'Authorization: Bearer <BVTE_METRICS_TOKEN>' / metrics token "
                      "required", headers={"WWW-Authenticate": 'Bearer realm="metrics"'})


class _Work:
    """The work gauges, read from the database at each scrape."""

    def __init__(self, engine) -> None:
        self.engine = engine

    def collect(self) -> Iterator[Metric]:
        gauges = work.gauges(self.engine)
        yield GaugeMetricFamily("bvte_open_tasks", "Open tasks", value=gauges.open_tasks)
        yield GaugeMetricFamily("bvte_overdue_tasks", "Open tasks past their due instant", value=gauges.overdue_tasks)
        yield GaugeMetricFamily("bvte_due_timers", "Timers due and not yet fired", value=gauges.due_timers)
        yield GaugeMetricFamily("bvte_oldest_due_timer_lateness_seconds",
                                "Seconds the oldest due timer waits past its instant (0: none due)",
                                value=gauges.oldest_due_lateness)
        incidents = GaugeMetricFamily("bvte_incidents", "Open cases that cannot move, by kind", labels=["kind"])
        for kind, n in sorted(gauges.incidents.items()):
            incidents.add_metric([kind], n)
        yield incidents
        last = work.last_sweep(self.engine)
        if last is not None:
            yield GaugeMetricFamily("bvte_timer_worker_last_sweep_age_seconds",
                                    "Seconds since a timer worker last finished a sweep",
                                    value=max((self.engine.now() - last).total_seconds(), 0.0))


@bp.get("/metrics")
def metrics():
    """Prometheus text format: requests, latency and the work gauges (counts only, no case data)."""
    refused = _refused()
    if refused is not None:
        return refused
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REQUESTS)
        registry.register(LATENCY)
    registry.register(_Work(_engine()))
    return Response(generate_latest(registry), mimetype="text/plain; version=0.0.4")
