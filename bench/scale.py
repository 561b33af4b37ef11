"""National-scale benchmarks (issue #8 items 2 and 4–8), run by ``make bench`` after bench/run.py.

Data: 34 provinces, 3,300 communes, an agency of every type, 1,000,000 cases of which 100,000 have
an open task, 100,000 pending timers; bulk inserted. Cases that a benchmark must run are real: one
case is created through the engine and cloned with fresh task ids (its JSON with every UUID remapped).

    python bench/scale.py [--quick] [--db sqlite|postgres|both]
    python bench/scale.py --throughput-only       # item 6 alone, with CPU per completion by process
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from sqlalchemy import func  # noqa: E402
from sqlalchemy import insert  # noqa: E402
from sqlalchemy import select  # noqa: E402
from sqlalchemy import text  # noqa: E402

from engine.accounts import create_api_token  # noqa: E402
from engine.clock import SystemClock  # noqa: E402
from engine.db import Base  # noqa: E402
from engine.db import Database  # noqa: E402
from engine.models import Agency  # noqa: E402
from engine.models import AuditEvent  # noqa: E402
from engine.models import Case  # noqa: E402
from engine.models import Commune  # noqa: E402
from engine.models import OpenTask  # noqa: E402
from engine.models import Province  # noqa: E402
from engine.models import Timer  # noqa: E402
from engine.runtime import Engine  # noqa: E402
from tests.support.db import PG_ADMIN_URL  # noqa: E402
from tests.support.db import PostgresUnavailable  # noqa: E402
from tests.support.db import ThrowawayDatabase  # noqa: E402
from tests.support.samples import HIGH  # noqa: E402
from tests.support.samples import REPORT  # noqa: E402
from tests.support.samples import actor_for  # noqa: E402
from workflows import build_registry  # noqa: E402
from workflows.agencies import AGENCY_TYPES  # noqa: E402
from workflows.child_protection.process import open_case  # noqa: E402
from workflows.seed import seed_demo  # noqa: E402

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
UTC = dt.timezone.utc
COMMUNE_TYPES = [a.code for a in AGENCY_TYPES.values() if a.level == "commune"]


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def ms(v):
    return f"{v * 1000:.2f}"


class Data:
    """The national data set in one database."""

    def __init__(self, url: str, cases: int, open_tasks: int, communes: int):
        self.url, self.n_cases, self.n_open, self.n_communes = url, cases, open_tasks, communes
        self.db = Database(url)
        if not self.db.is_sqlite:
            Base.metadata.drop_all(self.db.write_engine)
        Base.metadata.create_all(self.db.write_engine)
        self.engine = Engine(self.db, build_registry(), SystemClock())

    def generate(self) -> float:
        t0 = time.perf_counter()
        seed_demo(self.engine)          # demo province P01 (X01, X02), users, the process
        version_id = self.engine.versions()[0].id
        rng = random.Random(1)
        provinces = [f"T{i:02d}" for i in range(1, 35)]
        communes = [(f"C{i:04d}", provinces[i % 34]) for i in range(self.n_communes)]
        with self.db.write() as s:
            s.execute(insert(Province), [{"code": p, "name": f"Tỉnh {p}"} for p in provinces])
            s.execute(insert(Commune), [{"code": c, "name": f"Xã {c}", "province_code": p} for c, p in communes])
            s.execute(insert(Agency), [{"code": f"{t}.{c}", "agency_type": t, "name": f"{t} {c}",
                                        "province_code": p, "commune_code": c}
                                       for c, p in communes for t in COMMUNE_TYPES])
        with self.db.read() as s:
            agency_of = {(a.agency_type, a.commune_code): a.id for a in s.execute(select(Agency)).scalars()}
        now = dt.datetime.now(UTC)
        batch = 20000
        for start in range(0, self.n_cases, batch):
            rows, tasks, timers = [], [], []
            for i in range(start, min(start + batch, self.n_cases)):
                commune, province = communes[i % len(communes)]
                cid = str(uuid.UUID(int=rng.getrandbits(128)))
                is_open = i < self.n_open
                received = now - dt.timedelta(minutes=rng.randint(0, 60 * 24 * 365 * 3))
                rows.append({"id": cid, "reference": f"B{i:07d}", "process_version_id": version_id,
                             "status": "open" if is_open else "closed", "commune_code": commune,
                             "province_code": province, "incident_commune_code": commune,
                             "residence_commune_code": commune, "dedup_key": None,
                             "summary": {"child_sex": rng.choice(["male", "female"]), "child_age": rng.randint(0, 15)},
                             "state": "{}", "serializer_version": "1.5", "version": 1, "received_at": received,
                             "created_at": received, "updated_at": received, "closed_at": None if is_open else received})
                if is_open:
                    atype = rng.choice(COMMUNE_TYPES)
                    due = now + dt.timedelta(minutes=rng.randint(-600, 60 * 24 * 20))
                    tid = str(uuid.UUID(int=rng.getrandbits(128)))
                    tasks.append({"id": tid, "case_id": cid, "task_name": "initial_assessment",
                                  "title": "Đánh giá nguy cơ ban đầu (Mẫu 02)", "lane": None, "agency_type": atype,
                                  "agency_id": agency_of[(atype, commune)], "commune_code": commune, "due_at": due,
                                  "deadline_rule": "emergency_response", "claimed_by": None, "claimed_at": None,
                                  "escalated_at": None, "created_at": received})
                    timers.append({"id": str(uuid.UUID(int=rng.getrandbits(128))), "case_id": cid,
                                   "event_name": "assessment_12h_timer", "attached_to": tid,
                                   "due_at": now + dt.timedelta(days=rng.randint(1, 400))})
            with self.db.write() as s:
                s.execute(insert(Case), rows)
                if tasks:
                    s.execute(insert(OpenTask), tasks)
                    s.execute(insert(Timer), timers)
        if not self.db.is_sqlite:
            with self.db.write_engine.connect() as conn:
                conn.execute(text("ANALYZE"))
                conn.commit()
        return time.perf_counter() - t0

    def clone_cases(self, n: int, received_at: dt.datetime | None = None) -> list[str]:
        """n real cases in commune X01, each waiting at the initial assessment (fresh task ids)."""
        hotline = actor_for(self.engine, "tongdai111")
        report = dict(REPORT) if received_at is None else dict(REPORT, received_at=received_at.isoformat())
        if received_at is not None:
            clock = self.engine.clock
            self.engine.clock = _Fixed(received_at)
        template = open_case(self.engine, report, hotline)
        if received_at is not None:
            self.engine.clock = clock
        with self.db.read() as s:
            case = s.get(Case, template.id)
            tasks = list(s.execute(select(OpenTask).where(OpenTask.case_id == case.id)).scalars())
            timers = list(s.execute(select(Timer).where(Timer.case_id == case.id)).scalars())
            base = {c.name: getattr(case, c.name) for c in Case.__table__.columns}
            tbase = [{c.name: getattr(t, c.name) for c in OpenTask.__table__.columns} for t in tasks]
            mbase = [{c.name: getattr(t, c.name) for c in Timer.__table__.columns} for t in timers]
        ids = [template.id]
        for start in range(0, n - 1, 2000):
            rows, trows, mrows = [], [], []
            for _i in range(start, min(start + 2000, n - 1)):
                mapping: dict[str, str] = {}

                def remap(m, mapping=mapping):
                    return mapping.setdefault(m.group(0), str(uuid.uuid4()))

                state = UUID_RE.sub(remap, base["state"])
                cid = remap(re.match(UUID_RE, base["id"]))
                rows.append(dict(base, id=cid, reference=f"K{uuid.uuid4().hex[:12]}", state=state))
                trows += [dict(t, id=mapping.get(t["id"], str(uuid.uuid4())), case_id=cid) for t in tbase]
                mrows += [dict(t, id=mapping.get(t["id"], str(uuid.uuid4())), case_id=cid,
                               attached_to=mapping.get(t["attached_to"]) if t["attached_to"] else None) for t in mbase]
                ids.append(cid)
            with self.db.write() as s:
                s.execute(insert(Case), rows)
                s.execute(insert(OpenTask), trows)
                if mrows:
                    s.execute(insert(Timer), mrows)
        return ids


class _Fixed:
    def __init__(self, instant):
        self.instant = instant

    def now(self):
        return self.instant


def bench_inbox(data: Data, runs: int) -> dict:
    engine = data.engine
    with data.db.read() as s:
        agency_ids = [a for (a,) in s.execute(select(OpenTask.agency_id).distinct().limit(200))]
    first, filtered = [], []
    rng = random.Random(5)
    for _ in range(runs):
        agency = rng.choice(agency_ids)
        t0 = time.perf_counter()
        engine.inbox(agency, limit=50)
        first.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        engine.inbox(agency, claimed="unclaimed", task_name="initial_assessment", limit=50, offset=0)
        filtered.append(time.perf_counter() - t0)
    return {"first_p95": pct(first, 95), "filtered_p95": pct(filtered, 95), "first_p50": pct(first, 50)}


def bench_sweep_none_due(data: Data, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        assert data.engine.fire_due_timers() == 0
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def bench_sweep_due(data: Data, n_due: int, runs: int) -> dict:
    """``runs`` times: n_due real cases whose 12-hour timer is past, swept by two worker processes at once;
    the median run, and whether every run fired each case's timer exactly once and escalated each case."""
    results = sorted((_sweep_due_once(data, n_due) for _ in range(runs)), key=lambda r: r["sweep"])
    median = dict(results[len(results) // 2])
    median.update(runs=runs, all=[r["sweep"] for r in results], fired_once=all(r["fired_once"] for r in results))
    return median


def _sweep_due_once(data: Data, n_due: int) -> dict:
    past = dt.datetime.now(UTC) - dt.timedelta(hours=13)
    ids = data.clone_cases(n_due, received_at=past)
    env = dict(os.environ, DATABASE_URL=data.url)
    t0 = time.perf_counter()
    workers = [subprocess.Popen([sys.executable, "-m", "webui.cli", "timers", "run", "--once"], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [w.communicate()[0] for w in workers]
    elapsed = time.perf_counter() - t0
    # each worker prints "fired timers of N case(s) in S s": the sweep itself, without process start-up
    sweep = max(float(m.group(1)) for m in (re.search(r"in ([0-9.]+) s", o) for o in outputs) if m)
    with data.db.read() as s:
        fired, fired_cases = s.execute(select(func.count(), func.count(AuditEvent.case_id.distinct())).where(
            AuditEvent.action == "timer.fire", AuditEvent.case_id.in_(ids))).one()
        escalated = s.execute(select(func.count(OpenTask.case_id.distinct())).where(
            OpenTask.task_name == "escalate_response_overdue", OpenTask.case_id.in_(ids))).scalar()
    return {"seconds": elapsed, "sweep": sweep, "n": n_due,
            "fired_once": fired == fired_cases == escalated == len(ids)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, workers: int, threads: int = 1):
    port = free_port()
    env = dict(os.environ, DATABASE_URL=url, BVTE_SECRET_KEY="bench")
    args = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}", "webui.wsgi:app",
            "--log-level", "warning"]
    if threads > 1:
        args += ["-k", "gthread", "--threads", str(threads), "--keep-alive", "30"]
    proc = subprocess.Popen(args, cwd=ROOT, env=env, start_new_session=True)
    for _ in range(300):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            c.request("GET", "/health")
            c.getresponse().read()
            return proc, port
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


def stop_server(proc):
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=20)


def bench_http(data: Data, n: int) -> dict:
    """Complete n tasks over HTTP on one keep-alive connection (gthread worker)."""
    ids = data.clone_cases(n)
    token = create_api_token(data.engine, "canbo.x01", "bench")
    with data.db.read() as s:
        task_ids = [t for (t,) in s.execute(select(OpenTask.id).where(OpenTask.case_id.in_(ids)))]
    proc, port = start_server(data.url, workers=1, threads=4)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        times, errors, stale = [], 0, 0
        body = json.dumps({"data": HIGH})
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        chairman = create_api_token(data.engine, "chutich.x01", "bench")
        for tid in task_ids:
            t0 = time.perf_counter()
            conn.request("POST", f"/api/v1/tasks/{tid}/complete", body=body, headers=headers)
            resp = conn.getresponse()
            resp.read()
            times.append(time.perf_counter() - t0)
            errors += resp.status != 200
        # hand-over visibility: right after each completion the chairman's inbox shows the new task
        checks = data.clone_cases(100)
        with data.db.read() as s:
            ctids = {c: t for c, t in s.execute(select(OpenTask.case_id, OpenTask.id).where(OpenTask.case_id.in_(checks)))}
        other = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for cid, tid in ctids.items():
            conn.request("POST", f"/api/v1/tasks/{tid}/complete", body=body, headers=headers)
            conn.getresponse().read()
            other.request("GET", "/api/v1/tasks?task=emergency_decision&claimed=all",
                          headers={"Authorization": f"Bearer {chairman}"})
            listing = json.loads(other.getresponse().read())
            stale += not any(t["case_id"] == cid for t in listing["tasks"]) and len(listing["tasks"]) < 50
        form = _bench_form(data, port, n)
        return {"p50": pct(times, 50), "p95": pct(times, 95), "errors": errors, "stale": stale,
                "handover_checks": len(ctids), "form": form}
    finally:
        stop_server(proc)


def _bench_form(data: Data, port: int, n: int) -> dict:
    """The same completion as a person does it: logged in with a session cookie, posting the task's HTML
    form with its CSRF token (answered by a redirect to the inbox)."""
    from urllib.parse import urlencode

    ids = data.clone_cases(n)
    with data.db.read() as s:
        task_ids = [t for (t,) in s.execute(select(OpenTask.id).where(OpenTask.case_id.in_(ids)))]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    cookies: dict[str, str] = {}

    def send(method, path, body=None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        text_ = resp.read().decode("utf-8", "replace")
        for header, value in resp.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                cookies[name] = rest.split(";", 1)[0]
        return resp.status, text_

    _, page = send("GET", "/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    status, _ = send("POST", "/login", urlencode({"csrf_token": token, "username": "canbo.x01",
                                                  "password": "bvte-demo-2026"}))
    if status != 302:
        raise RuntimeError(f"login failed: HTTP {status}")
    fields = {k: ("on" if v is True else v) for k, v in HIGH.items() if v is not False}
    times, errors = [], 0
    for tid in task_ids:
        body = urlencode(dict(fields, csrf_token=token))
        t0 = time.perf_counter()
        status, _ = send("POST", f"/tasks/{tid}", body)
        times.append(time.perf_counter() - t0)
        errors += status != 302
        send("GET", "/inbox")   # the browser follows the redirect (which takes the flash message back)
    return {"p50": pct(times, 50), "p95": pct(times, 95), "errors": errors}


