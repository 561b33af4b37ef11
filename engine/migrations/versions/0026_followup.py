"""followup: reserved for #21.3 periodic follow-up of children in special circumstances; #21.4 immediate incident report; no schema change yet

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-03 07:45:00
"""


revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
