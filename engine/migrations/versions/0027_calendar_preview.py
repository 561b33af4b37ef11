"""calendar preview: reserved for #20.5 the calendar page (history of changes, national and provincial); no schema change yet

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-03 07:45:00
"""


revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
