"""The letters and the attestation, as Word documents. Pure: data in, bytes out — no
database, no request.

What they may say is decided here, once: the referrer's letter gives the case reference,
dates, the service and a contact, and the outcome in one neutral line — never what was said,
never another party's details; the attestation states facts (dates, who was invited and
who came, how it ended), nothing said in the sessions; a party's letter names nobody else.
"""
from dataclasses import dataclass, field
from datetime import date, datetime

from docx.shared import Cm, Pt

from ..core.documents import plain_date as day
from ..core.documents import (BRAND, Organisation, a4_page, city_of, document_properties,
                              letterhead, new_document, page_footer, right_aligned,
                              signature_block, to_bytes, window_address, word_safe)

NB, NNB = "\u00a0", "\u202f"  # before « : » and inside « » / before « ; ! ? »
LANGUAGES = ("fr", "en")


@dataclass
class Addressee:
    """Who a letter goes to: ``name`` as it heads the address, the postal lines (may be
    empty: the letter is then sent by e-mail or by hand), the greeting's civility
    ("mme", "m", "" unknown) and the surname it uses in English."""
    name: str
    lines: list
    civility: str = ""
    last_name: str = ""


@dataclass
class Contact:
    """The person to call: the case's mediator, with the service's phone and e-mail."""
    name: str
    phone: str
    email: str = ""


@dataclass
class ReferrerLetter:
    kind: str  # "taken_up" or "closed"
    language: str
    reference: str
    received_on: date
    addressee: Addressee
    contact: Contact
    resident: bool = False  # the referrer is a resident (often a party), not a partner
    taken_up_on: date | None = None
    closed_on: date | None = None
    outcome: str | None = None


@dataclass
class Session:
    """A round table as the attestation states it: when the invitations were sent, when
    it was set for, what became of it, and who was invited and who came (names only)."""
    invited_on: date
    starts_on: date
    status: str  # scheduled, held, postponed, cancelled
    invited: list = field(default_factory=list)
    attended: list = field(default_factory=list)


@dataclass
class Attestation:
    language: str
    reference: str
    party_name: str
    party_lines: list
    party_role: str  # complainant, respondent, other
    received_on: date
    other_parties: list  # names only
    # (name, "given" / "refused" / "withdrawn", date or None) for every party whose answer
    # is known: the attempt's facts a judge asks for.
    consents: list
    sessions: list
    signed_on: date | None
    is_open: bool
    closed_on: date | None
    outcome: str | None
    signer_name: str
    signer_title: str


@dataclass
class PartyLetter:
    kind: str  # "unreachable" or "declined"
    language: str
    reference: str
    addressee: Addressee
    contact: Contact
    reply_by: date | None = None


def gendered(civility: str, masculine: str, feminine: str, unknown: str) -> str:
    return {"m": masculine, "mme": feminine}.get(civility, unknown)


