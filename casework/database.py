"""Database details that depend on the engine (SQLite or PostgreSQL)."""
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db


def _sqlite_pragmas(dbapi_connection, connection_record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA busy_timeout = 5000")
    # Write-ahead logging: readers do not wait for a writer, and a commit (each page's
    # access-log entry is one) appends to the log instead of rewriting the journal;
    # NORMAL synchronisation is safe with WAL (a power cut may lose the last commits,
    # never corrupt the file).
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def init_app(app):
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite" and not getattr(engine, "_casework_pragmas", False):
            event.listen(engine, "connect", _sqlite_pragmas)
            engine._casework_pragmas = True
