"""The agreement protocol as a Word document: data in, bytes out.

Pure — no database, no request — so it is easy to test, benchmark and freeze. Layout:
letterhead in the header, the protocol's name and page numbers in the footer with room
for initials, A4; commitments numbered per party (numbered by hand: Word's "List Number"
would run on from one party to the next); one signature block per signatory, kept on the
page of the last clauses. A draft says so on every page (« PROJET »); the signing copy,
prepared with its place, date and follow-up date, is the document that is signed and kept.

The data is also what is frozen at signature (``to_json`` / ``from_json``): the "as
signed" page shows it, never the case as it is later."""
import dataclasses
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from xml.sax.saxutils import escape

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from ..core.clock import utcnow
from ..core.documents import (BRAND, a4_page, letterhead, long_date, new_document,
                              page_footer, word_safe)
from ..core.text import fold
from ..reports.annual import day, english, french, names

NBSP = "\u00a0"
DRAFT_RED = RGBColor(0xC0, 0x00, 0x00)
GREY = RGBColor(0x59, 0x59, 0x59)


@dataclass
class PartyBlock:
    name: str            # « Mme Hélène Dupont »
    address: str
    commitments: list    # texts, in order
    commitments_en: list = field(default_factory=list)  # bilingual: the English, same order


@dataclass
class Mediator:
    name: str
    title: str = ""      # "f": médiatrice, "m": médiateur, "": médiateur (the usual form)


@dataclass
class Changes:
    """What an amendment changes in the protocol it amends: (who, text) pairs, ``who`` a
    party's name or "" for a joint commitment; ``changed``: (who, before, after)."""
    added: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    withdrawn: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)


@dataclass
class AgreementData:
    organisation_name: str
    organisation_address: str
    organisation_phone: str
    reference: str
    language: str                      # fr | en
    meeting_date: date | None
    meeting_place: str
    subject: str                       # « du bruit et des animaux », neutral words
    account: str
    parties: list                      # [PartyBlock]
    mediators: list                    # [Mediator] (or names)
    joint_commitments: list
    follow_up_on: date | None
    signed_on: date | None = None
    signed_place: str = ""
    version_number: int = 1
    logo: bytes | None = None
    template: bytes | None = None      # an organisation's own base .docx
    signatories: list = field(default_factory=list)  # [(name, role label)]; default: all
    draft: bool = True                 # « PROJET » on every page
    amends_on: date | None = None      # the signature date of the protocol amended
    changes: Changes | None = None
    created: datetime | None = None    # the document's creation date (default: now)
    # A bilingual agreement ("fr-en"): the English of the parties' texts, beside the French
    # (``account``, ``subject``, ``joint_commitments``, which are then French).
    account_en: str = ""
    subject_en: str = ""
    joint_commitments_en: list = field(default_factory=list)