TEXT = {
    "fr": {
        "made_in": "{city}, le {today}",
        "reference": f"Dossier n°{NB}{{reference}}",
        "greeting": {"mme": "Madame,", "m": "Monsieur,", "": "Madame, Monsieur,"},
        "closing": ("Nous vous prions d’agréer, {civility}, l’expression de nos salutations "
                    "distinguées."),
        "civility": {"mme": "Madame", "m": "Monsieur", "": "Madame, Monsieur"},
        "signature": "Pour le service de médiation",
        "contact": ("Pour toute question, vous pouvez joindre {name} au {phone}{email}, en "
                    "rappelant la référence du dossier."),
        "contact_email": " ou par courriel à {email}",
        "page": "Page {page} sur {pages}",
        # The referrer's letters.
        "referrer_subject": {
            "taken_up": f"Objet{NB}: prise en charge de la situation que vous nous avez "
                        "signalée",
            "closed": f"Objet{NB}: clôture du dossier de médiation",
        },
        "referrer_footer": "Courrier au signalant",
        "referred": ("Le {received}, vous avez signalé à notre service un différend de "
                     "voisinage. Nous vous remercions de votre confiance."),
        "taken_up": ("Nous vous informons que notre service de médiation a pris en charge "
                     "cette situation le {taken_up}, sous la référence {reference}."),
        "taken_up_partner": ("Une médiation est proposée aux personnes concernées. Elle "
                             "repose sur leur libre accord et elle est confidentielle"
                             f"{NNB}; c’est pourquoi nous ne vous ferons pas part du "
                             "contenu des échanges. Nous vous informerons de la clôture "
                             "du dossier."),
        "taken_up_resident": ("Un médiateur ou une médiatrice prendra contact avec vous. "
                              "La médiation est gratuite, confidentielle, et repose sur le "
                              "libre accord de chacun."),
        "closed": ("Le {received}, vous avez signalé à notre service un différend de "
                   "voisinage, que nous avons pris en charge sous la référence {reference}. "
                   "Nous vous informons que ce dossier a été clos le {closed}."),
        "outcome_label": f"Issue{NB}: ",
        "closed_partner": ("La médiation étant confidentielle, nous ne pouvons pas vous "
                           "communiquer le contenu des échanges. Si la situation devait se "
                           "dégrader de nouveau, n’hésitez pas à nous solliciter."),
        "closed_resident": ("Si la situation devait se dégrader de nouveau, n’hésitez pas "
                            "à nous solliciter."),
        "outcomes": {
            "agreement_respected": ("les personnes concernées sont parvenues à un accord, "
                                    "qui était respecté lors du suivi."),
            "agreement_breached": ("un accord avait été trouvé, mais il n’a pas pu être "
                                   "maintenu dans la durée."),
            "no_agreement": "la médiation a eu lieu sans aboutir à un accord.",
            "resolved_before_round_table": ("la situation s’est apaisée au cours des "
                                            "entretiens, sans qu’une rencontre commune soit "
                                            "nécessaire."),
            "party_declined": ("la médiation n’a pas pu se poursuivre, toutes les personnes "
                               "concernées n’ayant pas souhaité s’y engager."),
            "unreachable": ("la médiation n’a pas pu avoir lieu, toutes les personnes "
                            "concernées n’ayant pu être jointes."),
            "referred_to_partner": ("les personnes concernées ont été orientées vers un "
                                    "interlocuteur plus adapté à leur situation."),
            "not_eligible": ("après étude, la situation ne relevait pas d’une médiation de "
                             "notre service."),
            "withdrawn": "la demande de médiation a été retirée.",
        },
        # The attestation.
        "attestation_title": "Attestation de tentative de médiation",
        "attestation_footer": "Attestation de tentative de médiation",
        "attests_complainant": ("{service}, {address}, atteste que {party} a engagé, avec "
                                "le concours de son service de médiation, une tentative de "
                                "médiation relative à un différend de voisinage, enregistrée "
                                "sous la référence {reference}."),
        "attests_other": ("{service}, {address}, atteste que {party} est partie à une "
                          "tentative de médiation relative à un différend de voisinage, "
                          "engagée avec le concours de son service de médiation et "
                          "enregistrée sous la référence {reference}."),
        "facts": f"Les faits, tels qu’ils ressortent du dossier{NB}:",
        "fact_referral": ("le {date}, le service de médiation a été saisi de ce "
                          "différend{others}."),
        "fact_others": f"{NNB}; {{label}}{NB}: {{names}}",
        "others_label": ("autre partie invitée à la médiation", "autres parties invitées à la "
                         "médiation"),
        "fact_consent": {
            "given": "{name} a accepté de participer à la médiation{on}.",
            "refused": "{name} a décliné la proposition de médiation{on}.",
            "withdrawn": "{name} a mis fin à sa participation à la médiation{on}.",
        },
        "on": " le {date}",
        "fact_invited": ("le {date}, des invitations ont été adressées à {names} pour une "
                         "rencontre de médiation (table ronde) fixée au {starts}."),
        "fact_set": ("une rencontre de médiation (table ronde) a été fixée au {starts}, avec "
                     "invitation de {names}."),
        "fact_held": "la rencontre du {date} a eu lieu en présence de {names}{absent}.",
        "fact_held_absent": ", en l’absence de {names}",
        "fact_postponed": "la rencontre fixée au {date} a été reportée.",
        "fact_cancelled": "la rencontre fixée au {date} a été annulée.",
        "fact_scheduled": "la rencontre fixée au {date} est à venir.",
        "fact_signed": "un protocole d’accord a été signé par les parties le {date}.",
        "fact_open": ("à la date de la présente attestation, la médiation est toujours en "
                      "cours."),
        "fact_closed": {
            "agreement_respected": "le dossier a été clos le {date}.",
            "agreement_breached": "le dossier a été clos le {date}.",
            "no_agreement": "la médiation a pris fin le {date} sans qu’un accord soit trouvé.",
            "resolved_before_round_table": ("la médiation a pris fin le {date}, sans "
                                            "protocole d’accord écrit, avant toute rencontre "
                                            "commune."),
            "party_declined": ("la médiation a pris fin le {date} sans accord, faute de "
                               "l’accord de toutes les parties pour la poursuivre."),
            "unreachable": ("la médiation a pris fin le {date} sans accord, toutes les "
                            "parties n’ayant pu être jointes."),
            "referred_to_partner": ("le dossier a été clos le {date} sans accord, les "
                                    "parties ayant été orientées vers un autre "
                                    "interlocuteur."),
            "not_eligible": ("le dossier a été clos le {date} sans médiation, la situation "
                             "ne relevant pas du service."),
            "withdrawn": ("le dossier a été clos le {date} sans accord, la demande de "
                          "médiation ayant été retirée."),
        },
        "delivered": ("La présente attestation est délivrée à la demande de {party}, pour "
                      "servir de justificatif d’une tentative préalable de médiation au sens "
                      "de l’article 750-1 du code de procédure civile."),
        "nature": ("Elle se borne à constater des faits et ne se prononce ni sur le fond du "
                   "différend ni sur la recevabilité d’une demande en justice. La médiation "
                   "étant confidentielle, elle ne rapporte rien de ce qui a été dit au cours "
                   "des entretiens et des rencontres."),
        "signed_at": "Fait à {city}, le {today}",
        "stamp": "Signature et cachet du service",
        # A party's letters.
        "party_footer": "Courrier",
        "party_subject": {
            "unreachable": f"Objet{NB}: proposition de médiation — nous n’avons pas pu "
                           "vous joindre",
            "declined": f"Objet{NB}: votre réponse à notre proposition de médiation",
        },
        "unreachable": [
            ("Notre service de médiation a été sollicité au sujet d’une situation de "
             "voisinage qui vous concerne. Nous avons essayé de vous joindre à plusieurs "
             "reprises, sans y parvenir."),
            ("Nous aimerions vous entendre, pour connaître votre point de vue et vous "
             "présenter ce que la médiation peut vous apporter. La médiation est gratuite, "
             "confidentielle, et vous êtes libre d’y participer ou non. Nos médiateurs sont "
             "neutres"),
        ],
        "unreachable_neutral": f"{NB}: ils ne prennent parti pour personne.",
        "unreachable_reply": ("Vous pouvez joindre {name} au {phone}{email}, si possible "
                              "avant le {date}. Sans nouvelles de votre part, nous "
                              "considérerons que vous ne souhaitez pas donner suite pour le "
                              "moment" + NNB + "; vous pourrez toujours nous contacter plus "
                              "tard."),
        "unreachable_reply_open": ("Vous pouvez joindre {name} au {phone}{email}, quand cela "
                                   "vous convient."),
        "declined": [
            ("Vous nous avez fait savoir que vous ne souhaitiez pas participer à une "
             "médiation, et nous vous remercions de votre réponse. Nous respectons votre "
             "choix" + NB + ": la médiation repose sur le libre accord de chacun, et personne "
             "n’est tenu d’y prendre part."),
            ("Si vous changez d’avis, ou si la situation évolue, notre porte reste ouverte. "
             "Il est possible, par exemple, de commencer par un simple entretien avec un "
             "médiateur, sans engagement."),
        ],
        "declined_reply": "Vous pouvez joindre {name} au {phone}{email}, à tout moment.",
    },
    "en": {
        "made_in": "{city}, {today}",
        "reference": "Case {reference}",
        "greeting_named": {"mme": "Dear Mrs {name},", "m": "Dear Mr {name},"},
        "greeting_person": "Dear {name},",
        "greeting_unknown": "Dear Sir or Madam,",
        "closing_named": "Yours sincerely,",
        "closing_unknown": "Yours faithfully,",
        "signature": "For the mediation service",
        "contact": ("If you have any questions, please call {name} on {phone}{email}, "
                    "quoting the case reference."),
        "contact_email": " or e-mail {email}",
        "page": "Page {page} of {pages}",
        "referrer_subject": {
            "taken_up": "The situation you referred to us has been taken up",
            "closed": "Closure of the mediation case",
        },
        "referrer_footer": "Letter to the referrer",
        "referred": ("On {received} you referred a dispute between neighbours to our "
                     "service. Thank you for bringing it to us."),
        "taken_up": ("We are writing to let you know that our mediation service took up the "
                     "situation on {taken_up}, under reference {reference}."),
        "taken_up_partner": ("Mediation is being offered to the people concerned. It rests "
                             "on their free agreement and is confidential, so we will not "
                             "be able to tell you what is said. We will let you know when "
                             "the case is closed."),
        "taken_up_resident": ("A mediator will contact you. Mediation is free, confidential, "
                              "and rests on everyone's free agreement."),
        "closed": ("On {received} you referred a dispute between neighbours to our service, "
                   "which we took up under reference {reference}. We are writing to let you "
                   "know that the case was closed on {closed}."),
        "outcome_label": "Outcome: ",
        "closed_partner": ("As mediation is confidential, we cannot share what was said. "
                           "Should the situation worsen again, please do not hesitate to "
                           "contact us."),
        "closed_resident": ("Should the situation worsen again, please do not hesitate to "
                            "contact us."),
        "outcomes": {
            "agreement_respected": ("the people concerned reached an agreement, which was "
                                    "being kept at the follow-up."),
            "agreement_breached": ("an agreement was reached, but it could not be kept over "
                                   "time."),
            "no_agreement": "mediation took place without leading to an agreement.",
            "resolved_before_round_table": ("the situation settled during the individual "
                                            "interviews, without a joint meeting being "
                                            "needed."),
            "party_declined": ("mediation could not go on, as not everyone concerned "
                               "wished to take part."),
            "unreachable": ("mediation could not take place, as not everyone concerned "
                            "could be reached."),
            "referred_to_partner": ("the people concerned were directed to a service better "
                                    "suited to their situation."),
            "not_eligible": ("having looked into it, we found that the situation was not "
                             "one our mediation service could take on."),
            "withdrawn": "the request for mediation was withdrawn.",
        },
        "attestation_title": "Certificate of a mediation attempt",
        "attestation_footer": "Certificate of a mediation attempt",
        "attests_complainant": ("{service}, {address}, certifies that {party} started, with "
                                "the help of its mediation service, an attempt at mediation "
                                "of a dispute between neighbours, recorded under reference "
                                "{reference}."),
        "attests_other": ("{service}, {address}, certifies that {party} is a party to an "
                          "attempt at mediation of a dispute between neighbours, made with "
                          "the help of its mediation service and recorded under reference "
                          "{reference}."),
        "facts": "The facts, as the case file records them:",
        "fact_referral": ("on {date}, the mediation service received the referral of this "
                          "dispute{others}."),
        "fact_others": "; {label}: {names}",
        "others_label": ("other party invited to the mediation",
                         "other parties invited to the mediation"),
        "fact_consent": {
            "given": "{name} agreed to take part in the mediation{on}.",
            "refused": "{name} declined the offer of mediation{on}.",
            "withdrawn": "{name} stopped taking part in the mediation{on}.",
        },
        "on": " on {date}",
        "fact_invited": ("on {date}, invitations were sent to {names} for a mediation meeting "
                         "(round table) set for {starts}."),
        "fact_set": ("a mediation meeting (round table) was set for {starts}, with {names} "
                     "invited."),
        "fact_held": "the meeting of {date} took place with {names} present{absent}.",
        "fact_held_absent": ", in the absence of {names}",
        "fact_postponed": "the meeting set for {date} was postponed.",
        "fact_cancelled": "the meeting set for {date} was cancelled.",
        "fact_scheduled": "the meeting set for {date} is still to come.",
        "fact_signed": "the parties signed an agreement protocol on {date}.",
        "fact_open": "at the date of this certificate, the mediation is still under way.",
        "fact_closed": {
            "agreement_respected": "the case was closed on {date}.",
            "agreement_breached": "the case was closed on {date}.",
            "no_agreement": "the mediation ended on {date} without an agreement being reached.",
            "resolved_before_round_table": ("the mediation ended on {date}, without a "
                                            "written agreement, before any joint meeting."),
            "party_declined": ("the mediation ended on {date} without an agreement, as not "
                               "every party agreed to go on with it."),
            "unreachable": ("the mediation ended on {date} without an agreement, as not "
                            "every party could be reached."),
            "referred_to_partner": ("the case was closed on {date} without an agreement, the "
                                    "parties having been directed to another service."),
            "not_eligible": ("the case was closed on {date} without mediation, the situation "
                             "not being one for the service."),
            "withdrawn": ("the case was closed on {date} without an agreement, the request "
                          "for mediation having been withdrawn."),
        },
        "delivered": ("This certificate is issued at the request of {party}, as proof of a "
                      "prior attempt at mediation within the meaning of article 750-1 of the "
                      "French code of civil procedure (code de procédure civile)."),
        "nature": ("It states facts only, and gives no view on the merits of the dispute or "
                   "on whether a claim may be brought before a court. As mediation is "
                   "confidential, it reports nothing of what was said in the interviews and "
                   "meetings."),
        "signed_at": "{city}, {today}",
        "stamp": "Signature and stamp of the service",
        "party_footer": "Letter",
        "party_subject": {
            "unreachable": "Our offer of mediation: we could not reach you",
            "declined": "Your answer to our offer of mediation",
        },
        "unreachable": [
            ("Our mediation service has been asked to help with a situation between "
             "neighbours that concerns you. We have tried to reach you several times, "
             "without success."),
            ("We would like to hear your point of view and tell you what mediation could "
             "offer you. Mediation is free and confidential, and it is entirely up to you "
             "whether to take part. Our mediators are neutral"),
        ],
        "unreachable_neutral": ": they take nobody's side.",
        "unreachable_reply": ("You can reach {name} on {phone}{email}, ideally before "
                              "{date}. If we do not hear from you, we will take it that you "
                              "do not wish to go further for now; you are welcome to "
                              "contact us later."),
        "unreachable_reply_open": "You can reach {name} on {phone}{email}, whenever suits you.",
        "declined": [
            ("You have let us know that you do not wish to take part in mediation, and we "
             "thank you for your answer. We respect your choice: mediation rests on "
             "everyone's free agreement, and nobody has to take part."),
            ("If you change your mind, or if things change, our door remains open. You could, "
             "for instance, start with a simple conversation with a mediator, with no "
             "commitment."),
        ],
        "declined_reply": "You can reach {name} on {phone}{email}, at any time.",
    },
}


