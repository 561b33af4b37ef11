"""confidentiality (#16.7): each case records the agency that received its report (cases.intake_agency_id), so
that only that agency sees the reporter's details and can follow the status of the reports it sent. Cases
recorded before have no intake agency: no agency outside the commune sees their reporter.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03 07:45:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cases') as batch:
        batch.add_column(sa.Column('intake_agency_id', sa.Integer(), nullable=True))
    op.create_index('ix_cases_intake_agency', 'cases', ['intake_agency_id', 'received_at'])


def downgrade() -> None:
    op.drop_index('ix_cases_intake_agency', 'cases')
    with op.batch_alter_table('cases') as batch:
        batch.drop_column('intake_agency_id')