def bench_throughput(data: Data, runs: int, seconds: float, clients: int) -> dict:
    """Closed-loop completions/s against gunicorn with 4 workers, from a second process: one warm-up
    loop, then ``runs`` measured loops of ``seconds`` each on the same server; the median run, with the CPU
    each side spent per completion (from /proc: gunicorn's process group, PostgreSQL's processes, the client)."""
    ids = data.clone_cases(int((runs * seconds + 3) * 500))
    token = create_api_token(data.engine, "canbo.x01", "load")
    with data.db.read() as s:
        task_ids = [t for (t,) in s.execute(select(OpenTask.id).where(OpenTask.case_id.in_(ids)))]
    proc, port = start_server(data.url, workers=4)
    try:
        _load_run(proc, port, token, task_ids, 3, clients)   # every worker connected, statements prepared
        results = sorted((_load_run(proc, port, token, task_ids, seconds, clients) for _ in range(runs)),
                         key=lambda r: r["per_second"])
    finally:
        stop_server(proc)
    median = dict(results[len(results) // 2])
    median.update(runs=runs, seconds_each=seconds, all=[r["per_second"] for r in results],
                  errors=sum(r["errors"] for r in results), conflicts=sum(r["conflicts"] for r in results))
    return median


def _load_run(proc, port: int, token: str, task_ids: list[str], seconds: float, clients: int) -> dict:
    """One closed loop; takes the tasks it completes off the front of ``task_ids``."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump({"port": port, "token": token, "tasks": task_ids, "seconds": seconds, "clients": clients}, fh)
    server0, db0 = _cpu(lambda st: st[4] == str(proc.pid)), _cpu(lambda st: st[1] == "(postgres)")
    client0 = _children_cpu()
    out = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "load_client.py"), fh.name],
                         capture_output=True, text=True, timeout=seconds + 120)
    client = _children_cpu() - client0
    server, db = _cpu(lambda st: st[4] == str(proc.pid)), _cpu(lambda st: st[1] == "(postgres)")
    os.unlink(fh.name)
    result = json.loads(out.stdout)
    n = max(1, result["completed"] + result["conflicts"] + result["errors"])
    del task_ids[:n]
    result["cpu_ms"] = {"gunicorn": 1000 * _delta(server0, server) / n, "postgres": 1000 * _delta(db0, db) / n,
                        "client": 1000 * client / n}
    return result


def _cpu(match) -> dict[int, float]:
    """CPU seconds (user + system, with reaped children) of the processes whose /proc stat fields match."""
    found = {}
    tick = os.sysconf("SC_CLK_TCK")
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as fh:
                head, _, tail = fh.read().rpartition(")")
        except OSError:
            continue
        fields = [pid, "(" + head.partition("(")[2] + ")"] + tail.split()
        if match(fields):
            found[int(pid)] = sum(int(x) for x in fields[13:17]) / tick
    return found


def _delta(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU spent between two readings by the processes alive at the second (new ones count from zero)."""
    return sum(v - before.get(pid, 0.0) for pid, v in after.items())


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bench_precision(data: Data, n: int, spread: float) -> dict:
    """Timers due over the next ``spread`` seconds; the worker with default settings fires them."""
    env = dict(os.environ, DATABASE_URL=data.url)
    future = dt.datetime.now(UTC) - dt.timedelta(hours=12) + dt.timedelta(seconds=5)
    ids = data.clone_cases(n, received_at=future)
    with data.db.write() as s:   # spread the due instants
        rng = random.Random(9)
        for cid in ids:
            s.execute(Timer.__table__.update().where(Timer.case_id == cid).values(
                due_at=dt.datetime.now(UTC) + dt.timedelta(seconds=5 + rng.uniform(0, spread))))
    worker = subprocess.Popen([sys.executable, "-m", "webui.cli", "timers", "run"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, start_new_session=True)
    time.sleep(spread + 20)
    os.killpg(worker.pid, signal.SIGTERM)
    worker.wait(timeout=30)
    with data.db.read() as s:
        rows = list(s.execute(select(AuditEvent.at, AuditEvent.detail).where(
            AuditEvent.action == "timer.fire", AuditEvent.case_id.in_(ids))))
    late = [(at - dt.datetime.fromisoformat(d["due_at"])).total_seconds() for at, d in rows]
    return {"fired": len(rows), "n": n, "p99_s": pct(late, 99) if late else None,
            "p50_s": pct(late, 50) if late else None}


def throughput_rows(tp: dict) -> list[tuple[str, str, str]]:
    cpu = tp["cpu_ms"]
    spread = f" (median of {tp['runs']} × {tp['seconds_each']:.0f} s: {min(tp['all']):.0f}–{max(tp['all']):.0f})" \
        if tp.get("runs", 1) > 1 else ""
    return [("6. throughput, gunicorn 4 workers (PostgreSQL)", f"{tp['per_second']:.0f}/s{spread}",
             f"≥ 300/s; errors {tp['errors']}, 409s {tp['conflicts']}"),
            ("6. CPU per completion: gunicorn / PostgreSQL / load client",
             f"{cpu['gunicorn']:.2f} / {cpu['postgres']:.2f} / {cpu['client']:.2f} ms",
             "300/s on 2 cores: ≤ 6.7 ms in all")]


def throughput_only() -> None:
    """Item 6 alone, on a small PostgreSQL data set (20,000 cases): for working on the completion path."""
    pg = ThrowawayDatabase("bvte_tp", os.environ.get("BVTE_BENCH_PG", PG_ADMIN_URL))
    try:
        data = Data(pg.create(), cases=20_000, open_tasks=2_000, communes=330)
        data.generate()
        for row in throughput_rows(bench_throughput(data, 3, 15, 16)):
            print(" | ".join(row), flush=True)
        data.db.dispose()
    finally:
        pg.drop()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    ap.add_argument("--throughput-only", action="store_true",
                    help="only item 6, on a small data set (nothing written to results.md)")
    args = ap.parse_args()
    if args.throughput_only:
        throughput_only()
        return
    size = dict(cases=50_000, open_tasks=5_000, communes=330) if args.quick else \
        dict(cases=1_000_000, open_tasks=100_000, communes=3_300)
    rows = []
    targets = []
    if args.db in ("sqlite", "both"):
        targets.append(("SQLite", f"sqlite:///{tempfile.mkdtemp()}/scale.sqlite3"))
    pg = None
    if args.db in ("postgres", "both"):
        pg = ThrowawayDatabase("bvte_scale", os.environ.get("BVTE_BENCH_PG", PG_ADMIN_URL))
        try:
            targets.append(("PostgreSQL", pg.create()))
        except PostgresUnavailable as exc:
            print(f"{exc}; PostgreSQL rows skipped", file=sys.stderr)
            pg = None
    for label, url in targets:
        data = Data(url, **size)
        gen = data.generate()
        rows.append((f"data: {size['cases']:,} cases, {size['open_tasks']:,} open tasks ({label})",
                     f"{gen:.0f} s", "minutes, not hours"))
        inbox = bench_inbox(data, 200)
        rows.append((f"4. inbox first page p95 ({label})", ms(inbox["first_p95"]), "≤ 20 ms"))
        rows.append((f"4. inbox filtered page p95 ({label})", ms(inbox["filtered_p95"]), "≤ 20 ms"))
        rows.append((f"5. sweep, {size['open_tasks']:,} pending, 0 due ({label})", ms(bench_sweep_none_due(data, 20)),
                     "≤ 20 ms"))
        n_due = 1_000 if args.quick else 10_000
        sweep = bench_sweep_due(data, n_due, 3)
        rows.append((f"5. sweep, {n_due:,} due, 2 workers ({label})",
                     f"{sweep['sweep']:.1f} s ({sweep['seconds']:.1f} s with process start-up; median of "
                     f"{sweep['runs']}: {min(sweep['all']):.1f}–{max(sweep['all']):.1f} s)",
                     f"≤ 10 s; all fired and escalated, each exactly once: {'yes' if sweep['fired_once'] else 'NO'}"))
        http_res = bench_http(data, 100 if args.quick else 300)
        rows.append((f"2. HTTP complete p50 / p95 ({label})", f"{ms(http_res['p50'])} / {ms(http_res['p95'])}",
                     f"p95 ≤ 15 ms (SQLite); errors {http_res['errors']}"))
        form = http_res["form"]
        rows.append((f"2. HTTP web form complete p50 / p95 ({label})", f"{ms(form['p50'])} / {ms(form['p95'])}",
                     f"session cookie + CSRF; errors {form['errors']}"))
        rows.append((f"8. hand-over stale reads ({label})", str(http_res["stale"]),
                     f"0 of {http_res['handover_checks']}"))
        if label == "PostgreSQL":
            rows += throughput_rows(bench_throughput(data, 3, 5 if args.quick else 15, 16))
        prec = bench_precision(data, 50 if args.quick else 200, 20 if args.quick else 60)
        rows.append((f"7. timer lateness p50 / p99 ({label})",
                     f"{prec['p50_s']:.1f} / {prec['p99_s']:.1f} s" if prec["p99_s"] is not None else "none fired",
                     f"p99 ≤ 60 s; fired {prec['fired']}/{prec['n']}"))
        data.db.dispose()
    if pg:
        pg.drop()
    table = "| measure | result | target |\n|---|---|---|\n" + "\n".join(f"| {a} | {b} | {c} |" for a, b, c in rows)
    print(table)
    stamp = dt.datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    with open(os.path.join(ROOT, "bench", "results.md"), "a") as fh:
        fh.write(f"\n## Scale ({stamp}, {'quick' if args.quick else 'full'})\n\n{table}\n")


if __name__ == "__main__":
    main()
