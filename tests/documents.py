"""Every kind of document Casework hands out, built as a user gets it: the data entered
through the app, the file downloaded from its route with the test client.

Used by tests/test_document_rendering.py (every kind builds from any text a user can
type, renders with LibreOffice, and keeps its text) and by docs/documents.py (the gallery
of rendered pages in docs/documents/).

A kind is a name, its language, its file type, the pages it should fill, and a function
``produce(scene) -> Produced`` (the bytes and the texts a reader must find in them). A new
kind of document is one more ``Kind(...)`` in KINDS, with its function below. A ``Scene``
is an organisation and its people, from a ``Cast`` (the names, places and notes typed in:
REALISTIC for the gallery, HOSTILE for the robustness test); it builds each case once,
when a kind first needs it.
"""
import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Callable
from xml.etree import ElementTree

from docx import Document
from sqlalchemy import select

from casework.core import clock
from casework.core.text import clean
from casework.extensions import db

from . import factories

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# — Who and what is typed in ———————————————————————————————————————————————————

@dataclass(frozen=True)
class Person:
    civility: str  # "mme", "m" or ""
    first_name: str
    last_name: str
    language: str = "fr"
    floor: str = ""


@dataclass(frozen=True)
class Cast:
    """What users typed: the parties of the French case and of the English one, the
    mediators (the first leads, the second co-mediates, all sit at the round table), the
    places, the account and the commitments of the agreement, the director's words."""
    parties: tuple
    english_parties: tuple
    mediators: tuple
    street: str
    meeting_place: str
    room: str
    account: str
    commitments: tuple
    english_commitments: tuple
    director_word: str
    english_account: str = ""
    amended: tuple = ()  # the commitments the amendment adds
    postcode: str = "69008"
    city: str = "Lyon"


REALISTIC = Cast(
    parties=(Person("mme", "Sylvie", "Untel", floor="3"),
             Person("m", "Rachid", "Tartempion", floor="4")),
    english_parties=(Person("mme", "Jane", "Quidam", "en", floor="2"),
                     Person("m", "Thomas", "Lambda", "en", floor="1")),
    mediators=("Amélie Girard", "Karim Haddad"),
    street="12 rue Professeur Beauvisage",
    meeting_place="Centre social Mermoz",
    room="Salle de réunion — Maison des associations",
    account=("Les parties ont échangé sur les bruits entendus le soir et sur la façon de "
             "se prévenir à l'avenir."),
    # Shared out in turn: the first party, the second, both (see Scene.draft_agreement).
    commitments=("signaler d'abord une gêne directement et calmement à son voisin",
                 "ne pas faire de bruit après 22 h", "se saluer",
                 "prévenir ses voisins avant une fête", "poser des patins sous les chaises",
                 "se parler d'abord avant de s'adresser à un tiers"),
    amended=("mettre un tapis dans le séjour",),
    english_account=("The parties talked about the noise heard in the evening and about how "
                     "to let each other know in future."),
    english_commitments=("tell the neighbour about a nuisance first, calmly",
                         "make no noise after 10 pm", "greet each other",
                         "tell the neighbours before a party",
                         "put felt pads under the chairs"),
    director_word=("Cette année, les médiatrices et médiateurs ont accompagné les habitants "
                   "de Mermoz et de la Duchère dans des situations de voisinage variées."))

LONG = "Marie-Thérèse-Anne-Charlotte-Éléonore-Geneviève-Bernadette-Joséphine-Françoise-Élo"
HOSTILE_TEXT = ("Il a dit « c'est fini » puis \"on verra\" l’air 'détendu' 👍🏽 "
                "👩‍👩‍👧‍👦 🏳️‍🌈 مرحبا بالجيران שלום לשכנים ; & <b>pas</b> de balise ; "
                "\u0007\u000b\u001bfin.")
