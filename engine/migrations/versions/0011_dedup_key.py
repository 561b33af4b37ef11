"""cases: the duplicate-report key is the procedure's (dedup_key), not a column named for one procedure

Databases made before this revision have the column under its old name (its first procedure's); it is
renamed, with its index. Databases made from the amended 0001 already have ``dedup_key``: nothing to do.

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

OLD = 'child_key'   # the column's name before 0011; named here only to rename it


def _columns() -> set[str]:
    return {c['name'] for c in sa.inspect(op.get_bind()).get_columns('cases')}


def upgrade() -> None:
    if OLD not in _columns():
        return
    with op.batch_alter_table('cases') as batch_op:
        batch_op.drop_index(f'ix_cases_{OLD}')
        batch_op.alter_column(OLD, new_column_name='dedup_key', existing_type=sa.String(length=200))
        batch_op.create_index('ix_cases_dedup_key', ['dedup_key'], unique=False)


def downgrade() -> None:
    pass   # the new name is right for every revision: nothing to undo
