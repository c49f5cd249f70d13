"""The demo's past year: the association's whole work from 1 January of last year to
yesterday (and the cases received in the two months before, still open on 1 January),
inserted in bulk so that the dashboard and the annual report show the yearly portrait's
order of magnitude (about 34,000 interventions a year across the six teams,
about 1,600 referrals to partners, 87 % of residents finding mediation useful).

Field activities (presence rounds, phone campaigns, reception presence, school actions and
workshops, technical watch reports, partner meetings) make most of the interventions; about
1,150 cases a year make the rest, each with a realistic life: contacts, round tables,
referrals to partners, a closing outcome, survey answers. Everything is drawn from a seeded
random generator, so two loads are the same, and inserted with one ``INSERT`` per table and
batch (no ORM objects), so a year loads in a second or two.

The year's residents carry made-up surnames of the "so-and-so" kind (Untel, Tartempion…):
plausible on a page, and clearly no real person. Their cases' timelines hold the created,
assigned and closed events (the contacts, round tables and referrals are on the case's page
in their own lists). Signed agreements are not generated: a signed agreement needs its Word
document, which costs tens of milliseconds each; the cases' outcomes say which ended in an
agreement, respected or not.

``generate()`` is also what benchmarks/dashboard.py loads many years of history with.
"""
import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, insert, select

from ..activity.models import FieldActivity, field_activity_mediators, interventions_for
from ..auth.models import Team, User
from ..cases import operations
from ..cases.models import (Case, CaseCounter, PartnerReferral, Party, SatisfactionAnswer,
                            TimelineEvent, case_categories)
from ..core.clock import local_zone, today as clock_today
from ..core.text import key
from ..extensions import db
from ..meetings.models import (Intervention, RoundTable, intervention_mediators,
                               intervention_parties, round_table_attended,
                               round_table_invited, round_table_mediators)
from ..reference.models import (ACTIVITY, CATEGORY, REFERRAL_REASON, SOURCE, TERRITORY,
                                MeetingPlace, Partner, ReferenceItem)
from .stories import FIRST_NAMES, REFERRERS, SITUATIONS

# Made-up surnames, the French "so-and-so": plausible, and clearly nobody real.
DEMO_SURNAMES = ["Untel", "Tartempion", "Quidam", "Lambda", "Machin", "Bidule", "Trucmuche",
                 "Pignon", "Lampion", "Dupuis-Exemple", "Martin-Démo", "Fictif", "Témoin",
                 "Modèle", "Essai", "Specimen", "Lambert-Démo", "Durand-Exemple"]
WOMEN = {"Hélène", "Sylvie", "Nathalie", "Fatoumata", "Élodie", "Monique", "Aïcha", "Leïla",
         "Samira", "Chantal", "Céline", "Nadia", "Inès", "Zohra", "Émilie", "Josiane"}

# Where each team works: (city, postcode, territory codes, streets).
AREAS = {
    "lyon8": ("Lyon", "69008", ("lyon8_mermoz", "lyon8_etats_unis", "lyon8_monplaisir",
                                "lyon8_bachut"),
              ("rue Professeur Beauvisage", "avenue Général Frère", "rue Genton",
               "boulevard des États-Unis", "rue Narvik", "avenue Jean Mermoz",
               "rue Maryse Bastié", "rue du Professeur Ranvier", "rue Challemel-Lacour",
               "avenue Paul Santy")),
    "lyon9": ("Lyon", "69009", ("lyon9_duchere", "lyon9_vaise", "lyon9_gorge_de_loup"),
              ("avenue Rosa Parks", "rue Marietton", "place Abbé Pierre",
               "avenue du Plateau", "rue des Érables", "rue de Bourgogne",
               "rue Sergent Michel Berthet", "montée de l'Observance")),
    "se": ("Saint-Étienne", "42000", ("se_montreynaud", "se_tarentaize_beaubrun",
                                      "se_cret_de_roch", "se_sud_est"),
           ("rue Pierre Loti", "rue de la Richelandière", "allée des Aubépines",
            "rue Beaubrun", "rue de la Tarentaize", "boulevard de la Palle",
            "rue Jean Huss", "rue Désiré Claude")),
}

ACTIVITY_KINDS = ("presence_round", "phone_campaign", "reception_presence", "school_action",
                  "school_workshop", "technical_watch", "partner_meeting")


@dataclass(frozen=True)
class TeamProfile:
    area: str
    cases: int  # cases received in a year
    activities: tuple  # field activities a year, in the order of ACTIVITY_KINDS


