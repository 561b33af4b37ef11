"""Verifying the audit chains (``engine.audit``), all of them or one province's, in the database or as
exported; and exporting one province's chain so it can be kept and checked on its own.

For each chain: every row links to the one before it, its hash is the HMAC of its content under the chain's
key (plain SHA-256 only before the chain's first keyed row), the head in ``audit_head`` is the newest row, and
a province's chain starts from its ``audit.chain_open`` row in the install-wide chain. A province that has a
head or rows but no opening row, or an opening row but no chain, is reported. The case states the writes
recorded are compared with the stored ones (for one province: the cases now in it).

An export is JSON lines: first the province chain's opening row (``"anchor"``), then its rows in order, then
its head and row count signed with the chain's key (``"end"``). ``verify_export`` checks one without the
database (the audit key is needed).
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
from collections.abc import Iterable
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.models import AuditEvent
from engine.models import AuditHead

_COLUMNS = ("id", "chain", "at", "actor", "action", "case_id", "task_id", "detail", "prev_hash", "hash")


def label(chain: str) -> str:
    return f"province {chain}" if chain else "the install-wide chain"


def _as_dict(row: AuditEvent) -> dict[str, Any]:
    return {c: getattr(row, c) for c in _COLUMNS}


def check_rows(chain: str, start: str, rows: Iterable[dict[str, Any]], head: str | None) -> list[str]:
    """Problems of one chain's rows (in order) from ``start`` to ``head`` (None: no head to compare)."""
    problems = []
    prev = start
    key = audit.chain_key(chain)
    keyed_seen = False
    last_id = None
    where = "" if chain == audit.NATIONAL else f" (province {chain})"
    for row in rows:
        last_id = row["id"]
        if row["chain"] != chain:
            problems.append(f"audit row {row['id']}{where}: belongs to another chain ({row['chain']!r})")
        if row["prev_hash"] != prev:
            problems.append(f"audit row {row['id']}{where}: previous-hash mismatch (a row before it was removed "
                            f"or altered)")
        data = audit.body(chain, row["prev_hash"], row["at"], row["actor"], row["action"], row["case_id"],
                          row["task_id"], row["detail"])
        plain = audit.seal(data, None) == row["hash"]
        signed = key is not None and hmac.compare_digest(audit.seal(data, key), row["hash"])
        if signed:
            keyed_seen = True
        elif plain and keyed_seen:
            problems.append(f"audit row {row['id']}{where}: not signed with the audit key although earlier rows "
                            f"are (written or re-hashed without the key)")
        elif not plain:
            problems.append(f"audit row {row['id']}{where}: content does not match its hash (row was edited)")
        prev = row["hash"]
    if key is not None and last_id is not None and not keyed_seen:
        problems.append(f"the newest audit rows of {label(chain)} are not signed with the audit key (the chain "
                        f"was re-hashed without it, or nothing was written since the key was configured)")
    if head is not None and head != prev:
        problems.append(f"audit head of {label(chain)} does not match the newest row (rows were removed from "
                        f"the end of the chain)")
    return problems


def _rows(session: Session, chain: str) -> Iterator[dict[str, Any]]:
    q = select(AuditEvent).where(AuditEvent.chain == chain).order_by(AuditEvent.id)
    for row in session.execute(q).scalars():
        yield _as_dict(row)


def _openings(session: Session) -> dict[str, dict[str, Any]]:
    """The opening row of each province's chain, from the install-wide chain."""
    q = select(AuditEvent).where(AuditEvent.chain == audit.NATIONAL, AuditEvent.action == audit.CHAIN_OPEN)
    found: dict[str, dict[str, Any]] = {}
    for row in session.execute(q.order_by(AuditEvent.id)).scalars():
        name = (row.detail or {}).get("chain") if isinstance(row.detail, dict) else None
        if isinstance(name, str) and name not in found:
            found[name] = _as_dict(row)
    return found


def chains(session: Session) -> list[str]:
    """Every chain the database knows of: by head, by row or by opening row."""
    names = set(session.execute(select(AuditHead.chain)).scalars())
    names |= set(session.execute(select(AuditEvent.chain).distinct()).scalars())
    names |= set(_openings(session))
    return sorted(names)


def verify(session: Session, province: str | None = None) -> list[str]:
    """Problems found in every chain, or in ``province``'s only (empty when intact)."""
    heads = dict(session.execute(select(AuditHead.chain, AuditHead.hash)).all())
    openings = _openings(session)
    names = chains(session) if province is None else [province]
    problems: list[str] = []
    for name in names:
        if name == audit.NATIONAL:
            start = audit.GENESIS
        elif name in openings:
            start = openings[name]["hash"]
        else:
            problems.append(f"audit chain of province {name} has no opening row in the install-wide chain "
                            f"(its rows were written or moved without it)")
            start = audit.GENESIS
        if name not in heads:
            problems.append(f"audit head of {label(name)} is missing (the chain was removed)"
                            if name in openings or name == audit.NATIONAL else
                            f"{label(name)} has no audit chain")
        if province is not None and name != audit.NATIONAL and name in openings:
            # the opening row is the install-wide chain's: checked here on its own (its signature)
            problems += _check_opening(openings[name])
        problems += check_rows(name, start, _rows(session, name), heads.get(name))
    problems += _states_match(session, province)
    return problems


