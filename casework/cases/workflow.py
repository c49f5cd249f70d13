"""The case workflow as data: statuses, the transitions allowed between them, and the
outcomes a case may close with. Pure Python, no Flask: the case page's buttons, the
operations' checks and the documentation all read these tables.

    referral ─assign─▶ assigned ─▶ mediation ─▶ agreement ─▶ follow_up ─▶ closed
        └───────────────┴────────────┴─────────────┴────────────┴──close──▶ closed ─reopen─▶ …
"""
from dataclasses import dataclass

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
    ``reason`` (a text), ``outcome`` (a closing outcome). ``manager_only`` steps need the
    case's manager; the others, anyone who may change the case."""

    name: str
    source: str
    target: str
    needs: tuple = ()
    manager_only: bool = False
    style: str = "primary"
    # Taken through another page (the agreement's), not the generic step form.
    via: str = ""


TRANSITIONS = (
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
    Transition("reopen", CLOSED, MEDIATION, needs=("reason",), manager_only=True,
               style="warning"),
)
# Assigning a referral (referral → assigned) is its own step, with its own form: assign().


class TransitionRefused(ValueError):
    """The workflow does not allow this step from the case's status."""


def transitions_from(status: str) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == status]


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