# A year of each team; about 34,000 interventions in all (28,000 of field activity).
TEAMS = {
    "Territoires": TeamProfile("lyon8", 300, (420, 0, 60, 0, 0, 140, 90)),
    "Habitat": TeamProfile("lyon8", 320, (140, 250, 0, 0, 0, 320, 90)),
    "Saint-Étienne": TeamProfile("se", 300, (350, 100, 120, 80, 70, 140, 90)),
    "Espaces publics": TeamProfile("lyon9", 80, (490, 0, 0, 0, 0, 300, 80)),
    "Médiation à l'école": TeamProfile("lyon9", 60, (0, 0, 0, 320, 280, 0, 70)),
    "Établissements": TeamProfile("lyon9", 90, (0, 150, 420, 0, 0, 0, 80)),
}
DEFAULT_PROFILE = TeamProfile("lyon8", 100, (100, 50, 50, 0, 0, 50, 40))

# kind: (mode, people met (low, high), minutes (low, high), local hours, chance of a
# referral to a partner on the spot, places, note)
KINDS = {
    "presence_round": ("individual", (3, 16), (120, 180), (10, 14, 16), 0.33,
                       ("Place du marché", "Abords du centre commercial", "Square et aire "
                        "de jeux", "Halls d'immeubles", "Arrêt de tramway"),
                       "Tour de présence : échanges avec des habitants et des commerçants."),
    "phone_campaign": ("individual", (6, 22), (120, 240), (9, 14), 0.40,
                       ("Depuis le local", "Antenne de quartier"),
                       "Appels aux locataires signalés par le bailleur."),
    "reception_presence": ("individual", (4, 12), (180, 240), (9, 13), 0.50,
                           ("Bureau de poste", "Accueil de la mairie de quartier",
                            "Accueil du bailleur", "Maison de la Métropole"),
                           "Présence à l'accueil : orientation et aide aux démarches."),
    "school_action": ("individual", (2, 8), (60, 120), (8, 10, 13, 15), 0.15,
                      ("Collège", "École élémentaire", "Lycée professionnel"),
                      "Médiation entre élèves à la demande de l'établissement."),
    "school_workshop": ("collective", (15, 30), (60, 120), (8, 10, 14), 0.0,
                        ("Collège, classe de 5e", "Collège, classe de 4e",
                         "École élémentaire, CM2", "Lycée professionnel, 2de"),
                        "Atelier « gérer les conflits » avec une classe."),
    "technical_watch": ("individual", (0, 0), (15, 45), (9, 11, 15, 17), 0.0,
                        ("Hall d'immeuble", "Parking", "Aire de jeux", "Local poubelles"),
                        "Dysfonctionnement signalé au bailleur ou à la ville."),
    "partner_meeting": ("collective", (3, 12), (60, 120), (9, 14, 17), 0.0,
                        ("Mairie de quartier", "Local de l'association", "Centre social"),
                        "Réunion avec les partenaires du quartier."),
}

# outcome: (share of cases, contacts (low, high), days from first contact to closure,
# round table held, survey asked, chance the residents find it useful, the partner's effect)
OUTCOMES = {
    "not_eligible": (8, (0, 1), (2, 10), False, False, 0, 0),
    "referred_to_partner": (7, (1, 2), (3, 15), False, False, 0, 0),
    "withdrawn": (6, (1, 3), (5, 40), False, False, 0, 0),
    "unreachable": (8, (2, 5), (20, 60), False, False, 0, 0),
    "party_declined": (14, (2, 5), (10, 45), False, True, 0.75, 0.65),
    "resolved_before_round_table": (25, (3, 7), (15, 70), False, True, 0.92, 0.84),
    "no_agreement": (7, (4, 8), (20, 60), True, True, 0.80, 0.60),
    "agreement_respected": (20, (5, 9), (45, 95), True, True, 0.95, 0.86),
    "agreement_breached": (5, (5, 9), (45, 95), True, True, 0.80, 0.70),
}
SUMMARIES = {
    "not_eligible": "Hors du champ de la médiation : orienté vers un partenaire.",
    "referred_to_partner": "Situation relevant d'un partenaire, vers qui les parties sont "
                           "orientées.",
    "withdrawn": "Le demandeur retire sa demande : la situation s'est apaisée.",
    "unreachable": "L'autre partie ne répond ni aux appels ni aux courriers.",
    "party_declined": "L'autre partie ne souhaite pas de médiation.",
    "resolved_before_round_table": "Réglé après les entretiens individuels.",
    "no_agreement": "Les parties n'ont pas trouvé de terrain d'entente en table ronde.",
    "agreement_respected": "Accord signé en table ronde ; engagements tenus au suivi.",
    "agreement_breached": "Accord signé en table ronde ; engagements non tenus au suivi.",
}
SOURCES = {"resident": 40, "social_landlord": 25, "town_hall": 12, "municipal_police": 8,
           "school": 5, "other_partner": 10}
