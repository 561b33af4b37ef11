"""indicator reports: reserved for #21 items 3, 4: statistics, submissions, periodic follow-up; no schema change yet

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 18:50:00
"""


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
