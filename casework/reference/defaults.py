"""The reference lists a new organisation starts with (an admin adapts them).

The partners' addresses are illustrative and their phone numbers placeholders
(04 72 00 00 0x): an administrator checks them before use."""
import logging

from sqlalchemy import select

from ..extensions import db
from .models import (ACTIVITY, CATEGORY, REFERRAL_REASON, SOURCE, TERRITORY, MeetingPlace,
                     Partner, ReferenceItem)

log = logging.getLogger(__name__)

DEFAULT_SOURCES = [
    ("resident", "Habitant", "Resident"),
    ("social_landlord", "Bailleur social", "Social landlord"),
    ("town_hall", "Mairie", "Town hall"),
    ("municipal_police", "Police municipale", "Municipal police"),
    ("school", "Établissement scolaire", "School"),
    ("other_partner", "Autre partenaire", "Other partner"),
]

DEFAULT_CATEGORIES = [
    ("noise", "Bruit", "Noise"),
    ("odours", "Odeurs", "Odours"),
    ("animals", "Animaux", "Animals"),
    ("children", "Enfants", "Children"),
    ("parking", "Stationnement", "Parking"),
    ("shared_areas", "Parties communes", "Shared areas"),
    ("waste_hygiene", "Déchets et hygiène", "Waste and hygiene"),
    ("insults_harassment", "Injures et harcèlement", "Insults and harassment"),
    ("boundaries_plants", "Limites et plantations", "Boundaries and plants"),
    ("water_damage", "Dégâts des eaux", "Water leaks and damage"),
    ("other", "Autre", "Other"),
]

# code, label in French, label in English, city
DEFAULT_TERRITORIES = [
    ("lyon8_mermoz", "Lyon 8e — Mermoz", "Lyon 8th — Mermoz", "Lyon"),
    ("lyon8_etats_unis", "Lyon 8e — États-Unis", "Lyon 8th — États-Unis", "Lyon"),
    ("lyon8_monplaisir", "Lyon 8e — Monplaisir", "Lyon 8th — Monplaisir", "Lyon"),
    ("lyon8_bachut", "Lyon 8e — Bachut, Grand Trou", "Lyon 8th — Bachut, Grand Trou", "Lyon"),
    ("lyon9_duchere", "Lyon 9e — La Duchère", "Lyon 9th — La Duchère", "Lyon"),
    ("lyon9_vaise", "Lyon 9e — Vaise", "Lyon 9th — Vaise", "Lyon"),
    ("lyon9_gorge_de_loup", "Lyon 9e — Gorge de Loup", "Lyon 9th — Gorge de Loup", "Lyon"),
    ("se_montreynaud", "Saint-Étienne — Montreynaud", "", "Saint-Étienne"),
    ("se_tarentaize_beaubrun", "Saint-Étienne — Tarentaize-Beaubrun", "", "Saint-Étienne"),
    ("se_cret_de_roch", "Saint-Étienne — Crêt de Roch", "", "Saint-Étienne"),
    ("se_sud_est", "Saint-Étienne — Quartiers Sud-Est", "Saint-Étienne — South-East",
     "Saint-Étienne"),
]

# The kinds of field activity (work that belongs to no case).
DEFAULT_ACTIVITY_KINDS = [
    ("presence_round", "Présence active de proximité", "Public-space presence round"),
    ("phone_campaign", "Campagne de médiation téléphonique", "Phone-mediation campaign"),
    ("reception_presence", "Présence en bureau de poste ou en accueil",
     "Post-office or reception presence"),
    ("school_action", "Action de médiation scolaire", "School mediation action"),
    ("school_workshop", "Atelier en établissement scolaire", "School workshop"),
    ("technical_watch", "Veille technique", "Technical watch report"),
    ("partner_meeting", "Réunion partenariale", "Partner meeting"),
]

