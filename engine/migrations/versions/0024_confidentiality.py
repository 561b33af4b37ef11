"""confidentiality: reserved for #16.7 confidentiality of the reporter and the child (hotline, referral agencies, consent); no schema change yet

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03 07:45:00
"""


revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
