"""Demo cases: realistic neighbour conflicts at every stage, in Lyon and Saint-Étienne.

``load_stories()`` tells each case through the operations, as users would (so each has an
honest timeline); ``load_bulk(n)`` inserts ``n`` plain cases fast, for benchmarks.
"""
import random
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import func, insert, select

from ..agreements import operations as agreements
from ..agreements.models import ClauseTemplate
from ..agreements.views import build_signing_copy, signing_snapshot
from ..auth.models import Team, User
from ..cases import operations, workflow
from ..core.clock import clock_at, today as clock_today, utcnow
from ..core.text import key
from ..meetings import operations as meetings
from ..cases.models import (Case, CaseCounter, Party, TimelineEvent,
                          case_categories)
from ..extensions import db
from ..reference.models import (CATEGORY, REFERRAL_REASON, SOURCE, TERRITORY, MeetingPlace,
                                Partner, ReferenceItem)

# Addresses: (street, postcode, city, territory city). Several stories share an address.
LYON_8 = [("12 rue Professeur Beauvisage", "69008", "Lyon"),
          ("45 avenue Général Frère", "69008", "Lyon"),
          ("3 rue Genton", "69008", "Lyon"),
          ("28 boulevard des États-Unis", "69008", "Lyon"),
          ("7 rue Narvik", "69008", "Lyon")]
LYON_9 = [("2 avenue Rosa Parks", "69009", "Lyon"),
          ("15 rue Marietton", "69009", "Lyon"),
          ("9 place Abbé Pierre", "69009", "Lyon")]
SAINT_ETIENNE = [("4 rue Pierre Loti", "42000", "Saint-Étienne"),
                 ("21 rue de la Richelandière", "42100", "Saint-Étienne"),
                 ("6 allée des Aubépines", "42000", "Saint-Étienne"),
                 ("33 rue Beaubrun", "42000", "Saint-Étienne")]

FIRST_NAMES = ["Hélène", "Mohamed", "Sylvie", "Karim", "Nathalie", "Jean-Pierre", "Fatoumata",
               "Élodie", "Rachid", "Monique", "Thomas", "Aïcha", "Christophe", "Leïla",
               "Bernard", "Samira", "Julien", "Chantal", "Mamadou", "Céline", "Yves", "Nadia",
               "Gérard", "Inès", "Olivier", "Zohra", "Patrick", "Émilie", "Ahmed", "Josiane"]
LAST_NAMES = ["Dupont", "Benali", "Moreau", "Diallo", "Lefèvre", "Haddad", "Girard", "Traoré",
              "Rousseau", "Bouchard", "Mercier", "Nguyen", "Faure", "Chérif", "Blanc",
              "Bertrand", "Koné", "Perret", "Guérin", "Mansouri", "Chevalier", "Lambert",
              "Da Silva", "Roux", "Bonnet", "Ferhat", "Fontaine", "Besson", "Yilmaz", "Morel"]