# Why residents are put in touch with a partner.
DEFAULT_REFERRAL_REASONS = [
    ("housing", "Logement, bailleur", "Housing, landlord"),
    ("social_support", "Accompagnement social", "Social support"),
    ("legal", "Accès au droit, justice", "Legal advice, justice"),
    ("health", "Santé, santé mentale", "Health, mental health"),
    ("administrative", "Démarches administratives", "Administrative help"),
    ("budget", "Budget, dettes", "Budget, debts"),
    ("safety", "Sécurité, tranquillité publique", "Safety, public peace"),
    ("family_youth", "Famille, jeunesse", "Family, young people"),
    ("other", "Autre", "Other"),
]

# name, kind (fr), kind (en), address, phone
DEFAULT_PARTNERS = [
    ("Conciliateur de justice — Tribunal judiciaire de Lyon", "Conciliation de justice",
     "Court conciliator", "67 rue Servient, 69003 Lyon", "04 72 00 00 01"),
    ("Maison de la Métropole — Lyon 8e", "Services sociaux", "Social services",
     "12 avenue Général Frère, 69008 Lyon", "04 72 00 00 02"),
    ("Grand Lyon Habitat", "Bailleur social", "Social landlord",
     "2 place de Francfort, 69003 Lyon", "04 72 00 00 03"),
    ("Métropole Habitat Saint-Étienne", "Bailleur social", "Social landlord",
     "5 rue Michelet, 42000 Saint-Étienne", "04 77 00 00 04"),
    ("Police municipale de Lyon", "Police", "Police",
     "1 place de la Comédie, 69001 Lyon", "04 72 00 00 05"),
    ("Point-justice — CDAD du Rhône", "Accès au droit", "Legal aid",
     "67 rue Servient, 69003 Lyon", "04 72 00 00 06"),
    ("CCAS de Saint-Étienne", "Action sociale", "Social services",
     "8 avenue de la Libération, 42000 Saint-Étienne", "04 77 00 00 07"),
    ("ADIL du Rhône", "Information logement", "Housing advice",
     "9 rue Vauban, 69006 Lyon", "04 72 00 00 08"),
]


# Where round tables are held.
DEFAULT_PLACES = [
    ("Salle de réunion de l'association", "10 rue de la République, 69001 Lyon"),
    ("Centre social Mermoz — salle 2", "5 rue Pierre Delore, 69008 Lyon"),
    ("Maison de quartier de la Duchère", "237 rue des Érables, 69009 Lyon"),
    ("Antenne de Saint-Étienne — salle de médiation", "14 rue Beaubrun, 42000 Saint-Étienne"),
]


def load_defaults() -> int:
    """Add what is missing of the default lists and return how many rows were created.

    Idempotent: items are matched by kind and code, partners and places by name, so what an
    administrator renamed, reordered or deactivated is left as it is."""
    created = 0
    existing = {(item.kind, item.code) for item in db.session.execute(
        select(ReferenceItem)).scalars()}
    lists = [(SOURCE, [(c, fr, en, None) for c, fr, en in DEFAULT_SOURCES]),
             (CATEGORY, [(c, fr, en, None) for c, fr, en in DEFAULT_CATEGORIES]),
             (TERRITORY, DEFAULT_TERRITORIES),
             (ACTIVITY, [(c, fr, en, None) for c, fr, en in DEFAULT_ACTIVITY_KINDS]),
             (REFERRAL_REASON, [(c, fr, en, None) for c, fr, en in DEFAULT_REFERRAL_REASONS])]
    for kind, rows in lists:
        for position, (code, label_fr, label_en, city) in enumerate(rows):
            if (kind, code) not in existing:
                db.session.add(ReferenceItem(kind=kind, code=code, label_fr=label_fr,
                                             label_en=label_en, city=city,
                                             position=position * 10))
                created += 1
    names = set(db.session.execute(select(Partner.name)).scalars())
    for name, kind_fr, kind_en, address, phone in DEFAULT_PARTNERS:
        if name not in names:
            db.session.add(Partner(name=name, kind_fr=kind_fr, kind_en=kind_en,
                                   address=address, phone=phone, email=""))
            created += 1
    place_names = set(db.session.execute(select(MeetingPlace.name)).scalars())
    for name, address in DEFAULT_PLACES:
        if name not in place_names:
            db.session.add(MeetingPlace(name=name, address=address))
            created += 1
    db.session.commit()
    if created:
        log.info("%d reference items added", created)
    return created
