"""timer leases: sweeping workers claim batches of due timers

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 11:00:00
"""
from alembic import op
import sqlalchemy as sa
import engine.models


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('timers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('leased_by', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('leased_until', engine.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_timers_leased_by'), ['leased_by'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('timers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_timers_leased_by'))
        batch_op.drop_column('leased_until')
        batch_op.drop_column('leased_by')
