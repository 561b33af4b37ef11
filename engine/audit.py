"""Append-only, hash-chained audit log: one chain per province.

Each row's hash covers its content and the previous row's hash in its chain, so editing or deleting a row
breaks the chain from that row on; ``verify`` finds the first break. Every province has its own chain (the
province of the case the event is about, else of the acting user), with its own head in ``audit_head`` and
its own key: one province's volume never queues another's writes, and one province's chain is verified and
exported on its own (``engine.audit_verify``). Events of no province (the engine, the command line) and every
row written before the chains were split (migration 0022) form the install-wide chain ``''``.

A province's chain is opened by an ``audit.chain_open`` row in the install-wide chain, written in the same
transaction as the province's first event; the province chain starts from that row's hash. So the split is
recorded in the audit itself, the old rows keep their chain unchanged, and a province chain removed whole is
found (its opening row remains).

An appender locks its chains' head rows (``SELECT … FOR UPDATE``, in chain order, so two writers never
deadlock; SQLite write transactions are exclusive anyway) and rewrites them with its rows: appends to a chain
are serialised, and rows cut off its end are found because its head no longer matches.

Against someone who can write to the database (issue #18.6) the hash is an HMAC-SHA256 under a key kept
outside it (``set_key``, from ``BVTE_AUDIT_KEY_FILE``); a province's chain uses a key derived from it and the
province code, and its rows' hashes cover the chain's name, so no row can be forged, re-hashed or moved to
another chain without the key. Rows written before a key was configured keep their plain SHA-256; once a
keyed row appears in a chain every later row of it must be keyed. Cutting a chain's keyed tail is found by
the checkpoints written outside the database (``engine.audit_anchor``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table
from sqlalchemy import bindparam
from sqlalchemy import insert
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import Session

from engine.models import AUDIT_GENESIS
from engine.models import AuditEvent
from engine.models import AuditHead

GENESIS = AUDIT_GENESIS
NATIONAL = ""            # the install-wide chain
CHAIN_OPEN = "audit.chain_open"
_TABLE = cast(Table, AuditEvent.__table__)
_HEAD_TABLE = cast(Table, AuditHead.__table__)
_TAKE_HEADS = (select(_HEAD_TABLE.c.chain, _HEAD_TABLE.c.hash)
               .where(_HEAD_TABLE.c.chain.in_(bindparam("chains", expanding=True)))
               .order_by(_HEAD_TABLE.c.chain).with_for_update())
_SET_HEAD = update(_HEAD_TABLE).where(_HEAD_TABLE.c.chain == bindparam("b_chain"))
_NEW_HEAD = insert(_HEAD_TABLE)
_INSERT = insert(_TABLE)


_KEY: list[bytes | None] = [None]
_CHAIN_KEYS: dict[str, bytes] = {}


def set_key(key: bytes | None) -> None:
    """The HMAC key of this process (``None``: plain SHA-256, for development and tests)."""
    _KEY[0] = key
    _CHAIN_KEYS.clear()


def keyed() -> bool:
    return _KEY[0] is not None


def chain_key(chain: str, key: bytes | None = None) -> bytes | None:
    """The HMAC key of one chain: the audit key for the install-wide chain, a key derived from it and the
    province code for a province's (which can be handed to whoever verifies that province alone)."""
    master = key if key is not None else _KEY[0]
    if master is None or chain == NATIONAL:
        return master
    if key is None and chain in _CHAIN_KEYS:
        return _CHAIN_KEYS[chain]
    derived = hmac.new(master, b"bvte-audit-chain\x00" + chain.encode("utf-8"), hashlib.sha256).digest()
    if key is None:
        _CHAIN_KEYS[chain] = derived
    return derived


def body(chain: str, prev_hash: str, at: dt.datetime | str, actor: str, action: str, case_id, task_id,
         detail) -> bytes:
    """What a row's hash covers. The install-wide chain keeps the form rows had before the split."""
    fields = [prev_hash, at if isinstance(at, str) else _norm(at), actor, action, case_id, task_id, detail]
    if chain != NATIONAL:
        fields.insert(0, chain)
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str,
                      separators=(",", ":")).encode("utf-8")


def _body(prev_hash: str, at: dt.datetime, actor: str, action: str, case_id, task_id, detail) -> bytes:
    return body(NATIONAL, prev_hash, at, actor, action, case_id, task_id, detail)


def seal(data: bytes, key: bytes | None) -> str:
    return hashlib.sha256(data).hexdigest() if key is None else hmac.new(key, data, hashlib.sha256).hexdigest()


def _digest(prev_hash: str, at: dt.datetime, actor: str, action: str, case_id, task_id, detail,
            key: bytes | None = None, chain: str = NATIONAL) -> str:
    data = body(chain, prev_hash, at, actor, action, case_id, task_id, detail)
    return seal(data, key if key is not None else chain_key(chain))


def _norm(at: dt.datetime) -> str:
    if at.tzinfo is None:   # SQLite returns naive UTC
        at = at.replace(tzinfo=dt.timezone.utc)
    return at.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")