CATEGORIES = {"noise": 35, "shared_areas": 10, "animals": 8, "odours": 6, "children": 8,
              "parking": 6, "waste_hygiene": 7, "insults_harassment": 8,
              "boundaries_plants": 4, "water_damage": 5, "other": 3}
REASONS = {"housing": 25, "social_support": 20, "legal": 12, "health": 8,
           "administrative": 15, "budget": 6, "safety": 6, "family_youth": 5, "other": 3}
# Who residents are sent to, by reason and city (names of the default partners; any
# partner when an administrator renamed them).
PARTNERS = {
    ("housing", "Lyon"): ("Grand Lyon Habitat", "ADIL du Rhône"),
    ("housing", "Saint-Étienne"): ("Métropole Habitat Saint-Étienne",),
    ("legal", "Lyon"): ("Conciliateur de justice — Tribunal judiciaire de Lyon",
                        "Point-justice — CDAD du Rhône"),
    ("legal", "Saint-Étienne"): ("Point-justice — CDAD du Rhône",),
    ("safety", "Lyon"): ("Police municipale de Lyon",),
    ("Lyon",): ("Maison de la Métropole — Lyon 8e",),
    ("Saint-Étienne",): ("CCAS de Saint-Étienne",),
}
CONTACTS = {  # kind of a case contact: (minutes (low, high), summary)
    "phone": ((10, 30), "Appel téléphonique : point sur la situation."),
    "home_visit": ((30, 60), "Visite à domicile : la partie donne sa version des faits."),
    "office": ((30, 60), "Entretien au local de l'association."),
    "door_to_door": ((30, 60), "Porte-à-porte dans l'immeuble."),
    "letter_email": ((10, 20), "Courrier envoyé pour proposer un rendez-vous."),
    "partner_meeting": ((45, 90), "Point avec le bailleur et le gardien."),
}
BATCH = 5000


def load_year(today: date | None = None) -> dict:
    """The demo's past year, once: skipped when the database already has field activity
    (run twice, ``demo-data`` duplicates nothing)."""
    if db.session.execute(select(func.count(FieldActivity.id))).scalar_one():
        return {}
    today = today or clock_today()
    world = World.read()
    rng = random.Random(2025)
    totals: dict = {}
    # Cases received in the last two months of the year before, so that last year opens
    # with its usual caseload (without them, January would count a third of its contacts).
    for name, count in generate(world, date(today.year - 2, 11, 1),
                                date(today.year - 2, 12, 31), today, rng,
                                field_activity=False).items():
        totals[name] = totals.get(name, 0) + count
    first = date(today.year - 1, 1, 1)
    while first < today:  # a year at a time: the cases' numbers follow each year
        last = min(date(first.year, 12, 31), today - timedelta(days=1))
        for name, count in generate(world, first, last, today, rng).items():
            totals[name] = totals.get(name, 0) + count
        first = date(first.year + 1, 1, 1)
    world.save_counters()
    db.session.commit()
    return totals


