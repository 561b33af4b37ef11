"""Append-only, hash-chained audit log.

Each row's hash covers its content and the previous row's hash, so editing or deleting a row
breaks the chain from that row on; ``verify`` finds the first break. The newest hash is also kept in
``audit_head``, whose row every appender locks (``SELECT … FOR UPDATE``; SQLite write transactions are
exclusive anyway) to read the head and rewrites with its rows: appends are serialised, and rows cut off
the end of the chain are found because the head no longer matches.

Against someone who can write to the database (issue #18.6) the hash is an HMAC-SHA256 under a key kept
outside it (``set_key``, from ``BVTE_AUDIT_KEY_FILE``): without the key no row can be forged or re-hashed.
Rows written before a key was configured keep their plain SHA-256; once a keyed row appears every later row
must be keyed. Cutting the chain's keyed tail is found by the checkpoints written outside the database
(``engine.audit_anchor``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from engine.models import AUDIT_GENESIS
from engine.models import AuditEvent
from engine.models import AuditHead

GENESIS = AUDIT_GENESIS
_TABLE = cast(Table, AuditEvent.__table__)
_HEAD_TABLE = cast(Table, AuditHead.__table__)
_TAKE_HEAD = select(_HEAD_TABLE.c.hash).where(_HEAD_TABLE.c.id == 1).with_for_update()
_SET_HEAD = update(_HEAD_TABLE).where(_HEAD_TABLE.c.id == 1)
_INSERT = insert(_TABLE)


_KEY: list[bytes | None] = [None]


def set_key(key: bytes | None) -> None:
    """The HMAC key of this process (``None``: plain SHA-256, for development and tests)."""
    _KEY[0] = key


def keyed() -> bool:
    return _KEY[0] is not None


def _body(prev_hash: str, at: dt.datetime, actor: str, action: str, case_id, task_id, detail) -> bytes:
    return json.dumps([prev_hash, _norm(at), actor, action, case_id, task_id, detail],
                      sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":")).encode("utf-8")


def _digest(prev_hash: str, at: dt.datetime, actor: str, action: str, case_id, task_id, detail,
            key: bytes | None = None) -> str:
    body = _body(prev_hash, at, actor, action, case_id, task_id, detail)
    key = key if key is not None else _KEY[0]
    if key is None:
        return hashlib.sha256(body).hexdigest()
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def _norm(at: dt.datetime) -> str:
    if at.tzinfo is None:   # SQLite returns naive UTC
        at = at.replace(tzinfo=dt.timezone.utc)
    return at.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")


def append(session: Session, at: dt.datetime, actor: str, action: str, case_id: str | None = None,
           task_id: str | None = None, detail: dict | None = None) -> None:
    """Add one event to the chain in the caller's transaction (call it last: on PostgreSQL it takes the
    chain's lock, which is held until the transaction ends)."""
    append_many(session, [Event(at, actor, action, case_id, task_id, detail)])


@dataclass(frozen=True)
class Event:
    at: dt.datetime
    actor: str
    action: str
    case_id: str | None = None
    task_id: str | None = None
    detail: dict | None = None


def append_many(session: Session, events: list[Event]) -> None:
    """Chain several events in order with one lock, one read of the chain's head and one insert."""
    rows = chain(session, events)
    if rows:
        session.execute(_INSERT, rows)
        session.execute(_SET_HEAD, {"hash": rows[-1]["hash"]})


def chain(session: Session, events: list[Event]) -> list[dict]:
    """The audit rows of ``events``, hashed onto the chain's head, for the caller to insert in this
    transaction and then set ``audit_head`` to the last row's hash. Locks the head row (held until the
    transaction ends)."""
    if not events:
        return []
    prev = session.execute(_TAKE_HEAD).scalar()
    if prev is None:
        raise RuntimeError("audit_head has no row: the database is not migrated (bvte db upgrade)")
    rows = []
    for e in events:
        detail = json.loads(json.dumps(e.detail or {}, default=str, ensure_ascii=False))
        at = e.at.astimezone(dt.timezone.utc)
        digest = _digest(prev, at, e.actor, e.action, e.case_id, e.task_id, detail)
        rows.append({"at": at, "actor": e.actor, "action": e.action, "case_id": e.case_id, "task_id": e.task_id,
                     "detail": detail, "prev_hash": prev, "hash": digest})
        prev = digest
    return rows


def state_digest(state: str) -> str:
    """The SHA-256 of a case's stored state, recorded in the audit event of the write that stored it."""
    return hashlib.sha256(state.encode("utf-8")).hexdigest()


def verify(session: Session) -> list[str]:
    """Problems found in the chain (empty when intact). With a key configured, a row that matches only
    its plain hash after the first keyed row was written without the key (forged or re-hashed)."""
    problems = []
    prev = GENESIS
    key = _KEY[0]
    keyed_seen = False
    states: dict[str, str] = {}   # case id -> state hash recorded by its latest write
    for row in session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars():
        if row.case_id and isinstance(row.detail, dict) and row.detail.get("state_sha256"):
            states[row.case_id] = row.detail["state_sha256"]
        if row.prev_hash != prev:
            problems.append(f"audit row {row.id}: previous-hash mismatch (a row before it was removed or altered)")
        body = _body(row.prev_hash, row.at, row.actor, row.action, row.case_id, row.task_id, row.detail)
        plain = hashlib.sha256(body).hexdigest() == row.hash
        signed = key is not None and hmac.compare_digest(hmac.new(key, body, hashlib.sha256).hexdigest(), row.hash)
        if signed:
            keyed_seen = True
        elif plain and keyed_seen:
            problems.append(f"audit row {row.id}: not signed with the audit key although earlier rows are "
                            f"(written or re-hashed without the key)")
        elif not plain:
            problems.append(f"audit row {row.id}: content does not match its hash (row was edited)")
        prev = row.hash
    if key is not None and prev != GENESIS and not keyed_seen:
        problems.append("the newest audit rows are not signed with the audit key (the chain was re-hashed "
                        "without it, or nothing was written since the key was configured)")
    problems += _states_match(session, states)
    head = session.execute(select(_HEAD_TABLE.c.hash).where(_HEAD_TABLE.c.id == 1)).scalar()
    if head != prev:
        problems.append("audit head does not match the newest row (rows were removed from the end of the chain)")
    return problems


def _states_match(session: Session, states: dict[str, str]) -> list[str]:
    """Cases whose stored state is not the one their latest audited write recorded."""
    from engine.models import Case

    problems = []
    ids = sorted(states)
    for i in range(0, len(ids), 500):
        for case_id, reference, state in session.execute(select(Case.id, Case.reference, Case.state)
                                                         .where(Case.id.in_(ids[i:i + 500]))):
            if state_digest(state or "") != states[case_id]:
                problems.append(f"case {reference}: its stored state is not the one its last audited step wrote "
                                f"(edited in the database)")
    return problems