HOSTILE = Cast(
    parties=(Person("mme", LONG[:80], ("De La Fontaine-" * 6)[:80], floor="2ᵉ"),
             Person("m", "Karim", "O'Brien « le Jeune »"),
             Person("mme", "Fatima", "الزهراء بن علي", "ar"),
             Person("m", "David", "כהן-לוי", "other"),
             Person("", "Zoé 👍🏽", "Smith 👩‍👩‍👧‍👦", "en"),
             Person("m", "Jean\u0007", "Dupont\u000bDurand"),
             Person("mme", "Ana \"Nana\"", "Da Silva & Fils <script>"),
             Person("m", "Nguyễn", "Văn Thành")),
    english_parties=(Person("", "Zoé 👍🏽", "O'Neil \"Jr\"", "en"),
                     Person("m", "يوسف", "Smith-כהן", "en")),
    mediators=("Amélie « Mimi » Girard 👍🏽", "سارة حداد", "Noa \"N\" Lévy-כהן"),
    street=("Résidence « Les Tilleuls » 👍🏽 " * 8)[:200],
    meeting_place=("Centre social « Mermoz » — salle 'B' مركز اجتماعي 👩‍👩‍👧‍👦 " * 5)[:200],
    room="Salle « Arc-en-ciel » 🏳️‍🌈 — קומה 2",
    account=HOSTILE_TEXT * 3,
    commitments=tuple(f"engagement n° {n} : « {HOSTILE_TEXT[:40]} » {'ש' * (n % 3)}"
                      for n in range(1, 41)),
    english_commitments=tuple(f"commitment {n}: \"keep calm\" 👍🏽 — لا ضجيج"
                              for n in range(1, 11)),
    director_word=HOSTILE_TEXT * 2,
    amended=(HOSTILE_TEXT,))


# — What a kind produces ——————————————————————————————————————————————————————

@dataclass
class Produced:
    body: bytes
    mimetype: str
    texts: list  # what a reader must find, as typed (cleaned as the app cleans it)


@dataclass(frozen=True)
class Kind:
    name: str  # the file's name in the gallery
    label: str
    language: str
    extension: str  # docx, xlsx, csv
    pages: tuple  # (fewest, most) pages of the realistic document
    produce: Callable

    @property
    def renders(self) -> bool:
        """Whether it is a page document to render (a CSV is not)."""
        return self.extension in ("docx", "xlsx")


# — The scene: an organisation, its people, and the cases the kinds need ———————————————

