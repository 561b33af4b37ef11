"""case_waits: the messages and signals each open case waits for (#19: a signal broadcast reads this index
instead of restoring every open case). Open cases are marked unknown ('*', '*') and indexed when first looked
at or on their next write.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-02 18:50:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('case_waits',
                    sa.Column('case_id', sa.String(length=36), nullable=False),
                    sa.Column('kind', sa.String(length=16), nullable=False),
                    sa.Column('name', sa.String(length=200), nullable=False),
                    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ondelete='CASCADE'),
                    sa.PrimaryKeyConstraint('case_id', 'kind', 'name'))
    op.create_index('ix_case_waits_event', 'case_waits', ['kind', 'name'])
    op.execute("INSERT INTO case_waits (case_id, kind, name) SELECT id, '*', '*' FROM cases WHERE status = 'open'")


def downgrade() -> None:
    op.drop_index('ix_case_waits_event', 'case_waits')
    op.drop_table('case_waits')
