"""search that scales: every word typed is looked up in an index of the cases' search text.
PostgreSQL: a GIN trigram index (the pg_trgm extension, from PostgreSQL's contrib); SQLite:
an FTS5 trigram table kept in step by triggers. The narrow B-tree the search used to scan
goes.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

# As in casework/cases/models.py (a migration keeps its own copy: it must not change).
SQLITE_SEARCH = (
    "CREATE VIRTUAL TABLE cases_search USING fts5(search_text, content='cases', "
    "content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER cases_search_insert AFTER INSERT ON cases BEGIN "
    "INSERT INTO cases_search (rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER cases_search_delete AFTER DELETE ON cases BEGIN "
    "INSERT INTO cases_search (cases_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER cases_search_update AFTER UPDATE OF search_text ON cases BEGIN "
    "INSERT INTO cases_search (cases_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO cases_search (rowid, search_text) VALUES (new.id, new.search_text); END",
    # The cases already there.
    "INSERT INTO cases_search (cases_search) VALUES ('rebuild')",
)


def upgrade():
    dialect = op.get_bind().dialect.name
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_team_search')
    if dialect == 'postgresql':
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.create_index('ix_cases_search_trgm', 'cases', ['search_text'], unique=False,
                        postgresql_using='gin',
                        postgresql_ops={'search_text': 'gin_trgm_ops'})
    elif dialect == 'sqlite':
        for statement in SQLITE_SEARCH:
            op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'postgresql':
        # The extension stays: other databases' objects may use it.
        op.drop_index('ix_cases_search_trgm', table_name='cases')
    elif dialect == 'sqlite':
        for name in ('cases_search_insert', 'cases_search_delete', 'cases_search_update'):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS cases_search")
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_team_search', ['team_id', 'search_text'], unique=False)