@dataclass
class Scene:
    app: object
    cast: Cast
    made: dict = field(default_factory=dict)
    clients: dict = field(default_factory=dict)

    def once(self, name, build):
        if name not in self.made:
            self.made[name] = build()
        return self.made[name]

    def client(self, username):
        """A test client logged in as ``username`` (one per user)."""
        if username not in self.clients:
            self.clients[username] = self.app.test_client()
            self.clients[username].login(username)
        return self.clients[username]

    def get(self, username, url, **kwargs) -> Produced:
        response = self.client(username).get(url, **kwargs)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        return Produced(response.data, response.mimetype, [])

    # The organisation: a team, its manager, the mediators, the privacy officer.
    @property
    def org(self):
        def build():
            with self.app.app_context():
                team = factories.team("Territoires")
                factories.user("direction", roles=["manager"], teams=[team],
                               full_name="Claire Fictif")
                mediators = [factories.user(f"mediateur{n}", roles=["mediator"],
                                            teams=[team], full_name=name).id
                             for n, name in enumerate(self.cast.mediators)]
                factories.user("dpo", roles=["privacy_officer"], full_name="Paul Témoin")
                factories.reference("source", "resident", "Habitant", "Resident")
                factories.reference("category", "noise", "Bruit", "Noise")
                place = factories.place(self.cast.room, f"3 rue Genton, {self.cast.postcode} "
                                                        f"{self.cast.city}")
                return {"team": team.id, "mediators": mediators, "place": place.id}
        return self.once("org", build)

    def case(self, name, people):
        """A case in mediation with ``people`` (who consented), led by the first mediator
        (the second co-mediates), with a contact logged and a round table next week with
        every mediator; returns {reference, parties (ids), table (id)}."""
        def build():
            from casework.auth.models import Team, User
            from casework.cases.models import Case, Party
            from casework.core.text import key
            from casework.meetings.models import RoundTable

            org = self.org
            with self.app.app_context():
                team = db.session.get(Team, org["team"])
                mediators = [db.session.get(User, id) for id in org["mediators"]]
                manager = db.session.execute(select(User).filter_by(username="direction")
                                             ).scalar_one()
                made = factories.case(
                    team, creator=manager, status="mediation", lead=mediators[0],
                    co=mediators[1] if len(mediators) > 1 else None, street=self.cast.street,
                    postcode=self.cast.postcode, city=self.cast.city,
                    parties=[(p.first_name, p.last_name) for p in people], consent="given",
                    description="Bruits de pas le soir.")
                case = db.session.get(Case, made.id)
                for party, person in zip(case.parties, people):
                    party.civility, party.language = person.civility, person.language
                    party.floor = person.floor
                    party.name_key = key(person.last_name, person.first_name)
                db.session.commit()
                factories.intervention(case, mediators, at=clock.utcnow() - timedelta(days=5))
                table = db.session.get(RoundTable, factories.round_table(
                    case, mediators, place_text="?").id)
                table.place_id, table.place_text = org["place"], ""
                db.session.commit()
                parties = [p.id for p in db.session.execute(select(Party).where(
                    Party.case_id == case.id).order_by(Party.id)).scalars()]
                return {"reference": case.reference, "parties": parties, "table": table.id}
        return self.once(f"case:{name}", build)

    @property
    def lead(self):
        self.org
        return "mediateur0"

    def draft_agreement(self, case, language, commitments):
        """The lead mediator starts the agreement (or its amendment) and writes it: the
        commitments are shared out in turn, to each party then to all of them."""
        from casework.agreements.models import Agreement

        reference, parties = case["reference"], case["parties"]
        client = self.client(self.lead)
        client.submit(f"/cases/{reference}/agreement/start", {},
                      page=f"/cases/{reference}/agreement/start")
        with self.app.app_context():
            agreement = db.session.execute(
                select(Agreement).where(Agreement.case.has(reference=reference))
                .order_by(Agreement.number.desc())).scalars().first()
            version = agreement.version
        share = {party_id: [] for party_id in parties + ["joint"]}
        keys = list(share)
        for index, text in enumerate(commitments):
            share[keys[index % len(keys)]].append(text)
        data = {"version": str(version), "language": language, "meeting_date":
                (clock.today() - timedelta(days=7)).isoformat(),
                "meeting_place": self.cast.meeting_place,
                "account": self.cast.english_account or self.cast.account
                if language == "en" else self.cast.account,
                "follow_up_weeks": "4"}
        data.update({f"commitments_{key}": "\n".join(lines) for key, lines in share.items()})
        response = client.submit(f"/cases/{reference}/agreement", data)
        assert response.status_code == 302, response.text[:2000]

    def sign_agreement(self, case):
        """Everyone signs the current version, today, in Lyon."""
        from casework.agreements.models import Agreement
        from casework.cases.models import Case

        reference = case["reference"]
        with self.app.app_context():
            stored = db.session.execute(select(Case).filter_by(reference=reference)).scalar_one()
            mediators = [m.id for m in (stored.lead_mediator, stored.co_mediator) if m]
            version = db.session.execute(
                select(Agreement).where(Agreement.case_id == stored.id)
                .order_by(Agreement.number.desc())).scalars().first().version
        response = self.client(self.lead).submit(f"/cases/{reference}/agreement/sign", {
            "version": str(version), "signed_on": clock.today().isoformat(),
            "signed_place": "Lyon",
            "signatories": [f"party:{p}" for p in case["parties"]] +
                           [f"mediator:{m}" for m in mediators],
            "follow_up_on": (clock.today() + timedelta(days=30)).isoformat(),
            "confirm": "y"})
        assert response.status_code == 302, response.text[:2000]

    # The cases, each built once.
    @property
    def french_case(self):
        return self.case("fr", self.cast.parties)

    @property
    def english_case(self):
        return self.case("en", self.cast.english_parties)

    @property
    def signed_french(self):
        def build():
            self.draft_agreement(self.french_case, "fr", self.cast.commitments)
            self.sign_agreement(self.french_case)
            return self.french_case
        return self.once("signed:fr", build)


def names(people, language):
    civility = {"mme": "Mme", "m": "M."} if language == "fr" else {"mme": "Mrs", "m": "Mr"}
    return [" ".join(x for x in (civility.get(p.civility, ""), typed(p.first_name),
                                 typed(p.last_name)) if x) for p in people]


