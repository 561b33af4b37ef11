"""case file: reserved for #22 the inbox and case file; no schema change yet

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-03 07:45:00
"""


revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
