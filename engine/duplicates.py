"""A new report that may concern the person of an open case the reporter may not see (issue #18.2).

The reporter is shown only the cases they may already see; the commune that holds each other case is told
instead (a notification naming the two references, never the person), so that the officer who knows the
case decides whether to link them.
"""

from __future__ import annotations

from sqlalchemy import select

from engine.models import Agency
from engine.models import Case
from engine.notify import outbox


def tell_owners(engine, new_case: Case, others: list[Case]) -> int:
    """Notify the case manager agency (the registry's default agency type) of each case in ``others``."""
    if not others:
        return 0
    manager = engine.registry.default_agency
    now = engine.now()
    written = 0
    with engine.db.write() as s:
        for other in others:
            agencies = s.execute(select(Agency.id).where(Agency.agency_type == manager,
                                                         Agency.commune_code == other.commune_code)).scalars()
            events = [outbox.Event(f"duplicate:{new_case.id}:{other.id}:{agency}", "duplicate", agency,
                                   f"{new_case.reference} ↔ {other.reference}", False, f"/cases/{other.id}")
                      for agency in agencies]
            written += outbox.enqueue(s, now, other, events)
    return written
