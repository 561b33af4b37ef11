"""people register (#21 items 1, 2, 5): persons, the case -> person link, relations (caregivers), dated
periods (groups, risk flags), consents, the name-syllable dictionary of the search, a province's retention
setting; on PostgreSQL the pg_trgm and unaccent extensions (where the role may create them) and trigram
indexes on the folded names

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 18:50:00
"""
from alembic import op
import sqlalchemy as sa

from engine.models import UTCDateTime
from engine.register.models import PG_EXTENSIONS
from engine.register.models import PG_TRGM_INDEX
from engine.register.models import TRGM_INDEXES


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

TZ = UTCDateTime(timezone=True)


def upgrade() -> None:
    tables = set(sa.inspect(op.get_bind()).get_table_names())
    if 'persons' not in tables:
        op.create_table(
            'persons',
            sa.Column('id', sa.String(36), primary_key=True),
            sa.Column('province_code', sa.String(32), sa.ForeignKey('provinces.code'), nullable=False),
            sa.Column('full_name', sa.String(200), nullable=False),
            sa.Column('other_names', sa.JSON(), nullable=False),
            sa.Column('name_folded', sa.String(200), nullable=False),
            sa.Column('name_key', sa.String(100), nullable=False),
            sa.Column('sex', sa.String(16), nullable=True),
            sa.Column('birth_date', sa.Date(), nullable=True),
            sa.Column('birth_year', sa.Integer(), nullable=True),
            sa.Column('birth_estimated', sa.Boolean(), nullable=False),
            sa.Column('id_number', sa.String(32), nullable=True),
            sa.Column('residence_commune_code', sa.String(32), nullable=True),
            sa.Column('residence_detail', sa.String(200), nullable=True),
            sa.Column('attributes', sa.JSON(), nullable=False),
            sa.Column('status', sa.String(16), nullable=False),
            sa.Column('created_by', sa.String(80), nullable=False),
            sa.Column('created_at', TZ, nullable=False),
            sa.Column('updated_at', TZ, nullable=False),
            sa.Column('anonymised_at', TZ, nullable=True),
        )
        op.create_index('ix_persons_id_number', 'persons', ['id_number'])
        op.create_index('ix_persons_province_name', 'persons', ['province_code', 'name_folded'])
        op.create_index('ix_persons_commune_name', 'persons', ['residence_commune_code', 'name_folded'])
        op.create_index('ix_persons_province_key', 'persons', ['province_code', 'name_key'])
    if 'ix_persons_commune_key' not in {ix['name'] for ix in sa.inspect(op.get_bind()).get_indexes('persons')}:
        op.create_index('ix_persons_commune_key', 'persons', ['residence_commune_code', 'name_key'])
    if 'person_cases' not in tables:
        op.create_table(
            'person_cases',
            sa.Column('case_id', sa.String(36), sa.ForeignKey('cases.id', ondelete='CASCADE'), primary_key=True),
            sa.Column('person_id', sa.String(36), sa.ForeignKey('persons.id', ondelete='CASCADE'), nullable=False),
            sa.Column('decision', sa.String(16), nullable=False),
            sa.Column('decided_by', sa.String(80), nullable=False),
            sa.Column('decided_at', TZ, nullable=False),
        )
        op.create_index('ix_person_cases_person_id', 'person_cases', ['person_id'])
    if 'person_relations' not in tables:
        op.create_table(
            'person_relations',
            sa.Column('id', sa.Integer(), primary_key=True),
            sa.Column('person_id', sa.String(36), sa.ForeignKey('persons.id', ondelete='CASCADE'), nullable=False),
            sa.Column('full_name', sa.String(200), nullable=False),
            sa.Column('name_folded', sa.String(200), nullable=False),
            sa.Column('relationship', sa.String(40), nullable=False),
            sa.Column('phone', sa.String(40), nullable=True),
            sa.Column('address', sa.String(300), nullable=True),
            sa.Column('is_caregiver', sa.Boolean(), nullable=False),
        )
        op.create_index('ix_person_relations_person_id', 'person_relations', ['person_id'])
        op.create_index('ix_person_relations_name_folded', 'person_relations', ['name_folded'])
    if 'person_periods' not in tables:
        op.create_table(
            'person_periods',
            sa.Column('id', sa.Integer(), primary_key=True),
            sa.Column('person_id', sa.String(36), sa.ForeignKey('persons.id', ondelete='CASCADE'), nullable=False),
            sa.Column('kind', sa.String(20), nullable=False),
            sa.Column('code', sa.String(40), nullable=False),
            sa.Column('start_date', sa.Date(), nullable=True),
            sa.Column('end_date', sa.Date(), nullable=True),
            sa.Column('basis', sa.Text(), nullable=False),
            sa.Column('recorded_by', sa.String(80), nullable=False),
            sa.Column('recorded_at', TZ, nullable=False),
        )
        op.create_index('ix_person_periods_person_id', 'person_periods', ['person_id'])
        op.create_index('ix_person_periods_kind_code', 'person_periods', ['kind', 'code'])
    if 'person_consents' not in tables:
        op.create_table(
            'person_consents',
            sa.Column('id', sa.Integer(), primary_key=True),
            sa.Column('person_id', sa.String(36), sa.ForeignKey('persons.id', ondelete='CASCADE'), nullable=False),
            sa.Column('recipient', sa.String(200), nullable=False),
            sa.Column('purpose', sa.Text(), nullable=False),
            sa.Column('data_scope', sa.Text(), nullable=False),
            sa.Column('given_by', sa.String(200), nullable=False),
            sa.Column('given_on', sa.Date(), nullable=False),
            sa.Column('expires_on', sa.Date(), nullable=True),
            sa.Column('evidence', sa.String(300), nullable=True),
            sa.Column('recorded_by', sa.String(80), nullable=False),
            sa.Column('recorded_at', TZ, nullable=False),
            sa.Column('withdrawn_at', TZ, nullable=True),
            sa.Column('withdrawn_by', sa.String(80), nullable=True),
        )
        op.create_index('ix_person_consents_person_id', 'person_consents', ['person_id'])
    if 'person_name_parts' not in tables:
        op.create_table(
            'person_name_parts',
            sa.Column('part', sa.String(60), primary_key=True),
            sa.Column('n', sa.Integer(), nullable=False),
        )
    if 'register_settings' not in tables:
        op.create_table(
            'register_settings',
            sa.Column('province_code', sa.String(32), sa.ForeignKey('provinces.code'), primary_key=True),
            sa.Column('retention_years', sa.Integer(), nullable=False),
            sa.Column('changed_by', sa.String(80), nullable=False),
            sa.Column('changed_at', TZ, nullable=False),
        )
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(PG_EXTENSIONS)
        for name, table, column in TRGM_INDEXES:
            op.execute(PG_TRGM_INDEX.format(name=name, table=table, column=column))


def downgrade() -> None:
    for table in ('register_settings', 'person_name_parts', 'person_consents', 'person_periods', 'person_relations',
                  'person_cases', 'persons'):
        op.drop_table(table)
