"""notifications: the outbox, users' contacts, the on-duty roster, provincial quiet hours

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 14:20:00
"""
from alembic import op
import sqlalchemy as sa
import engine.models


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    tz = engine.models.UTCDateTime(timezone=True)
    op.create_table(
        'notifications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_key', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('channel', sa.String(length=10), nullable=False),
        sa.Column('address', sa.String(length=200), nullable=True),
        sa.Column('emergency', sa.Boolean(), nullable=False),
        sa.Column('digest', sa.Boolean(), nullable=False),
        sa.Column('case_id', sa.String(length=36), nullable=True),
        sa.Column('task_id', sa.String(length=36), nullable=True),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('link', sa.String(length=300), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('created_at', tz, nullable=False),
        sa.Column('send_after', tz, nullable=False),
        sa.Column('sent_at', tz, nullable=True),
        sa.Column('read_at', tz, nullable=True),
        sa.Column('leased_by', sa.String(length=36), nullable=True),
        sa.Column('leased_until', tz, nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('event_key', 'user_id', 'channel', name='uq_notification_event'),
    )
    op.create_index('ix_notifications_case_id', 'notifications', ['case_id'], unique=False)
    op.create_index('ix_notification_due', 'notifications', ['status', 'send_after'], unique=False)
    op.create_index('ix_notification_user', 'notifications', ['user_id', 'channel', 'read_at'], unique=False)
    op.create_table(
        'user_contacts',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=200), nullable=True),
        sa.Column('phone', sa.String(length=40), nullable=True),
        sa.Column('email_on', sa.Boolean(), nullable=False),
        sa.Column('sms_on', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id'),
    )
    op.create_table(
        'duty_roster',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('starts_at', tz, nullable=False),
        sa.Column('ends_at', tz, nullable=False),
        sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_duty_roster_agency', 'duty_roster', ['agency_id', 'starts_at'], unique=False)
    op.create_table(
        'notify_quiet_hours',
        sa.Column('province_code', sa.String(length=32), nullable=False),
        sa.Column('start_minute', sa.Integer(), nullable=False),
        sa.Column('end_minute', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['province_code'], ['provinces.code'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('province_code'),
    )


def downgrade() -> None:
    op.drop_table('notify_quiet_hours')
    op.drop_index('ix_duty_roster_agency', table_name='duty_roster')
    op.drop_table('duty_roster')
    op.drop_table('user_contacts')
    op.drop_index('ix_notification_user', table_name='notifications')
    op.drop_index('ix_notification_due', table_name='notifications')
    op.drop_index('ix_notifications_case_id', table_name='notifications')
    op.drop_table('notifications')
