"""relation residence (#21.2): the province and residence commune of the person copied onto each relation, with
(province, name) and (commune, name) indexes, so that a search for a caregiver's name inside a commune is one
index probe instead of a probe over the whole province's namesakes joined back to their children

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-03 15:55:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('person_relations') as batch:
        batch.add_column(sa.Column('province_code', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('residence_commune_code', sa.String(length=32), nullable=True))
    op.execute("UPDATE person_relations SET "
               "province_code = (SELECT p.province_code FROM persons p WHERE p.id = person_relations.person_id), "
               "residence_commune_code = (SELECT p.residence_commune_code FROM persons p "
               "WHERE p.id = person_relations.person_id)")
    op.create_index('ix_person_relations_province_name', 'person_relations', ['province_code', 'name_folded'])
    op.create_index('ix_person_relations_commune_name', 'person_relations', ['residence_commune_code', 'name_folded'])


def downgrade() -> None:
    op.drop_index('ix_person_relations_commune_name', table_name='person_relations')
    op.drop_index('ix_person_relations_province_name', table_name='person_relations')
    with op.batch_alter_table('person_relations') as batch:
        batch.drop_column('residence_commune_code')
        batch.drop_column('province_code')
