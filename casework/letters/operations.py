"""What each letter and attestation may say, gathered from the case (facts only: dates,
names of the parties concerned, how it ended), and the record that one was produced.

Producing a document is allowed on a closed case (the closing letter and the attestation
come after the closure): it changes nothing of the case, it only adds a "letter produced"
event to the timeline, as the partner's survey does. The access log's entry is the view's
(the document read)."""
import logging
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..agreements.models import Agreement
from ..cases.models import TimelineEvent
from ..cases.timeline import record_event
from ..core.clock import to_local, today
from ..core.documents import civil_name, postal_lines
from ..core.errors import OperationError
from ..core.versioning import commit
from ..extensions import db
from ..meetings.models import RoundTable, round_table_invited
from ..permissions import denied
from ..reference.models import Partner
from . import documents

log = logging.getLogger(__name__)

REFERRER_KINDS = ("taken_up", "closed")
PARTY_KINDS = ("unreachable", "declined")
LETTER_KINDS = ("referrer_taken_up", "referrer_closed", "attestation", "party_unreachable",
                "party_declined")
# A party who cannot be reached is asked to call back within this many days.
REPLY_DAYS = 15


# — The referrer ———————————————————————————————————————————————————————————————

def referrer_letters(case) -> list:
    """The referrer's letters the case allows now: "taken up" once a mediator took it up,
    "closed" once it is closed."""
    kinds = []
    if case.lead_mediator_id is not None:
        kinds.append("taken_up")
    if not case.is_open:
        kinds.append("closed")
    return kinds


def referring_party(case):
    """The resident who referred the case, when a resident did and is a party: the
    complainant named as the referrer (or the first complainant when no name was noted)."""
    if case.referrer_organisation or getattr(case.source, "code", "") != "resident":
        return None
    complainants = [p for p in case.parties if p.role == "complainant"
                    and p.anonymised_at is None]
    named = (case.referrer_name or "").strip().lower()
    if named:
        return next((p for p in complainants if named in (
            p.display_name.lower(), p.last_name.lower())), None)
    return complainants[0] if complainants else None


def referrer(case, language: str) -> tuple:
    """(the addressee, the referrer's language or None, a resident?, a postal address
    known?). A partner's address comes from the partner list when the referring
    organisation is one of them."""
    party = referring_party(case)
    if party is not None:
        lines = postal_lines(party if party.street else case)
        return documents.Addressee(civil_name(party.civility, party.first_name,
                                              party.last_name, language), lines,
                                   party.civility, party.last_name), party.language, True, True
    organisation = (case.referrer_organisation or "").strip()
    name = (case.referrer_name or "").strip()
    partner = db.session.execute(select(Partner).where(
        func.lower(Partner.name) == organisation.lower())).scalar_one_or_none() \
        if organisation else None
    address = [line.strip() for line in (partner.address if partner else "").split(",")
               if line.strip()]
    if name and organisation:
        heading, lines = name, [organisation] + address
    else:
        heading, lines = name or organisation, address
    return documents.Addressee(heading, lines, "", name), None, not organisation, \
        bool(address)


def taken_up_on(case):
    """The day a mediator was first assigned (the timeline says), else the referral's."""
    first = db.session.execute(
        select(func.min(TimelineEvent.at)).where(TimelineEvent.case_id == case.id,
                                                 TimelineEvent.kind == "assigned")
    ).scalar_one()
    return to_local(first).date() if first else case.received_on


def referrer_letter_data(case, kind, language, contact) -> documents.ReferrerLetter:
    if kind not in referrer_letters(case):
        raise OperationError(_l("This letter cannot be written at this stage of the case."),
                             field="kind")
    addressee, _language, resident, _known = referrer(case, language)
    return documents.ReferrerLetter(
        kind=kind, language=language, reference=case.reference,
        received_on=case.received_on, addressee=addressee, contact=contact,
        resident=resident, taken_up_on=taken_up_on(case),
        closed_on=case.closed_on, outcome=case.outcome)


