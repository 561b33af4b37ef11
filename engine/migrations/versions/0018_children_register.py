"""children register: reserved for #21 items 1, 2, 5: the register of children, search, data protection; no schema change yet

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 18:50:00
"""


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
