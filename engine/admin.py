"""What an administrator asks of the stored data from the command line: the case list, the audit chain.

The CLI holds no SQL of its own; these are its reads.
"""

from __future__ import annotations

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


def verify_audit(engine) -> list[str]:
    """Problems in the audit log's hash chain (empty when intact): ``engine.audit.verify`` on a read."""
    with engine.db.read() as s:
        return audit.verify(s)
