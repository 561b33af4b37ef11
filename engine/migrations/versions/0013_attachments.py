"""attachments: evidence files of a case (images, PDF), on disk or in the database

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 15:00:00
"""
from alembic import op
import sqlalchemy as sa
import engine.models


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    tz = engine.models.UTCDateTime(timezone=True)
    op.create_table(
        'attachments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.String(length=36), nullable=False),
        sa.Column('task_id', sa.String(length=36), nullable=True),
        sa.Column('task_title', sa.String(length=300), nullable=True),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('media_type', sa.String(length=60), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('audience', sa.String(length=20), nullable=False),
        sa.Column('note', sa.String(length=300), nullable=False),
        sa.Column('storage', sa.String(length=10), nullable=False),
        sa.Column('path', sa.String(length=300), nullable=True),
        sa.Column('content', sa.LargeBinary(), nullable=True),
        sa.Column('uploaded_by', sa.String(length=80), nullable=False),
        sa.Column('uploaded_agency_id', sa.Integer(), nullable=True),
        sa.Column('uploaded_at', tz, nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_attachments_case_id', 'attachments', ['case_id'])


def downgrade() -> None:
    op.drop_index('ix_attachments_case_id', table_name='attachments')
    op.drop_table('attachments')