# category code, source code, description (neutral words, as the service writes them)
SITUATIONS = [
    ("noise", "resident", "La demandeuse signale des bruits de pas, de musique et de "
     "déplacement de meubles tard le soir, provenant de l'appartement du dessus, depuis "
     "environ deux mois. Un mot laissé dans la boîte aux lettres est resté sans réponse."),
    ("animals", "social_landlord", "Le bailleur signale des aboiements répétés d'un chien "
     "laissé seul en journée ; plusieurs voisins du palier se sont plaints au gardien."),
    ("shared_areas", "social_landlord", "Vélos et poussettes stationnés dans le hall ; "
     "tensions entre deux familles de la montée B au sujet de l'accès aux boîtes aux "
     "lettres."),
    ("odours", "resident", "Le demandeur fait état d'odeurs de tabac et de cuisine qui "
     "remontent par la ventilation de la salle de bains, surtout le soir."),
    ("children", "town_hall", "La mairie transmet la plainte de riverains : jeux de "
     "ballon dans la cour jusqu'à 22 h et échanges vifs entre parents."),
    ("parking", "municipal_police", "La police municipale oriente un différend sur le "
     "stationnement devant une entrée de garage ; les deux voisins acceptent d'être "
     "contactés."),
    ("waste_hygiene", "social_landlord", "Sacs poubelles déposés régulièrement sur le "
     "palier du 3e étage ; les voisins évoquent des odeurs et des nuisibles."),
    ("boundaries_plants", "resident", "Haie mitoyenne non taillée qui déborde sur le "
     "jardin voisin et prive la terrasse de lumière ; désaccord sur qui doit l'entretenir."),
    ("noise", "school", "L'établissement scolaire signale un conflit entre deux familles "
     "voisines, né de bruits nocturnes, qui se prolonge entre les enfants à l'école."),
    ("water_damage", "resident", "Dégâts des eaux répétés dans la salle de bains du "
     "dessous ; les échanges entre voisins se sont tendus en attendant l'assureur."),
    ("insults_harassment", "other_partner", "Le centre social signale des propos "
     "désobligeants échangés dans l'ascenseur entre deux voisines ; pas de menace "
     "rapportée."),
    ("noise", "resident", "Bruits de bricolage le dimanche matin et le soir après 20 h ; "
     "le demandeur travaille de nuit et dort le jour."),
]

# Who refers, by source: (in Lyon, in Saint-Étienne).
REFERRERS = {
    "social_landlord": ("Grand Lyon Habitat — agence Mermoz", "Métropole Habitat — Montreynaud"),
    "town_hall": ("Mairie du 8e arrondissement", "Mairie de Saint-Étienne"),
    "municipal_police": ("Police municipale de Lyon", "Police municipale de Saint-Étienne"),
    "school": ("Collège Jean Mermoz", "École Jacques Prévert"),
    "other_partner": ("Centre social Mermoz", "Centre social de Beaubrun"),
}

# The stage each story reaches, and how it closes.
STAGES = [
    ("referral", None), ("referral", None), ("assigned", None), ("mediation", None),
    ("mediation", None), ("agreement", None), ("follow_up", None),
    ("closed", "agreement_respected"), ("closed", "resolved_before_round_table"),
    ("closed", "party_declined"), ("closed", "no_agreement"), ("closed", "not_eligible"),
    ("closed", "agreement_breached"), ("closed", "unreachable"),
    ("closed", "referred_to_partner"), ("closed", "withdrawn"),
]


def working_day(day: date) -> date:
    """Mediators meet residents on weekdays: a Saturday or Sunday becomes the Monday."""
    return day + timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def _moment(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 15), tzinfo=timezone.utc)


def _items(kind):
    return {item.code: item for item in db.session.execute(
        select(ReferenceItem).where(ReferenceItem.kind == kind)).scalars()}


def _party_data(rng, role, address, floor, language="fr"):
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    civility = "mme" if first in ("Hélène", "Sylvie", "Nathalie", "Fatoumata", "Élodie",
                                  "Monique", "Aïcha", "Leïla", "Samira", "Chantal", "Céline",
                                  "Nadia", "Inès", "Zohra", "Émilie", "Josiane") else "m"
    street, postcode, city = address
    return {"role": role, "kind": "person", "civility": civility, "first_name": first,
            "last_name": last, "street": street, "building": "", "staircase": "",
            "floor": floor, "postcode": postcode, "city": city,
            "phone": f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
                     f"{rng.randint(10, 99)}",
            "email": "", "language": language, "consent": "unknown", "consent_on": None,
            "consent_method": ""}


