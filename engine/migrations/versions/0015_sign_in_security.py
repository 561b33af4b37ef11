"""sign-in security and administration (issues #18.3/5/10, #20): login throttling shared by the workers,
server-side sessions, per-user security (forced password change, TOTP, recovery codes), one-time set-up
links, a province's two-factor policy, API token scopes and expiry, active/merged communes and agencies

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 15:10:00
"""
from alembic import op
import sqlalchemy as sa
import engine.models


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    tz = engine.models.UTCDateTime(timezone=True)
    op.create_table(
        'login_throttle',
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('last_failure_at', tz, nullable=False),
        sa.Column('blocked_until', tz, nullable=True),
        sa.PrimaryKeyConstraint('key'),
    )
    op.create_table(
        'user_sessions',
        sa.Column('id_hash', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', tz, nullable=False),
        sa.Column('ip', sa.String(length=64), nullable=True),
        sa.Column('revoked_at', tz, nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id_hash'),
    )
    op.create_index('ix_user_sessions_user_id', 'user_sessions', ['user_id'])
    op.create_table(
        'user_security',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('must_change_password', sa.Boolean(), nullable=False),
        sa.Column('password_changed_at', tz, nullable=True),
        sa.Column('totp_secret', sa.String(length=64), nullable=True),
        sa.Column('totp_enabled', sa.Boolean(), nullable=False),
        sa.Column('totp_last_step', sa.Integer(), nullable=True),
        sa.Column('recovery_codes', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id'),
    )
    op.create_table(
        'account_links',
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.String(length=20), nullable=False),
        sa.Column('created_by', sa.String(length=80), nullable=False),
        sa.Column('created_at', tz, nullable=False),
        sa.Column('expires_at', tz, nullable=False),
        sa.Column('used_at', tz, nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('token_hash'),
    )
    op.create_index('ix_account_links_user_id', 'account_links', ['user_id'])
    op.create_table(
        'province_security',
        sa.Column('province_code', sa.String(length=32), nullable=False),
        sa.Column('totp_roles', sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(['province_code'], ['provinces.code']),
        sa.PrimaryKeyConstraint('province_code'),
    )
    # plain ADD COLUMN (no table rebuild: on SQLite a rebuild of communes would break the foreign keys of cases)
    op.add_column('api_tokens', sa.Column('scope', sa.String(length=20), nullable=False, server_default='full'))
    op.add_column('api_tokens', sa.Column('expires_at', tz, nullable=True))
    op.add_column('communes', sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.true()))
    op.add_column('communes', sa.Column('merged_into', sa.String(length=32), nullable=True))
    op.add_column('agencies', sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table('agencies', schema=None) as batch_op:
        batch_op.drop_column('active')
    with op.batch_alter_table('communes', schema=None) as batch_op:
        batch_op.drop_column('merged_into')
        batch_op.drop_column('active')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('expires_at')
        batch_op.drop_column('scope')
    op.drop_table('province_security')
    op.drop_index('ix_account_links_user_id', table_name='account_links')
    op.drop_table('account_links')
    op.drop_table('user_security')
    op.drop_index('ix_user_sessions_user_id', table_name='user_sessions')
    op.drop_table('user_sessions')
    op.drop_table('login_throttle')
