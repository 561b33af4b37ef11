"""The index of the messages and signals each open case waits for (``case_waits``, migration 0023).

A signal sent to "every waiting case" used to restore every open case's state to find the few waiting for it.
Each case write now keeps this table in step with the state it stores (``engine.store``: only the rows that
changed, in the same transaction), so finding them is one indexed read. Rows written before migration 0023
are unknown: the migration marks each open case with a ``('*', '*')`` row, and such a case is restored and
re-indexed the first time somebody looks (``engine.messages.waiting_cases``) or on its next full write.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import String
from sqlalchemy import Table
from sqlalchemy import delete
from sqlalchemy import tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import Session
from sqlalchemy.orm import mapped_column

from engine.db import Base

UNKNOWN = ("*", "*")   # a case indexed before migration 0023: restore it to know
KINDS = ("message", "signal")


class CaseWait(Base):
    """One message or signal an open case waits for."""

    __tablename__ = "case_waits"
    case_id: Mapped[str] = mapped_column(String(36), ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    __table_args__ = (Index("ix_case_waits_event", "kind", "name"),)


_WAITS: Table = CaseWait.__table__   # type: ignore[assignment]


def of_state(wf) -> frozenset[tuple[str, str]]:
    """(kind, name) of every message and signal the state waits for: its waiting catch events, and the
    start events of its event sub-processes (``engine.spiff.standing_starts``, where it exists), which catch
    at any time until the case ends."""
    from engine import spiff
    from engine.status import waiting_for

    found = {(w["kind"], w["name"][:200]) for w in waiting_for(wf) if w["kind"] in KINDS}
    for start in getattr(spiff, "standing_starts", lambda _wf: [])(wf):
        definition = start.event_definition
        kind = "message" if "Message" in type(definition).__name__ else "signal"
        if getattr(definition, "name", None):
            found.add((kind, definition.name[:200]))
    return frozenset(found)


def changes(before: frozenset | None, after: frozenset) -> tuple[set, set, bool]:
    """(rows to drop, rows to add, replace all) between the indexed waits and the new state's."""
    if before is None:
        return set(), set(after), True
    return set(before - after), set(after - before), False


def write(s: Session, rows: list[tuple[str, set, set, bool]]) -> None:
    """Apply (case id, drop, add, replace) for several cases in a few set-based statements."""
    replaced = [cid for cid, _drop, _add, replace in rows if replace]
    if replaced:
        s.execute(delete(_WAITS).where(_WAITS.c.case_id.in_(replaced)))
    dropped = [(cid, k, n) for cid, drop, _add, replace in rows if not replace for k, n in drop]
    if dropped:
        s.execute(delete(_WAITS).where(tuple_(_WAITS.c.case_id, _WAITS.c.kind, _WAITS.c.name).in_(dropped)))
    added = [{"case_id": cid, "kind": k, "name": n} for cid, _drop, add, _replace in rows for k, n in sorted(add)]
    if added:
        dialect = s.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        s.execute(insert(_WAITS).on_conflict_do_nothing(), added)


def replace(s: Session, case_id: str, waits: frozenset) -> None:
    """The case's rows are exactly ``waits`` (its unknown mark, if any, gone)."""
    write(s, [(case_id, set(), set(waits), True)])
