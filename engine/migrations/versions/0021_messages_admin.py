"""messages admin: reserved for #17 and #20: messages on a case, quiet hours, calendar, TOTP; no schema change yet

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 18:50:00
"""


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
