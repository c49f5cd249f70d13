"""interventions can be corrected: a version for edit conflicts

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN, never a batch copy: on SQLite, copying the table would drop the
    # old one, and its ON DELETE CASCADE would empty the mediators and parties of every
    # intervention.
    op.add_column('interventions', sa.Column('version', sa.Integer(), nullable=False,
                                             server_default='1'))


def downgrade():
    op.drop_column('interventions', 'version')
