"""interventions, round tables and survey answers: the team of their case, indexed with
their date, so that the reports read the period's rows of these teams alone (on
PostgreSQL the planner joined each breakdown to the whole cases table)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

# table: (its new index, the date it is indexed with)
TABLES = {
    'interventions': ('ix_interventions_team_at', 'at'),
    'round_tables': ('ix_round_tables_team_starts', 'starts_at'),
    'satisfaction_answers': ('ix_satisfaction_answers_team_on', 'answered_on'),
}


def upgrade():
    postgresql = op.get_bind().dialect.name == 'postgresql'
    for table, (index, moment) in TABLES.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('team_id', sa.Integer(), nullable=True))
        if postgresql:
            op.execute(f'UPDATE {table} SET team_id = cases.team_id FROM cases '
                       f'WHERE cases.id = {table}.case_id')
        else:
            op.execute(f'UPDATE {table} SET team_id = (SELECT cases.team_id FROM cases '
                       f'WHERE cases.id = {table}.case_id)')
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('team_id', existing_type=sa.Integer(), nullable=False)
            batch_op.create_foreign_key(f'fk_{table}_team_id_teams', 'teams', ['team_id'],
                                        ['id'])
        op.create_index(index, table, ['team_id', moment])
        op.execute(f'ANALYZE {table}')


def downgrade():
    for table, (index, _moment) in TABLES.items():
        op.drop_index(index, table_name=table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f'fk_{table}_team_id_teams', type_='foreignkey')
            batch_op.drop_column('team_id')