def load_stories(today=None) -> int:
    """Cases at every stage for every team, told through the operations. Skipped if the
    database already has cases (running demo-data twice duplicates nothing)."""
    if db.session.execute(select(func.count(Case.id))).scalar_one():
        return 0
    today = today or clock_today()
    rng = random.Random(2026)
    sources, categories = _items(SOURCE), _items(CATEGORY)
    territories = list(_items(TERRITORY).values())
    teams = {t.name: t for t in db.session.execute(select(Team)).scalars()}
    users = {u.username: u for u in db.session.execute(select(User)).scalars()}
    partners = db.session.execute(select(Partner).order_by(Partner.name)).scalars().all()
    managers = {team.name: next(u for u in users.values() if u.has_role("manager")
                                and team in u.teams) for team in teams.values()}
    created = 0
    earlier = {}  # (team, address) → the last respondent there: conflicts come back
    for team_name, team in sorted(teams.items()):
        addresses = SAINT_ETIENNE if team_name == "Saint-Étienne" else (
            LYON_8 if team_name in ("Territoires", "Habitat") else LYON_9)
        mediators = [u for u in users.values() if u.has_role("mediator") and team in u.teams
                     and u.active]
        if team_name == "Territoires":  # the demo mediator takes most cases of the team
            mediators.sort(key=lambda u: u.username != "mediator")
        manager = managers[team_name]
        stages = STAGES if team_name in ("Territoires", "Saint-Étienne") else STAGES[::2]
        for index, (stage, outcome) in enumerate(stages):
            situation = SITUATIONS[(index + len(team_name)) % len(SITUATIONS)]
            address = addresses[index % len(addresses)]
            received = today - timedelta(days=3 + index * 9 + rng.randint(0, 5))
            territory = next((t for t in territories if t.city == address[2]), None)
            story = _Story(manager, mediators, received, today)
            case = story.referral(team, address, territory, sources[situation[1]],
                                  categories[situation[0]], situation[2], stage, outcome,
                                  partners, rng)
            if case is None:
                continue
            created += 1
            story.parties(case, address, rng, earlier.get((team_name, address)))
            earlier[(team_name, address)] = case.parties[-1]
            story.advance(case, stage, outcome, index)
    return created