# The attestation's signer, as they sign (the form offers these).
SIGNER_TITLES = {
    "fr": {"mediatrice": "Médiatrice sociale", "mediateur": "Médiateur social",
           "manager": "Responsable d’équipe"},
    "en": {"mediatrice": "Social mediator", "mediateur": "Social mediator",
           "manager": "Team manager"},
}


def language_of(language: str) -> str:
    return language if language in LANGUAGES else "fr"


def names_list(names, language: str) -> str:
    """« Mme A, M. B et Mme C » / "Mrs A, Mr B and Mrs C"."""
    names = [n for n in names if n]
    if len(names) < 2:
        return "".join(names)
    joiner = " et " if language == "fr" else " and "
    return ", ".join(names[:-1]) + joiner + names[-1]


def _page(service: Organisation, language: str, footer: str, created: datetime, title: str):
    document = new_document()
    section = a4_page(document, top_bottom_cm=1.8, sides_cm=2.0)
    letterhead(section, service.name, " · ".join(
        x for x in (service.address, service.phone, service.email) if x))
    page_footer(section, footer, TEXT[language]["page"])
    document_properties(document, title=title, author=service.name, language=language,
                        created=created)
    return document


def _greeting(text, addressee: Addressee, language: str):
    """The greeting and the closing's civility, the French or the English way."""
    if language == "fr":
        return text["greeting"][addressee.civility], text["closing"].format(
            civility=text["civility"][addressee.civility])
    if addressee.civility in ("mme", "m") and addressee.last_name:
        return text["greeting_named"][addressee.civility].format(
            name=addressee.last_name), text["closing_named"]
    if addressee.last_name:
        return text["greeting_person"].format(name=addressee.name), text["closing_named"]
    return text["greeting_unknown"], text["closing_unknown"]


