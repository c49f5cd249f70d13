"""Every kind of document Casework hands out, built as a user gets it: the data entered
through the app, the file downloaded from its route with the test client.

Used by tests/test_document_rendering.py (every kind builds from any text a user can
type, renders with LibreOffice, and keeps its text) and by docs/documents.py (the gallery
of rendered pages in docs/documents/).

A kind is a name, its language, its file type, the pages it should fill, and a function
``produce(scene) -> Produced`` (the bytes and the texts a reader must find in them). A new
kind of document is one more ``Kind(...)`` in KINDS, with its function below; a defect
its rendering shows, reported and not fixed yet, is named in its ``defects``. A ``Scene``
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
    mediator_titles: tuple = ("f", "m", "")
    english_account: str = ""
    amended: tuple = ()  # the commitments the amendment adds
    english_amended: tuple = ()
    postcode: str = "69008"
    city: str = "Lyon"
    # A party whose language Casework writes no letter in (French, with an interpreter
    # line in theirs: ``interpreter_word`` is a word of it), an Arabic-speaking party.
    interpreted: Person = Person("m", "Mehmet", "Yılmaz", "tr", floor="5")
    interpreter_word: str = "Tercümana"
    arabic: Person = Person("mme", "Amina", "Benali", "ar", floor="6")
    # Who referred the cases the referrer's letters go to: an organisation of the partner
    # list (its address, comma-separated as typed there), and the person who wrote.
    referrer_organisation: str = "Grand Lyon Habitat — agence Mermoz"
    referrer_name: str = "Claire Martin"
    referrer_address: str = "3 place du 8 Mai 1945, 69008 Lyon"


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
    english_amended=("put a rug in the living room",),
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
    mediator_titles=("f", "f", ""),
    street=("Résidence « Les Tilleuls » 👍🏽 " * 8)[:200],
    meeting_place=("Centre social « Mermoz » — salle 'B' مركز اجتماعي 👩‍👩‍👧‍👦 " * 5)[:200],
    room="Salle « Arc-en-ciel » 🏳️‍🌈 — קומה 2",
    account=HOSTILE_TEXT * 3,
    commitments=tuple(f"engagement n° {n} : « {HOSTILE_TEXT[:40]} » {'ש' * (n % 3)}"
                      for n in range(1, 41)),
    english_commitments=tuple(f"commitment {n}: \"keep calm\" 👍🏽 — لا ضجيج"
                              for n in range(1, 11)),
    director_word=HOSTILE_TEXT * 2,
    amended=(HOSTILE_TEXT,),
    english_amended=("a rug « in » the 'living' room 👍🏽 — سجادة",),
    interpreted=Person("mme", "Fatima", "الزهراء بن علي", "ar", floor="2ᵉ"),
    interpreter_word="مترجم",
    arabic=Person("m", "يوسف « Joe »", "O'Brien-بن علي 👍🏽", "ar", floor="RDC"),
    referrer_organisation=("Bailleur « Les Tilleuls » & Cie <b> 👩‍👩‍👧‍👦 مكتب " * 4)[:160].strip(),
    referrer_name="Zoé \"la\" O'Neil-כהן 👍🏽",
    referrer_address=("Résidence « A », 12 rue d'Arc, bât. ש 👍🏽, " * 4) + "69008 Lyon")


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
    # What its rendering gets wrong today, reported and not fixed yet: {cast: why}. The
    # rendering test is then expected to fail for that cast (strictly: once fixed, it
    # passes, and the entry goes).
    defects: dict = field(default_factory=dict)

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
                                            teams=[team], full_name=name)
                             for n, name in enumerate(self.cast.mediators)]
                # How the documents title them (médiatrice, médiateur), as each set it.
                for mediator, title in zip(mediators, self.cast.mediator_titles):
                    mediator.title = title
                db.session.commit()
                mediators = [m.id for m in mediators]
                factories.user("dpo", roles=["privacy_officer"], full_name="Paul Témoin")
                factories.reference("source", "resident", "Habitant", "Resident")
                factories.reference("category", "noise", "Bruit", "Noise")
                place = factories.place(self.cast.room, f"3 rue Genton, {self.cast.postcode} "
                                                        f"{self.cast.city}")
                return {"team": team.id, "mediators": mediators, "place": place.id}
        return self.once("org", build)

    def case(self, name, people, table="scheduled", setup=None):
        """A case in mediation with ``people`` (who consented), led by the first mediator
        (the second co-mediates), with a contact logged and a round table next week with
        every mediator (``table="held"``: ten days ago, held; None: no round table);
        ``setup(case)`` changes what else was typed (a referrer, a consent); returns
        {reference, parties (ids), table (id)}."""
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
                if setup:
                    setup(case)
                db.session.commit()
                factories.intervention(case, mediators, at=clock.utcnow() - timedelta(days=5))
                made_table = None
                if table:
                    held = table == "held"
                    made_table = db.session.get(RoundTable, factories.round_table(
                        case, mediators, place_text="?", starts_in_days=-10 if held else 7,
                        status=table).id)
                    made_table.place_id, made_table.place_text = org["place"], ""
                    if held:
                        made_table.attended = list(made_table.invited)
                    db.session.commit()
                    made_table = made_table.id
                parties = [p.id for p in db.session.execute(select(Party).where(
                    Party.case_id == case.id).order_by(Party.id)).scalars()]
                return {"reference": case.reference, "parties": parties, "table": made_table}
        return self.once(f"case:{name}", build)

    @property
    def lead(self):
        self.org
        return "mediateur0"

    def draft_agreement(self, case, language, commitments, met_days_ago=7, english=()):
        """The lead mediator starts the agreement (or its amendment) and writes it: the
        commitments are shared out in turn, to each party then to all of them (and, in a
        bilingual agreement, their ``english`` texts alike)."""
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
                (clock.today() - timedelta(days=met_days_ago)).isoformat(),
                "meeting_place": self.cast.meeting_place,
                "account": self.cast.english_account or self.cast.account
                if language == "en" else self.cast.account,
                "follow_up_weeks": "4"}
        data.update({f"commitments_{key}": "\n".join(lines) for key, lines in share.items()})
        if language == "fr-en":
            share_en = {key: [] for key in keys}
            for index, text in enumerate(english):
                share_en[keys[index % len(keys)]].append(text)
            data.update({f"commitments_en_{key}": "\n".join(lines)
                         for key, lines in share_en.items()})
            data["account_en"] = self.cast.english_account or "The parties talked."
        response = client.submit(f"/cases/{reference}/agreement", data)
        assert response.status_code == 302, refused(response)

    def current_agreement(self, reference):
        from casework.agreements.models import Agreement

        with self.app.app_context():
            return db.session.execute(
                select(Agreement).where(Agreement.case.has(reference=reference))
                .order_by(Agreement.number.desc())).scalars().first()

    def sign_agreement(self, case, days_ago=0):
        """The lead mediator prepares the signing copy (``days_ago``, in Lyon, a follow-up
        30 days after), downloads it for printing, and marks it signed by everyone: the copy
        printed is what the app keeps (and hands out from then on)."""
        reference = case["reference"]
        client = self.client(self.lead)
        response = client.submit(f"/cases/{reference}/agreement/prepare", {
            "version": str(self.current_agreement(reference).version),
            "signed_on": (clock.today() - timedelta(days=days_ago)).isoformat(),
            "signed_place": "Lyon",
            "follow_up_on": (clock.today() + timedelta(days=30 - days_ago)).isoformat()})
        assert response.status_code == 302, refused(response)
        printed = self.get(self.lead, f"/cases/{reference}/agreement/signing-copy.docx")
        prepared = self.current_agreement(reference)
        response = client.submit(f"/cases/{reference}/agreement/sign", {
            "version": str(prepared.version), "sha256": prepared.signing_sha256,
            "confirm": "y"})
        assert response.status_code == 302, refused(response)
        assert response.location.endswith("/agreement"), response.location
        assert self.current_agreement(reference).status == "signed"
        return printed

    # The cases, each built once.
    @property
    def french_case(self):
        return self.case("fr", self.cast.parties)

    @property
    def english_case(self):
        return self.case("en", self.cast.english_parties)

    def signed(self, language):
        """The case of ``language`` with its agreement signed: {…, printed: the signing
        copy as downloaded before signing}."""
        def build():
            case = self.french_case if language == "fr" else self.english_case
            commitments = self.cast.commitments if language == "fr" \
                else self.cast.english_commitments
            # Met three weeks ago, signed the week after (the amendment comes later).
            self.draft_agreement(case, language, commitments, met_days_ago=21)
            return {**case, "printed": self.sign_agreement(case, days_ago=14).body}
        return self.once(f"signed:{language}", build)

    @property
    def signed_french(self):
        return self.signed("fr")

    def amended(self, language):
        """The signed agreement of ``language`` amended (commitments added) and the
        amendment signed: {…, printed: the amendment's signing copy}."""
        def build():
            case = self.signed(language)
            if language == "fr":
                commitments = self.cast.commitments + self.cast.amended
            else:
                commitments = self.cast.english_commitments + self.cast.english_amended
            self.draft_agreement(case, language, commitments, met_days_ago=2)
            assert self.current_agreement(case["reference"]).number == 2
            return {**case, "printed": self.sign_agreement(case).body}
        return self.once(f"amended:{language}", build)

    def drafted(self, language):
        """A case of its own whose agreement is a draft, not prepared for signing."""
        def build():
            people = self.cast.parties if language == "fr" else self.cast.english_parties
            case = self.case(f"draft-{language}", people)
            commitments = self.cast.commitments if language == "fr" \
                else self.cast.english_commitments
            self.draft_agreement(case, language, commitments)
            return case
        return self.once(f"drafted:{language}", build)

    def changed_table(self, how, language):
        """A case of its own whose round table was moved (``how="moved"``: to a fortnight
        from now at 17:30, a day later in English) or cancelled: {…, old, new (local
        datetimes)}."""
        from casework.meetings.models import RoundTable

        def build():
            people = self.cast.parties if language == "fr" else self.cast.english_parties
            case = self.case(f"{how}-{language}", people)
            url = f"/cases/{case['reference']}/round-tables/{case['table']}"
            with self.app.app_context():
                table = db.session.get(RoundTable, case["table"])
                old = clock.to_local(table.starts_at)
                version, duration = table.version, table.duration_minutes
                place, mediators = table.place_id, [m.id for m in table.mediators]
            client = self.client(self.lead)
            new = None
            if how == "moved":
                # A day of its own for each language: the same mediators.
                day = clock.today() + timedelta(days=14 if language == "fr" else 15)
                response = client.submit(f"{url}/change", {
                    "version": str(version), "day": day.isoformat(), "moment": "17:30",
                    "duration_minutes": str(duration), "place": str(place),
                    "place_text": "", "mediators": [str(m) for m in mediators],
                    "reason": "La salle est prise ce soir-là."})
                new = old.replace(year=day.year, month=day.month, day=day.day, hour=17,
                                  minute=30)
            else:
                response = client.submit(f"{url}/cancel", {
                    "cancel-version": str(version),
                    "cancel-reason": "Le bailleur a besoin de la salle."},
                    page=f"{url}/change")
            assert response.status_code == 302, refused(response)
            return {**case, "old": old, "new": new}
        return self.once(f"table:{how}:{language}", build)

    def referred(self, closed):
        """A case referred by an organisation of the partner list (its address known),
        in mediation, or closed without an agreement after a round table held."""
        from casework.reference.models import Partner

        def setup(case):
            if not db.session.execute(select(Partner).filter_by(
                    name=self.cast.referrer_organisation)).scalar_one_or_none():
                db.session.add(Partner(name=self.cast.referrer_organisation,
                                       kind_fr="Bailleur", kind_en="Landlord",
                                       address=self.cast.referrer_address))
            case.referrer_organisation = self.cast.referrer_organisation
            case.referrer_name = self.cast.referrer_name
            case.referrer_contact = "c.martin@bailleur.example"
            case.received_on = clock.today() - timedelta(days=40)
            for party in case.parties:
                party.consent_on = case.received_on + timedelta(days=7)

        def build():
            name = "referred-closed" if closed else "referred"
            case = self.case(name, self.cast.parties, table="held" if closed else None,
                             setup=setup)
            if closed:
                reference = case["reference"]
                response = self.client(self.lead).submit(
                    f"/cases/{reference}/steps/close", {
                        "version": str(self.case_version(reference)),
                        "outcome": "no_agreement", "reason": "",
                        "closing_summary": "Pas d'accord trouvé."},
                    page=f"/cases/{reference}/steps/close")
                assert response.status_code == 302, refused(response)
            return case
        return self.once(f"referred:{closed}", build)

    def case_version(self, reference):
        from casework.cases.models import Case

        with self.app.app_context():
            return db.session.execute(select(Case).filter_by(reference=reference)
                                      ).scalar_one().version

    def contacted(self, language):
        """A case with no round table yet: its first party could not be reached (no
        consent asked), its second declined mediation."""
        def setup(case):
            first, second = case.parties[0], case.parties[1]
            first.consent, first.consent_on, first.consent_method = "unknown", None, ""
            second.consent = "refused"
            second.consent_on = clock.today() - timedelta(days=3)

        people = self.cast.parties if language == "fr" else self.cast.english_parties
        return self.case(f"contacted-{language}", people, table=None, setup=setup)

    def post_letter(self, url, data) -> Produced:
        """A letter produced from its page (a form: the letter, its language)."""
        client = self.client(self.lead)
        response = client.submit(url, data, page=url)
        assert response.status_code == 200 and response.mimetype == DOCX, refused(response)
        return Produced(response.data, response.mimetype, [])


def refused(response) -> str:
    """What a page said when a form was refused: its error messages and alerts."""
    html = response.get_data(as_text=True)
    found = re.findall(r'class="[^"]*(?:invalid-feedback|alert)[^"]*"[^>]*>(.*?)</', html, re.S)
    return f"{response.status_code}: " + " | ".join(" ".join(f.split()) for f in found
                                                     if f.strip())


def names(people, language):
    civility = {"mme": "Mme", "m": "M."} if language == "fr" else {"mme": "Mrs", "m": "Mr"}
    return [" ".join(x for x in (civility.get(p.civility, ""), typed(p.first_name),
                                 typed(p.last_name)) if x) for p in people]


def typed(value, multiline=False):
    """A text as the app keeps it (control characters out)."""
    return clean(value, multiline=multiline)


# — The kinds ————————————————————————————————————————————————————————————————

PEOPLE = {"fr": "parties", "en": "english_parties"}


def people_of(scene, language):
    return getattr(scene.cast, PEOPLE[language])


def commitments_of(scene, language):
    return scene.cast.commitments if language == "fr" else scene.cast.english_commitments


def agreement_texts(scene, case, language):
    return ([case["reference"]] + names(people_of(scene, language), language)
            + [typed(c) for c in commitments_of(scene, language)]
            + [typed(m) for m in scene.cast.mediators[:2]])


SIGNED_TEXTS = {"fr": ["Protocole d’accord", "Fait à Lyon, le"],
                "en": ["Agreement", "Signed in Lyon on"]}


def signed_agreement(language):
    """The agreement as printed for signing (the signing copy) is what version 1 then
    downloads as, byte for byte: no « PROJET » mark, the place, date and follow-up filled."""
    def produce(scene):
        case = scene.signed(language)
        produced = scene.get(scene.lead, f"/cases/{case['reference']}/agreement/v1.docx")
        assert produced.body == case["printed"], "the signed version is the copy printed"
        produced.texts = SIGNED_TEXTS[language] + agreement_texts(scene, case, language)
        return produced
    return produce


DRAFT_TEXTS = {"fr": ["Protocole d’accord", "PROJET — document de travail, à ne pas signer"],
               "en": ["Agreement", "DRAFT — working copy, not for signature"]}


def draft_agreement(language):
    def produce(scene):
        case = scene.drafted(language)
        produced = scene.get(scene.lead, f"/cases/{case['reference']}/agreement.docx")
        produced.texts = DRAFT_TEXTS[language] + agreement_texts(scene, case, language)
        return produced
    return produce


def bilingual_agreement(scene):
    """A French-speaking party and an English-speaking one: the draft in both languages,
    the French text authoritative."""
    people = scene.cast.parties[:1] + scene.cast.english_parties[:1]
    pairs = list(zip(scene.cast.commitments, scene.cast.english_commitments))

    def build():
        case = scene.case("fr-en", people)
        scene.draft_agreement(case, "fr-en", [fr for fr, _en in pairs],
                              english=[en for _fr, en in pairs])
        return case
    case = scene.once("drafted:fr-en", build)
    produced = scene.get(scene.lead, f"/cases/{case['reference']}/agreement.docx")
    produced.texts = (["Protocole d’accord", "Agreement", case["reference"],
                       "Seul le texte français fait foi", "Only the French text is authoritative"]
                      + names(people, "fr") + [typed(text) for pair in pairs for text in pair])
    return produced


AMENDMENT_TEXTS = {"fr": ["Avenant n° 1 au protocole d’accord du", "Engagements ajoutés",
                          "Ce qui ne change pas", "Fait à Lyon, le"],
                   "en": ["Amendment 1 to the agreement of", "Commitments added",
                          "What stays the same", "Signed in Lyon on"]}


def amendment(language):
    """The amendment, signed: what it adds, what stays the same."""
    def produce(scene):
        case = scene.amended(language)
        produced = scene.get(scene.lead, f"/cases/{case['reference']}/agreement/v2.docx")
        assert produced.body == case["printed"]
        added = scene.cast.amended if language == "fr" else scene.cast.english_amended
        produced.texts = (AMENDMENT_TEXTS[language] + [case["reference"]]
                          + names(people_of(scene, language), language)
                          + [typed(c) for c in added])
        return produced
    return produce


def invitation_of(scene, case, party=0, headers=None):
    return scene.get(scene.lead, f"/cases/{case['reference']}/round-tables/{case['table']}"
                                 f"/invitations/{case['parties'][party]}.docx",
                     headers=headers or {})


def invitation(case_of, language):
    def produce(scene):
        case = case_of(scene)
        people = people_of(scene, language)
        produced = invitation_of(scene, case)
        produced.texts = [typed(people[0].first_name), typed(people[0].last_name),
                          typed(scene.cast.room), typed(scene.cast.street)]
        return produced
    return produce


CHANGED_TEXTS = {
    ("moved", "fr"): ["nouvelle date de la rencontre de médiation",
                      "Cette lettre remplace notre précédent courrier"],
    ("moved", "en"): ["New date for the mediation meeting",
                      "This letter replaces our previous one"],
    ("cancelled", "fr"): ["annulation de la rencontre de médiation", "est annulée"],
    ("cancelled", "en"): ["Cancellation of the mediation meeting", "has been cancelled"],
}


def changed_invitation(how, language):
    """The letter a party gets once the round table is moved (« nouvelle date »: the old
    date and the new one) or cancelled (the reason never written)."""
    def produce(scene):
        from casework.meetings.invitation import when

        case = scene.changed_table(how, language)
        person = people_of(scene, language)[0]
        produced = invitation_of(scene, case)
        produced.texts = CHANGED_TEXTS[(how, language)] + [
            typed(person.first_name), typed(person.last_name), when(case["old"], language)]
        if how == "moved":
            produced.texts += [when(case["new"], language), typed(scene.cast.room)]
        text = file_text("docx", produced.body)
        assert "salle est prise" not in text and "bailleur" not in text.lower()
        return produced
    return produce


def interpreted_invitation(scene):
    """A party whose language Casework writes no letter in: the letter is in French, with
    a line in theirs offering an interpreter."""
    person = scene.cast.interpreted
    case = scene.case("interpreted", (person, scene.cast.parties[1]))
    produced = invitation_of(scene, case)
    produced.texts = [typed(person.first_name), typed(person.last_name),
                      scene.cast.interpreter_word, "invitation à une rencontre de médiation",
                      typed(scene.cast.room)]
    return produced


def arabic_invitation(scene):
    """An Arabic-speaking party once the organisation offers Arabic letters
    (LETTER_LANGUAGES "fr,en,ar"): the letter in Arabic, right to left, the address
    left to right."""
    person = scene.cast.arabic
    case = scene.case("arabic", (person, scene.cast.parties[1]))
    config = scene.app.config
    offered = config["LETTER_LANGUAGES"]
    config["LETTER_LANGUAGES"] = "fr,en,ar"
    try:
        produced = invitation_of(scene, case)
    finally:
        config["LETTER_LANGUAGES"] = offered
    produced.texts = [typed(person.first_name), typed(person.last_name),
                      "دعوة إلى لقاء وساطة", typed(scene.cast.street), case["reference"]]
    assert "invitation" not in file_text("docx", produced.body).lower()
    return produced


REFERRER_TEXTS = {
    ("taken_up", "fr"): ["Objet : prise en charge de la situation que vous nous avez signalée",
                         "a pris en charge cette situation"],
    ("taken_up", "en"): ["The situation you referred to us has been taken up",
                         "took up the situation on"],
    ("closed", "fr"): ["Objet : clôture du dossier de médiation"],
    ("closed", "en"): ["Closure of the mediation case", "the case was closed on"],
}


def referrer_letter(kind, language):
    """The letter to the organisation that referred the case: taken up, or closed (its
    outcome in one neutral line); it names no party."""
    def produce(scene):
        case = scene.referred(kind == "closed")
        produced = scene.post_letter(f"/cases/{case['reference']}/letters/referrer",
                                     {"kind": kind, "language": language})
        address = [line.strip() for line in scene.cast.referrer_address.split(",")]
        produced.texts = REFERRER_TEXTS[(kind, language)] + [
            case["reference"], typed(scene.cast.referrer_name),
            typed(scene.cast.referrer_organisation)] + [typed(a) for a in address]
        text = file_text("docx", produced.body)
        for person in scene.cast.parties:
            assert typed(person.last_name) not in text, "a referrer's letter names no party"
        return produced
    return produce


ATTESTATION_TEXTS = {
    "fr": ["Attestation de tentative de médiation",
           "article 750-1 du code de procédure civile", "sans qu’un accord soit trouvé",
           "Signature et cachet du service"],
    "en": ["Certificate of a mediation attempt",
           "article 750-1 of the French code of civil procedure",
           "Signature and stamp of the service"],
}


def attestation(language):
    """The attestation of a mediation attempt (art. 750-1 CPC), for the first party of a
    case closed without an agreement after a round table."""
    def produce(scene):
        case = scene.referred(True)
        produced = scene.post_letter(
            f"/cases/{case['reference']}/letters/attestation/{case['parties'][0]}",
            {"signer_title": "mediatrice", "language": language})
        produced.texts = (ATTESTATION_TEXTS[language] + [case["reference"]]
                          + names(scene.cast.parties, language)
                          + [typed(scene.cast.mediators[0])])
        return produced
    return produce


PARTY_TEXTS = {
    ("unreachable", "fr"): ["nous n’avons pas pu vous joindre", "sans y parvenir"],
    ("unreachable", "en"): ["we could not reach you", "without success"],
    ("declined", "fr"): ["votre réponse à notre proposition de médiation",
                         "notre porte reste ouverte"],
    ("declined", "en"): ["Your answer to our offer of mediation", "our door remains open"],
}


def party_letter(kind, language):
    """A letter to a party who could not be reached (the first), or who declined (the
    second); it names no other party."""
    def produce(scene):
        case = scene.contacted(language)
        index = 0 if kind == "unreachable" else 1
        people = people_of(scene, language)
        produced = scene.post_letter(
            f"/cases/{case['reference']}/letters/party/{case['parties'][index]}",
            {"kind": kind, "language": language})
        produced.texts = PARTY_TEXTS[(kind, language)] + [
            case["reference"], names(people, language)[index], typed(scene.cast.street),
            typed(scene.cast.mediators[0])]
        text = file_text("docx", produced.body)
        assert typed(people[1 - index].last_name) not in text, "it names no other party"
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
            assert response.status_code == 302, refused(response)
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
        # The same name is a party of other cases of the scene too: the officer ticks
        # the one of the signed case.
        ids = re.findall(r'name="party" value="(\d+)"', page)
        assert str(case["parties"][0]) in ids, ids
        response = client.submit("/privacy/people/export", {"party": [str(case["parties"][0])],
                                                            "format": "docx"},
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
    Kind("agreement-fr", "Agreement, signed (the signing copy as printed)", "fr", "docx",
         (2, 3), signed_agreement("fr")),
    Kind("agreement-en", "Agreement, signed (the signing copy as printed)", "en", "docx",
         (2, 3), signed_agreement("en")),
    Kind("agreement-bilingual", "Agreement, French and English (draft; the French text "
         "authoritative)", "fr", "docx", (2, 4), bilingual_agreement),
    Kind("agreement-draft-fr", "Agreement, draft (PROJET on every page)", "fr", "docx",
         (2, 3), draft_agreement("fr")),
    Kind("agreement-draft-en", "Agreement, draft (DRAFT on every page)", "en", "docx",
         (2, 3), draft_agreement("en")),
    Kind("amendment-fr", "Amendment n° 1, signed", "fr", "docx", (1, 3), amendment("fr")),
    Kind("amendment-en", "Amendment 1, signed", "en", "docx", (1, 3), amendment("en")),
    Kind("invitation-fr", "Invitation to a round table", "fr", "docx", (1, 1),
         invitation(lambda scene: scene.french_case, "fr")),
    Kind("invitation-en", "Invitation to a round table", "en", "docx", (1, 1),
         invitation(lambda scene: scene.english_case, "en")),
    Kind("invitation-interpreter-fr", "Invitation, party with another language "
         "(French, interpreter line)", "fr", "docx", (1, 1), interpreted_invitation),
    Kind("invitation-ar", "Invitation to a round table (Arabic letters offered)", "ar",
         "docx", (1, 1), arabic_invitation),
    Kind("new-date-fr", "Round table moved: the « nouvelle date » letter", "fr", "docx",
         (1, 1), changed_invitation("moved", "fr")),
    Kind("new-date-en", "Round table moved: the new date letter", "en", "docx", (1, 1),
         changed_invitation("moved", "en")),
    Kind("cancellation-fr", "Round table cancelled: the cancellation letter", "fr", "docx",
         (1, 1), changed_invitation("cancelled", "fr")),
    Kind("cancellation-en", "Round table cancelled: the cancellation letter", "en", "docx",
         (1, 1), changed_invitation("cancelled", "en")),
    Kind("referrer-taken-up-fr", "Letter to the referrer: case taken up", "fr", "docx",
         (1, 1), referrer_letter("taken_up", "fr")),
    Kind("referrer-taken-up-en", "Letter to the referrer: case taken up", "en", "docx",
         (1, 1), referrer_letter("taken_up", "en")),
    Kind("referrer-closed-fr", "Letter to the referrer: case closed", "fr", "docx", (1, 1),
         referrer_letter("closed", "fr")),
    Kind("referrer-closed-en", "Letter to the referrer: case closed", "en", "docx", (1, 1),
         referrer_letter("closed", "en")),
    Kind("attestation-fr", "Attestation of a mediation attempt (art. 750-1 CPC)", "fr",
         "docx", (1, 1), attestation("fr")),
    Kind("attestation-en", "Attestation of a mediation attempt (art. 750-1 CPC)", "en",
         "docx", (1, 1), attestation("en")),
    Kind("party-unreachable-fr", "Letter to a party who cannot be reached", "fr", "docx",
         (1, 1), party_letter("unreachable", "fr")),
    Kind("party-unreachable-en", "Letter to a party who cannot be reached", "en", "docx",
         (1, 1), party_letter("unreachable", "en")),
    Kind("party-declined-fr", "Letter to a party who declined mediation", "fr", "docx",
         (1, 1), party_letter("declined", "fr")),
    Kind("party-declined-en", "Letter to a party who declined mediation", "en", "docx",
         (1, 1), party_letter("declined", "en")),
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
