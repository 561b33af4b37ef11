"""messages on a case and account administration (#17, #20): the case_messages table, a user's own quiet
hours, and the two-factor secrets encrypted at rest (the column widened, the clear ones encrypted under
BVTE_TOTP_KEY_FILE: required in production, the development key elsewhere)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 18:50:00
"""
from alembic import op
import sqlalchemy as sa
import engine.models


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    from engine import account_crypto

    tz = engine.models.UTCDateTime(timezone=True)
    op.create_table(
        'case_messages',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('case_id', sa.String(length=36), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('author_name', sa.String(length=80), nullable=False),
        sa.Column('from_agency_id', sa.Integer(), nullable=False),
        sa.Column('to_agency_id', sa.Integer(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', tz, nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['from_agency_id'], ['agencies.id']),
        sa.ForeignKeyConstraint(['to_agency_id'], ['agencies.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_case_messages_case_id', 'case_messages', ['case_id'])
    with op.batch_alter_table('user_contacts') as b:
        b.add_column(sa.Column('quiet_start_minute', sa.Integer(), nullable=True))
        b.add_column(sa.Column('quiet_end_minute', sa.Integer(), nullable=True))
    with op.batch_alter_table('user_security') as b:
        b.alter_column('totp_secret', existing_type=sa.String(length=64), type_=sa.String(length=255),
                       existing_nullable=True)
    box = account_crypto.SecretBox(account_crypto.keys_from_env())   # refuses production without the key
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT user_id, totp_secret FROM user_security WHERE totp_secret IS NOT NULL")).all()
    for user_id, secret in rows:
        if not secret.startswith(account_crypto.PREFIX):
            conn.execute(sa.text("UPDATE user_security SET totp_secret = :s WHERE user_id = :u"),
                         {"s": box.seal(secret), "u": user_id})


def downgrade() -> None:
    from engine import account_crypto

    box = account_crypto.SecretBox(account_crypto.keys_from_env())
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT user_id, totp_secret FROM user_security WHERE totp_secret IS NOT NULL")).all()
    for user_id, secret in rows:
        conn.execute(sa.text("UPDATE user_security SET totp_secret = :s WHERE user_id = :u"),
                     {"s": box.open(secret), "u": user_id})
    with op.batch_alter_table('user_security') as b:
        b.alter_column('totp_secret', existing_type=sa.String(length=255), type_=sa.String(length=64),
                       existing_nullable=True)
    with op.batch_alter_table('user_contacts') as b:
        b.drop_column('quiet_end_minute')
        b.drop_column('quiet_start_minute')
    op.drop_index('ix_case_messages_case_id', table_name='case_messages')
    op.drop_table('case_messages')