def typed(value, multiline=False):
    """A text as the app keeps it (control characters out)."""
    return clean(value, multiline=multiline)


# — The kinds ————————————————————————————————————————————————————————————————

def agreement_fr(scene):
    case = scene.signed_french
    produced = scene.get(scene.lead, f"/cases/{case['reference']}/agreement/v1.docx")
    produced.texts = (["Protocole d'accord", case["reference"]]
                      + names(scene.cast.parties, "fr")
                      + [typed(c) for c in scene.cast.commitments]
                      + [typed(m) for m in scene.cast.mediators[:2]])
    return produced


def amendment_fr(scene):
    case = scene.signed_french
    reference = case["reference"]

    def amend():
        scene.draft_agreement(case, "fr", scene.cast.commitments + scene.cast.amended)
        return True
    scene.once("amended:fr", amend)
    produced = scene.get(scene.lead, f"/cases/{reference}/agreement/v2.docx")
    produced.texts = (["Avenant n° 1", reference] + names(scene.cast.parties, "fr")
                      + [typed(c) for c in scene.cast.commitments + scene.cast.amended])
    return produced


def agreement_en(scene):
    case = scene.english_case
    scene.once("draft:en", lambda: scene.draft_agreement(case, "en",
                                                         scene.cast.english_commitments))
    produced = scene.get(scene.lead, f"/cases/{case['reference']}/agreement.docx")
    produced.texts = (["Agreement protocol", case["reference"]]
                      + names(scene.cast.english_parties, "en")
                      + [typed(c) for c in scene.cast.english_commitments])
    return produced


def invitation(case_of, language):
    def produce(scene):
        case = case_of(scene)
        people = scene.cast.parties if language == "fr" else scene.cast.english_parties
        reference, party = case["reference"], case["parties"][0]
        produced = scene.get(scene.lead, f"/cases/{reference}/round-tables/{case['table']}"
                                         f"/invitations/{party}.docx")
        produced.texts = [typed(people[0].first_name), typed(people[0].last_name),
                          typed(scene.cast.room), typed(scene.cast.street)]
        return produced
    return produce


def annual(language):
    def produce(scene):
        scene.french_case  # a case, a contact and a round table to count
        year = clock.today().year

        def write():
            client = scene.client("direction")
            data = {"director_word": scene.cast.director_word, "projects": "",
                    "perspectives": "", "version_director_word": "", "version_projects": "",
                    "version_perspectives": ""}
            response = client.submit(f"/reports/annual/{year}", data)
            assert response.status_code == 302, response.text[:2000]
            return True
        scene.once("annual-texts", write)
        produced = scene.get("direction", f"/reports/annual/{year}.docx?lang={language}")
        produced.texts = [typed(scene.cast.director_word, multiline=True),
                          "Rapport d’activité" if language == "fr" else "Annual activity report"]
        return produced
    return produce


def subject_access(language):
    def produce(scene):
        case = scene.signed_french
        person = scene.cast.parties[0]
        client = scene.client("dpo")
        headers = {"Accept-Language": language}
        page = client.submit("/privacy/people", {"name": typed(person.last_name)},
                             headers=headers).text
        ids = re.findall(r'name="party" value="(\d+)"', page)
        assert ids == [str(case["parties"][0])], ids
        response = client.submit("/privacy/people/export", {"party": ids, "format": "docx"},
                                 page="/privacy/people", headers=headers)
        assert response.status_code == 200, response.status_code
        return Produced(response.data, response.mimetype,
                        [typed(person.first_name), typed(person.last_name), case["reference"],
                         typed(scene.cast.street)])
    return produce


def figures_xlsx(scene):
    scene.french_case
    produced = scene.get("direction", "/reports/figures.xlsx",
                         headers={"Accept-Language": "fr"})
    produced.texts = ["Interventions", "Territoires"]
    return produced


def interventions_csv(scene):
    case = scene.french_case
    produced = scene.get("direction", "/reports/interventions.csv",
                         headers={"Accept-Language": "fr"})
    produced.texts = [case["reference"]] + [typed(m) for m in scene.cast.mediators]
    return produced


