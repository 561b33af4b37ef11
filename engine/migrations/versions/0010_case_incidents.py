"""case_incidents: cases that cannot move (failing engine runs, retried with backoff; stalled cases)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 00:30:00
"""
from alembic import op
import sqlalchemy as sa

import engine.models


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('case_incidents',
                    sa.Column('case_id', sa.String(length=36), nullable=False),
                    sa.Column('kind', sa.String(length=20), nullable=False),
                    sa.Column('step', sa.String(length=200), nullable=False),
                    sa.Column('error', sa.Text(), nullable=False),
                    sa.Column('first_seen', engine.models.UTCDateTime(timezone=True), nullable=False),
                    sa.Column('last_seen', engine.models.UTCDateTime(timezone=True), nullable=False),
                    sa.Column('attempts', sa.Integer(), nullable=False),
                    sa.Column('next_attempt_at', engine.models.UTCDateTime(timezone=True), nullable=False),
                    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ondelete='CASCADE'),
                    sa.PrimaryKeyConstraint('case_id'))
    op.create_index('ix_case_incidents_next_attempt_at', 'case_incidents', ['next_attempt_at'])


def downgrade() -> None:
    op.drop_index('ix_case_incidents_next_attempt_at', 'case_incidents')
    op.drop_table('case_incidents')
