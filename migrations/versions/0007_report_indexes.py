"""indexes for the reports: cases closed by team and date, a mediator's open cases

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    # Plain CREATE INDEX, never a batch copy of the cases table.
    op.create_index('ix_cases_team_closed', 'cases', ['team_id', 'closed_on'])
    op.create_index('ix_cases_lead_status', 'cases', ['lead_mediator_id', 'status'])
    op.create_index('ix_cases_co_status', 'cases', ['co_mediator_id', 'status'])
    # The composite indexes serve the lookups by mediator alone too.
    op.drop_index('ix_cases_lead_mediator_id', table_name='cases')
    op.drop_index('ix_cases_co_mediator_id', table_name='cases')
    # Fresh statistics, or SQLite's planner (which has none for the new indexes beside
    # old ones for the rest) picks them badly: the year's dashboard took 6 times longer.
    op.execute('ANALYZE')


def downgrade():
    op.create_index('ix_cases_co_mediator_id', 'cases', ['co_mediator_id'])
    op.create_index('ix_cases_lead_mediator_id', 'cases', ['lead_mediator_id'])
    op.drop_index('ix_cases_co_status', table_name='cases')
    op.drop_index('ix_cases_lead_status', table_name='cases')
    op.drop_index('ix_cases_team_closed', table_name='cases')
