"""The sender worker (``bvte notify run``): delivers the queued e-mail and SMS rows of the outbox.

A worker leases a batch of due rows (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; on SQLite the lease is one
``BEGIN IMMEDIATE`` update, so writers queue), delivers them outside any transaction, and records each
result only while it still holds the lease. Two workers never hold the same row: each (event, recipient,
channel) row is sent once. A lease outlives a crashed worker by ``LEASE_SECONDS``; only a crash between the
server's acceptance and the record can repeat a message, and then with the same ``Message-ID`` /
``Idempotency-Key``. Failures are retried with a doubling backoff (30 s to 1 h) and kept queued while a
channel is down, so nothing that piled up is lost; a permanent refusal is ``failed`` with its reason.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from itertools import groupby
from typing import Any
from typing import cast

from sqlalchemy import Table
from sqlalchemy import select
from sqlalchemy import update

from engine.notify import channels as channels_mod
from engine.notify import messages
from engine.notify.models import Notification
from engine.notify.reminders import scan

BATCH = 100
LEASE_SECONDS = 120
SCAN_EVERY = 60.0        # seconds between two reminder scans of one worker
MAX_ATTEMPTS = 60        # about two and a half days at the 1-hour cap, then "failed"
LATER = ""               # a row not tried in its batch (out of time): its lease is given back
_T = cast(Table, Notification.__table__)


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


class Sender:
    def __init__(self, engine: Any, channels: dict | None = None, base_url: str | None = None,
                 batch: int = BATCH, reminders: bool = True, scan_every: float = SCAN_EVERY):
        self.engine = engine
        self.channels = channels_mod.from_env() if channels is None else channels
        self.base_url = (base_url or channels_mod.base_url()).rstrip("/")
        self.batch = batch
        self.reminders = reminders
        self.scan_every = dt.timedelta(seconds=scan_every)
        self._scanned_at: dt.datetime | None = None

    def run_once(self, limit: int = 100_000) -> int:
        """Scan for reminders, then deliver every due row (up to ``limit``). Returns the rows handled."""
        now = self.engine.now()
        if self.reminders and (self._scanned_at is None or now - self._scanned_at >= self.scan_every):
            scan(self.engine, now)   # at most once a minute (of the engine's clock): it reads the open tasks
            self._scanned_at = now
        handled = 0
        token = str(uuid.uuid4())
        while handled < limit:
            now = self.engine.now()
            rows = self.lease(now, token, min(self.batch, limit - handled))
            if not rows:
                break
            self.record(self.deliver(rows, now), token, now)
            handled += len(rows)
        return handled

    def lease(self, now: dt.datetime, token: str, batch: int) -> list[Any]:
        """Lease up to ``batch`` due rows of the configured channels; the rows (as read after leasing)."""
        if not self.channels:
            return []
        def due(*cols):
            return select(*cols).where(_T.c.status == "queued", _T.c.send_after <= now,
                                       _T.c.channel.in_(sorted(self.channels)),
                                       (_T.c.leased_until.is_(None)) | (_T.c.leased_until < now))

        db = self.engine.db
        with db.read() as s:   # nothing due costs one indexed read and no lock
            if s.execute(due(_T.c.id).limit(1)).first() is None:
                return []
        with db.write() as s:
            pick = due(_T.c.id).order_by(_T.c.send_after, _T.c.id).limit(batch)
            if not db.is_sqlite:
                pick = pick.with_for_update(skip_locked=True)
            s.execute(update(_T).where(_T.c.id.in_(pick.scalar_subquery()))
                      .values(leased_by=token, leased_until=now + dt.timedelta(seconds=LEASE_SECONDS)))
            return list(s.execute(select(_T).where(_T.c.leased_by == token, _T.c.status == "queued")
                                  .order_by(_T.c.user_id, _T.c.channel, _T.c.id)))

    def deliver(self, rows: list[Any], now: dt.datetime) -> list[tuple[list[int], str | None, bool, int]]:
        """Send the leased rows (a person's digest rows as one message); (ids, error, permanent, attempts)."""
        results: list[tuple[list[int], str | None, bool, int]] = []
        down: dict[str, str] = {}   # a channel that failed to connect in this batch is not tried again
        singles = [[r] for r in rows if not r.digest]
        digests = [list(g) for _, g in groupby([r for r in rows if r.digest], key=lambda r: (r.user_id, r.channel))]
        budget = time.monotonic() + LEASE_SECONDS / 2   # stop well inside the lease: the rest is given back
        try:
            for group in singles + digests:
                first = group[0]
                ids = [r.id for r in group]
                attempts = max(r.attempts for r in group) + 1
                if time.monotonic() > budget:
                    results.append((ids, LATER, False, attempts - 1))
                    continue
                if first.channel in down:
                    results.append((ids, down[first.channel], False, attempts))
                    continue
                try:
                    self.channels[first.channel].send(self.outgoing(group, now))
                    results.append((ids, None, False, attempts))
                except channels_mod.DeliveryError as exc:
                    results.append((ids, str(exc), exc.permanent, attempts))
                    if exc.down:
                        down[first.channel] = str(exc)
        finally:
            for ch in self.channels.values():
                ch.close()
        return results

    def outgoing(self, group: list[Any], now: dt.datetime) -> channels_mod.Outgoing:
        first = group[0]
        if len(group) == 1 and not first.digest:
            link = self.base_url + first.link
            subject, body = first.subject, first.body.replace("{link}", link)
        else:
            link = self.base_url + "/notifications"
            subject, body = messages.digest([(r.subject, self.base_url + r.link) for r in group])
        if first.channel == "sms":
            body = messages.sms_text(subject, link)
        return channels_mod.Outgoing(first.id, first.address or "", subject, body, bool(first.emergency),
                                     first.event_key, now.timestamp())

    def record(self, results: list[tuple[list[int], str | None, bool, int]], token: str, now: dt.datetime) -> None:
        """Each result, only on rows this worker still leases."""
        sent = [(i, attempts) for ids, error, _, attempts in results if error is None for i in ids]
        with self.engine.db.write() as s:
            for attempts in sorted({a for _, a in sent}):   # one statement per attempt count (mostly one)
                s.execute(update(_T).where(_T.c.id.in_([i for i, a in sent if a == attempts]),
                                           _T.c.leased_by == token)
                          .values(status="sent", sent_at=now, attempts=attempts, last_error=None, leased_by=None,
                                  leased_until=None))
            for ids, error, permanent, attempts in results:
                mine = update(_T).where(_T.c.id.in_(ids), _T.c.leased_by == token)
                if error is None:
                    continue
                if error == LATER:
                    s.execute(mine.values(leased_by=None, leased_until=None))
                elif permanent or attempts >= MAX_ATTEMPTS:
                    s.execute(mine.values(status="failed", attempts=attempts, last_error=error[:1000],
                                          leased_by=None, leased_until=None))
                else:
                    s.execute(mine.values(attempts=attempts, last_error=error[:1000], send_after=now + backoff(attempts),
                                          leased_by=None, leased_until=None))
