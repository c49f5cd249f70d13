"""The case workflow as data: statuses, the transitions allowed between them, and the
outcomes a case may close with. No database, no request: the case page's buttons, the
operations' checks and the documentation all read these tables, and ``take()`` is the only
code that sets a case's status.

    referral ─assign─▶ assigned ─▶ mediation ─▶ agreement ─▶ follow_up ─▶ closed
        └───────────────┴────────────┴─────────────┴────────────┴──close──▶ closed ─reopen─▶ …
"""
from dataclasses import dataclass

from ..core.clock import today

REFERRAL, ASSIGNED, MEDIATION, AGREEMENT, FOLLOW_UP, CLOSED = (
    "referral", "assigned", "mediation", "agreement", "follow_up", "closed")
STATUSES = (REFERRAL, ASSIGNED, MEDIATION, AGREEMENT, FOLLOW_UP, CLOSED)
OPEN_STATUSES = STATUSES[:-1]

OUTCOMES = (
    "agreement_respected",   # accord respecté
    "agreement_breached",    # accord non respecté
    "no_agreement",          # pas d'accord
    "resolved_before_round_table",  # réglé avant la table ronde
    "party_declined",        # une partie a refusé
    "unreachable",           # injoignable
    "referred_to_partner",   # orienté vers un partenaire
    "not_eligible",          # non éligible
    "withdrawn",             # demande retirée
)

# From which statuses each outcome makes sense.
OUTCOME_FROM = {
    "agreement_respected": {FOLLOW_UP},
    "agreement_breached": {FOLLOW_UP},
    "no_agreement": {MEDIATION, AGREEMENT},
    "resolved_before_round_table": {ASSIGNED, MEDIATION},
    "party_declined": {ASSIGNED, MEDIATION, AGREEMENT},
    "unreachable": {ASSIGNED, MEDIATION, FOLLOW_UP},
    "referred_to_partner": {REFERRAL, ASSIGNED, MEDIATION},
    "not_eligible": {REFERRAL, ASSIGNED},
    "withdrawn": set(OPEN_STATUSES),
}


@dataclass(frozen=True)
class Transition:
    """A step a user may take on a case. ``needs`` lists what the step must be given:
    ``reason`` (a text), ``outcome`` (a closing outcome). ``action`` is the permission the
    step needs on the case (see permissions.may_take): ``change`` for most, ``assign`` and
    ``reopen`` for the manager's steps."""

    name: str
    source: str
    target: str
    needs: tuple = ()
    action: str = "change"
    style: str = "primary"
    # Taken through another page (the agreement's, the assignment's), not the step form.
    via: str = ""
    # Offered among the case page's next steps (assignment has its own button).
    offered: bool = True


TRANSITIONS = (
    Transition("assign", REFERRAL, ASSIGNED, action="assign", via="cases.assign",
               offered=False),
    Transition("start_mediation", ASSIGNED, MEDIATION),
    Transition("draft_agreement", MEDIATION, AGREEMENT, via="agreements.start"),
    Transition("back_to_mediation", AGREEMENT, MEDIATION, needs=("reason",),
               style="secondary"),
    Transition("mark_signed", AGREEMENT, FOLLOW_UP, via="agreements.sign"),
    Transition("record_follow_up", FOLLOW_UP, FOLLOW_UP, via="agreements.follow_up"),
    Transition("amend_agreement", FOLLOW_UP, AGREEMENT, via="agreements.start",
               style="secondary"),
    Transition("new_round_table", FOLLOW_UP, MEDIATION, needs=("reason",), style="secondary"),
    *(Transition("close", status, CLOSED, needs=("outcome",), style="danger")
      for status in OPEN_STATUSES),
    Transition("reopen", CLOSED, MEDIATION, needs=("reason",), action="reopen",
               style="warning"),
)


class TransitionRefused(ValueError):
    """The workflow does not allow this step from the case's status."""


def transitions_from(status: str, offered_only=False) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == status and (t.offered or not offered_only)]


def find(status: str, name: str) -> Transition:
    for transition in transitions_from(status):
        if transition.name == name:
            return transition
    raise TransitionRefused(f"{name!r} is not allowed from {status!r}")


def outcomes_from(status: str) -> list[str]:
    return [outcome for outcome in OUTCOMES if status in OUTCOME_FROM[outcome]]


def check(status: str, name: str, *, outcome=None, reason="") -> Transition:
    """The transition ``name`` from ``status``, if allowed with what it is given."""
    transition = find(status, name)
    if "outcome" in transition.needs and outcome not in outcomes_from(status):
        raise TransitionRefused(f"outcome {outcome!r} is not allowed from {status!r}")
    if "reason" in transition.needs and not (reason or "").strip():
        raise TransitionRefused("a reason is needed")
    return transition


def reopen_target(lead_mediator_id) -> str:
    """A reopened case goes back to mediation if it has a mediator, else to the referrals."""
    return MEDIATION if lead_mediator_id else REFERRAL


def take(case, name: str, *, outcome=None, reason="") -> list:
    """Take the step ``name`` on ``case``: the one place that sets a case's status (and,
    with it, the closing outcome and date). Returns the (field, old, new) changes for the
    timeline; raises TransitionRefused when the table does not allow the step."""
    step = check(case.status, name, outcome=outcome, reason=reason)
    old = case.status
    target = reopen_target(case.lead_mediator_id) if name == "reopen" else step.target
    changes = [("status", old, target)] if target != old else []
    case.status = target
    if target == CLOSED:
        case.outcome, case.closed_on = outcome, today()
        changes.append(("outcome", None, outcome))
    elif old == CLOSED:
        changes.append(("outcome", case.outcome, None))
        case.outcome, case.closed_on = None, None
    return changes
