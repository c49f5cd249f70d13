"""What other people do at the same moment as the test's request."""
from contextlib import contextmanager

from sqlalchemy import event, text

from casework.extensions import db


@contextmanager
def colleague_saves_first(app, model, record_id, at_first_write=False):
    """While the block runs, a colleague saves the same record at the same moment: just
    before the request writes the record (or, ``at_first_write``, before it writes
    anything), another connection changes its version."""
    done = []

    def before_flush(session, context, instances):
        if not done and (at_first_write or any(isinstance(o, model) and o.id == record_id
                                               for o in session.dirty)):
            done.append(True)
            with db.engine.begin() as other:
                other.execute(text(f"UPDATE {model.__tablename__} SET version = version + 1 "
                                   "WHERE id = :id"), {"id": record_id})

    with app.app_context():
        event.listen(db.session, "before_flush", before_flush)
    try:
        yield
    finally:
        with app.app_context():
            event.remove(db.session, "before_flush", before_flush)
