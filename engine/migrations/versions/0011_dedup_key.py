"""cases: the duplicate-report key is the procedure's (dedup_key), not a column named for one procedure

Databases made before this revision have the key under the name of the first procedure's person (the
"child" key of 0001 as first written). It is the one column of ``cases`` that is not in the list below (the
table as 0010 left it); it is renamed, with its index. Databases made from the amended 0001 already have
``dedup_key``: nothing to do.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 13:50:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

COLUMNS_0010 = {'id', 'reference', 'process_version_id', 'status', 'commune_code', 'province_code',
                'incident_commune_code', 'residence_commune_code', 'summary', 'state', 'serializer_version',
                'version', 'received_at', 'created_at', 'updated_at', 'closed_at'}


def upgrade() -> None:
    columns = {c['name'] for c in sa.inspect(op.get_bind()).get_columns('cases')}
    if 'dedup_key' in columns:
        return
    old = sorted(columns - COLUMNS_0010)
    if len(old) != 1:
        raise RuntimeError(f"cases: expected one key column besides the 0010 schema, found {old}")
    indexes = {ix['name'] for ix in sa.inspect(op.get_bind()).get_indexes('cases')}
    with op.batch_alter_table('cases') as batch_op:
        if f'ix_cases_{old[0]}' in indexes:
            batch_op.drop_index(f'ix_cases_{old[0]}')
        batch_op.alter_column(old[0], new_column_name='dedup_key', existing_type=sa.String(length=200))
    op.create_index('ix_cases_dedup_key', 'cases', ['dedup_key'], unique=False)


def downgrade() -> None:
    pass   # the new name is right for every revision: nothing to undo