# — The attestation ——————————————————————————————————————————————————————————————

def sessions_of(case, party):
    """The round tables ``party`` was invited to, in order."""
    return db.session.execute(
        select(RoundTable).join(round_table_invited,
                                round_table_invited.c.round_table_id == RoundTable.id)
        .where(RoundTable.case_id == case.id, round_table_invited.c.party_id == party.id)
        .options(selectinload(RoundTable.invited), selectinload(RoundTable.attended))
        .order_by(RoundTable.starts_at)).scalars().all()


def first_signature(case):
    return db.session.execute(
        select(func.min(Agreement.signed_on)).where(Agreement.case_id == case.id,
                                                    Agreement.status != "draft")
    ).scalar_one()


def attestation_data(case, party, language, signer_name, signer_title):
    """The facts the attestation states for ``party``. Who is named, and why: the party
    asking, with their address (it is their own); the other parties by name only — a
    court must see that the attempt was made with the other side, and nothing else about
    them (no address, no phone, no reason they gave); each round table with who was
    invited and who came; each party's answer to the offer of mediation (accepted,
    declined, withdrew), the fact a judge needs when the other side refused."""
    if party.case_id != case.id or party.anonymised_at is not None:
        raise OperationError(_l("Choose among the parties of this case."), field="party")
    parties = [p for p in case.parties if p.anonymised_at is None]

    def name(p):
        return civil_name(p.civility, p.first_name, p.last_name, language)

    consents = [(name(p), p.consent, p.consent_on)
                for p in [party] + [p for p in parties if p.id != party.id]
                if p.consent in ("given", "refused", "withdrawn")]
    sessions = [documents.Session(
        invited_on=to_local(t.created_at).date(), starts_on=to_local(t.starts_at).date(),
        status=t.status, invited=[name(p) for p in t.invited if p.anonymised_at is None],
        attended=[name(p) for p in t.attended if p.anonymised_at is None])
        for t in sessions_of(case, party)]
    return documents.Attestation(
        language=language, reference=case.reference, party_name=name(party),
        party_lines=postal_lines(party if party.street else case),
        party_role=party.role, received_on=case.received_on,
        other_parties=[name(p) for p in parties if p.id != party.id],
        consents=consents, sessions=sessions, signed_on=first_signature(case),
        is_open=case.is_open, closed_on=case.closed_on, outcome=case.outcome,
        signer_name=signer_name, signer_title=signer_title)


# — A party's letters ————————————————————————————————————————————————————————————

def party_letter_data(case, party, kind, language, contact) -> documents.PartyLetter:
    if party.case_id != case.id or party.anonymised_at is not None:
        raise OperationError(_l("Choose among the parties of this case."), field="party")
    if kind not in PARTY_KINDS:
        raise OperationError(_l("Choose a letter."), field="kind")
    return documents.PartyLetter(
        kind=kind, language=language, reference=case.reference,
        addressee=documents.Addressee(
            civil_name(party.civility, party.first_name, party.last_name, language),
            postal_lines(party if party.street else case), party.civility, party.last_name),
        contact=contact,
        reply_by=today() + timedelta(days=REPLY_DAYS) if kind == "unreachable" and
        case.is_open else None)


# — The record ———————————————————————————————————————————————————————————————————

def record_letter(actor, case, kind, language, party=None):
    """Note on the timeline that ``actor`` produced the letter ``kind`` (LETTER_KINDS) in
    ``language``, for ``party`` if it is a party's; the case itself does not change."""
    denied(actor, "write_letters", case)
    if kind not in LETTER_KINDS:
        raise ValueError(f"unknown letter {kind!r}")
    changes = [("letter", None, kind), ("language", None, language)]
    if party is not None:
        changes.append(("party", None, party.display_name))
    record_event(case, actor, "letter_produced", changes)
    commit(db.session)
    log.info("%s of case %s produced by account %s", kind, case.reference, actor.id)