KINDS = [
    Kind("agreement-fr", "Agreement protocol, signed", "fr", "docx", (2, 3), agreement_fr),
    Kind("amendment-fr", "Amendment (draft of version 2)", "fr", "docx", (2, 3),
         amendment_fr),
    Kind("agreement-en", "Agreement protocol, draft", "en", "docx", (2, 3), agreement_en),
    Kind("invitation-fr", "Invitation to a round table", "fr", "docx", (1, 1),
         invitation(lambda scene: scene.french_case, "fr")),
    Kind("invitation-en", "Invitation to a round table", "en", "docx", (1, 1),
         invitation(lambda scene: scene.english_case, "en")),
    Kind("annual-report-fr", "Annual activity report", "fr", "docx", (3, 12), annual("fr")),
    Kind("annual-report-en", "Annual activity report", "en", "docx", (3, 12), annual("en")),
    Kind("subject-access-fr", "A person's own data (subject access)", "fr", "docx", (1, 4),
         subject_access("fr")),
    Kind("subject-access-en", "A person's own data (subject access)", "en", "docx", (1, 4),
         subject_access("en")),
    Kind("figures-fr", "The dashboard's figures (spreadsheet)", "fr", "xlsx", (1, 60),
         figures_xlsx),
    Kind("interventions-fr", "The month's interventions (CSV)", "fr", "csv", (0, 0),
         interventions_csv),
]


def produce_all(scene) -> dict:
    """{kind name: Produced}, every kind built in the scene."""
    return {kind.name: kind.produce(scene) for kind in KINDS}


# — Reading a file back ————————————————————————————————————————————————————————

def docx_text(body) -> str:
    """Every paragraph of a Word file: body, tables (nested too), headers and footers."""
    document = Document(io.BytesIO(body))
    lines = []

    def walk(container):
        lines.extend(p.text for p in container.paragraphs)
        for table in container.tables:
            for row in table.rows:
                for cell in row.cells:
                    walk(cell)
    walk(document)
    for section in document.sections:
        walk(section.header)
        walk(section.footer)
    return "\n".join(lines)


def xlsx_text(body) -> str:
    """Every string of a spreadsheet (shared and inline)."""
    archive = zipfile.ZipFile(io.BytesIO(body))
    texts = []
    for name in archive.namelist():
        if name == "xl/sharedStrings.xml" or name.startswith("xl/worksheets/"):
            root = ElementTree.fromstring(archive.read(name))
            texts += [t.text or "" for t in root.iter() if t.tag.endswith("}t")]
    return "\n".join(texts)


def file_text(extension, body) -> str:
    if extension == "docx":
        return docx_text(body)
    if extension == "xlsx":
        return xlsx_text(body)
    text = body.decode("utf-8-sig")
    return "\n".join(" ".join(row) for row in csv.reader(io.StringIO(text), delimiter=";"))


QUOTES = str.maketrans({q: '"' for q in "'’‘«»“”„"})


def comparable(text) -> str:
    """Text as compared: compatibility forms folded (PDF ligatures, Arabic presentation
    forms), no whitespace at all (a PDF breaks lines anywhere, even inside a long word),
    no soft hyphen, no joiner or variation selector (which a PDF may drop), quotes of
    every kind alike (the documents set French typography: « », ’)."""
    text = unicodedata.normalize("NFKC", text).translate(QUOTES)
    return re.sub(r"[\s\u00ad\u200b-\u200f\u2060\u2066-\u2069\ufe0e\ufe0f]+", "", text)


def missing(texts, found) -> list:
    """The texts of ``texts`` not in ``found``."""
    haystack = comparable(found)
    return [text for text in texts if comparable(text) not in haystack]


def missing_words(texts, found) -> list:
    """The words of ``texts`` not in ``found`` (a PDF's text): what a reader would miss.
    Word by word, because a PDF gives right-to-left runs in the order they are drawn
    (« כהן-לוי » comes out « לוי-כהן »), drops a hyphen at the end of a line, and keeps
    no emoji its fonts cannot draw; and it may spell an Arabic ligature backwards (the
    lam-alef « لا » comes out « ال »)."""
    haystack = comparable(found).replace("-", "")
    words = [w for text in texts for w in re.findall(r"\w+", unicodedata.normalize(
        "NFKC", text))]
    return [word for word in dict.fromkeys(words)
            if word not in haystack and word[::-1] not in haystack]