class _Story:
    """One case told step by step, each step a few days after the one before."""

    def __init__(self, manager, mediators, received, today):
        self.manager, self.mediators, self.day = manager, mediators, received
        self.today = today  # the demo's today, whatever moment a step is told at

    @staticmethod
    def reason(code):
        """An item of the referral reasons' list (None if an admin removed it)."""
        return db.session.execute(select(ReferenceItem).filter_by(
            kind=REFERRAL_REASON, code=code)).scalar_one_or_none()

    def at(self, days=0, hour=9):
        self.day = min(working_day(self.day + timedelta(days=days)), self.today)
        return clock_at(_moment(self.day, hour))

    def referral(self, team, address, territory, source, category, description, stage,
                 outcome, partners, rng):
        street, postcode, city = address
        data = {"received_on": self.day, "source": source, "team": team,
                "territory": territory, "street": street, "building": "",
                "staircase": rng.choice(["", "A", "B", "C"]), "floor": "",
                "postcode": postcode, "city": city, "description": description,
                "urgency": rng.choice(["normal", "normal", "normal", "high", "low"]),
                "referrer_organisation": REFERRERS.get(source.code, ("", ""))[0 if city == "Lyon"
                                                                              else 1],
                "referrer_name": "", "referrer_contact": "",
                "violence_or_threats": False, "legal_proceedings": outcome == "not_eligible",
                "eligibility_note": "Procédure judiciaire en cours entre les parties."
                if outcome == "not_eligible" else "",
                "close_not_eligible": False}
        # A referral found not eligible is closed once its parties are noted (advance()).
        self.partner = next((p for p in partners if "onciliat" in p.name), None)
        with self.at(hour=8):
            return operations.record_referral(self.manager, data, [category])

    def parties(self, case, address, rng, neighbour=None):
        """A complainant and a respondent; where an earlier case's respondent lives, they
        are often the respondent again (a repeat conflict the case page points out)."""
        with self.at(hour=10):
            first = _party_data(rng, "complainant", address, "2e étage")
            second = _party_data(rng, "respondent", address, "3e étage",
                                 rng.choice(["fr", "fr", "en", "ar"]))
            while second["last_name"] == first["last_name"]:
                second["last_name"] = rng.choice(LAST_NAMES)
            if neighbour is not None and case.number % 2 and \
                    neighbour.last_name != first["last_name"]:
                second.update(civility=neighbour.civility, first_name=neighbour.first_name,
                              last_name=neighbour.last_name, floor=neighbour.floor)
            operations.add_party(self.manager, case, first)
            operations.add_party(self.manager, case, second)

    def advance(self, case, stage, outcome, index):
        if outcome == "not_eligible":
            with self.at(hour=11):
                operations.transition(self.manager, case, "close", outcome=outcome,
                                      reason=case.eligibility_note,
                                      referrals=[(self.partner, self.reason("legal"), "")])
            return
        if stage == "referral" or case.status == workflow.CLOSED:
            return
        lead = self.mediators[index % len(self.mediators)] if self.mediators else None
        if lead is None:
            return
        co = next((m for m in self.mediators if m.id != lead.id), None)
        with self.at(days=2, hour=9):
            operations.assign(self.manager, case, lead, co if index % 2 else None)
        if stage == "assigned":
            return
        # The contacts start the mediation; each party says there whether they take part.
        self.contacts(case, lead, co if index % 2 else None, index,
                      respondent_consent="refused" if outcome == "party_declined" else "given")
        path = {"mediation": [], "agreement": ["round_table", "draft_agreement"],
                "follow_up": ["round_table", "draft_agreement", "mark_signed"]}
        steps = path.get(stage) or {
            "agreement_respected": ["round_table", "draft_agreement", "mark_signed"],
            "agreement_breached": ["round_table", "draft_agreement", "mark_signed"],
            "no_agreement": ["round_table_failed"],
        }.get(outcome, [])
        if stage == "mediation":
            self.upcoming_round_table(case, lead, co, index)
            if index == 4:  # the second case in mediation: the respondent stops
                self.withdraw_consent(case, lead)
        for name in steps:
            with self.at(days=6, hour=14):
                if name.startswith("round_table"):
                    self.held_round_table(case, lead, co, agreed=name == "round_table")
                elif name == "draft_agreement":
                    self.draft(case, lead)
                elif name == "mark_signed":
                    self.sign(case, lead, due_soon=stage == "follow_up")
        if outcome in ("agreement_respected", "agreement_breached"):
            self.follow_up(case, lead, kept=outcome == "agreement_respected")
            return
        if stage == "closed" and outcome != "agreement_respected":
            reasons = {"agreement_respected": "Suivi à un mois : engagements tenus.",
                       "no_agreement": "Les parties n'ont pas trouvé de terrain d'entente.",
                       "party_declined": "L'autre partie ne souhaite pas de médiation.",
                       "resolved_before_round_table": "Réglé après les entretiens.",
                       "agreement_breached": "Suivi : les engagements ne sont pas tenus ; "
                                             "les parties ne souhaitent pas de nouvelle "
                                             "rencontre.",
                       "unreachable": "L'autre partie ne répond ni aux appels ni aux "
                                      "courriers.",
                       "referred_to_partner": "Orientation vers le conciliateur de justice.",
                       "withdrawn": "La demandeuse retire sa demande : la situation "
                                    "s'est apaisée."}
            partner = db.session.execute(select(Partner).order_by(Partner.name)).scalars(
            ).first() if outcome == "referred_to_partner" else None
            with self.at(days=12, hour=16):
                operations.transition(
                    lead, case, "close", outcome=outcome, reason=reasons.get(outcome, ""),
                    referrals=[(partner, self.reason("legal"), "")] if partner else (),
                    closing_summary=reasons.get(outcome, ""))

    def consent(self, lead, party, consent, method):
        """Record what a party said about taking part, on the day of the contact."""
        operations.update_party(lead, party, party.version, {
            "consent": consent, "consent_on": self.day, "consent_method": method})

    def contacts(self, case, lead, co, index, respondent_consent="given"):
        complainant, respondent = case.parties[0], case.parties[1]
        with self.at(days=1, hour=10):
            meetings.log_intervention(
                lead, case, kind="phone", at=_moment(self.day, 10), duration_minutes=20,
                summary="Premier appel : la demandeuse décrit la situation et accepte la "
                        "médiation.",
                notes="Se dit fatiguée par la situation ; souhaite un échange apaisé.",
                mediators=[lead], parties=[complainant])
            self.consent(lead, complainant, "given", "phone")
        kind, summary = [
            ("home_visit", "Visite à domicile de l'autre partie, qui donne sa version."),
            ("office", "Entretien au local avec l'autre partie, qui donne sa version."),
            ("door_to_door", "Porte-à-porte dans l'immeuble : l'autre partie et deux "
                             "voisins rencontrés."),
        ][index % 3]
        with self.at(days=3, hour=17):
            meetings.log_intervention(
                lead, case, kind=kind, at=_moment(self.day, 17), duration_minutes=45,
                summary=summary,
                notes="Ignorait la gêne occasionnée ; ouvert à une rencontre."
                if respondent_consent == "given" else
                "Ne souhaite pas de médiation ; préfère ne plus en parler.",
                mediators=[m for m in (lead, co) if m], parties=[respondent])
            self.consent(lead, respondent, respondent_consent, "in_person")
        if index % 4 == 0:
            with self.at(days=1, hour=11):
                meetings.log_intervention(
                    lead, case, kind="partner_meeting", at=_moment(self.day, 11),
                    duration_minutes=60,
                    summary="Point avec le gardien et le bailleur sur la situation de "
                            "l'immeuble.", mediators=[lead], parties=[])

    def _place(self, case):
        places = db.session.execute(select(MeetingPlace).order_by(MeetingPlace.id)
                                    ).scalars().all()
        if case.city == "Saint-Étienne":
            return places[-1]
        return places[1] if case.postcode == "69008" else places[0]

    def held_round_table(self, case, lead, co, agreed):
        starts = _moment(self.day, 16)  # 17 h or 18 h in Paris
        people = [m for m in (lead, co) if m]
        table = meetings.schedule_round_table(
            lead, case, starts_at=starts, duration_minutes=90, place=self._place(case),
            mediators=people, invited=case.parties, allow_double_booking=True)
        with clock_at(starts + timedelta(minutes=100)):  # recorded once it has taken place
            meetings.record_round_table(
                lead, table, table.version, status="held", attended=case.parties,
                outcome="agreement" if agreed else "no_agreement",
                minutes="Chacun a pu s'exprimer. " + (
                    "Les parties conviennent d'horaires de calme et de se parler d'abord."
                    if agreed else "Les positions restent éloignées."))

    def draft(self, case, lead):
        agreement = agreements.start_draft(lead, case)
        category = case.categories[0].code
        clauses = db.session.execute(select(ClauseTemplate).order_by(ClauseTemplate.position)
                                     ).scalars().all()
        own = [c.text_fr for c in clauses if c.category and c.category.code == category]
        joint = [c.text_fr for c in clauses if c.joint][:2]
        complainant, respondent = case.parties[0], case.parties[1]
        commitments = ([(respondent.id, text) for text in (own or ["respecter le calme "
                                                                    "de l'immeuble"])[:2]]
                       + [(complainant.id, "signaler directement à son voisin toute gêne, "
                                           "calmement, avant d'en parler à un tiers")]
                       + [(None, text) for text in joint])
        agreements.save_draft(
            lead, agreement, agreement.version, language="fr",
            meeting_date=agreement.meeting_date, meeting_place=agreement.meeting_place,
            account="Les parties expliquent que la vie de l’immeuble leur pèse et souhaitent "
                    "retrouver des relations de voisinage apaisées.",
            follow_up_weeks=4, commitments=commitments)

    def sign(self, case, lead, due_soon):
        agreement = agreements.current_agreement(case)
        follow_up_on = (self.today + timedelta(days=2)) if due_soon else \
            self.day + timedelta(weeks=4)
        agreements.prepare_signing_copy(lead, agreement, agreement.version,
                                        signed_on=self.day, signed_place=case.city,
                                        follow_up_on=follow_up_on, build=build_signing_copy)
        agreements.sign(lead, agreement, agreement.version, sha256=agreement.signing_sha256,
                        current=signing_snapshot)

    def follow_up(self, case, lead, kept=True):
        check = agreements.due_follow_up(case)
        commitments = check.agreement.commitments
        results = {c.id: ("kept", "") for c in commitments}
        if not kept:
            results[commitments[0].id] = ("not_kept", "Le bruit a repris le soir.")
        with self.at(days=28, hour=15):
            agreements.record_follow_up(
                lead, check, results=results,
                note="Les deux parties confirment que les engagements sont tenus." if kept
                else "Les nuisances ont repris ; les parties ne souhaitent pas se revoir.",
                decision="close_respected" if kept else "close_breached")

    def withdraw_consent(self, case, lead):
        """The respondent calls to say they no longer take part: the case page offers to
        close the case as "a party declined", or to wait."""
        with self.at(days=0, hour=15):
            self.consent(lead, case.parties[1], "withdrawn", "phone")

    def upcoming_round_table(self, case, lead, co, index):
        day = working_day(self.today + timedelta(days=3 + index % 9))
        with self.at(days=0, hour=11):
            meetings.schedule_round_table(
                lead, case, starts_at=_moment(day, 16 + index % 2),
                duration_minutes=90, place=self._place(case),
                mediators=[m for m in (lead, co) if m], invited=case.parties,
                allow_double_booking=True)


