"""interventions: the team of their case, indexed with the moment, so that the reports read
the period's interventions of these teams alone (never the whole cases table)

Revision ID: 0015
Revises: 0012 (written beside 0013 and 0014 of other branches: the merge chains it
after 0014)
Create Date: 2026-12-04

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('interventions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('team_id', sa.Integer(), nullable=True))
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('UPDATE interventions SET team_id = cases.team_id FROM cases '
                   'WHERE cases.id = interventions.case_id')
    else:
        op.execute('UPDATE interventions SET team_id = (SELECT cases.team_id FROM cases '
                   'WHERE cases.id = interventions.case_id)')
    with op.batch_alter_table('interventions', schema=None) as batch_op:
        batch_op.alter_column('team_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key('fk_interventions_team_id_teams', 'teams', ['team_id'],
                                    ['id'])
    op.create_index('ix_interventions_team_at', 'interventions', ['team_id', 'at'])
    op.execute('ANALYZE interventions')


def downgrade():
    op.drop_index('ix_interventions_team_at', table_name='interventions')
    with op.batch_alter_table('interventions', schema=None) as batch_op:
        batch_op.drop_constraint('fk_interventions_team_id_teams', type_='foreignkey')
        batch_op.drop_column('team_id')
