"""What the director writes for the annual activity report: the one writer of
AnnualReportText. The texts belong to the year, not to a download: regenerating the
document never loses them."""
import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..core.errors import EditConflict, OperationError
from ..core.versioning import commit
from ..extensions import db
from ..permissions import can
from .models import SECTIONS, AnnualReportText

log = logging.getLogger(__name__)


class TextsConflict(EditConflict):
    """A colleague saved a section since the page was opened, and the texts differ."""

    def __init__(self, sections=()):
        OperationError.__init__(self, _l(
            "Someone else saved these texts while you were editing them. What is saved now "
            "is shown beside each section you changed; check it, then save again."))
        self.sections = list(sections)


def annual_texts(year: int) -> dict[str, AnnualReportText]:
    """The sections written for ``year``, by section. One query."""
    return {text.section: text for text in db.session.execute(
        select(AnnualReportText).where(AnnualReportText.year == year)).scalars()}


def save_annual_texts(actor, year: int, texts: dict[str, str], versions: dict[str, str]):
    """Save the director's sections of ``year``'s report. ``versions``: the version each
    section was opened on ("" if it was not written yet). A section saved since by someone
    else is a conflict only if its text now differs from the one typed; sections left as
    they are are not written. All sections or none."""
    if not can(actor, "see_reports"):
        raise PermissionError(f"account {getattr(actor, 'id', None)} may not write the "
                              f"annual report")
    saved = annual_texts(year)
    conflicts, changed = [], []
    for section in SECTIONS:
        text = (texts.get(section) or "").strip()
        record = saved.get(section)
        current = record.text if record else ""
        if text == current:
            continue
        opened = str(versions.get(section) or "")
        if opened != (str(record.version) if record else ""):
            conflicts.append(section)
            continue
        if record is None:
            record = AnnualReportText(year=year, section=section)
            db.session.add(record)
        record.text, record.updated_by_id = text, actor.id
        changed.append(section)
    if conflicts:
        db.session.rollback()
        raise TextsConflict(conflicts)
    if not changed:
        return []
    try:
        commit(db.session)
    except EditConflict:
        raise TextsConflict(changed) from None
    except IntegrityError:  # a colleague wrote the same new section at the same moment
        raise TextsConflict(changed) from None
    log.info("annual report %s: sections %s saved by account %s", year, ", ".join(changed),
             actor.id)
    return changed
