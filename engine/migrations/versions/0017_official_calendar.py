"""calendar_days: the official holiday decisions of 2025–2026 (engine/data/vn_official_calendar.json, #16
item 6): days off, swapped days and working Saturdays with the deciding document in the note

The rows are marked ``changed_by = OFFICIAL`` so that the upgrade is idempotent (it updates its own rows)
and the downgrade removes only them. A day an administrator has already declared is left as declared.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 16:30:00
"""
import datetime as dt
import json
import os

from alembic import op
import sqlalchemy as sa

from engine.models import UTCDateTime


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

OFFICIAL = "lịch chính thức (migration 0017)"
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "vn_official_calendar.json")

calendar_days = sa.table(
    "calendar_days",
    sa.column("day", sa.Date()), sa.column("working", sa.Boolean()), sa.column("note", sa.String(300)),
    sa.column("changed_by", sa.String(80)), sa.column("changed_at", UTCDateTime(timezone=True)))


def official_days() -> list[dict]:
    with open(DATA, encoding="utf-8") as f:
        return json.load(f)["days"]


def note_of(entry: dict) -> str:
    """The note as the administrators' calendar form writes it: '<number> ngày <date>: <note>'."""
    return f"{entry['document']} ngày {entry['document_date']}: {entry['note']}"[:300]


def upgrade() -> None:
    conn = op.get_bind()
    now = dt.datetime.now(dt.timezone.utc)
    existing = {row.day: row.changed_by for row in conn.execute(
        sa.select(calendar_days.c.day, calendar_days.c.changed_by))}
    for entry in official_days():
        day = dt.date.fromisoformat(entry["date"])
        values = {"working": bool(entry["working"]), "note": note_of(entry), "changed_by": OFFICIAL,
                  "changed_at": now}
        if day not in existing:
            conn.execute(calendar_days.insert().values(day=day, **values))
        elif existing[day] == OFFICIAL:
            conn.execute(calendar_days.update().where(calendar_days.c.day == day).values(**values))
        # else: an administrator's own declaration of that day stays


def downgrade() -> None:
    op.get_bind().execute(calendar_days.delete().where(calendar_days.c.changed_by == OFFICIAL))
