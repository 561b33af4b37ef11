"""cases.state compressed with lz4 on PostgreSQL (where the server supports it)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 11:40:00
"""
from alembic import op

from engine.models import STATE_LZ4

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(STATE_LZ4)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE cases ALTER COLUMN state SET COMPRESSION DEFAULT")