ARCHIVE_CASES = 24


def load_archive() -> int:
    """The cases of four to six years ago, all closed: past their retention period, they are
    what ``flask --app casework retention run --dry-run`` lists on the demo. Made once."""
    oldest = clock_today() - timedelta(days=4 * 365)
    if db.session.execute(select(func.count(Case.id)).where(
            Case.received_on < oldest)).scalar_one():
        return 0
    return load_bulk(ARCHIVE_CASES, seed=11, days_ago=(4 * 365, 6 * 365), closed=True)


def load_bulk(count: int, seed: int = 7, *, days_ago=(0, 3 * 365), closed=False) -> int:
    """``count`` more cases, inserted in batches, for benchmarks: plain referrals and
    cases in progress spread over the teams and three years (``days_ago``); ``closed``:
    all closed, two months after their referral."""
    rng = random.Random(seed)
    teams = db.session.execute(select(Team.id)).scalars().all()
    source_ids = list(db.session.execute(select(ReferenceItem.id).where(
        ReferenceItem.kind == SOURCE)).scalars())
    category_ids = list(db.session.execute(select(ReferenceItem.id).where(
        ReferenceItem.kind == CATEGORY)).scalars())
    territory_ids = list(db.session.execute(select(ReferenceItem.id).where(
        ReferenceItem.kind == TERRITORY)).scalars())
    creator = db.session.execute(select(User.id).order_by(User.id)).scalars().first()
    mediators_by_team = {}
    for user in db.session.execute(select(User)).scalars():
        if user.has_role("mediator"):
            for team in user.teams:
                mediators_by_team.setdefault(team.id, []).append(user.id)
    counters = {row.year: row.last_number for row in db.session.execute(
        select(CaseCounter)).scalars()}
    addresses = LYON_8 + LYON_9 + SAINT_ETIENNE
    now = utcnow()
    today = clock_today()
    batch = 5000
    made = 0
    while made < count:
        size = min(batch, count - made)
        cases, people, chosen = [], [], []
        for _ in range(size):
            received = today - timedelta(days=rng.randint(*days_ago))
            year = received.year
            counters[year] = counters.get(year, 0) + 1
            team_id = rng.choice(teams)
            status = workflow.CLOSED if closed else rng.choice(workflow.STATUSES)
            lead = rng.choice(mediators_by_team.get(team_id, [None])) \
                if status != workflow.REFERRAL else None
            if lead is None:
                status = workflow.REFERRAL
            street, postcode, city = rng.choice(addresses)
            street = f"{rng.randint(1, 120)} {street.split(' ', 1)[1]}"
            names = [(rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)) for _ in range(2)]
            reference = operations.format_reference(year, counters[year])
            cases.append({
                "reference": reference, "year": year,
                "number": counters[year], "received_on": received,
                "source_id": rng.choice(source_ids), "referrer_organisation": "",
                "referrer_name": "", "referrer_contact": "", "team_id": team_id,
                "territory_id": rng.choice(territory_ids) if territory_ids else None,
                "street": street, "building": "", "staircase": "", "floor": "",
                "postcode": postcode, "city": city,
                "address_key": key(street, postcode, city),
                "description": rng.choice(SITUATIONS)[2], "urgency": "normal",
                "violence_or_threats": False, "legal_proceedings": False,
                "eligibility_note": "", "status": status,
                "outcome": "withdrawn" if status == workflow.CLOSED else None,
                "closed_on": received + timedelta(days=60)
                if status == workflow.CLOSED else None,
                "referred_to_id": None, "lead_mediator_id": lead, "co_mediator_id": None,
                "search_text": key(reference, street, postcode, city,
                                   *[part for name in names for part in name])
                + " " + reference,
                "created_by_id": creator, "created_at": now, "updated_at": now, "version": 1,
            })
            people.append(names)
            chosen.append(rng.choice(category_ids))
        case_ids = db.session.execute(
            insert(Case).returning(Case.id, sort_by_parameter_order=True), cases).scalars().all()
        parties, links, events = [], [], []
        for case_id, values, names, category_id in zip(case_ids, cases, people, chosen):
            street, postcode, city = values["street"], values["postcode"], values["city"]
            for role, (first, last) in zip(("complainant", "respondent"), names):
                parties.append({
                    "case_id": case_id, "role": role, "kind": "person", "civility": "",
                    "first_name": first, "last_name": last, "street": street,
                    "building": "", "staircase": "", "floor": "", "postcode": postcode,
                    "city": city, "phone": "", "email": "", "language": "fr",
                    "consent": "unknown", "consent_on": None, "consent_method": "",
                    "name_key": key(last, first), "address_key": key(street, postcode, city),
                    "created_at": now, "version": 1})
            links.append({"case_id": case_id, "category_id": category_id})
            events.append({"case_id": case_id, "at": _moment(values["received_on"], 9),
                           "actor_id": creator, "kind": "created", "reason": "",
                           "changes": [{"field": "status", "old": None, "new": "referral"}]})
            if values["status"] == workflow.CLOSED:
                events.append({"case_id": case_id, "at": _moment(values["closed_on"], 16),
                               "actor_id": creator, "kind": "closed", "reason": "", "changes": [
                                   {"field": "outcome", "old": None,
                                    "new": values["outcome"]}]})
        db.session.execute(insert(Party), parties)
        db.session.execute(insert(case_categories), links)
        db.session.execute(insert(TimelineEvent), events)
        made += size
    for year, last in counters.items():
        row = db.session.get(CaseCounter, year)
        if row is None:
            db.session.add(CaseCounter(year=year, last_number=last))
        else:
            row.last_number = last
    db.session.commit()
    return made
