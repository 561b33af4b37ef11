"""Break-glass: emergency access to a case outside one's scope, with a written reason, time-limited, audited.

Limits (issue #18.1): only a case of the user's own province; at most ``MAX_GRANTS`` grants per user in 24
hours and ``MAX_FAILURES`` refused attempts (unknown reference, other province) per hour; a refused attempt
is audited like a grant. What the grant shows is narrowed by the web layer (never the reporter's identity).

No second person approves a grant: it exists for a child in danger at night or on a day off, when nobody
may be there to approve; the guard is after the fact instead (the case's commune is told at once, every
grant is in the break-glass log and the audit trail, and grants are few and short).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_
from sqlalchemy import select

from engine import audit
from engine.models import AuditEvent
from engine.models import BreakGlass
from engine.models import Case
from engine.notify import outbox

MAX_GRANTS = 3          # per user in 24 hours
MAX_FAILURES = 5        # refused attempts per user in one hour


class Refused(Exception):
    """A break-glass request that is not granted; ``field`` names the form field at fault, ``code`` the
    reason (``too_many_attempts`` | ``too_many_grants`` | ``not_found``) for a message in the reader's language."""

    def __init__(self, field: str, message: str, code: str = "not_found"):
        super().__init__(message)
        self.field, self.message, self.code = field, message, code


def request(engine, user_id: int, username: str, province: str | None, reference: str, reason: str,
            hours: int) -> Case:
    """Grant emergency access to the case ``reference`` of the user's province, or raise ``Refused``
    (audited, counted towards the hourly limit of refused attempts)."""
    now = engine.now()
    with engine.db.read() as s:
        grants = s.execute(select(BreakGlass.id).where(BreakGlass.user_id == user_id,
                                                       BreakGlass.created_at > now - dt.timedelta(hours=24))).all()
        failures = s.execute(select(AuditEvent.id).where(AuditEvent.action == "case.break_glass_refused",
                                                       AuditEvent.actor == username,
                                                       AuditEvent.at > now - dt.timedelta(hours=1))
                             .limit(MAX_FAILURES)).all()
        case = s.execute(select(Case).where(Case.reference == reference)).scalar() if reference else None
    if len(failures) >= MAX_FAILURES:
        raise Refused("reference", "Đã thử quá nhiều lần; thử lại sau một giờ.", "too_many_attempts")
    if len(grants) >= MAX_GRANTS:
        raise Refused("reason", f"Đã dùng {MAX_GRANTS} lần truy cập khẩn cấp trong 24 giờ; liên hệ Sở Y tế.",
                      "too_many_grants")
    if case is None or province is None or case.province_code != province:
        with engine.db.write() as s:
            audit.append(s, now, username, "case.break_glass_refused",
                         detail={"reference": reference[:40], "why": "not found in province"})
        raise Refused("reference", "Không tìm thấy hồ sơ với mã này trong tỉnh.", "not_found")
    grant(engine, user_id, username, case, reason, hours)
    return case


def grant(engine, user_id: int, username: str, case: Case, reason: str, hours: int) -> BreakGlass:
    """Record the grant and its audit row in one transaction."""
    now = engine.now()
    with engine.db.write() as s:
        row = BreakGlass(user_id=user_id, username=username, case_id=case.id, reason=reason, created_at=now,
                         expires_at=now + dt.timedelta(hours=hours))
        s.add(row)
        audit.append(s, now, username, "case.break_glass", case_id=case.id, detail={"reason": reason, "hours": hours})
        s.flush()   # the grant's id keys its notifications, written in this transaction
        outbox.enqueue_break_glass(s, now, case, row.id, outbox.settings_for(s, engine.registry, case.process_version_id))
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