def _check_opening(row: dict[str, Any]) -> list[str]:
    data = audit.body(audit.NATIONAL, row["prev_hash"], row["at"], row["actor"], row["action"], row["case_id"],
                      row["task_id"], row["detail"])
    key = audit.chain_key(audit.NATIONAL)
    if hmac.compare_digest(audit.seal(data, key), row["hash"]):
        return []
    if key is not None and audit.seal(data, None) == row["hash"]:
        return [f"audit row {row['id']}: the opening of a province chain is not signed with the audit key"]
    return [f"audit row {row['id']}: content does not match its hash (row was edited)"]


def _states_match(session: Session, province: str | None) -> list[str]:
    """Cases whose stored state is not the one their latest audited write recorded (``province``: the
    cases now in it; their writes are in its chain, or in the install-wide one before the split)."""
    from engine.models import Case

    q = select(AuditEvent.case_id, AuditEvent.detail).where(AuditEvent.case_id.is_not(None))
    if province is not None:
        q = q.where(AuditEvent.chain.in_([province, audit.NATIONAL]))
    states: dict[str, str] = {}
    for case_id, detail in session.execute(q.order_by(AuditEvent.id)):
        if isinstance(detail, dict) and detail.get("state_sha256"):
            states[case_id] = detail["state_sha256"]
    problems = []
    ids = sorted(states)
    for i in range(0, len(ids), 500):
        cq = select(Case.id, Case.reference, Case.state).where(Case.id.in_(ids[i:i + 500]))
        if province is not None:
            cq = cq.where(Case.province_code == province)
        for case_id, reference, state in session.execute(cq):
            if audit.state_digest(state or "") != states[case_id]:
                problems.append(f"case {reference}: its stored state is not the one its last audited step wrote "
                                f"(edited in the database)")
    return problems


def _line(row: dict[str, Any]) -> str:
    out = dict(row)
    out["at"] = audit._norm(row["at"]) if isinstance(row["at"], dt.datetime) else row["at"]
    return json.dumps(out, sort_keys=True, ensure_ascii=False, default=str)


def export(session: Session, province: str) -> Iterator[str]:
    """The lines of ``province``'s chain as exported (its opening row first as ``anchor``)."""
    opening = _openings(session).get(province)
    if opening is None:
        raise LookupError(f"province {province} has no audit chain")
    yield json.dumps({"anchor": json.loads(_line(opening))}, sort_keys=True, ensure_ascii=False)
    last, count = opening["hash"], 0
    for row in _rows(session, province):
        last, count = row["hash"], count + 1
        yield _line(row)
    yield json.dumps({"end": {"head": last, "rows": count, "seal": _seal_end(province, last, count)}},
                     sort_keys=True)


def _seal_end(province: str, head: str, count: int) -> str:
    """The export's last line, signed with the chain's key: a shortened export is found."""
    return audit.seal(json.dumps([province, head, count]).encode("utf-8"), audit.chain_key(province))


def verify_export(lines: Iterable[str], province: str) -> list[str]:
    """Problems of an exported chain of ``province``, checked without the database."""
    it = iter(lines)
    try:
        first = json.loads(next(it))
        anchor = first["anchor"]
    except (StopIteration, ValueError, KeyError, TypeError):
        return ["the export does not begin with its chain's opening row"]
    problems = []
    if anchor.get("action") != audit.CHAIN_OPEN or (anchor.get("detail") or {}).get("chain") != province:
        problems.append(f"the export's opening row does not open the chain of province {province}")
    problems += _check_opening(anchor)
    rows = []
    end = None
    for n, text in enumerate(it, start=2):
        if not text.strip():
            continue
        try:
            line = json.loads(text)
        except ValueError:
            problems.append(f"line {n} of the export is not a row (edited?)")
            continue
        if isinstance(line, dict) and "end" in line:
            end = line["end"]
        else:
            rows.append(line)
    head = rows[-1]["hash"] if rows else anchor["hash"]
    if not isinstance(end, dict) or not hmac.compare_digest(
            str(end.get("seal")), _seal_end(province, str(end.get("head")), int(end.get("rows") or 0))):
        problems.append("the export's last line (its head, signed) is missing or not signed with the audit key")
    elif end.get("head") != head or end.get("rows") != len(rows):
        problems.append(f"the export holds {len(rows)} row(s) ending at another head than the "
                        f"{end.get('rows')} it was exported with (rows were removed from it)")
    return problems + check_rows(province, anchor["hash"], rows, None)
