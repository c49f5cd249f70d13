"""Case references: ``2026-0042``, one sequence per year, unique under concurrency."""
import threading
from datetime import date

from sqlalchemy import select

from casework.auth.models import Team, User
from casework.cases import operations
from casework.cases.models import Case
from casework.extensions import db
from casework.reference.models import ReferenceItem


def test_reference_format():
    assert operations.format_reference(2026, 42) == "2026-0042"
    assert operations.format_reference(2026, 12345) == "2026-12345"


def test_referrals_saved_at_the_same_instant_get_different_references(app, org, refs):
    workers = 8
    barrier = threading.Barrier(workers)
    errors = []

    def record():
        try:
            with app.app_context():
                actor = db.session.get(User, org["manager"].id)
                team = db.session.get(Team, org["north"].id)
                data = {"received_on": date(2026, 3, 3), "team": team,
                        "source": db.session.get(ReferenceItem, refs["resident"].id),
                        "street": "1 rue de la Paix", "city": "Lyon",
                        "description": "Bruit."}
                barrier.wait(timeout=10)
                operations.record_referral(actor, data,
                                           [db.session.get(ReferenceItem, refs["noise"].id)])
                db.session.remove()
        except Exception as error:  # reported below, with the thread's error
            errors.append(repr(error))

    threads = [threading.Thread(target=record) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with app.app_context():
        references = db.session.execute(select(Case.reference)).scalars().all()
    assert sorted(references) == [f"2026-{n:04d}" for n in range(1, workers + 1)]
