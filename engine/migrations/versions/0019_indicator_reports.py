"""indicator reports (#21 item 4): a commune's periodic report submitted to its province (report_submissions)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 18:50:00
"""
import sqlalchemy as sa
from alembic import op

import engine.models

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    tz = engine.models.UTCDateTime(timezone=True)
    op.create_table(
        'report_submissions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('province_code', sa.String(length=32), nullable=False),
        sa.Column('commune_code', sa.String(length=32), nullable=False),
        sa.Column('report', sa.String(length=40), nullable=False),
        sa.Column('period', sa.String(length=40), nullable=False),
        sa.Column('period_start', sa.Date(), nullable=False),
        sa.Column('period_end', sa.Date(), nullable=False),
        sa.Column('figures', sa.JSON(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('submitted_by', sa.String(length=80), nullable=False),
        sa.Column('submitted_at', tz, nullable=False),
        sa.ForeignKeyConstraint(['province_code'], ['provinces.code']),
        sa.ForeignKeyConstraint(['commune_code'], ['communes.code']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('report', 'period', 'commune_code'),
    )
    op.create_index('ix_report_submissions_province_code', 'report_submissions', ['province_code'])


def downgrade() -> None:
    op.drop_index('ix_report_submissions_province_code', table_name='report_submissions')
    op.drop_table('report_submissions')
