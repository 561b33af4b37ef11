"""bpmn dmn: reserved for #19: DMN decision tables and the rest of the conformance items; no schema change yet

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-02 18:50:00
"""


revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