TEXT = {
    "fr": {
        "title": "Protocole d’accord",
        "reference": "Dossier n°\u00a0{reference}",
        "footer": "Protocole {reference}",
        "footer_amendment": "Protocole {reference} — avenant n°\u00a0{n}",
        "amendment": "Avenant n°\u00a0{n}",
        "amendment_title": "Avenant n°\u00a0{n} au protocole d’accord du {date}",
        "amendment_title_undated": "Avenant n°\u00a0{n} au protocole d’accord",
        "draft": "PROJET",
        "draft_note": "PROJET — document de travail, à ne pas signer",
        "parties": "Entre les parties",
        "mediators": {"f1": "En présence de la médiatrice", "m1": "En présence du médiateur",
                      "f": "En présence des médiatrices", "m": "En présence des médiateurs"},
        "with_mediators": {"f1": "en présence de la médiatrice", "m1": "en présence du médiateur",
                           "f": "en présence des médiatrices", "m": "en présence des médiateurs"},
        "mediators_subject": {"f1": "La médiatrice prendra", "m1": "Le médiateur prendra",
                              "f": "Les médiatrices prendront", "m": "Les médiateurs prendront"},
        "to_mediators": {"f1": "à la médiatrice", "m1": "au médiateur",
                         "f": "aux médiatrices", "m": "aux médiateurs"},
        "preamble_title": "Préambule",
        "preamble": ("Les parties se sont rencontrées{when}{where}, {with_mediators} "
                     "({organisation}), librement et volontairement, afin de rechercher "
                     "ensemble une solution concernant leurs relations de voisinage{about}."),
        "about": ", notamment au sujet {subject}",
        "amendment_preamble": ("Les parties ont signé{amends} un protocole d’accord"
                               "{reference_phrase}. Réunies de nouveau{when}{where}, {with_mediators} "
                               "({organisation}), elles conviennent librement de le modifier "
                               "comme suit."),
        "amends": " le {date}",
        "reference_phrase": " (dossier n°\u00a0{reference})",
        "when": " le {date}",
        "account_title": "Exposé de la situation",
        "commitments_title": "Engagements",
        "party_commits": "{name} s’engage à\u00a0:",
        "joint_title": "Engagements communs",
        "joint": "Les parties s’engagent ensemble à\u00a0:",
        "changes_title": "Modifications",
        "added": "Engagements ajoutés",
        "changed": "Engagements modifiés",
        "withdrawn": "Engagements retirés",
        "before": "Ancienne rédaction\u00a0: ",
        "after": "Nouvelle rédaction\u00a0: ",
        "no_change": "Aucun engagement n’est ajouté, modifié ni retiré.",
        "unchanged_title": "Ce qui ne change pas",
        "unchanged": ("Les autres stipulations du protocole du {date} demeurent inchangées, "
                      "notamment les engagements suivants\u00a0:"),
        "unchanged_none": "Les autres stipulations du protocole du {date} demeurent inchangées.",
        "joint_who": "Les parties",
        "follow_up_title": "Suivi",
        "follow_up": ("{mediators_subject} contact avec les parties aux alentours du "
                      "{date} pour faire le point sur la mise en œuvre du présent accord."),
        "follow_up_undated": ("{mediators_subject} contact avec les parties dans un délai "
                              "d’environ un mois pour faire le point sur la mise en œuvre du "
                              "présent accord."),
        "breach_title": "En cas de difficulté",
        "breach": ("Si un engagement n’est pas respecté, les parties conviennent de "
                   "s’adresser d’abord {to_mediators}, avant toute autre démarche."),
        "confidentiality_title": "Confidentialité",
        "confidentiality": ("Les échanges intervenus lors de la médiation sont confidentiels. "
                            "Le présent protocole ne peut être communiqué qu’avec l’accord de "
                            "toutes les parties."),
        "confidentiality_amendment": ("Les échanges intervenus lors de la médiation sont "
                                      "confidentiels. Le présent avenant ne peut être "
                                      "communiqué qu’avec l’accord de toutes les parties."),
        "nature_title": "Portée du protocole",
        "nature": ("Le présent protocole traduit l’engagement moral des parties. Il ne "
                   "constitue pas une décision de justice."),
        "nature_amendment": ("Le présent avenant, comme le protocole qu’il modifie, traduit "
                             "l’engagement moral des parties. Il ne constitue pas une "
                             "décision de justice."),
        "signatures_title": "Signatures",
        "made_at": "Fait {place}, le {date}, en autant d’exemplaires originaux que de "
                   "parties.",
        "made_at_blank": "Fait à ____________________, le ____________________, en autant "
                         "d’exemplaires originaux que de parties.",
        "read": "Mention manuscrite «\u00a0Lu et approuvé\u00a0» et signature",
        "initials": "Paraphes\u00a0: ",
        "party": "Partie",
        "mediator": {"f": "Médiatrice", "m": "Médiateur", "": "Médiateur"},
        "page": "page {page}/{pages}",
        "bilingual_note": "Le présent protocole est rédigé en français et en anglais. Seul le "
                          "texte français fait foi.",
        "authoritative": "Seul le texte français fait foi.",
    },
    "en": {
        "title": "Agreement",
        "reference": "Case {reference}",
        "footer": "Agreement {reference}",
        "footer_amendment": "Agreement {reference} — amendment {n}",
        "amendment": "Amendment {n}",
        "amendment_title": "Amendment {n} to the agreement of {date}",
        "amendment_title_undated": "Amendment {n} to the agreement",
        "draft": "DRAFT",
        "draft_note": "DRAFT — working copy, not for signature",
        "parties": "Between",
        "mediators": {"f1": "In the presence of the mediator", "m1": "In the presence of the "
                      "mediator", "f": "In the presence of the mediators",
                      "m": "In the presence of the mediators"},
        "with_mediators": {"f1": "with the mediator", "m1": "with the mediator",
                           "f": "with the mediators", "m": "with the mediators"},
        "mediators_subject": {"f1": "The mediator will", "m1": "The mediator will",
                              "f": "The mediators will", "m": "The mediators will"},
        "to_mediators": {"f1": "the mediator", "m1": "the mediator",
                         "f": "the mediators", "m": "the mediators"},
        "preamble_title": "Preamble",
        "preamble": ("The parties met{when}{where} {with_mediators} ({organisation}), "
                     "freely and of their own accord, to find together a way forward in "
                     "their relations as neighbours{about}."),
        "about": ", in particular as regards {subject}",
        "amendment_preamble": ("The parties signed an agreement{amends}{reference_phrase}. "
                               "Having met again{when}{where} {with_mediators} "
                               "({organisation}), they freely agree to amend it as follows."),
        "amends": " on {date}",
        "reference_phrase": " (case {reference})",
        "when": " on {date}",
        "account_title": "Background",
        "commitments_title": "Commitments",
        "party_commits": "{name} agrees to:",
        "joint_title": "Joint commitments",
        "joint": "The parties jointly agree to:",
        "changes_title": "Changes",
        "added": "Commitments added",
        "changed": "Commitments changed",
        "withdrawn": "Commitments withdrawn",
        "before": "Previously: ",
        "after": "Now: ",
        "no_change": "No commitment is added, changed or withdrawn.",
        "unchanged_title": "What stays the same",
        "unchanged": ("Everything else in the agreement of {date} stays as it was, including "
                      "these commitments:"),
        "unchanged_none": "Everything else in the agreement of {date} stays as it was.",
        "joint_who": "The parties",
        "follow_up_title": "Follow-up",
        "follow_up": ("{mediators_subject} get in touch with the parties around {date} to see "
                      "how the agreement is working."),
        "follow_up_undated": ("{mediators_subject} get in touch with the parties in about a "
                              "month to see how the agreement is working."),
        "breach_title": "If a commitment is not kept",
        "breach": ("If a commitment is not kept, the parties agree to contact {to_mediators} "
                   "first, before taking any other step."),
        "confidentiality_title": "Confidentiality",
        "confidentiality": ("What was said during the mediation is confidential. This "
                            "agreement may be shown to others only with the consent of all "
                            "the parties."),
        "confidentiality_amendment": ("What was said during the mediation is confidential. "
                                      "This amendment may be shown to others only with the "
                                      "consent of all the parties."),
        "nature_title": "Nature of this agreement",
        "nature": ("This agreement records the parties’ commitment to each other in good "
                   "faith. It is not a court decision."),
        "nature_amendment": ("This amendment, like the agreement it amends, records the "
                             "parties’ commitment to each other in good faith. It is not a "
                             "court decision."),
        "signatures_title": "Signatures",
        "made_at": "Signed in {town} on {date}, in as many originals as there are parties.",
        "made_at_blank": "Signed at ____________________ on ____________________, in as many "
                         "originals as there are parties.",
        "read": "Handwritten “Read and approved”, and signature",
        "initials": "Initials: ",
        "party": "Party",
        "mediator": {"f": "Mediator", "m": "Mediator", "": "Mediator"},
        "page": "page {page} of {pages}",
        "bilingual_note": "This agreement is written in French and in English. Only the "
                          "French text is authoritative.",
        "authoritative": "Only the French text is authoritative.",
    },
}

