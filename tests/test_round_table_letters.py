"""What the invitation says, in French and English, and the letters of a party who reads
another language; the party form offers only the languages letters are written in."""
import io
from datetime import date, datetime, timedelta

import pytest
from docx import Document
from sqlalchemy import select

from casework.cases.models import Party
from casework.core import clock
from casework.extensions import db
from casework.meetings import invitation as letters
from casework.meetings.models import RoundTable
from tests.test_parties import party_data

EN = {"Accept-Language": "en"}
NEXT_WEEK = clock.today() + timedelta(days=7)


@pytest.fixture
def case(make, org, refs):
    return make.case(org["north"], creator=org["manager"], status="mediation",
                     lead=org["mediator"], parties=[("Hélène", "Dupont"), ("John", "Smith")],
                     consent="given")


def set_language(app, party, language):
    with app.app_context():
        db.session.get(Party, party.id).language = language
        db.session.commit()


def download(client, make, org, case, party, invited=None):
    table = make.round_table(case, [org["mediator"]], place_text="Centre social Mermoz")
    if invited is not None:
        with client.application.app_context():
            row = db.session.get(RoundTable, table.id)
            row.invited = [db.session.get(Party, p.id) for p in invited]
            db.session.commit()
    client.login("mona.mediator")
    response = client.get(f"/cases/{case.reference}/round-tables/{table.id}/invitations/"
                          f"{party.id}.docx")
    assert response.status_code == 200
    return Document(io.BytesIO(response.data))


def text_of(document):
    return "\n".join([p.text for p in document.paragraphs]
                     + [c.text for t in document.tables for r in t.rows for c in r.cells])


def test_the_invitation_asks_to_confirm_and_says_what_the_meeting_is(client, make, org, case):
    document = download(client, make, org, case, case.parties[0])
    text = text_of(document)
    plain = text.replace("\u00a0", " ")
    reply_by = letters.reply_by(NEXT_WEEK, clock.today())
    assert reply_by < NEXT_WEEK and reply_by.weekday() < 5  # a working day before
    assert "confirmer votre venue avant le" in plain
    assert f"{reply_by.day} mars 2026" in plain.split("avant le", 1)[1][:40]
    assert "mona@example.org" in text or "@" in plain.split("joindre", 1)[1][:80]
    assert "gratuite et confidentielle" in plain
    assert "personne de confiance" in plain  # whether one may come accompanied
    assert "avec l’autre partie" in plain
    assert "Smith" not in plain  # the other party is not named in Mme Dupont's letter
    # French typography: « Objet : », typographic apostrophes, no « (e) ».
    assert "Objet\u00a0:" in text and "'" not in text and "(e)" not in text
    # Room for the mediator's handwritten signature above their name.
    signature = next(p for p in document.paragraphs if p.text.startswith("Mona Mediator"))
    assert signature.paragraph_format.space_before.cm >= 1.5
    assert document.core_properties.language == "fr-FR"
    assert document.core_properties.author == "Association de médiation sociale"


def test_the_invitation_gives_the_mediators_own_email(client, make, org, case):
    with client.application.app_context():
        from casework.auth.models import User

        email = db.session.get(User, org["mediator"].id).email
    text = text_of(download(client, make, org, case, case.parties[0]))
    assert email in text


def test_with_three_parties_the_others_are_plural(app, client, make, org, refs):
    case = make.case(org["north"], creator=org["manager"], status="mediation",
                     lead=org["mediator"], consent="given",
                     parties=[("Hélène", "Dupont"), ("John", "Smith"), ("", "Martin")])
    plain = text_of(download(client, make, org, case, case.parties[0])).replace("\u00a0", " ")
    assert "avec les autres parties concernées" in plain and "l’autre partie" not in plain
    assert "Martin" not in plain and "Smith" not in plain


def test_the_english_invitation(app, client, make, org, case):
    set_language(app, case.parties[1], "en")
    document = download(client, make, org, case, case.parties[1])
    text = text_of(document)
    assert "Please confirm that you will come by" in text
    assert "free of charge and confidential" in text
    assert "You may bring someone you trust" in text
    assert "with the other party and the mediation team" in text
    assert "Dear Mr Smith" in text or "Dear Smith" in text
    assert document.core_properties.language == "en-GB"


def test_french_dates_read_first_of_the_month_and_hours_the_french_way():
    first = datetime(2026, 3, 1, 18, 0, tzinfo=clock.local_zone())
    assert letters.when(first, "fr") == "dimanche 1er mars 2026 à 18\u00a0h\u00a000"
    assert letters.dated(date(2026, 3, 1), "fr") == "1er mars 2026"
    assert letters.when(first, "en") == "Sunday 1 March 2026 at 6:00\u00a0PM"


