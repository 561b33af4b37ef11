"""audit_log: append-only in the database itself (issue #18.6)

A trigger refuses UPDATE and DELETE of audit rows, on PostgreSQL and on SQLite; ``audit_head`` may still move
(appenders rewrite it). A database owner can drop or disable a trigger: the HMAC key outside the database and
the checkpoints (``engine.audit_anchor``) find what they change; run the application as a role without
UPDATE/DELETE/TRUNCATE on ``audit_log`` (README, "Deploying on PostgreSQL") so only the owner could.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 15:00:00
"""
from alembic import op


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

MESSAGE = 'audit_log is append-only: rows cannot be changed or deleted'


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f"""
            CREATE OR REPLACE FUNCTION bvte_audit_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
            END;
            $$ LANGUAGE plpgsql""")
        op.execute("CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
                   "FOR EACH ROW EXECUTE FUNCTION bvte_audit_append_only()")
    else:
        for event in ('UPDATE', 'DELETE'):
            op.execute(f"CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log "
                       f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS bvte_audit_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
