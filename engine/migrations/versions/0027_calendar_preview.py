"""province_calendar_days: a province's own days off and swapped working days (#20.5), each with the document
that decided it (number, date) and the reason it was entered; they override the national calendar
(``calendar_days``: the official decisions of migration 0017 and the install-wide declarations) for that
province only

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-03 07:45:00
"""
from alembic import op
import sqlalchemy as sa

from engine.models import UTCDateTime


revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "province_calendar_days",
        sa.Column("province_code", sa.String(32), sa.ForeignKey("provinces.code"), primary_key=True),
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("working", sa.Boolean(), nullable=False),
        sa.Column("document", sa.String(120), nullable=False),
        sa.Column("document_date", sa.Date(), nullable=False),
        sa.Column("note", sa.String(300), nullable=False),
        sa.Column("reason", sa.String(300), nullable=False),
        sa.Column("changed_by", sa.String(80), nullable=False),
        sa.Column("changed_at", UTCDateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("province_calendar_days")