def _letter_top(document, service, addressee, text, language, today, reference, subject):
    window_address(document, addressee.name, addressee.lines)
    right_aligned(document, text["made_in"].format(city=city_of(service.address),
                                                   today=day(today, language)))
    document.add_paragraph(text["reference"].format(reference=reference))
    document.add_paragraph().add_run(subject).bold = True


def _contact_line(text, contact: Contact, key="contact", **extra):
    email = text["contact_email"].format(email=contact.email) if contact.email else ""
    return text[key].format(name=contact.name, phone=contact.phone, email=email, **extra)


def _sign(document, text, contact: Contact):
    """The mediator's name under room for the handwritten signature."""
    block = signature_block(document, [contact.name, text["signature"]])
    block.paragraph_format.space_before = Cm(1.6)


def referrer_letter(service: Organisation, letter: ReferrerLetter, today: date,
                    created: datetime) -> bytes:
    """The letter telling the referrer that the case was taken up, or that it was closed
    (with its outcome in one neutral line)."""
    service, letter = word_safe((service, letter))
    language = language_of(letter.language)
    text = TEXT[language]
    subject = text["referrer_subject"][letter.kind]
    document = _page(service, language, f"{text['referrer_footer']} — {letter.reference}",
                     created, subject)
    _letter_top(document, service, letter.addressee, text, language, today,
                letter.reference, subject)
    greeting, closing = _greeting(text, letter.addressee, language)
    document.add_paragraph(greeting)
    received = day(letter.received_on, language)
    if letter.kind == "taken_up":
        document.add_paragraph(text["referred"].format(received=received))
        document.add_paragraph(text["taken_up"].format(
            taken_up=day(letter.taken_up_on or letter.received_on, language),
            reference=letter.reference))
        document.add_paragraph(text["taken_up_resident" if letter.resident
                                    else "taken_up_partner"])
    else:
        document.add_paragraph(text["closed"].format(
            received=received, reference=letter.reference,
            closed=day(letter.closed_on, language)))
        outcome = document.add_paragraph()
        outcome.add_run(text["outcome_label"]).bold = True
        outcome.add_run(text["outcomes"][letter.outcome])
        document.add_paragraph(text["closed_resident" if letter.resident
                                    else "closed_partner"])
    document.add_paragraph(_contact_line(text, letter.contact))
    document.add_paragraph(closing)
    _sign(document, text, letter.contact)
    return to_bytes(document)


