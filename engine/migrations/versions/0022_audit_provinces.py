"""audit provinces: one audit chain per province (issue #18.6)

``audit_log.chain`` names the chain a row belongs to: a province's code, or '' for the install-wide chain.
Every existing row joins the install-wide chain unchanged, so the chain written before this migration still
verifies as it did; ``audit_head`` holds one head per chain (keyed by ``chain``), the install-wide one
carrying the existing head. A province's chain is opened by the application with the province's first
event, recorded in the install-wide chain (``audit.chain_open``, signed with the audit key, which this
migration does not have): the cut-over is in the audit itself.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02 18:50:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('audit_log', sa.Column('chain', sa.String(length=32), nullable=False, server_default=''))
    op.create_index('ix_audit_chain', 'audit_log', ['chain', 'id'])
    op.create_table('audit_head_chains',
                    sa.Column('chain', sa.String(length=32), nullable=False),
                    sa.Column('hash', sa.String(length=64), nullable=False),
                    sa.PrimaryKeyConstraint('chain'))
    op.execute("INSERT INTO audit_head_chains (chain, hash) SELECT '', hash FROM audit_head WHERE id = 1")
    op.drop_table('audit_head')
    op.rename_table('audit_head_chains', 'audit_head')
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("ALTER TABLE audit_head RENAME CONSTRAINT audit_head_chains_pkey TO audit_head_pkey")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT count(*) FROM audit_log WHERE chain <> ''")).scalar():
        raise RuntimeError("province audit chains cannot be merged back into one chain")
    op.create_table('audit_head_one',
                    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
                    sa.Column('hash', sa.String(length=64), nullable=False),
                    sa.PrimaryKeyConstraint('id'))
    op.execute("INSERT INTO audit_head_one (id, hash) SELECT 1, hash FROM audit_head WHERE chain = ''")
    op.drop_table('audit_head')
    op.rename_table('audit_head_one', 'audit_head')
    if bind.dialect.name == 'postgresql':
        op.execute("ALTER TABLE audit_head RENAME CONSTRAINT audit_head_one_pkey TO audit_head_pkey")
    op.drop_index('ix_audit_chain', 'audit_log')
    if bind.dialect.name == 'postgresql':
        op.drop_column('audit_log', 'chain')
    else:   # SQLite 3.35+ drops a column in place (the append-only triggers stay)
        op.execute("ALTER TABLE audit_log DROP COLUMN chain")
