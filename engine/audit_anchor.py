"""Checkpoints of the audit chain kept outside the database, so cutting or rewriting its tail is found.

Someone with write access to the database could delete the newest audit rows and set ``audit_head`` to the
row before them: the chain is still consistent. A checkpoint — the newest row's id and hash, with the time —
appended to a file the database cannot reach (an append-only file on another volume, or shipped by syslog)
pins the chain: ``verify`` finds every checkpointed row with the same hash, or reports where it was cut.

``BVTE_AUDIT_CHECKPOINTS`` names the file (``syslog`` also sends each line to the local syslog). The timer
worker writes a checkpoint on each sweep when the chain has grown; ``bvte audit checkpoint`` writes one now.
"""

from __future__ import annotations

import datetime as dt
import json
import os

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import AuditEvent


def _newest(session: Session) -> tuple[int, str] | None:
    row = session.execute(select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first()
    return (row[0], row[1]) if row else None


def _last_line(path: str) -> dict | None:
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - 4096))
            lines = fh.read().decode("utf-8", "replace").strip().splitlines()
    except FileNotFoundError:
        return None
    for line in reversed(lines):
        try:
            return json.loads(line)
        except ValueError:
            continue
    return None


def write_checkpoint(session: Session, target: str, now: dt.datetime) -> bool:
    """Append the chain's newest row to ``target`` (a path; ``syslog`` too when it says so) unless it is
    already the last checkpoint. True when a line was written."""
    newest = _newest(session)
    if newest is None:
        return False
    paths = [t for t in target.split(",") if t and t != "syslog"]
    line = {"at": now.astimezone(dt.timezone.utc).isoformat(), "row": newest[0], "hash": newest[1]}
    text = json.dumps(line, sort_keys=True)
    wrote = False
    for path in paths:
        last = _last_line(path)
        if last is not None and last.get("row") == newest[0] and last.get("hash") == newest[1]:
            continue
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, (text + "\n").encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        wrote = True
    if "syslog" in target.split(",") and wrote:
        import syslog

        syslog.syslog(syslog.LOG_INFO | syslog.LOG_AUTH, f"bvte-audit-checkpoint {text}")
    return wrote


def verify_checkpoints(session: Session, target: str) -> list[str]:
    """Problems between the chain and every checkpoint in the file(s) of ``target``."""
    problems: list[str] = []
    for path in (t for t in target.split(",") if t and t != "syslog"):
        try:
            with open(path, encoding="utf-8") as fh:
                lines = [json.loads(x) for x in fh if x.strip()]
        except FileNotFoundError:
            problems.append(f"audit checkpoints: file {path} is missing")
            continue
        except ValueError:
            problems.append(f"audit checkpoints: file {path} is not readable as checkpoints (edited?)")
            continue
        wanted = {int(x["row"]): (x["hash"], x.get("at")) for x in lines}
        found = dict(session.execute(select(AuditEvent.id, AuditEvent.hash)
                                     .where(AuditEvent.id.in_(list(wanted)))).all()) if wanted else {}
        for row_id, (digest, at) in sorted(wanted.items()):
            if row_id not in found:
                problems.append(f"audit row {row_id} (checkpointed {at}) is missing: the chain was cut")
            elif found[row_id] != digest:
                problems.append(f"audit row {row_id} (checkpointed {at}) has another hash: the chain was rewritten")
    return problems
