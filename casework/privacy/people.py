"""A person's own data (droit d'accès): find them across every case, and gather what is
held on them — the parties they are, the contacts and round tables they took part in, the
documents that name them — without the other parties or anything confidential. Reads
only; the privacy officer's views call it, and record each search and export."""
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..agreements.models import Agreement, AgreementScan
from ..cases.models import Case, Party, SatisfactionAnswer
from ..core.text import fold, key
from ..extensions import db
from ..meetings.models import (Intervention, RoundTable, intervention_parties,
                               round_table_attended, round_table_invited)

SEARCH_LIMIT = 200
PHONE_DIGITS = 9  # a French number without its 0 or +33: "6 12 34 56 78"


def _words(value):
    return [word for word in key(value).split(" ") if word]


def _phone_digits(value):
    digits = "".join(ch for ch in value or "" if ch.isdigit())
    return digits[-PHONE_DIGITS:] if len(digits) >= PHONE_DIGITS else digits


def _like(value):
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search(*, name="", address="", phone="", email="", limit=SEARCH_LIMIT):
    """Party rows matching every term given (accents, case and punctuation ignored; a
    phone by its digits), not yet anonymised, newest cases first."""
    conditions = [Party.anonymised_at.is_(None)]
    for word in _words(name):
        conditions.append(Party.name_key.like(_like(word), escape="\\"))
    for word in _words(address):
        conditions.append(Party.address_key.like(_like(word), escape="\\"))
    digits = _phone_digits(phone)
    if digits:
        stored = Party.phone
        for character in (" ", ".", "-", "/", "(", ")", "+"):
            stored = func.replace(stored, character, "")
        conditions.append(stored.like(_like(digits), escape="\\"))
    if fold(email):
        conditions.append(func.lower(Party.email).like(_like(fold(email)), escape="\\"))
    if len(conditions) == 1:
        return []
    return db.session.execute(
        select(Party).join(Case, Case.id == Party.case_id).where(*conditions)
        .options(joinedload(Party.case))
        .order_by(Case.received_on.desc(), Case.id.desc(), Party.id).limit(limit)
    ).scalars().all()


def chosen_parties(ids):
    """The party rows with these ids (others ignored), with their case."""
    ids = [i for i in ids if isinstance(i, int)]
    if not ids:
        return []
    return db.session.execute(
        select(Party).where(Party.id.in_(ids)).options(
            joinedload(Party.case).selectinload(Case.categories))
        .order_by(Party.id)).scalars().all()


@dataclass
class PersonRecord:
    """What is held on one party row, and nothing on anyone else."""

    party: dict
    case: dict
    interventions: list = field(default_factory=list)
    round_tables: list = field(default_factory=list)
    agreements: list = field(default_factory=list)
    survey: list = field(default_factory=list)


PARTY_FIELDS = ("role", "kind", "civility", "first_name", "last_name", "street", "building",
                "staircase", "floor", "postcode", "city", "phone", "email", "language",
                "consent", "consent_on", "consent_method", "created_at")


def plain(value):
    """Dates as ISO text, for the JSON file."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def gather(parties) -> list[PersonRecord]:
    """Everything held on these party rows, in a few queries whatever their number."""
    ids = [p.id for p in parties]
    met = {}
    for row in db.session.execute(
            select(intervention_parties.c.party_id, Intervention)
            .join(Intervention, Intervention.id == intervention_parties.c.intervention_id)
            .where(intervention_parties.c.party_id.in_(ids)).order_by(Intervention.at)):
        met.setdefault(row[0], []).append(row[1])
    invited = _links(round_table_invited, ids)
    attended = _links(round_table_attended, ids)
    tables = {t.id: t for t in db.session.execute(
        select(RoundTable).where(RoundTable.id.in_(
            {i for ts in invited.values() for i in ts} |
            {i for ts in attended.values() for i in ts}))
        .options(joinedload(RoundTable.place)).order_by(RoundTable.starts_at)).scalars()}
    versions = {}
    for agreement in db.session.execute(select(Agreement).where(
            Agreement.case_id.in_({p.case_id for p in parties})).order_by(Agreement.number)
            ).scalars():
        versions.setdefault(agreement.case_id, []).append(agreement)
    scans = {}
    for scan in db.session.execute(select(AgreementScan).where(AgreementScan.agreement_id.in_(
            {a.id for found in versions.values() for a in found}))
            .order_by(AgreementScan.number)).scalars():
        scans.setdefault(scan.agreement_id, []).append(scan)
    answers = {}
    for answer in db.session.execute(select(SatisfactionAnswer).where(
            SatisfactionAnswer.party_id.in_(ids)).order_by(SatisfactionAnswer.id)).scalars():
        answers.setdefault(answer.party_id, []).append(answer)

    records = []
    for party in parties:
        case = party.case
        seen = sorted(set(invited.get(party.id, ())) | set(attended.get(party.id, ())),
                      key=lambda i: tables[i].starts_at)
        records.append(PersonRecord(
            party={name: getattr(party, name) for name in PARTY_FIELDS} | {"id": party.id},
            case={"reference": case.reference, "received_on": case.received_on,
                  "closed_on": case.closed_on, "status": case.status,
                  "outcome": case.outcome,
                  "categories": [{"code": c.code, "fr": c.label_fr, "en": c.label_en}
                                 for c in case.categories]},
            interventions=[{"at": i.at, "kind": i.kind, "duration_minutes": i.duration_minutes}
                           for i in met.get(party.id, [])],
            round_tables=[{"starts_at": tables[i].starts_at, "status": tables[i].status,
                           "place": tables[i].place_label,
                           "invited": i in invited.get(party.id, ()),
                           "attended": i in attended.get(party.id, ())} for i in seen],
            agreements=[{"number": a.number, "status": a.status, "language": a.language,
                         "signed_on": a.signed_on, "created_at": a.created_at,
                         # The scanned signed copies: when, and their fingerprint.
                         "scans": [{"number": scan.number, "uploaded_at": scan.uploaded_at,
                                    "sha256": scan.sha256, "kept": scan.data is not None}
                                   for scan in scans.get(a.id, [])]}
                        for a in versions.get(case.id, [])],
            survey=[{"answered_on": a.answered_on, "useful": a.useful,
                     "satisfied": a.satisfied, "recommend": a.recommend}
                    for a in answers.get(party.id, [])]))
    return records


def _links(table, ids):
    found = {}
    for party_id, table_id in db.session.execute(
            select(table.c.party_id, table.c.round_table_id).where(table.c.party_id.in_(ids))):
        found.setdefault(party_id, []).append(table_id)
    return found


def as_json(records) -> dict:
    """The machine-readable file: codes and ISO dates."""
    def clean(value):
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return plain(value)

    return {"parties": [clean({"party": r.party, "case": r.case,
                               "interventions": r.interventions,
                               "round_tables": r.round_tables, "agreements": r.agreements,
                               "survey": r.survey}) for r in records]}
