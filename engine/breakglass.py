"""Break-glass: emergency access to a case outside one's scope, with a written reason, time-limited, audited."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_
from sqlalchemy import select

from engine import audit
from engine.models import BreakGlass
from engine.models import Case


def grant(engine, user_id: int, username: str, case: Case, reason: str, hours: int) -> BreakGlass:
    """Record the grant and its audit row in one transaction."""
    now = engine.now()
    with engine.db.write() as s:
        row = BreakGlass(user_id=user_id, username=username, case_id=case.id, reason=reason, created_at=now,
                         expires_at=now + dt.timedelta(hours=hours))
        s.add(row)
        audit.append(s, now, username, "case.break_glass", case_id=case.id, detail={"reason": reason, "hours": hours})
    return row


def has_grant(engine, case_id: str, user_id: int) -> bool:
    """An unexpired grant of this user on this case."""
    with engine.db.read() as s:
        return s.execute(select(BreakGlass.id).where(BreakGlass.case_id == case_id, BreakGlass.user_id == user_id,
                                                     BreakGlass.expires_at > engine.now())).first() is not None


def grants_for_case(engine, case_id: str) -> list[BreakGlass]:
    with engine.db.read() as s:
        return list(s.execute(select(BreakGlass).where(BreakGlass.case_id == case_id)
                              .order_by(BreakGlass.created_at.desc())).scalars())


def log(engine, *, province: str | None = None, commune: str | None = None, limit: int = 500) -> list:
    """(grant, case reference, case commune) rows: a province's, or a commune's (held or incident) cases."""
    with engine.db.read() as s:
        q = select(BreakGlass, Case.reference, Case.commune_code).join(Case, Case.id == BreakGlass.case_id)
        if province is not None:
            q = q.where(Case.province_code == province)
        if commune is not None:
            q = q.where(or_(Case.commune_code == commune, Case.incident_commune_code == commune))
        return list(s.execute(q.order_by(BreakGlass.created_at.desc()).limit(limit)))
