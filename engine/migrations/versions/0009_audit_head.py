"""audit_head: the audit chain's newest hash in one row (the appenders' lock; tail cuts are detected)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25 21:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_head',
                    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
                    sa.Column('hash', sa.String(length=64), nullable=False),
                    sa.PrimaryKeyConstraint('id'))
    op.execute("INSERT INTO audit_head (id, hash) SELECT 1, COALESCE((SELECT hash FROM audit_log "
               "ORDER BY id DESC LIMIT 1), '" + "0" * 64 + "')")


def downgrade() -> None:
    op.drop_table('audit_head')
