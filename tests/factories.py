"""Build accounts and teams for tests, straight in the database."""
from functools import lru_cache

from werkzeug.security import generate_password_hash

from casework.auth.models import Team, User
from casework.core import clock
from casework.extensions import db

PASSWORD = "correct horse battery"
# The test apps' PASSWORD_HASH_METHOD: one round of PBKDF2, where production's scrypt costs
# a tenth of a second per login (test_admin checks that production keeps scrypt).
PASSWORD_HASH_METHOD = "pbkdf2:sha256:1"


@lru_cache(maxsize=None)
def _hash(password):
    return generate_password_hash(password, method=PASSWORD_HASH_METHOD)


def team(name="Territoires") -> Team:
    team = Team(name=name)
    db.session.add(team)
    db.session.commit()
    return team


def user(username="mediator", *, roles=("mediator",), teams=(), full_name=None,
         password=PASSWORD, active=True, language=None) -> User:
    account = User(
        username=username,
        full_name=full_name or username.replace(".", " ").title(),
        email=f"{username}@example.org",
        password_hash=_hash(password),
        active=active,
        language=language,
    )
    account.roles = roles
    account.teams = list(teams)
    db.session.add(account)
    db.session.commit()
    return account


# — Reference lists and cases ————————————————————————————————————————————————

def reference(kind="category", code="noise", label_fr="Bruit", label_en="Noise", city=None,
              position=0):
    from casework.reference.models import ReferenceItem

    item = db.session.execute(db.select(ReferenceItem).filter_by(kind=kind, code=code)
                              ).scalar_one_or_none()
    if item is None:
        item = ReferenceItem(kind=kind, code=code, label_fr=label_fr, label_en=label_en,
                             city=city, position=position)
        db.session.add(item)
        db.session.commit()
    return item


def partner(name="Conciliateur de justice de Lyon"):
    from casework.reference.models import Partner

    item = Partner(name=name, kind_fr="Justice", kind_en="Justice")
    db.session.add(item)
    db.session.commit()
    return item


def case(team, *, creator=None, status="referral", received_on=None, street="12 rue Garibaldi",
         postcode="69008", city="Lyon", lead=None, co=None, parties=(), categories=("noise",),
         description="Bruits de pas le soir.", urgency="normal", outcome=None,
         consent="unknown"):
    """A case straight in the database (the operations are tested on their own). Its
    parties' consent is not asked yet unless ``consent`` says ("given": by phone, the day
    the case was received), as a case's real parties start."""

    from casework.cases import operations
    from casework.cases.models import Case, Party
    from casework.core.text import key

    team = db.session.merge(team)
    received_on = received_on or clock.today()
    number = operations.next_number(received_on.year)
    source = reference("source", "resident", "Habitant", "Resident")
    creator = db.session.merge(creator) if creator is not None else \
        db.session.execute(db.select(User).order_by(User.id)).scalars().first() or \
        user("case.creator", roles=("manager",), teams=[team])
    item = Case(year=received_on.year, number=number,
                reference=operations.format_reference(received_on.year, number),
                received_on=received_on, source=source, team=team, street=street,
                postcode=postcode, city=city, description=description, urgency=urgency,
                status=status, created_by_id=creator.id,
                outcome=outcome or ("withdrawn" if status == "closed" else None),
                lead_mediator=db.session.merge(lead) if lead is not None else None,
                co_mediator=db.session.merge(co) if co is not None else None)
    item.categories = [reference("category", code, code.title(), code.title())
                       for code in categories]
    for index, spec in enumerate(parties):
        first, last = spec if isinstance(spec, tuple) else ("", spec)
        party = Party(role="complainant" if index == 0 else "respondent", last_name=last,
                      first_name=first, street=street, postcode=postcode, city=city)
        if consent != "unknown":
            party.consent, party.consent_on, party.consent_method = \
                consent, received_on, "phone"
        party.name_key = key(last, first)
        party.address_key = key(street, postcode, city)
        item.parties.append(party)
    operations.refresh_search_text(item)
    db.session.add(item)
    db.session.commit()
    return item


def place(name="Salle de réunion — Maison des associations", address="12 rue Garibaldi, 69008 Lyon"):
    from casework.reference.models import MeetingPlace

    item = MeetingPlace(name=name, address=address)
    db.session.add(item)
    db.session.commit()
    return item


def round_table(case, mediators, *, place_text="Centre social", starts_in_days=7,
                status="scheduled"):
    """A round table with every party of ``case`` invited. A round table is scheduled only
    with parties who consented: theirs is recorded as given (by phone, today) if it was
    not asked yet."""
    from datetime import timedelta

    from casework.cases.models import Case
    from casework.meetings.models import RoundTable

    case = db.session.get(Case, case.id)
    for party in case.parties:
        if party.consent == "unknown":
            party.consent, party.consent_on, party.consent_method = \
                "given", clock.today(), "phone"
    starts = clock.utcnow().replace(microsecond=0) + timedelta(days=starts_in_days)
    table = RoundTable(case=case, starts_at=starts, ends_at=starts + timedelta(minutes=90),
                       duration_minutes=90, place_text=place_text,
                       mediators=[db.session.get(User, m.id) for m in mediators],
                       invited=list(case.parties), created_by_id=mediators[0].id,
                       status=status)
    db.session.add(table)
    db.session.commit()
    return table


def intervention(case, mediators, *, at, kind="phone", minutes=30):
    """A contact logged on ``case`` at ``at`` (an aware datetime)."""
    from casework.cases.models import Case
    from casework.meetings.models import Intervention

    case = db.session.get(Case, case.id)
    item = Intervention(case=case, kind=kind, at=at, duration_minutes=minutes,
                        summary="Appel de suivi.", created_by_id=mediators[0].id,
                        mediators=[db.session.get(User, m.id) for m in mediators])
    db.session.add(item)
    db.session.commit()
    return item


def partner_referral(case, partner, *, made_by=None, referred_on=None, stage="case",
                     reason=None, taken_up="unknown", field_activity=None, team=None):
    """A referral to a partner straight in the database: of a case, or (``case`` None) of
    a field activity."""
    from casework.cases.models import PartnerReferral

    item = PartnerReferral(
        case_id=case.id if case is not None else None,
        field_activity_id=field_activity.id if field_activity is not None else None,
        team_id=case.team_id if case is not None else team.id, partner_id=partner.id,
        reason_id=reason.id if reason is not None else None,
        referred_on=referred_on or clock.today(),
        stage="field" if field_activity is not None else stage,
        made_by_id=made_by.id if made_by is not None else None, taken_up=taken_up)
    db.session.add(item)
    db.session.commit()
    return item


def field_activity(team, creator, kind=None, *, mediators=None, people_met=5,
                   mode="individual", at=None, day=None, minutes=60):
    """A field activity of ``team`` (a presence round unless told), straight in the
    database."""
    from datetime import datetime, time, timezone

    from casework.activity.models import FieldActivity, interventions_for

    kind = kind or reference("activity", "presence_round", "Présence active de proximité",
                             "Public-space presence round")
    if at is None and day is not None:
        at = datetime.combine(day, time(9), tzinfo=timezone.utc)
    item = FieldActivity(kind_id=kind.id, at=at or clock.utcnow().replace(microsecond=0),
                         duration_minutes=minutes, team_id=team.id, mode=mode,
                         people_met=people_met, interventions=interventions_for(mode, people_met),
                         created_by_id=creator.id,
                         mediators=[db.session.get(User, m.id)
                                    for m in (mediators or [creator])])
    db.session.add(item)
    db.session.commit()
    return item