@dataclass
class World:
    """What the rows point at: the reference lists, teams, staff, partners, places."""
    items: dict  # kind → {code: id}
    cities: dict  # territory id → city
    teams: list  # (id, name)
    mediators: dict  # team id → [(user id, full name)]
    managers: dict  # team id → (user id, full name)
    partners: dict  # name → id
    places: dict  # city → [meeting place id]
    counters: dict = field(default_factory=dict)  # year → last case number

    @classmethod
    def read(cls) -> "World":
        items, cities = {}, {}
        for item in db.session.execute(select(ReferenceItem).where(ReferenceItem.active)
                                       ).scalars():
            items.setdefault(item.kind, {})[item.code] = item.id
            cities[item.id] = item.city
        mediators, managers = {}, {}
        for user in db.session.execute(select(User).where(User.active).order_by(User.id)
                                       ).scalars():
            for team in user.teams:
                if user.has_role("mediator"):
                    mediators.setdefault(team.id, []).append((user.id, user.full_name))
                elif user.has_role("manager"):
                    managers.setdefault(team.id, (user.id, user.full_name))
        places = {}
        for place in db.session.execute(select(MeetingPlace).order_by(MeetingPlace.id)
                                        ).scalars():
            city = "Saint-Étienne" if "Saint-Étienne" in (place.address or "") else "Lyon"
            places.setdefault(city, []).append(place.id)
        return cls(items=items, cities=cities,
                   teams=list(db.session.execute(select(Team.id, Team.name)
                                                 .order_by(Team.id)).all()),
                   mediators=mediators, managers=managers,
                   partners=dict(db.session.execute(select(Partner.name, Partner.id)
                                                    .where(Partner.active)).all()),
                   places=places,
                   counters=dict(db.session.execute(select(CaseCounter.year,
                                                           CaseCounter.last_number)).all()))

    def next_reference(self, year: int) -> tuple[int, str]:
        number = self.counters.get(year, 0) + 1
        self.counters[year] = number
        return number, operations.format_reference(year, number)

    def save_counters(self):
        for year, last in self.counters.items():
            row = db.session.get(CaseCounter, year)
            if row is None:
                db.session.add(CaseCounter(year=year, last_number=last))
            elif row.last_number < last:
                row.last_number = last
        db.session.flush()


# France's public holidays that fall on the same day every year.
HOLIDAYS = {(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)}


class Days:
    """The days of a period, weighted: mediators work on weekdays but public holidays,
    less in August and between Christmas and New Year; schools close in summer."""

    def __init__(self, first: date, last: date):
        self.days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        self.fraction = len(self.days) / 365

    def weights(self, saturday=0.0, school=False):
        out = []
        for day in self.days:
            weight = saturday if day.weekday() == 5 else (0.0 if day.weekday() == 6 else 1.0)
            if (day.month, day.day) in HOLIDAYS:
                weight = 0.0
            if day.month == 8 or (day.month == 12 and day.day > 22):
                weight *= 0.0 if school else 0.5
            elif school and (day.month == 7 or (day.month == 12 and day.day > 19)):
                weight = 0.0
            out.append(weight)
        return out if any(out) else [1.0] * len(out)


def _weighted(rng, table: dict):
    return rng.choices(list(table), weights=list(table.values()))[0]


def _utc(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=local_zone()).astimezone(
        timezone.utc)


