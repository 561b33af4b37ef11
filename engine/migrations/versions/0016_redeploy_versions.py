"""process versions: the order in which versions became current (re-deploying an older file makes it
current again, #19 item 4; new cases start on the version activated last)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 16:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ADD COLUMN (no table rebuild: the cases reference process_versions)
    op.add_column("process_versions", sa.Column("activation", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("process_versions") as b:
        b.drop_column("activation")
