"""What an administrator asks of the stored data from the command line: the case list, the audit chain.

The CLI holds no SQL of its own; these are its reads.
"""

from __future__ import annotations

import os

from sqlalchemy import select

from engine import audit
from engine.models import Case


def list_cases(engine, status: str | None = None, limit: int = 50) -> list[Case]:
    """The newest ``limit`` cases (received last first), only those with ``status`` when it is given."""
    with engine.db.read() as s:
        q = select(Case).order_by(Case.received_at.desc()).limit(limit)
        if status is not None:
            q = q.where(Case.status == status)
        return list(s.execute(q).scalars())


def verify_audit(engine, checkpoints: str | None = None, province: str | None = None) -> list[str]:
    """Problems in the audit chains (empty when intact), or in ``province``'s only: ``engine.audit.verify`` on a
    read, and the chains against the checkpoints kept outside the database (``BVTE_AUDIT_CHECKPOINTS`` by
    default)."""
    from engine import audit_anchor

    target = checkpoints if checkpoints is not None else os.environ.get("BVTE_AUDIT_CHECKPOINTS", "")
    with engine.db.read() as s:
        problems = audit.verify(s, province)
        if target:
            problems += audit_anchor.verify_checkpoints(s, target, province)
        return problems


def export_audit(engine, province: str) -> list[str]:
    """The JSON lines of ``province``'s audit chain (``engine.audit_verify.export``); LookupError if none."""
    from engine import audit_verify

    with engine.db.read() as s:
        return list(audit_verify.export(s, province))


def checkpoint_audit(engine, checkpoints: str | None = None) -> bool:
    """Append the chain's newest row to the checkpoint file(s) when it has grown (a no-op unconfigured)."""
    from engine import audit_anchor

    target = checkpoints if checkpoints is not None else os.environ.get("BVTE_AUDIT_CHECKPOINTS", "")
    if not target:
        return False
    with engine.db.read() as s:
        return audit_anchor.write_checkpoint(s, target, engine.now())