def test_another_language_gets_french_with_an_interpreter_line(app, client, make, org, case):
    set_language(app, case.parties[1], "tr")
    document = download(client, make, org, case, case.parties[1])
    # Right after the address, before the date and subject: the first thing read.
    first = document.paragraphs[1].text
    assert "tercüman" in first.lower() and "04 78 00 00 00" in first
    assert "Lyon, le" in document.paragraphs[2].text
    assert "invitation à une rencontre" in text_of(document)  # the letter itself: French
    assert document.core_properties.language == "fr-FR"  # and says so


def test_the_arabic_line_is_laid_out_right_to_left(app, client, make, org, case):
    set_language(app, case.parties[1], "ar")
    document = download(client, make, org, case, case.parties[1])
    line = document.paragraphs[1]
    assert "مترجم" in line.text
    assert "\u202a04 78 00 00 00\u202c" in line.text  # the number stays left to right
    xml = line._p.xml
    assert "<w:bidi/>" in xml and "<w:rtl/>" in xml


def test_the_party_form_offers_only_the_languages_letters_are_written_in(app, client, org,
                                                                         case):
    client.login("mona.mediator")
    page = client.get(f"/cases/{case.reference}/parties/new", headers=EN).text
    options = page.split('id="language"', 1)[1].split("</select>", 1)[0]
    assert 'value="fr"' in options and 'value="en"' in options
    assert 'value="tr"' not in options and 'value="ar"' not in options
    assert 'value="other"' not in options


def test_a_party_recorded_with_another_language_keeps_it(app, client, org, case):
    party = case.parties[1]
    set_language(app, party, "tr")
    client.login("mona.mediator")
    url = f"/cases/{case.reference}/parties/{party.id}"
    options = client.get(url, headers=EN).text.split('id="language"', 1)[1].split(
        "</select>", 1)[0]
    assert 'selected value="tr"' in options and "interpreter" in options
    with app.app_context():
        version = db.session.get(Party, party.id).version
    response = client.submit(url, party_data(first_name="John", last_name="Smith",
                                             role="respondent", language="tr",
                                             version=version), headers=EN)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Party, party.id).language == "tr"


def test_every_party_language_gets_a_letter_it_can_read(app):
    from casework.cases.models import LANGUAGES, LETTER_LANGUAGES

    assert set(LETTER_LANGUAGES) == set(letters.LANGUAGES)
    assert app.config["LETTER_LANGUAGES"] == "fr,en"  # Arabic: once reviewed
    assert set(LANGUAGES) - {"fr", "en", "other"} <= set(letters.INTERPRETER)


def test_arabic_letters_once_the_organisation_offers_them(app, client, make, org, case,
                                                          monkeypatch):
    monkeypatch.setitem(app.config, "LETTER_LANGUAGES", "fr,en,ar")
    set_language(app, case.parties[1], "ar")
    document = download(client, make, org, case, case.parties[1])
    text = text_of(document)
    assert "دعوة إلى لقاء وساطة" in text and "invitation" not in text.lower()
    assert "مترجم" in text  # one may come with an interpreter, said in the letter itself
    assert document.core_properties.language == "ar"
    body = next(p for p in document.paragraphs if p.text.startswith("لقد وافقتم"))
    assert "<w:bidi/>" in body._p.xml and "<w:rtl/>" in body._p.xml
    assert "<w:bidiVisual/>" in document.tables[0]._tbl.xml
    # The postal address stays left to right, in French, for the post office.
    address = next(p for p in document.paragraphs if "John Smith" in p.text)
    assert address.text.startswith("Monsieur") or address.text.startswith("John")
    assert "<w:bidi/>" not in address._p.xml
    client.get("/")  # the party form now offers Arabic
    options = client.get(f"/cases/{case.reference}/parties/new").text.split(
        'id="language"', 1)[1].split("</select>", 1)[0]
    assert 'value="ar"' in options and "interpreter" not in options


def test_the_invitations_address_writes_the_floor_as_a_french_address_does(app, client, make,
                                                                           org, case):
    """« bâtiment B, esc. 2, 3ᵉ étage » above the street, never a bare « 3 »."""
    with app.app_context():
        party = db.session.get(Party, case.parties[0].id)
        party.street, party.building, party.staircase, party.floor = (
            "12 rue Garibaldi", "B", "2", "3")
        party.postcode, party.city = "69008", "Lyon"
        db.session.commit()
    text = text_of(download(client, make, org, case, case.parties[0]))
    assert "B, esc. 2, 3\u1d49\u00a0étage\n12 rue Garibaldi\n69008 Lyon" in text
