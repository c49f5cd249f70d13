"""round tables: rescheduling and cancelling. The calendar's SEQUENCE (RFC 5545), raised at
each new date or cancellation, and the date the current one replaces (for the « nouvelle
date » letter)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('round_tables', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sequence', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('replaces_starts_at', sa.DateTime(timezone=True),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('round_tables', schema=None) as batch_op:
        batch_op.drop_column('replaces_starts_at')
        batch_op.drop_column('sequence')
