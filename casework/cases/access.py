"""The one loader of cases for views (flaskr's ``get_post``): 404 when the case does not
exist or the user may not read it, 403 when they may read it but not do what they ask."""
from flask import abort, g
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..permissions import can
from .models import Case

CLOSED_MESSAGE = _l("This case is closed: nothing on it can be changed. A manager can "
                    "reopen it first.")

# What every case page shows of the case itself, loaded with it.
CASE_PAGE_OPTIONS = (
    joinedload(Case.team), joinedload(Case.source), joinedload(Case.territory),
    joinedload(Case.lead_mediator), joinedload(Case.co_mediator),
    joinedload(Case.referred_to), selectinload(Case.categories), selectinload(Case.parties),
)


def get_case_or_404(reference: str, action: str = "read", options=()):
    """The only way views load a case. Another team's case answers 404, like one that does
    not exist: it must not reveal that it exists."""
    case = db.session.execute(
        db.select(Case).where(Case.reference == reference).options(*options)
    ).scalar_one_or_none()
    if case is None or not can(current_user, "read", case):
        abort(404)
    if action != "read" and not can(current_user, action, case):
        if not case.is_open and action in ("change", "assign"):
            abort(403, description=CLOSED_MESSAGE)
        abort(403)
    # The access log names the case the page was about (audit.tracking).
    g.case = case
    return case


def get_on_case_or_404(model, case, item_id: int):
    """A record of this case (an intervention, a round table, a party); 404 for one of
    another case, whatever its id."""
    item = db.session.get(model, item_id)
    if item is None or item.case_id != case.id:
        abort(404)
    return item
