"""Free consent gates the process (consentement libre): a round table is scheduled or
held, and an agreement signed, only with parties whose consent is recorded as given. A
manager of the case may go ahead without it, with a reason that the timeline keeps, in
the same transaction as the step itself.

The refusal shows the parties' names on the screen; its exception's text (what a log or
a traceback would show) names them by id only."""
from flask_babel import lazy_gettext as _l

from ..core.errors import OperationError
from ..permissions import can, denied
from .timeline import record_event

GIVEN = "given"

# Which step went ahead without consent, as the timeline names it.
STEPS = ("round_table_scheduled", "round_table_held", "agreement_signed")


def lacking(parties) -> list:
    """The parties among ``parties`` whose consent is not recorded as given."""
    return [p for p in parties if p.consent != GIVEN]


class ConsentMissing(OperationError):
    """Some parties' consent is not recorded as given, and no manager's reason was given
    to go ahead without it."""

    def __init__(self, parties, *, field=None, may_override=False):
        names = ", ".join(p.display_name for p in parties)
        super().__init__(_l("Consent of %(names)s is not recorded as given.", names=names),
                         field=field)
        self.args = ("consent not recorded as given for parties "
                     + ", ".join(str(p.id) for p in parties),)
        self.parties = list(parties)
        self.hint = (_l("Record it on the party's page, or give a reason below to go ahead "
                        "without it.") if may_override else
                     _l("Record it on the party's page first; a manager of the team may go "
                        "ahead without it, with a reason."))

    def show_on(self, form):
        super().show_on(form)
        field = getattr(form, self.field, None) if self.field else None
        if field is not None:
            field.errors = list(field.errors) + [self.hint]
        else:
            form.form_errors.append(self.hint)


def require_consent(actor, case, parties, *, step, override="", field=None):
    """Refuse (ConsentMissing) unless every one of ``parties`` consented; or, given a
    reason (``override``) by a manager of the case, record on the timeline that ``step``
    went ahead without it. The caller commits. Returns the timeline event, or None."""
    missing = lacking(parties)
    if not missing:
        return None
    reason = (override or "").strip()
    if not reason:
        raise ConsentMissing(missing, field=field,
                             may_override=can(actor, "override_consent", case))
    denied(actor, "override_consent", case)
    changes = [("consent_step", None, step)]
    for party in missing:
        changes += [("party", None, party.display_name), ("consent", None, party.consent)]
    return record_event(case, actor, "consent_overridden", changes, reason=reason)