# The role a party signs under, in each language (mediators sign under their title).
PARTY_ROLES = frozenset(text["party"] for text in TEXT.values())

# The document's language: one language, or a bilingual code whose first language is
# the authoritative text and the second its translation ("fr-en"). Another pair would need
# its texts here and its columns in the models; nothing else assumes French and English.
LANGUAGE_CODES = ("fr", "en", "fr-en")
BILINGUAL = "fr-en"


def languages_of(code):
    """("fr",), ("en",), ("fr", "en"): the languages a document is written in, the
    authoritative one first."""
    code = code if code in LANGUAGE_CODES else "fr"
    return tuple(code.split("-"))


def is_bilingual(data):
    return len(languages_of(data.language)) > 1


def both(key, langs, **values):
    """A fixed text in each language, « Préambule / Preamble » (once when they agree)."""
    found = [TEXT[lang][key].format(**values) if values else TEXT[lang][key]
             for lang in langs]
    return " / ".join(dict.fromkeys(found))

# — Words ——————————————————————————————————————————————————————————————————————

# The subject of the mediation, per category: what the neighbours talk about, never who
# did what (« injures et harcèlement » becomes how they speak to each other).
NEUTRAL_SUBJECTS = {
    "noise": ("du bruit", "noise"),
    "odours": ("des odeurs", "smells"),
    "animals": ("des animaux", "pets"),
    "children": ("des jeux des enfants", "children’s play"),
    "parking": ("du stationnement", "parking"),
    "shared_areas": ("de l’usage des parties communes", "the use of shared areas"),
    "waste_hygiene": ("de la propreté et des déchets", "cleanliness and rubbish"),
    "insults_harassment": ("de leur manière de communiquer", "the way they communicate"),
    "boundaries_plants": ("des limites de propriété et des plantations",
                          "boundaries and plants"),
    "water_damage": ("d’un dégât des eaux", "a water leak"),
}


def neutral_subject(codes, language):
    """« du bruit et des animaux » / "noise and pets" from category codes;
    "" (the generic wording alone) for categories with no neutral phrase (« autre »)."""
    index = 1 if language == "en" else 0
    phrases = [NEUTRAL_SUBJECTS[code][index] for code in codes if code in NEUTRAL_SUBJECTS]
    return names(phrases, language)


# Words that take sides: the draft page warns (it does not refuse). Stems, folded.
PARTIAL_WORDS = (
    "plaint", "plaindre", "plaign", "coupable", "culpabilit", "harcel", "victime",
    "agresseur", "agress", "faute", "fautif", "tort", "accus", "menac", "insult", "injur",
    "responsable", "complain", "guilt", "harass", "victim", "aggressor", "attacker",
    "fault", "blame", "threat", "abus", "bully",
)
_WORD = re.compile(r"\w+", re.UNICODE)


def partial_words(*texts):
    """The words of ``texts`` that take sides, as written, in order, each once."""
    found = []
    for text in texts:
        for word in _WORD.findall(text or ""):
            folded = fold(word)
            if any(folded.startswith(stem) for stem in PARTIAL_WORDS) \
                    and word.lower() not in (w.lower() for w in found):
                found.append(word)
    return found


# Place names, French: the article their first word takes (« au centre social »).
FEMININE = {"salle", "maison", "mairie", "antenne", "médiathèque", "bibliothèque",
            "permanence", "résidence", "agence", "école", "mjc", "cité", "régie", "loge",
            "direction", "préfecture", "sous-préfecture", "gare", "caserne", "mission",
            "boutique", "structure", "association", "ludothèque", "halle", "villa", "place"}
MASCULINE = {"centre", "local", "bureau", "siège", "point", "foyer", "pôle", "gymnase",
             "collège", "lycée", "commissariat", "tribunal", "palais", "service", "hall",
             "club", "café", "théâtre", "relais", "square", "parc", "cabinet", "conseil",
             "département", "quartier", "logement", "bailleur", "accueil", "espace",
             "hôtel", "atelier", "office", "immeuble", "ccas", "cias", "pavillon"}
