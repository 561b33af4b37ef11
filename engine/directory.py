"""The organisation directory: provinces, their communes and the agencies placed in them.

Reads for the command line and the web layer, which hold no SQL of their own.
"""

from __future__ import annotations

from sqlalchemy import select

from engine.models import Agency


def agency_by_code(engine, code: str) -> Agency | None:
    """The agency with this code (e.g. ``commune_officer.X01``), or None."""
    with engine.db.read() as s:
        return s.execute(select(Agency).where(Agency.code == code)).scalar()
