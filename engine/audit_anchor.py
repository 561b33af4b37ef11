"""Checkpoints of the audit chains kept outside the database, so cutting or rewriting a chain's tail is found.

Someone with write access to the database could delete a chain's newest rows and set its ``audit_head`` to
the row before them: the chain is still consistent. A checkpoint — a chain's newest row id and hash, with the
time — appended to a file the database cannot reach (an append-only file on another volume, or shipped by
syslog) pins the chain: ``verify`` finds every checkpointed row with the same hash, or reports where it was cut.

Each chain (each province's, and the install-wide one) is checkpointed on its own line (``"chain"``; a line
without it, written before the chains were split, is the install-wide chain's). ``BVTE_AUDIT_CHECKPOINTS``
names the file (``syslog`` also sends each line to the local syslog); a path holding ``{province}`` is a file
per chain (``{province}`` becomes the province code, ``all`` for the install-wide chain), so a province's
checkpoints can be kept and handed over with its chain. The timer worker writes checkpoints on each sweep for
the chains that have grown; ``bvte audit checkpoint`` writes them now.
"""

from __future__ import annotations

import datetime as dt
import glob
import json
import os

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import AuditEvent


def _newest(session: Session, chain: str | None = None) -> dict[str, tuple[int, str]]:
    """The newest row (id, hash) of each chain (or of ``chain``)."""
    q = select(AuditEvent.chain, func.max(AuditEvent.id)).group_by(AuditEvent.chain)
    if chain is not None:
        q = q.where(AuditEvent.chain == chain)
    ids = dict(session.execute(q).all())
    if not ids:
        return {}
    hashes = dict(session.execute(select(AuditEvent.id, AuditEvent.hash).where(AuditEvent.id.in_(list(ids.values())))).all())
    return {name: (row_id, hashes[row_id]) for name, row_id in ids.items()}


def _path(path: str, chain: str) -> str:
    return path.replace("{province}", chain or "all") if "{province}" in path else path


def _last_lines(path: str) -> dict[str, dict]:
    """The last checkpoint of each chain near the end of ``path`` (a chain not found is written again)."""
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - 65536))
            lines = fh.read().decode("utf-8", "replace").strip().splitlines()
    except FileNotFoundError:
        return {}
    found: dict[str, dict] = {}
    for line in lines:
        try:
            mark = json.loads(line)
        except ValueError:
            continue
        if isinstance(mark, dict):
            found[str(mark.get("chain", ""))] = mark
    return found


def _append(path: str, lines: list[str]) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, "".join(x + "\n" for x in lines).encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def write_checkpoint(session: Session, target: str, now: dt.datetime) -> bool:
    """Append each chain's newest row to ``target`` (paths; ``syslog`` too when it says so) unless it is
    already that chain's last checkpoint there. True when a line was written."""
    newest = _newest(session)
    paths = [t for t in target.split(",") if t and t != "syslog"]
    at = now.astimezone(dt.timezone.utc).isoformat()
    sent: list[str] = []
    for path in paths:
        pending: dict[str, list[str]] = {}
        for chain, (row_id, digest) in sorted(newest.items()):
            last = _last_lines(_path(path, chain)).get(chain)
            if last is not None and last.get("row") == row_id and last.get("hash") == digest:
                continue
            text = json.dumps({"at": at, "chain": chain, "row": row_id, "hash": digest}, sort_keys=True)
            pending.setdefault(_path(path, chain), []).append(text)
        for file, lines in pending.items():
            _append(file, lines)
            sent += lines
    if "syslog" in target.split(",") and sent:
        import syslog

        for text in dict.fromkeys(sent):
            syslog.syslog(syslog.LOG_INFO | syslog.LOG_AUTH, f"bvte-audit-checkpoint {text}")
    return bool(sent)


def _marks(path: str, chain: str | None) -> tuple[list[dict], list[str]]:
    """The checkpoints in ``path`` (of ``chain``: its own file when the path is per chain)."""
    if "{province}" not in path:
        files = [path]
    elif chain is not None:
        files = [_path(path, chain)]
    else:
        files = sorted(glob.glob(path.replace("{province}", "*")))
    marks: list[dict] = []
    problems: list[str] = []
    if not files:
        problems.append(f"audit checkpoints: no file matches {path}")
    for file in files:
        try:
            with open(file, encoding="utf-8") as fh:
                marks += [json.loads(x) for x in fh if x.strip()]
        except FileNotFoundError:
            problems.append(f"audit checkpoints: file {file} is missing")
        except ValueError:
            problems.append(f"audit checkpoints: file {file} is not readable as checkpoints (edited?)")
    return marks, problems


def verify_checkpoints(session: Session, target: str, chain: str | None = None) -> list[str]:
    """Problems between the chains (or ``chain``) and every checkpoint of them in the file(s) of ``target``."""
    problems: list[str] = []
    for path in (t for t in target.split(",") if t and t != "syslog"):
        marks, found_problems = _marks(path, chain)
        problems += found_problems
        wanted: dict[int, tuple[str, str, str | None]] = {}
        for x in marks:
            name = str(x.get("chain", ""))
            if chain is None or name == chain:
                wanted[int(x["row"])] = (name, x["hash"], x.get("at"))
        found = {} if not wanted else {
            row_id: (name, digest) for row_id, name, digest in session.execute(
                select(AuditEvent.id, AuditEvent.chain, AuditEvent.hash).where(AuditEvent.id.in_(list(wanted))))}
        for row_id, (name, digest, at) in sorted(wanted.items()):
            where = f" of province {name}" if name else ""
            if row_id not in found:
                problems.append(f"audit row {row_id}{where} (checkpointed {at}) is missing: the chain was cut")
            elif found[row_id] != (name, digest):
                problems.append(f"audit row {row_id}{where} (checkpointed {at}) has another hash or chain: "
                                f"the chain was rewritten")
    return problems