PREPOSITIONS = ("à ", "au ", "aux ", "chez ", "en ", "dans ", "sur ", "auprès ", "à\u00a0")
VOWELS = "aeiouyàâäéèêëîïôöûüœ"


def at_place(place, language):
    """« au centre social Mermoz », « à la salle Rameau », « à l’antenne de Vénissieux »,
    « à Lyon », « au Mas du Taureau »; "at Centre social Mermoz". A place typed with its
    preposition (« chez M. X », « au 2ᵉ étage ») is kept as typed."""
    place = (place or "").strip()
    if not place:
        return ""
    if language == "en":
        return "at " + place
    lowered = place.lower()
    if lowered.startswith(PREPOSITIONS):
        return place
    first, _, rest = place.partition(" ")
    word = first.lower()
    if word in ("le", "les") and rest:
        return ("au " if word == "le" else "aux ") + rest
    if word == "la" and rest:
        return "à la " + rest
    if word.startswith(("l'", "l’")) and len(word) > 2:
        return "à l’" + place[2:]
    if word in FEMININE or word in MASCULINE:
        # The common noun in lower case (« Centre social » → « centre social »), an
        # acronym as written (« MJC »).
        noun = first if first.isupper() and len(first) > 1 else word
        tail = noun + (" " + rest if rest else "")
        if word[0] in VOWELS or word.startswith("hô"):
            return "à l’" + tail
        return ("à la " if word in FEMININE else "au ") + tail
    return "à " + place


def mediator_key(mediators):
    """f1, m1 (one mediator: médiatrice / médiateur), f (every one a woman), m."""
    titles = [m.title for m in mediators]
    if len(titles) == 1:
        return "f1" if titles[0] == "f" else "m1"
    return "f" if titles and all(t == "f" for t in titles) else "m"


def signatory_rows(data, text):
    """(name, role) for every signatory: the parties, then the mediators (a bilingual
    document's roles in both languages: « Partie / Party »)."""
    if data.signatories:
        return [tuple(row) for row in data.signatories]
    langs = languages_of(data.language)
    roles = [TEXT[lang] for lang in langs] if len(langs) > 1 else [text]
    return ([(p.name, " / ".join(dict.fromkeys(t["party"] for t in roles)))
             for p in data.parties]
            + [(m.name, " / ".join(dict.fromkeys(t["mediator"][m.title or ""] for t in roles)))
               for m in data.mediators])


_ORDINAL = re.compile(r"\b(\d+)(?:e|è|ème|eme)(?=\s|$|,)")


def typeset(value, language):
    """What a user typed, with the language's typography (French: ’, « », no-break
    spaces, « 2ᵉ étage »)."""
    if language == "fr":
        return french(_ORDINAL.sub("\\1ᵉ", value or ""))
    return english(value or "")


def date_of(value, language):
    """« 24 novembre 2026 », « 1er mars 2026 »; "24 November 2026"."""
    return day(value, language)


def amendment_title(data, text, language=None):
    n = data.version_number - 1
    if data.amends_on:
        return text["amendment_title"].format(
            n=n, date=date_of(data.amends_on, language or languages_of(data.language)[0]))
    return text["amendment_title_undated"].format(n=n)


def footer_label(data, text):
    if data.version_number > 1:
        label = text["footer_amendment"].format(reference=data.reference,
                                                n=data.version_number - 1)
    else:
        label = text["footer"].format(reference=data.reference)
    return (text["draft"] + " — " + label) if data.draft else label


def sentences(data, language=None):
    """The document's phrases that depend on the data, shared with the HTML preview; a
    bilingual document's in ``language`` (default: the authoritative one)."""
    langs = languages_of(data.language)
    lang = language if language in langs else langs[0]
    text = TEXT[lang]
    key = mediator_key(data.mediators)
    when = text["when"].format(date=long_date(data.meeting_date, lang)) \
        if data.meeting_date else ""
    where = " " + typeset(at_place(data.meeting_place, lang), lang) \
        if data.meeting_place else ""
    subject = data.subject_en if len(langs) > 1 and lang == "en" else data.subject
    about = text["about"].format(subject=subject) if subject else ""
    common = dict(when=when, where=where, with_mediators=text["with_mediators"][key],
                  organisation=data.organisation_name)
    if data.version_number > 1:
        preamble = text["amendment_preamble"].format(
            amends=text["amends"].format(date=date_of(data.amends_on, lang))
            if data.amends_on else "",
            reference_phrase=text["reference_phrase"].format(reference=data.reference),
            **common)
        title = amendment_title(data, text, lang)
    else:
        preamble = text["preamble"].format(about=about, **common)
        title = text["title"]
    subject = text["mediators_subject"][key]
    follow_up = text["follow_up"].format(mediators_subject=subject,
                                         date=long_date(data.follow_up_on, lang)) \
        if data.follow_up_on else text["follow_up_undated"].format(mediators_subject=subject)
    town = data.signed_place or data.meeting_place
    made_at = text["made_at"].format(
        place=typeset(at_place(town, lang), lang), town=town,
        date=long_date(data.signed_on, lang)) if data.signed_on else text["made_at_blank"]
    amends_date = date_of(data.amends_on, lang) if data.amends_on else ""
    return {
        "title": title, "preamble": preamble, "follow_up": follow_up, "made_at": made_at,
        "nature": text["nature_amendment" if data.version_number > 1 else "nature"],
        "confidentiality": text["confidentiality_amendment" if data.version_number > 1
                                else "confidentiality"],
        "mediators": text["mediators"][key], "breach": text["breach"].format(
            to_mediators=text["to_mediators"][key]),
        "footer": footer_label(data, text) if len(langs) == 1 else " / ".join(
            footer_label(data, TEXT[code]) for code in langs),
        "unchanged": text["unchanged"].format(date=amends_date),
        "unchanged_none": text["unchanged_none"].format(date=amends_date),
        "signatories": signatory_rows(data, text),
    }


