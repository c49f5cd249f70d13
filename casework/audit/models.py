"""The access log (journal des accès): one row per read of a case, its confidential notes,
a document or an export, per change, and per administrator's action.

Rows name the case by reference and the object by kind and id, never a resident's data.
Append-only: the application never updates or deletes a row, and the database refuses it
too (a trigger on SQLite and PostgreSQL). The only deletion is the retention run's purge of
entries past their period, which first writes a permit in ``access_log_purges`` inside the
same transaction (see ``audit.operations.purge_before``)."""
from sqlalchemy import DDL, Index, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column

from ..core.clock import utcnow
from ..core.columns import UTCDateTime
from ..extensions import db

# What was done: read (a page, notes, minutes, a document), export (a file of many rows),
# change (any successful write), admin (accounts, roles, teams, reference lists), login,
# privacy (retention runs, anonymisation, people's requests).
ACTIONS = ("read", "export", "change", "admin", "login", "privacy")


class AccessEntry(db.Model):
    __tablename__ = "access_log"
    __table_args__ = (
        Index("ix_access_log_case_at", "case_id", "at"),
        Index("ix_access_log_user_at", "user_id", "at"),
        Index("ix_access_log_at", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    # No foreign keys: an entry outlives whatever it names.
    user_id: Mapped[int | None] = mapped_column(Integer)
    username: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(16))
    # What was read or changed: "case", "confidential_notes", "minutes", "invitation",
    # "agreement", "scan", "export", "account", "team", "reference"…
    object: Mapped[str] = mapped_column(String(40))
    case_id: Mapped[int | None] = mapped_column(Integer)
    case_reference: Mapped[str] = mapped_column(String(12), default="")
    # Which one, by id or code (e.g. "intervention 12", "account 5"), and a few words more
    # (never a resident's name, address or words).
    target: Mapped[str] = mapped_column(String(80), default="")
    detail: Mapped[str] = mapped_column(String(300), default="")
    address: Mapped[str] = mapped_column(String(64), default="")
    # The route and method that did it ("casefile.show GET"): empty outside a request.
    endpoint: Mapped[str] = mapped_column(String(80), default="")

    def __repr__(self):
        return f"<AccessEntry {self.id} {self.action} {self.object}>"


class AccessLogPurge(db.Model):
    """A permit, written and removed in the purge's own transaction: entries with an id up to
    ``up_to_id`` may be deleted. Without one, the database refuses every deletion."""

    __tablename__ = "access_log_purges"

    up_to_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


# The database's own guard. The same statements are in migration 0008.
SQLITE_TRIGGERS = (
    "CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log "
    "BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END",
    "CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log "
    "WHEN NOT EXISTS (SELECT 1 FROM access_log_purges WHERE OLD.id <= up_to_id) "
    "BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END",
)
POSTGRESQL_TRIGGERS = (
    "CREATE OR REPLACE FUNCTION access_log_append_only() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN "
    "IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM access_log_purges "
    "WHERE OLD.id <= up_to_id) THEN RETURN OLD; END IF; "
    "RAISE EXCEPTION 'the access log is append-only'; END $$",
    "CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log "
    "FOR EACH ROW EXECUTE FUNCTION access_log_append_only()",
    "CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION access_log_append_only()",
)

for _statement in SQLITE_TRIGGERS:
    event.listen(AccessEntry.__table__, "after_create",
                 DDL(_statement).execute_if(dialect="sqlite"))
for _statement in POSTGRESQL_TRIGGERS:
    event.listen(AccessEntry.__table__, "after_create",
                 DDL(_statement).execute_if(dialect="postgresql"))