def _fact(document, sentence: str):
    sentence = sentence[:1].upper() + sentence[1:]
    document.add_paragraph(sentence, style="List Bullet")


def attestation(service: Organisation, data: Attestation, today: date,
                created: datetime) -> bytes:
    """The attestation of a mediation attempt, for one party (article 750-1 CPC)."""
    service, data = word_safe((service, data))
    language = language_of(data.language)
    text = TEXT[language]
    title = text["attestation_title"]
    document = _page(service, language, f"{text['attestation_footer']} — {data.reference}",
                     created, title)
    heading = document.add_paragraph()
    heading.paragraph_format.space_before = Cm(1.0)
    heading.paragraph_format.space_after = Cm(0.6)
    run = heading.add_run(title)
    run.bold, run.font.size, run.font.color.rgb = True, Pt(16), BRAND
    document.add_paragraph(text["reference"].format(reference=data.reference))

    party = data.party_name + (f" ({', '.join(data.party_lines)})" if data.party_lines else "")
    key = "attests_complainant" if data.party_role == "complainant" else "attests_other"
    document.add_paragraph(text[key].format(service=service.name, address=service.address,
                                            party=party, reference=data.reference))
    document.add_paragraph(text["facts"])
    others = ""
    if data.other_parties:
        label = text["others_label"][0 if len(data.other_parties) == 1 else 1]
        others = text["fact_others"].format(label=label,
                                            names=names_list(data.other_parties, language))
    _fact(document, text["fact_referral"].format(date=day(data.received_on, language),
                                                 others=others))
    for name, answer, on in data.consents:
        _fact(document, text["fact_consent"][answer].format(
            name=name, on=text["on"].format(date=day(on, language)) if on else ""))
    for session in data.sessions:
        starts = day(session.starts_on, language)
        # A session entered after the fact had no invitation sent from here: its date
        # alone is stated.
        _fact(document, text["fact_invited" if session.invited_on <= session.starts_on
                             else "fact_set"].format(
            date=day(session.invited_on, language), starts=starts,
            names=names_list(session.invited, language)))
        if session.status == "held":
            absent = [n for n in session.invited if n not in session.attended]
            _fact(document, text["fact_held"].format(
                date=starts, names=names_list(session.attended, language),
                absent=text["fact_held_absent"].format(names=names_list(absent, language))
                if absent else ""))
        else:
            _fact(document, text[f"fact_{session.status}"].format(date=starts))
    if data.signed_on:
        _fact(document, text["fact_signed"].format(date=day(data.signed_on, language)))
    if data.is_open or not data.closed_on:
        _fact(document, text["fact_open"])
    else:
        _fact(document, text["fact_closed"][data.outcome].format(
            date=day(data.closed_on, language)))
    document.add_paragraph(text["delivered"].format(party=data.party_name))
    document.add_paragraph(text["nature"])
    right_aligned(document, text["signed_at"].format(city=city_of(service.address),
                                                     today=day(today, language)))
    signature_block(document, [data.signer_name, data.signer_title, service.name, "", "",
                               "", text["stamp"]])
    return to_bytes(document)