# — JSON, for the copy frozen at signature ————————————————————————————————————

def to_json(data: AgreementData) -> dict:
    """The data as it was signed (without the logo and base document, which are files)."""
    def plain(value):
        if isinstance(value, (date, datetime)):
            return value.isoformat()
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        if dataclasses.is_dataclass(value):
            return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return value

    result = plain(dataclasses.replace(data, logo=None, template=None))
    result.pop("logo", None)
    result.pop("template", None)
    result.pop("created", None)
    return result


def from_json(stored: dict) -> AgreementData:
    values = dict(stored)

    def day_of(value):
        return date.fromisoformat(value) if value else None

    for key in ("meeting_date", "follow_up_on", "signed_on", "amends_on"):
        values[key] = day_of(values.get(key))
    values["parties"] = [PartyBlock(**p) for p in values.get("parties", [])]
    values["mediators"] = [Mediator(**m) for m in values.get("mediators", [])]
    values["signatories"] = [tuple(s) for s in values.get("signatories", [])]
    if values.get("changes"):
        values["changes"] = Changes(**{k: [tuple(x) for x in v]
                                       for k, v in values["changes"].items()})
    known = {f.name for f in dataclasses.fields(AgreementData)}
    return AgreementData(**{k: v for k, v in values.items() if k in known})


# — The Word document ——————————————————————————————————————————————————————————

def _heading(document, text, level=1):
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(10 if level == 1 else 6)
    paragraph.paragraph_format.space_after = Pt(3)
    paragraph.paragraph_format.keep_with_next = True
    run = paragraph.add_run(text)
    run.bold = True
    run.font.size = Pt(12 if level == 1 else 11)
    run.font.color.rgb = BRAND
    return paragraph


def _numbered(document, number, text):
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.left_indent = Cm(1.0)
    paragraph.paragraph_format.first_line_indent = Cm(-0.6)
    paragraph.paragraph_format.space_after = Pt(2)
    paragraph.add_run(f"{number}.\t").bold = True
    paragraph.add_run(text)
    paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(1.0))
    return paragraph


def _normalise(data):
    data = word_safe(data)
    mediators = [m if isinstance(m, Mediator) else Mediator(str(m)) for m in data.mediators]
    lang = data.language if data.language in LANGUAGE_CODES else "fr"
    first = languages_of(lang)[0]
    fix = (lambda value: typeset(value, first))
    fix_en = (lambda value: typeset(value, "en"))

    def fix_text(value):
        # A bilingual text is a (French, English) pair.
        if isinstance(value, (list, tuple)):
            return tuple(typeset(part, code) for part, code in zip(value, languages_of(lang)))
        return fix(value)

    parties = [PartyBlock(p.name, fix(p.address), [fix(c) for c in p.commitments],
                          [fix_en(c) for c in p.commitments_en])
               for p in data.parties]
    changes = data.changes
    if changes is not None:
        changes = Changes(*[[tuple(fix_text(x) if i else x for i, x in enumerate(row))
                             for row in rows]
                            for rows in (changes.added, changes.changed, changes.withdrawn,
                                         changes.unchanged)])
    return dataclasses.replace(
        data, language=lang, mediators=mediators, parties=parties, changes=changes,
        account=fix(data.account), joint_commitments=[fix(c) for c in data.joint_commitments],
        account_en=fix_en(data.account_en),
        joint_commitments_en=[fix_en(c) for c in data.joint_commitments_en])


def prepared(data):
    """The data as the document prints it (typography, mediators), for the preview too."""
    return _normalise(data)


def _properties(document, data, text, title):
    created = data.created or utcnow()
    created = created.replace(tzinfo=None) if created.tzinfo is None else created
    properties = document.core_properties
    properties.author = properties.last_modified_by = data.organisation_name[:255]
    properties.title = title[:255]
    properties.subject = text["reference"].format(reference=data.reference)
    # A bilingual document's language is its authoritative text's.
    properties.language = "fr-FR" if languages_of(data.language)[0] == "fr" else "en-GB"
    properties.created = properties.modified = created
    properties.revision = 1
    properties.comments = ""
    properties.keywords = ""
    properties.category = ""
    for part in document.part.package.iter_parts():
        if part.partname == "/docProps/app.xml":
            blob = part.blob.decode("utf-8")
            blob = re.sub(r"<Company\s*/>|<Company>.*?</Company>",
                          f"<Company>{escape(data.organisation_name)}</Company>", blob)
            blob = re.sub(r"<Application>.*?</Application>",
                          "<Application>Casework</Application>", blob)
            part._blob = blob.encode("utf-8")
    # The styles' language: Word's spelling and hyphenation follow it.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        run_defaults = defaults.find(qn("w:rPrDefault"))
        rpr = run_defaults.find(qn("w:rPr")) if run_defaults is not None else None
        if rpr is not None:
            lang = rpr.find(qn("w:lang"))
            if lang is None:
                lang = OxmlElement("w:lang")
                rpr.append(lang)
            lang.set(qn("w:val"), properties.language)
            lang.set(qn("w:eastAsia"), properties.language)