def _working(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


class Rows:
    """Rows waiting to be inserted, table by table, in the order of their foreign keys."""

    def __init__(self):
        self.tables = {}

    def add(self, table, row):
        self.tables.setdefault(table, []).append(row)


def generate(world: World, first: date, last: date, today: date, rng: random.Random,
             cases_scale: float = 1.0, contacts_scale: float = 1.0,
             field_activity: bool = True) -> dict:
    """Insert the work of the days from ``first`` to ``last`` (included): field activities
    and cases received then, each case's life as far as the day before ``today``. Returns
    how many rows of each table. ``cases_scale`` and ``contacts_scale`` multiply the
    cases received and the contacts per case (the benchmarks' history)."""
    days = Days(first, last)
    counts = {}
    activity_kinds = world.items.get(ACTIVITY, {})
    for team_id, team_name in world.teams:
        profile = TEAMS.get(team_name, DEFAULT_PROFILE)
        mediators = world.mediators.get(team_id, [])
        if not mediators:
            continue
        area = AREAS[profile.area]
        territories = [world.items.get(TERRITORY, {}).get(code) for code in area[2]]
        territories = [t for t in territories if t] or [None]
        activities = []
        for kind, per_year in zip(ACTIVITY_KINDS, profile.activities):
            if kind not in activity_kinds or not per_year or not field_activity:
                continue
            count = round(per_year * days.fraction)
            weights = days.weights(saturday=0.3 if kind == "presence_round" else 0.0,
                                   school=kind.startswith("school"))
            for day in sorted(rng.choices(days.days, weights=weights, k=count)):
                activities.append(_activity(rng, world, kind, activity_kinds[kind], day,
                                            today, team_id, mediators, territories, area[0]))
        _count(counts, _insert_activities(activities))
        cases = []
        count = round(profile.cases * days.fraction * cases_scale)
        for day in sorted(rng.choices(days.days, weights=days.weights(), k=count)):
            cases.append(_case(rng, world, day, today, team_id, team_name, mediators,
                               territories, area, contacts_scale))
        _count(counts, _insert_cases(world, cases))
    return counts


def _count(counts, more):
    for name, number in more.items():
        counts[name] = counts.get(name, 0) + number


# — Field activity ————————————————————————————————————————————————————————————

def _activity(rng, world, kind, kind_id, day, today, team_id, mediators, territories, city):
    mode, people, minutes, hours, referral_chance, places, note = KINDS[kind]
    met = rng.randint(*people)
    team_mediators = rng.sample(mediators, min(len(mediators), 2 if rng.random() < 0.3 else 1))
    at = _utc(day, rng.choice(hours), rng.choice((0, 15, 30)))
    row = {"kind_id": kind_id, "at": at,
           "duration_minutes": rng.randrange(minutes[0], minutes[1] + 1, 15),
           "team_id": team_id, "territory_id": rng.choice(territories)
           if kind != "partner_meeting" else None,
           "place": rng.choice(places), "mode": mode, "people_met": met,
           "interventions": interventions_for(mode, met), "note": note,
           "created_by_id": team_mediators[0][0], "created_at": at + timedelta(hours=3),
           "version": 1}
    referrals = []
    if rng.random() < referral_chance:
        referrals.append(_referral(rng, world, day, city, team_id, mediators,
                                   team_mediators[0][0], "field", today))
    return row, [m for m, _name in team_mediators], referrals


def _insert_activities(activities) -> dict:
    if not activities:
        return {}
    ids = _insert_returning(FieldActivity, [row for row, _m, _r in activities])
    links, referrals = [], []
    for activity_id, (_row, mediators, made) in zip(ids, activities):
        links += [{"field_activity_id": activity_id, "user_id": m} for m in mediators]
        for referral in made:
            referrals.append({**referral, "field_activity_id": activity_id})
    _insert(field_activity_mediators, links)
    _insert(PartnerReferral, referrals)
    return {"field_activities": len(ids), "referrals": len(referrals),
            "interventions": sum(row["interventions"] for row, _m, _r in activities)}


def _referral(rng, world, day, city, team_id, mediators, made_by, stage, today):
    reason = _weighted(rng, REASONS)
    names = PARTNERS.get((reason, city)) or PARTNERS.get((city,)) or ()
    found = [world.partners[n] for n in names if n in world.partners]
    partner_id = rng.choice(found or sorted(world.partners.values()))
    checked = day + timedelta(days=rng.randint(7, 45))
    taken_up, taken_up_on, taken_up_by = "unknown", None, None
    if checked < today:
        taken_up = rng.choices(("yes", "no", "unknown"), weights=(65, 18, 17))[0]
        if taken_up != "unknown":
            taken_up_on, taken_up_by = checked, rng.choice(mediators)[0]
    return {"case_id": None, "field_activity_id": None, "team_id": team_id,
            "partner_id": partner_id,
            "reason_id": world.items.get(REFERRAL_REASON, {}).get(reason), "reason": "",
            "referred_on": day, "stage": stage, "made_by_id": made_by, "taken_up": taken_up,
            "taken_up_on": taken_up_on, "taken_up_by_id": taken_up_by,
            "created_at": _utc(day, 17), "version": 1}


# — Cases ———————————————————————————————————————————————————————————————————————

@dataclass
class _Life:
    case: dict
    parties: list
    categories: list
    contacts: list = field(default_factory=list)  # (row, mediator ids, party indexes)
    round_tables: list = field(default_factory=list)  # (row, mediator ids, attended)
    referrals: list = field(default_factory=list)
    answers: list = field(default_factory=list)  # (row, party index or None)
    events: list = field(default_factory=list)


def _case(rng, world, received, today, team_id, team_name, mediators, territories, area,
          contacts_scale):
    city, postcode, _codes, streets = area
    manager = world.managers.get(team_id) or mediators[0]
    source = _weighted(rng, {"social_landlord": 55, "resident": 25, "other_partner": 20}
                       if team_name == "Habitat" else {"school": 50, "resident": 30,
                                                       "other_partner": 20}
                       if team_name == "Médiation à l'école" else SOURCES)
    category = _weighted(rng, CATEGORIES)
    categories = [category]
    if rng.random() < 0.15:
        categories.append(_weighted(rng, CATEGORIES))
    categories = [world.items[CATEGORY][c] for c in dict.fromkeys(categories)
                  if c in world.items.get(CATEGORY, {})]
    description = next((text for code, _s, text in SITUATIONS if code == category),
                       SITUATIONS[0][2])
    street = f"{rng.randint(1, 150)} {rng.choice(streets)}"
    names = []
    while len(names) < 2:
        name = (rng.choice(FIRST_NAMES), rng.choice(DEMO_SURNAMES))
        if not names or name[1] != names[0][1]:
            names.append(name)
    outcome = _weighted(rng, {o: spec[0] for o, spec in OUTCOMES.items()})
    _share, contacts, to_close, round_table, survey, useful, effect = OUTCOMES[outcome]
    lead, co = rng.choice(mediators), None
    if len(mediators) > 1 and rng.random() < 0.35:
        co = rng.choice([m for m in mediators if m != lead])
    assigned = _working(received + timedelta(days=rng.randint(1, 3)))
    first_contact = _working(assigned + timedelta(
        days=min(60, int(rng.lognormvariate(math.log(5), 0.6)))))
    if outcome == "not_eligible":
        closed = received + timedelta(days=rng.randint(*to_close))
        lead = co = None
    else:
        closed = first_contact + timedelta(days=rng.randint(*to_close))
    closed = _working(closed)
    is_closed = closed < today
    status = "closed" if is_closed else (
        "referral" if lead is None or assigned >= today else
        "assigned" if first_contact >= today else "mediation")
    if status == "referral":
        lead = co = None
    case = {"received_on": received, "source_id": world.items[SOURCE].get(source),
            "referrer_organisation": REFERRERS.get(source, ("", ""))[
                0 if city == "Lyon" else 1], "referrer_name": "", "referrer_contact": "",
            "team_id": team_id, "territory_id": rng.choice(territories), "street": street,
            "building": "", "staircase": rng.choice(("", "", "A", "B")), "floor": "",
            "postcode": postcode, "city": city, "address_key": key(street, postcode, city),
            "description": description,
            "urgency": rng.choices(("normal", "high", "low"), weights=(80, 10, 10))[0],
            "violence_or_threats": False, "legal_proceedings": outcome == "not_eligible",
            "eligibility_note": "Procédure judiciaire en cours entre les parties."
            if outcome == "not_eligible" else "",
            "status": status, "outcome": outcome if is_closed else None,
            "closed_on": closed if is_closed else None, "referred_to_id": None,
            "closing_summary": SUMMARIES[outcome] if is_closed else "",
            "lead_mediator_id": lead[0] if lead else None,
            "co_mediator_id": co[0] if co else None, "created_by_id": manager[0],
            "created_at": _utc(received, 9), "updated_at": _utc(min(closed, today), 12),
            "version": 1}
    parties = []
    for role, floor, (first, last) in zip(("complainant", "respondent"),
                                          ("2e étage", "3e étage"), names):
        parties.append({"role": role, "kind": "person",
                        "civility": "mme" if first in WOMEN else "m", "first_name": first,
                        "last_name": last, "street": street, "building": "",
                        "staircase": case["staircase"], "floor": floor,
                        "postcode": postcode, "city": city, "phone": "", "email": "",
                        "language": "fr", "consent": "given" if lead else "unknown",
                        "consent_on": first_contact if lead and first_contact < today
                        else None, "consent_method": "phone" if lead and
                        first_contact < today else "",
                        "name_key": key(last, first),
                        "address_key": key(street, postcode, city),
                        "created_at": _utc(received, 9, 30), "version": 1})
    if parties[0]["consent_on"] is None:
        parties[0].update(consent="unknown", consent_method="")
        parties[1].update(consent="unknown", consent_method="", consent_on=None)
    life = _Life(case, parties, categories)
    life.events.append((_utc(received, 9), manager[0], "created", [
        ("status", None, "referral"), ("team", None, team_name)], ""))
    if lead and assigned < today:
        life.events.append((_utc(assigned, 9, 30), manager[0], "assigned", [
            ("lead_mediator", None, lead[1])]
            + ([("co_mediator", None, co[1])] if co else [])
            + [("status", "referral", "assigned")], ""))

    # The contacts, from the first to the closure (or yesterday).
    people = [m for m in (lead, co) if m] or [rng.choice(world.mediators[team_id])]
    planned = max(contacts[0], round(rng.randint(*contacts) * contacts_scale))
    if status == "referral" and outcome != "not_eligible":
        planned = 0  # not assigned yet
    end = min(closed, today - timedelta(days=1))
    start = first_contact if lead else received
    table_day = None
    if round_table:
        table_day = _working(first_contact + timedelta(
            days=max(10, int(rng.lognormvariate(math.log(28), 0.4)))))
        if table_day >= closed:
            table_day = None
    for index in range(planned):
        if index == 0:
            day, kind, met = start, "phone", [0]
        elif index == 1:
            day = _working(start + timedelta(days=rng.randint(2, 8)))
            kind, met = rng.choice(("home_visit", "office", "door_to_door", "phone")), [1]
        else:
            day = _working(start + timedelta(days=rng.randint(3, max(3, (closed - start)
                                                                     .days))))
            kind = rng.choices(tuple(CONTACTS), weights=(45, 15, 12, 8, 12, 8))[0]
            met = [] if kind == "partner_meeting" else rng.choice(([0], [1], [0, 1]))
        if day > end or day > closed:
            continue
        minutes, summary = CONTACTS[kind]
        at = _utc(day, rng.randint(9, 17), rng.choice((0, 15, 30, 45)))
        who = [people[0]] + ([people[1]] if len(people) > 1 and kind in (
            "home_visit", "office", "door_to_door") and rng.random() < 0.5 else [])
        life.contacts.append(({"kind": kind, "at": at,
                               "duration_minutes": rng.randrange(minutes[0], minutes[1] + 1, 5),
                               "summary": summary, "notes": "", "created_by_id": who[0][0],
                               "created_at": at + timedelta(hours=1), "version": 1},
                              [m[0] for m in who], met))
    if table_day is not None and table_day <= end:
        place = rng.choice(world.places.get(city) or sum(world.places.values(), []) or [None])
        agreed = outcome.startswith("agreement")
        table_outcome = ("partial_agreement" if rng.random() < 0.1 else "agreement") \
            if agreed else "no_agreement"
        if rng.random() < 0.1:  # postponed once, held a week later
            postponed = max(first_contact, _working(table_day - timedelta(days=7)))
            life.round_tables.append((_table(place, postponed, people, "postponed", None),
                                      [m[0] for m in people], False))
        life.round_tables.append((_table(place, table_day, people, "held", table_outcome),
                                  [m[0] for m in people], True))

    # Referrals to partners: at intake, during the case, at its closure.
    mediators_of_team = world.mediators[team_id]
    maker = (lead or people[0])[0]
    if is_closed and (outcome == "referred_to_partner" or (
            outcome == "not_eligible" and rng.random() < 0.9)):
        at_intake = outcome == "not_eligible" or rng.random() < 0.5
        referral = _referral(rng, world, closed, city, team_id, mediators_of_team, maker,
                             "intake" if at_intake else "closure", today)
        life.referrals.append(referral)
        if outcome == "referred_to_partner":
            case["referred_to_id"] = referral["partner_id"]
    if lead and first_contact < today and rng.random() < 0.3:
        day = _working(first_contact + timedelta(days=rng.randint(0, 20)))
        if day <= end:
            life.referrals.append(_referral(rng, world, day, city, team_id, mediators_of_team,
                                            maker, "case", today))
    if is_closed and survey and rng.random() < 0.22:
        life.referrals.append(_referral(rng, world, closed, city, team_id, mediators_of_team,
                                        maker, "closure", today))

    # The survey: each party may answer, and the referring partner.
    if is_closed and survey:
        for index in (0, 1):
            answered = closed + timedelta(days=rng.randint(0, 21))
            if rng.random() < 0.45 and answered < today:
                life.answers.append((_answers(rng, useful, answered, partner=False), index))
        answered = closed + timedelta(days=rng.randint(7, 40))
        if source != "resident" and rng.random() < 0.4 and answered < today:
            life.answers.append((_answers(rng, effect, answered, partner=True), None))

    if is_closed:
        old = "referral" if lead is None else ("follow_up" if outcome.startswith("agreement")
                                               else "mediation")
        changes = [("status", old, "closed"), ("outcome", None, outcome),
                   ("closing_summary", None, SUMMARIES[outcome])]
        if case["referred_to_id"]:
            name = next(n for n, i in world.partners.items() if i == case["referred_to_id"])
            changes.append(("referred_to", None, name))
        life.events.append((_utc(closed, 16), (lead or manager)[0], "closed", changes,
                            SUMMARIES[outcome]))
    return life


def _table(place, day, people, status, outcome):
    starts = _utc(day, 17)
    return {"starts_at": starts, "ends_at": starts + timedelta(minutes=90),
            "duration_minutes": 90, "place_id": place,
            "place_text": "" if place else "Local de l'association", "status": status,
            "status_reason": "Une partie empêchée ; nouvelle date fixée."
            if status == "postponed" else "", "outcome": outcome, "minutes": "",
            "created_by_id": people[0][0], "created_at": starts - timedelta(days=10),
            "version": 1}


def _answers(rng, chance, day, partner):
    def scale(yes):
        return rng.choice((3, 4, 4)) if yes else rng.choice((1, 2, 2))

    row = {"useful": None, "satisfied": None, "recommend": None, "effect": None}
    if partner:
        row["effect"] = scale(rng.random() < chance)
        if rng.random() < 0.5:
            row["satisfied"] = scale(rng.random() < chance)
    else:
        if rng.random() < 0.94:
            row["useful"] = scale(rng.random() < chance)
        if rng.random() < 0.9:
            row["satisfied"] = scale(rng.random() < chance)
        if rng.random() < 0.85:
            row["recommend"] = scale(rng.random() < chance)
        if not any(row.values()):
            row["useful"] = scale(rng.random() < chance)
    return {**row, "answered_on": day, "created_at": _utc(day, 12)}


def _insert_cases(world, lives: list) -> dict:
    if not lives:
        return {}
    lives.sort(key=lambda life: life.case["received_on"])
    for life in lives:
        case = life.case
        case["year"] = case["received_on"].year
        case["number"], case["reference"] = world.next_reference(case["year"])
        names = [part for p in life.parties for part in (p["first_name"], p["last_name"],
                                                          p["street"], p["city"])]
        case["search_text"] = key(case["reference"], case["street"], case["postcode"],
                                  case["city"], *names) + " " + case["reference"]
    case_ids = _insert_returning(Case, [life.case for life in lives])
    parties, links, events = [], [], []
    for case_id, life in zip(case_ids, lives):
        for party in life.parties:
            party["case_id"] = case_id
        parties += life.parties
        links += [{"case_id": case_id, "category_id": c} for c in life.categories]
        events += [{"case_id": case_id, "at": at, "actor_id": actor, "kind": kind,
                    "changes": [{"field": f, "old": o, "new": n} for f, o, n in changes],
                    "reason": reason} for at, actor, kind, changes, reason in life.events]
    party_ids = _insert_returning(Party, parties)
    _insert(case_categories, links)
    _insert(TimelineEvent, events)

    contacts, tables, referrals, answers = [], [], [], []
    for position, (case_id, life) in enumerate(zip(case_ids, lives)):
        own = party_ids[2 * position:2 * position + 2]
        team_id = life.case["team_id"]
        contacts += [({**row, "case_id": case_id, "team_id": team_id}, who,
                      [own[i] for i in met])
                     for row, who, met in life.contacts]
        tables += [({**row, "case_id": case_id, "team_id": team_id}, who,
                    own if held else [], own) for row, who, held in life.round_tables]
        referrals += [{**row, "case_id": case_id} for row in life.referrals]
        answers += [{**row, "case_id": case_id, "team_id": team_id,
                     "party_id": own[index] if index is not None else None}
                    for row, index in life.answers]
    intervention_ids = _insert_returning(Intervention, [row for row, _w, _p in contacts])
    _insert(intervention_mediators, [
        {"intervention_id": i, "user_id": u}
        for i, (_row, who, _p) in zip(intervention_ids, contacts) for u in who])
    _insert(intervention_parties, [
        {"intervention_id": i, "party_id": p}
        for i, (_row, _w, met) in zip(intervention_ids, contacts) for p in met])
    table_ids = _insert_returning(RoundTable, [row for row, *_rest in tables])
    _insert(round_table_mediators, [{"round_table_id": t, "user_id": u}
                                    for t, (_r, who, _a, _i) in zip(table_ids, tables)
                                    for u in who])
    _insert(round_table_invited, [{"round_table_id": t, "party_id": p}
                                  for t, (_r, _w, _a, invited) in zip(table_ids, tables)
                                  for p in invited])
    _insert(round_table_attended, [{"round_table_id": t, "party_id": p}
                                   for t, (_r, _w, attended, _i) in zip(table_ids, tables)
                                   for p in attended])
    _insert(PartnerReferral, referrals)
    _insert(SatisfactionAnswer, answers)
    return {"cases": len(case_ids), "interventions": len(intervention_ids),
            "case_interventions": len(intervention_ids), "round_tables": len(table_ids),
            "referrals": len(referrals), "answers": len(answers)}


def _insert(target, rows):
    """Core inserts (the tables, not the ORM's bulk path, which inserts a versioned row at a
    time): a few statements of many rows each."""
    table = getattr(target, "__table__", target)
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(table), rows[start:start + BATCH])


def _insert_returning(model, rows) -> list:
    """Insert and return the new ids, in the order of ``rows``."""
    table, ids = model.__table__, []
    for start in range(0, len(rows), BATCH):
        ids += db.session.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True),
            rows[start:start + BATCH]).scalars().all()
    return ids
