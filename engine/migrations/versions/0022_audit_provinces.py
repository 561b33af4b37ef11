"""audit provinces: reserved for #18: one audit chain per province; no schema change yet

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02 18:50:00
"""


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