def _keep(paragraph):
    paragraph.paragraph_format.keep_with_next = True
    return paragraph


def build(data: AgreementData) -> bytes:
    data = _normalise(data)
    if is_bilingual(data):
        return _build_bilingual(data)
    lang = data.language
    text = TEXT[lang]
    said = sentences(data)
    document = _start(data, text, said, text["draft_note"], text["initials"])

    if data.draft:
        mark = document.add_paragraph()
        mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = mark.add_run(text["draft"])
        run.bold, run.font.size, run.font.color.rgb = True, Pt(16), DRAFT_RED
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = Pt(12)
    run = title.add_run(said["title"])
    run.bold, run.font.size, run.font.color.rgb = True, Pt(20 if data.version_number == 1
                                                         else 16), BRAND
    subtitle = document.add_paragraph()
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle.add_run(text["reference"].format(reference=data.reference))

    _heading(document, text["parties"])
    _parties_and_mediators(document, data, said["mediators"])

    _heading(document, text["preamble_title"])
    document.add_paragraph(said["preamble"])
    if data.account.strip():
        _heading(document, text["account_title"])
        for block in data.account.strip().split("\n\n"):
            document.add_paragraph(block.strip())

    for key in ("nature", "confidentiality", "follow_up", "breach"):
        _heading(document, text[f"{key}_title"])
        document.add_paragraph(said[key] if key in said else text[key])

    if data.version_number > 1 and data.changes is not None:
        _changes(document, data, text, said)
    else:
        _commitments(document, data, text)

    # From the last commitments to the signatures, everything keeps together (a short
    # chain, which Word and LibreOffice both honour): a page never holds signatures alone.
    _keep(document.paragraphs[-1])
    _keep(_heading(document, text["signatures_title"]))
    _keep(document.add_paragraph(said["made_at"]))
    _signatures(document, said["signatories"], [text["read"]])
    return _saved(document)


def _saved(document):
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _parties_and_mediators(document, data, mediators_heading):
    for party in data.parties:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.left_indent = Cm(0.5)
        paragraph.add_run(party.name).bold = True
        if party.address:
            paragraph.add_run(f", {party.address}")
    _heading(document, mediators_heading)
    paragraph = document.add_paragraph(", ".join(m.name for m in data.mediators)
                                       + f" ({data.organisation_name})")
    paragraph.paragraph_format.left_indent = Cm(0.5)


def _start(data, text, said, draft_note, initials_label):
    """The document with its page, letterhead, draft mark, footer and properties."""
    document = new_document(data.template)
    section = document.sections[0]
    if not data.template:
        a4_page(document, top_bottom_cm=2.0, sides_cm=2.2)
        document.styles["Normal"].paragraph_format.space_after = Pt(4)
        letterhead(section, data.organisation_name,
                   f"{data.organisation_address} · {data.organisation_phone}",
                   logo=data.logo, name_pt=12, details_pt=8.5)
    if data.draft:
        mark = section.header.add_paragraph()
        mark.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = mark.add_run(draft_note)
        run.bold, run.font.size, run.font.color.rgb = True, Pt(10), DRAFT_RED

    section.header.paragraphs[-1].paragraph_format.space_after = Pt(10)
    page_footer(section, said["footer"], text["page"])
    initials = section.footer.paragraphs[0].insert_paragraph_before()
    initials.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    initials.paragraph_format.space_after = Pt(6)
    run = initials.add_run(initials_label + "_" * 28)
    run.font.size, run.font.color.rgb = Pt(8.5), GREY
    _properties(document, data, text, said["title"])
    return document


def _commitments(document, data, text):
    _heading(document, text["commitments_title"])
    for party in data.parties:
        if not party.commitments:
            continue
        _heading(document, text["party_commits"].format(name=party.name), level=2)
        for number, commitment in enumerate(party.commitments, start=1):
            _numbered(document, number, commitment)
    if data.joint_commitments:
        _heading(document, text["joint"], level=2)
        for number, commitment in enumerate(data.joint_commitments, start=1):
            _numbered(document, number, commitment)


def _who(who, text):
    return who or text["joint_who"]


def _changes(document, data, text, said):
    changes = data.changes
    _heading(document, text["changes_title"])
    if not (changes.added or changes.changed or changes.withdrawn):
        document.add_paragraph(text["no_change"])
    number = 0
    for key in ("added", "changed", "withdrawn"):
        rows = getattr(changes, key)
        if not rows:
            continue
        _heading(document, text[key], level=2)
        for row in rows:
            number += 1
            if key == "changed":
                _changed(document, number, row, text)
            else:
                _numbered(document, number, f"{_who(row[0], text)} — {row[1]}")
    _heading(document, text["unchanged_title"])
    if changes.unchanged:
        _keep(document.add_paragraph(said["unchanged"]))
        for index, (who, commitment) in enumerate(changes.unchanged, start=1):
            _numbered(document, index, f"{_who(who, text)} — {commitment}")
    else:
        document.add_paragraph(said["unchanged_none"])


