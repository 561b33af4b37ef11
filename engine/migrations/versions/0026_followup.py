"""followup (#21.3): a province's review interval per group of the register (register_review_intervals), read
by the periodic follow-up of children in special circumstances

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-03 07:45:00
"""
import sqlalchemy as sa
from alembic import op

import engine.models

revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'register_review_intervals',
        sa.Column('province_code', sa.String(length=32), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('months', sa.Integer(), nullable=False),
        sa.Column('changed_by', sa.String(length=80), nullable=False),
        sa.Column('changed_at', engine.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['province_code'], ['provinces.code']),
        sa.PrimaryKeyConstraint('province_code', 'kind', 'code'),
    )


def downgrade() -> None:
    op.drop_table('register_review_intervals')
