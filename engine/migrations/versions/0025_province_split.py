"""province split: reserved for #16.10 the provincial/commune split of the former district tasks (NĐ 147/2025); no schema change yet

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03 07:45:00
"""


revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