def _changed(document, number, row, text):
    who, before, after = row
    _keep(_numbered(document, number, _who(who, text)))
    for label, value in ((text["before"], before), (text["after"], after)):
        line = document.add_paragraph()
        line.paragraph_format.left_indent = Cm(1.0)
        line.paragraph_format.space_after = Pt(1)
        line.add_run(label).italic = True
        line.add_run(value)
        if label == text["before"]:
            _keep(line)


def _is_party(role: str) -> bool:
    """A signatory's role is a party's (« Partie », "Party", « Partie / Party »), not a
    mediator's."""
    return all(part in PARTY_ROLES for part in role.split(" / "))


def _signatures(document, rows, hints):
    """Two signature blocks a row: name, role, room to sign and, for a party, the
    handwritten mention (« Lu et approuvé »: the mediators sign without it). Rows never
    split, and each keeps with the next, the table with the text above."""
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    width = Cm(8.3)
    pairs = [rows[i:i + 2] for i in range(0, len(rows), 2)]
    for index, pair in enumerate(pairs):
        cells = table.add_row().cells
        last = index == len(pairs) - 1
        for cell, signatory in zip(cells, list(pair) + [None]):
            cell.width = width
            paragraph = cell.paragraphs[0]
            if signatory is None:
                continue
            name, role = signatory
            paragraph.add_run(name).bold = True
            role_line = cell.add_paragraph()
            role_line.add_run(role)
            mention = hints if _is_party(role) else []
            for line in mention:  # « Lu et approuvé », in each language
                hint = cell.add_paragraph().add_run(line)
                hint.italic, hint.font.size, hint.font.color.rgb = True, Pt(8), GREY
            for _ in range(5 - len(mention)):  # room for the mention and the signature
                cell.add_paragraph()
            for item in cell.paragraphs:
                item.paragraph_format.keep_with_next = not last or item is not \
                    cell.paragraphs[-1]
                item.paragraph_format.space_after = Pt(2)
        row = table.rows[-1]._tr.get_or_add_trPr()
        row.append(_cant_split())


def _cant_split():
    element = OxmlElement("w:cantSplit")
    element.set(qn("w:val"), "true")
    return element


# — The bilingual document ————————————————————————————————————————————————————————
# Headings « Préambule / Preamble » on one line; the fixed sentences in French, then in
# English in italics; the parties' own texts (the account, the commitments, what an
# amendment changes) side by side in a two-column table, French left, English right, one
# row per commitment so each reads against its translation. « Seul le texte français
# fait foi » under the title and again above the signatures.

COLUMN = Cm(8.3)


def _translation(document, value):
    """The English of the sentence above it: italic, grey, a little smaller."""
    paragraph = document.add_paragraph()
    run = paragraph.add_run(value)
    run.italic, run.font.size, run.font.color.rgb = True, Pt(10), GREY
    _run_language(run, "en-GB")
    return paragraph


def _run_language(run, language):
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), language)
    run._r.get_or_add_rPr().append(lang)


def _in_both(document, said, said_en, key):
    """A fixed sentence in French, then its English."""
    document.add_paragraph(said[key] if key in said else TEXT["fr"][key])
    return _translation(document, said_en[key] if key in said_en else TEXT["en"][key])


def _side_by_side(document, rows, last=False):
    """``rows``: [(French paragraphs, English paragraphs)], each a list of
    (number or "", text). Rows never split; ``last``: the table keeps with what follows
    (the signatures)."""
    table = document.add_table(rows=0, cols=2)
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for row_values in rows:
        cells = table.add_row().cells
        for cell, items, language in zip(cells, row_values, ("fr-FR", "en-GB")):
            cell.width = COLUMN
            for index, (number, value) in enumerate(items):
                paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
                paragraph.paragraph_format.space_after = Pt(3)
                if number:
                    paragraph.paragraph_format.left_indent = Cm(0.6)
                    paragraph.paragraph_format.first_line_indent = Cm(-0.6)
                    paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(0.6))
                    paragraph.add_run(f"{number}.\t").bold = True
                run = paragraph.add_run(value)
                if language != "fr-FR":
                    _run_language(run, language)
        table.rows[-1]._tr.get_or_add_trPr().append(_cant_split())
    for index, row in enumerate(table.rows):
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                # Word and LibreOffice keep a table row with the next one when its
                # paragraphs keep with next: the whole last table stays with the signatures.
                paragraph.paragraph_format.keep_with_next = \
                    (last and index == len(table.rows) - 1) \
                    or (index < len(table.rows) - 1 and len(table.rows) <= 3)
    return table


def _bilingual_heading(document, key, level=1, **values):
    return _heading(document, both(key, ("fr", "en"), **values), level)


def _pair(value):
    """(French, English) of a change's text; a text recorded in French alone has no
    English."""
    if isinstance(value, (list, tuple)):
        return (value[0], value[1] if len(value) > 1 else "")
    return (value, "")