def append(session: Session, at: dt.datetime, actor: str, action: str, case_id: str | None = None,
           task_id: str | None = None, detail: dict | None = None, province: str | None = None) -> None:
    """Add one event to its province's chain in the caller's transaction (call it last: on PostgreSQL it
    takes the chain's lock, which is held until the transaction ends)."""
    append_many(session, [Event(at, actor, action, case_id, task_id, detail, province)])


@dataclass(frozen=True)
class Event:
    at: dt.datetime
    actor: str
    action: str
    case_id: str | None = None
    task_id: str | None = None
    detail: dict | None = None
    province: str | None = None     # its chain; None: the case's province, else the actor's, else ''


def append_many(session: Session, events: list[Event], provinces: dict[str, str] | None = None) -> None:
    """Chain several events in order with one lock per chain, one read of the heads and one insert."""
    rows = chain(session, events, provinces)
    if rows:
        session.execute(_INSERT, rows)
        session.execute(_SET_HEAD, [{"b_chain": c, "hash": h} for c, h in heads_of(rows).items()])


def heads_of(rows: list[dict]) -> dict[str, str]:
    """The new head of each chain ``rows`` extend (its last row's hash)."""
    return {row["chain"]: row["hash"] for row in rows}


def chain(session: Session, events: list[Event], provinces: dict[str, str] | None = None) -> list[dict]:
    """The audit rows of ``events``, each hashed onto its chain's head, for the caller to insert in this
    transaction and then set ``audit_head`` (``heads_of``). Locks the chains' head rows (held until the
    transaction ends). ``provinces``: the province of cases the caller knows (no query for them)."""
    if not events:
        return []
    names = _chains_of(session, events, provinces or {})
    heads = dict(session.execute(_TAKE_HEADS, {"chains": sorted(set(names))}).all())
    missing = sorted(set(names) - set(heads))
    if missing:
        _open_chains(session, missing, heads, events[0].at)
    rows = []
    for e, name in zip(events, names, strict=True):
        detail = json.loads(json.dumps(e.detail or {}, default=str, ensure_ascii=False))
        at = e.at.astimezone(dt.timezone.utc)
        prev = heads[name]
        digest = _digest(prev, at, e.actor, e.action, e.case_id, e.task_id, detail, chain=name)
        rows.append({"at": at, "actor": e.actor, "action": e.action, "case_id": e.case_id, "task_id": e.task_id,
                     "detail": detail, "prev_hash": prev, "hash": digest, "chain": name})
        heads[name] = digest
    return rows


def _chains_of(session: Session, events: list[Event], provinces: dict[str, str]) -> list[str]:
    """Each event's chain: its own province, else its case's, else its actor's agency's, else ''."""
    from engine.models import Agency
    from engine.models import Case
    from engine.models import User

    cases = [e.case_id for e in events if e.province is None and e.case_id and e.case_id not in provinces]
    known = dict(provinces)
    if cases:
        known.update(session.execute(select(Case.id, Case.province_code).where(Case.id.in_(set(cases)))).all())
    actors = {e.actor for e in events if e.province is None and known.get(e.case_id or "") is None}
    by_actor: dict[str, str] = {}
    if actors:
        by_actor = dict(session.execute(select(User.username, Agency.province_code)
                                        .join(Agency, Agency.id == User.agency_id)
                                        .where(User.username.in_(actors))).all())
    return [e.province if e.province is not None
            else known.get(e.case_id or "") or by_actor.get(e.actor) or NATIONAL for e in events]


def _open_chains(session: Session, missing: list[str], heads: dict[str, str], at: dt.datetime) -> None:
    """Open the chains of provinces writing their first event: an ``audit.chain_open`` row in the
    install-wide chain, whose hash the province's chain starts from. Under the install-wide head's lock,
    so two writers cannot open the same chain."""
    if NATIONAL not in heads:
        got = session.execute(_TAKE_HEADS, {"chains": [NATIONAL]}).all()
        if not got:
            raise RuntimeError("audit_head has no row: the database is not migrated (bvte db upgrade)")
        heads[NATIONAL] = got[0][1]
    at = at.astimezone(dt.timezone.utc)
    for name in missing:
        if name == NATIONAL:
            continue
        again = session.execute(_TAKE_HEADS, {"chains": [name]}).all()   # opened while we waited
        if again:
            heads[name] = again[0][1]
            continue
        prev = heads[NATIONAL]
        detail = {"chain": name}
        digest = _digest(prev, at, "engine", CHAIN_OPEN, None, None, detail, chain=NATIONAL)
        session.execute(_INSERT, [{"at": at, "actor": "engine", "action": CHAIN_OPEN, "case_id": None,
                                   "task_id": None, "detail": detail, "prev_hash": prev, "hash": digest,
                                   "chain": NATIONAL}])
        session.execute(_SET_HEAD, [{"b_chain": NATIONAL, "hash": digest}])
        session.execute(_NEW_HEAD, [{"chain": name, "hash": digest}])
        heads[NATIONAL] = heads[name] = digest


def state_digest(state: str) -> str:
    """The SHA-256 of a case's stored state, recorded in the audit event of the write that stored it."""
    return hashlib.sha256(state.encode("utf-8")).hexdigest()


def verify(session: Session, province: str | None = None) -> list[str]:
    """Problems found in the chains (empty when intact); ``province``: that province's chain only."""
    from engine import audit_verify

    return audit_verify.verify(session, province)
