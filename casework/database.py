"""Database details that depend on the engine (SQLite or PostgreSQL).

SQLite serves one app server: its workers share the file, one writer at a time. What makes
that safe under load (50 mediators saving at once; benchmarks/writers.py):

- write-ahead logging: readers never wait for the writer, nor the writer for readers;
- a busy timeout of 15 s on every connection: a save that finds another one writing waits
  for it (a few milliseconds, each action being one short transaction) instead of failing
  with "database is locked";
- transactions that write start with their first write. Python's sqlite3 opens the
  transaction just before the first INSERT, UPDATE or DELETE, so SQLite takes the write
  lock at once, and a busy writer is waited for. (A transaction that had read first would
  be refused at once, without waiting, if another save had committed since its read:
  that is why reads do not open one, and why no BEGIN IMMEDIATE is needed, which would
  make every page, even a read, wait for the writer.)

Workers: sync and gthread workers, any number, on both databases. Not gevent or eventlet
with SQLite (its lock waits block the whole worker); with PostgreSQL they would need a
green driver, which Casework does not set up: use sync or gthread.
"""
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db

# How long a save waits for another one holding SQLite's write lock, in milliseconds.
SQLITE_BUSY_TIMEOUT_MS = 15_000


def _sqlite_pragmas(dbapi_connection, connection_record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    # Write-ahead logging: readers do not wait for a writer, and a commit (each page's
    # access-log entry is one) appends to the log instead of rewriting the journal;
    # NORMAL synchronisation is safe with WAL (a power cut may lose the last commits,
    # never corrupt the file).
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _postgresql_settings(dbapi_connection, connection_record):
    # No just-in-time compilation: PostgreSQL compiles a query to machine code when its
    # cost estimate passes a threshold, and a join over million-row tables passes it
    # however few rows the indexes make it read: on a million cases, 135 ms of compiling
    # for a 35 ms dashboard query (benchmarks/scale.sh). Casework's queries read a page
    # or a period by index; none scans enough for the compiling to pay. Nor parallel
    # workers, which the same estimates call for: starting them cost more than sharing
    # the few thousand rows a period's breakdown reads (the year's dashboard on a million
    # cases: 540 ms with them, 310 ms without, 220 ms on a thousand cases).
    cursor = dbapi_connection.cursor()
    cursor.execute("SET jit = off")
    cursor.execute("SET max_parallel_workers_per_gather = 0")
    cursor.close()
    dbapi_connection.commit()


def init_app(app):
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite" and not getattr(engine, "_casework_pragmas", False):
            event.listen(engine, "connect", _sqlite_pragmas)
            engine._casework_pragmas = True
        if engine.dialect.name == "postgresql" and not getattr(engine, "_casework_settings",
                                                               False):
            event.listen(engine, "connect", _postgresql_settings)
            engine._casework_settings = True
