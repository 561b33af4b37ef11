"""Notification benchmark (issue #17): ``python bench/notify.py [--quick] [--db sqlite|postgres|both]``.

1. Latency: from the commit that creates a task (a hotline report for X01: the initial assessment, an
   emergency) to the SMTP server (aiosmtpd on loopback) accepting its e-mail, with one sender worker
   (``bvte notify run``, default settings) running beside; p50 / p99 over N reports spaced at random.
2. Drain: 10,000 queued e-mails delivered by two sender workers (``bvte notify run --once`` each, started
   together, process start-up included); every message exactly once (distinct Message-IDs = 10,000).

Not a test: nothing here asserts a time. Figures go in bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from engine.clock import SystemClock  # noqa: E402
from engine.db import Database  # noqa: E402
from engine.migrate import upgrade  # noqa: E402
from engine.notify import outbox  # noqa: E402
from tests.support.db import PG_ADMIN_URL  # noqa: E402
from tests.support.db import PostgresUnavailable  # noqa: E402
from tests.support.db import ThrowawayDatabase  # noqa: E402
from tests.support.db import make_seeded_engine  # noqa: E402
from tests.support.notify_servers import SmtpServer  # noqa: E402
from tests.support.samples import REPORT  # noqa: E402
from tests.support.samples import actor_for  # noqa: E402
from workflows.child_protection.process import open_case  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class TimedMailbox:
    """Records the wall time each message is accepted, by subject."""

    def __init__(self):
        self.accepted: list[tuple[float, str, str]] = []   # (time, subject, message id)

    async def handle_DATA(self, server, session, envelope):   # noqa: N802 - aiosmtpd's hook name
        import email
        import email.policy

        now = time.time()
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.accepted.append((now, str(msg["Subject"]), str(msg["Message-ID"])))
        return "250 OK"


def _worker(url: str, smtp: SmtpServer, *extra: str) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=url, BVTE_SMTP_URL=smtp.url, BVTE_MAIL_FROM="bvte@bench.invalid",
               BVTE_BASE_URL="https://bvte.bench.invalid", PYTHONPATH=ROOT)
    for key in ("BVTE_TEST_CLOCK", "BVTE_TEST_NOW", "BVTE_SMS_WEBHOOK_URL"):
        env.pop(key, None)
    return subprocess.Popen([sys.executable, "-m", "webui.cli", "notify", "run", *extra], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _server() -> tuple[SmtpServer, TimedMailbox]:
    smtp = SmtpServer()
    box = TimedMailbox()
    smtp.mailbox = box   # type: ignore[assignment]
    smtp.start()
    return smtp, box


def latency(url: str, n: int) -> dict:
    eng = make_seeded_engine(url, SystemClock())
    smtp, box = _server()
    worker = _worker(url, smtp)
    try:
        time.sleep(3.0)   # the worker's start-up (imports) is not part of a notification's latency
        hotline = actor_for(eng, "tongdai111")
        committed: dict[str, float] = {}
        for _ in range(n):
            case = open_case(eng, dict(REPORT, received_at=dt.datetime.now(dt.timezone.utc).isoformat()), hotline)
            committed[case.reference] = time.time()   # open_case returns after its commit
            time.sleep(random.uniform(0.0, 1.0))
        deadline = time.time() + 30
        while time.time() < deadline and len({s for _, s, _ in box.accepted}) < n:
            time.sleep(0.1)
        waits = []
        for at, subject, _ in box.accepted:
            ref = next((r for r in committed if r in subject), None)
            if ref is not None:   # the first e-mail of each report
                waits.append(at - committed.pop(ref))
        waits.sort()
        return {"n": n, "delivered": len(waits), "p50": statistics.median(waits) if waits else None,
                "p99": waits[min(len(waits) - 1, int(round(0.99 * (len(waits) - 1))))] if waits else None,
                "max": waits[-1] if waits else None}
    finally:
        worker.terminate()
        worker.wait(15)
        smtp.stop()
        eng.db.dispose()


def drain(url: str, n: int) -> dict:
    eng = make_seeded_engine(url, SystemClock())
    now = eng.now()
    with eng.db.read() as s:
        from sqlalchemy import select

        from engine.models import User

        user_id = s.execute(select(User.id).where(User.username == "canbo.x01")).scalar_one()
    rows = [{"event_key": f"bench:{i}", "kind": "new_task", "user_id": user_id, "channel": "email",
             "address": "canbo.x01@example.invalid", "emergency": False, "digest": False, "case_id": None,
             "task_id": None, "subject": f"Việc mới / New task: bench {i}", "body": "Việc mới\n\n{link}",
             "link": "/notifications", "status": "queued", "attempts": 0, "last_error": None, "created_at": now,
             "send_after": now, "sent_at": None, "read_at": None, "leased_by": None, "leased_until": None}
            for i in range(n)]
    with eng.db.write() as s:
        for i in range(0, n, 2000):
            outbox.insert_ignoring_duplicates(s, rows[i:i + 2000])
    smtp, box = _server()
    try:
        started = time.time()
        workers = [_worker(url, smtp, "--once") for _ in range(2)]
        for w in workers:
            w.wait(300)
        elapsed = time.time() - started
        ids = [m for _, _, m in box.accepted]
        return {"n": n, "seconds": elapsed, "accepted": len(ids), "distinct": len(set(ids)),
                "exit": [w.returncode for w in workers]}
    finally:
        smtp.stop()
        eng.db.dispose()


def _databases(which: str):
    if which in ("sqlite", "both"):
        tmp = tempfile.mkdtemp(prefix="bvte-notify-bench-")
        url = f"sqlite:///{tmp}/bench.sqlite3"
        yield "SQLite", url, None
    if which in ("postgres", "both"):
        pg = ThrowawayDatabase("bvte_notify_bench", os.environ.get("BVTE_BENCH_PG", PG_ADMIN_URL))
        try:
            pg.create()
        except PostgresUnavailable as exc:
            print(f"PostgreSQL skipped: {exc}")
            return
        yield "PostgreSQL", pg.url, pg


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--reports", type=int, default=None)
    parser.add_argument("--queued", type=int, default=10_000)
    args = parser.parse_args()
    n = args.reports or (20 if args.quick else 100)
    for label, url, pg in _databases(args.db):
        try:
            for part in ("latency", "drain"):
                if pg is None:   # a new SQLite file per part
                    url = url.rsplit("/", 1)[0] + f"/{part}.sqlite3"
                else:
                    with Database(url).write_engine.begin() as conn:
                        from sqlalchemy import text

                        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
                db = Database(url)
                upgrade(db)
                db.dispose()
                result = latency(url, n) if part == "latency" else drain(url, args.queued)
                print(f"{label} {part}: " + ", ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}"
                                                    for k, v in result.items()), flush=True)
        finally:
            if pg is not None:
                pg.drop()


if __name__ == "__main__":
    main()