def _build_bilingual(data):
    langs = languages_of(data.language)
    fr, en = TEXT[langs[0]], TEXT[langs[1]]
    said, said_en = sentences(data, langs[0]), sentences(data, langs[1])
    document = _start(data, fr, said, fr["draft_note"] + "\n" + en["draft_note"],
                      fr["initials"].rstrip("\u00a0: ") + " / " + en["initials"])
    if data.draft:
        mark = document.add_paragraph()
        mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = mark.add_run(both("draft", langs))
        run.bold, run.font.size, run.font.color.rgb = True, Pt(16), DRAFT_RED
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = Pt(12)
    title.paragraph_format.space_after = Pt(0)
    run = title.add_run(said["title"])
    run.bold, run.font.size, run.font.color.rgb = True, Pt(20 if data.version_number == 1
                                                         else 16), BRAND
    english = document.add_paragraph()
    english.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = english.add_run(said_en["title"])
    run.italic, run.font.size, run.font.color.rgb = True, Pt(14 if data.version_number == 1
                                                             else 12), BRAND
    _run_language(run, "en-GB")
    subtitle = document.add_paragraph()
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle.add_run(" / ".join(t["reference"].format(reference=data.reference)
                                for t in (fr, en)))
    note = document.add_paragraph()
    note.alignment = WD_ALIGN_PARAGRAPH.CENTER
    note.paragraph_format.space_before = Pt(4)
    run = note.add_run(fr["bilingual_note"])
    run.bold, run.font.size = True, Pt(9.5)
    run = note.add_run("\n" + en["bilingual_note"])
    run.italic, run.font.size = True, Pt(9.5)
    _run_language(run, "en-GB")

    _bilingual_heading(document, "parties")
    _parties_and_mediators(document, data, " / ".join(
        dict.fromkeys((said["mediators"], said_en["mediators"]))))
    _bilingual_heading(document, "preamble_title")
    _in_both(document, said, said_en, "preamble")
    if data.account.strip() or data.account_en.strip():
        _bilingual_heading(document, "account_title")
        _side_by_side(document, [tuple(
            [("", block.strip()) for block in value.strip().split("\n\n") if block.strip()]
            for value in (data.account, data.account_en))])
    for key in ("nature", "confidentiality", "follow_up", "breach"):
        _bilingual_heading(document, f"{key}_title")
        _in_both(document, said, said_en, key)

    if data.version_number > 1 and data.changes is not None:
        _bilingual_changes(document, data, said, said_en)
    else:
        _bilingual_commitments(document, data)

    _keep(document.paragraphs[-1])
    _keep(_bilingual_heading(document, "signatures_title"))
    _keep(document.add_paragraph(said["made_at"]))
    _keep(_translation(document, said_en["made_at"]))
    authoritative = _keep(document.add_paragraph())
    authoritative.add_run(fr["authoritative"]).bold = True
    run = authoritative.add_run(" / " + en["authoritative"])
    run.italic = True
    _run_language(run, "en-GB")
    _signatures(document, said["signatories"], [fr["read"], en["read"]])
    return _saved(document)


def _numbered_rows(french, english):
    """One row per commitment: « 1. ne pas… » beside "1. make no…" (an English text not
    written yet leaves its cell empty)."""
    count = max(len(french), len(english))
    return [([(n + 1, french[n])] if n < len(french) else [],
             [(n + 1, english[n])] if n < len(english) and english[n] else [])
            for n in range(count)]


def _bilingual_commitments(document, data):
    _bilingual_heading(document, "commitments_title")
    blocks = [(both("party_commits", ("fr", "en"), name=party.name), party.commitments,
               party.commitments_en) for party in data.parties if party.commitments]
    if data.joint_commitments:
        blocks.append((both("joint", ("fr", "en")), data.joint_commitments,
                       data.joint_commitments_en))
    for index, (heading, french, english) in enumerate(blocks):
        _heading(document, heading, level=2)
        _side_by_side(document, _numbered_rows(french, english),
                      last=index == len(blocks) - 1)


def _bilingual_changes(document, data, said, said_en):
    changes = data.changes
    fr, en = TEXT["fr"], TEXT["en"]
    _bilingual_heading(document, "changes_title")
    if not (changes.added or changes.changed or changes.withdrawn):
        _in_both(document, said, said_en, "no_change")
    number = 0
    for key in ("added", "changed", "withdrawn"):
        rows = getattr(changes, key)
        if not rows:
            continue
        _bilingual_heading(document, key, level=2)
        table_rows = []
        for row in rows:
            number += 1
            who = row[0]
            if key == "changed":
                before, after = _pair(row[1]), _pair(row[2])
                table_rows.append(tuple(
                    [(number, _who(who, t)), ("", t["before"] + before[i]),
                     ("", t["after"] + after[i])] for i, t in enumerate((fr, en))))
            else:
                value = _pair(row[1])
                table_rows.append(tuple([(number, f"{_who(who, t)} — {value[i]}")]
                                        for i, t in enumerate((fr, en))))
        _side_by_side(document, table_rows)
    _bilingual_heading(document, "unchanged_title")
    if changes.unchanged:
        _keep(document.add_paragraph(said["unchanged"]))
        _keep(_translation(document, said_en["unchanged"]))
        _side_by_side(document, [tuple(
            [(index, f"{_who(who, t)} — {_pair(value)[i]}")] for i, t in enumerate((fr, en)))
            for index, (who, value) in enumerate(changes.unchanged, start=1)], last=True)
    else:
        _in_both(document, said, said_en, "unchanged_none")
