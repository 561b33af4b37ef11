"""province split (#16.10): the province_settings table, a province's choice of the level of local government
(commune or province) that carries a former district task (NĐ 147/2025/NĐ-CP, until 01/03/2027)

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03 07:45:00
"""
from alembic import op
import sqlalchemy as sa
import engine.models


revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'province_settings',
        sa.Column('province_code', sa.String(length=32), nullable=False),
        sa.Column('key', sa.String(length=80), nullable=False),
        sa.Column('value', sa.String(length=40), nullable=False),
        sa.Column('reason', sa.String(length=500), nullable=False),
        sa.Column('changed_by', sa.String(length=80), nullable=False),
        sa.Column('changed_at', engine.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('province_code', 'key'),
    )


def downgrade() -> None:
    op.drop_table('province_settings')