def party_letter(service: Organisation, letter: PartyLetter, today: date,
                 created: datetime) -> bytes:
    """A letter to a party who cannot be reached, or who declined mediation: short,
    warm, the door left open, the contact given."""
    service, letter = word_safe((service, letter))
    language = language_of(letter.language)
    text = TEXT[language]
    subject = text["party_subject"][letter.kind]
    document = _page(service, language, f"{text['party_footer']} — {letter.reference}",
                     created, subject)
    _letter_top(document, service, letter.addressee, text, language, today,
                letter.reference, subject)
    greeting, closing = _greeting(text, letter.addressee, language)
    document.add_paragraph(greeting)
    email = text["contact_email"].format(email=letter.contact.email) \
        if letter.contact.email else ""
    contact = {"name": letter.contact.name, "phone": letter.contact.phone, "email": email}
    if letter.kind == "unreachable":
        first, second = text["unreachable"]
        document.add_paragraph(first)
        document.add_paragraph(second + text["unreachable_neutral"])
        if letter.reply_by:
            document.add_paragraph(text["unreachable_reply"].format(
                date=day(letter.reply_by, language), **contact))
        else:
            document.add_paragraph(text["unreachable_reply_open"].format(**contact))
    else:
        for paragraph in text["declined"]:
            document.add_paragraph(paragraph)
        document.add_paragraph(text["declined_reply"].format(**contact))
    document.add_paragraph(closing)
    _sign(document, text, letter.contact)
    return to_bytes(document)
