"""The bilingual agreement: when the parties prefer different languages (one French, one
English) it is written in French and in English, side by side, the French text
authoritative; the mediator writes both texts; the signing copy is frozen as printed."""
import hashlib
import io

import pytest
from docx import Document
from sqlalchemy import select

from casework.agreements.models import Agreement
from casework.cases.models import Case
from casework.core import clock
from casework.extensions import db
from tests.test_agreement_signing import header_of, text_of
from tests.test_agreements import clauses, latest, prepare, sign, state  # noqa: F401

EN = {"Accept-Language": "en"}
AUTHORITATIVE_FR = "Seul le texte français fait foi"
AUTHORITATIVE_EN = "Only the French text is authoritative"


def mixed_case(make, org, parties=(("Hélène", "Dupont"), ("John", "Smith"))):
    """A noise case in mediation whose second party (and any after) prefers English."""
    made = make.case(org["north"], creator=org["manager"], status="mediation",
                     lead=org["mediator"], parties=list(parties), categories=("noise",),
                     consent="given")
    return made


def set_languages(app, languages):
    with app.app_context():
        case = db.session.execute(select(Case)).scalar_one()
        for party, language in zip(case.parties, languages):
            party.language = language
        db.session.commit()


@pytest.fixture
def case(app, make, org, refs):
    made = mixed_case(make, org)
    set_languages(app, ["fr", "en"])
    return made


def start(client, case):
    return client.submit(f"/cases/{case.reference}/agreement/start", {},
                         page=f"/cases/{case.reference}/agreement/start")


def draft(client, case, app, *, english=True, language="fr-en", extra=None):
    """Write the bilingual draft: the account and a commitment each in both languages
    (``english`` False: the English of the second party's commitment left to write)."""
    dupont, smith = db_parties(app)
    data = {
        "version": str(latest(app).version), "language": language,
        "meeting_date": "2026-03-03", "meeting_place": "Centre social Mermoz",
        "account": "Les parties font état de bruits le soir.",
        "account_en": "The parties mention noise in the evening.",
        "follow_up_weeks": "4",
        f"commitments_{dupont}": "prévenir ses voisins avant une fête",
        f"commitments_en_{dupont}": "tell the neighbours before a party",
        f"commitments_{smith}": "baisser la musique après 21 h",
        f"commitments_en_{smith}": "turn the music down after 9 pm" if english else "",
        "commitments_joint": "", "commitments_en_joint": ""}
    data.update(extra or {})
    return client.submit(f"/cases/{case.reference}/agreement", data)


def english_texts(app):
    with app.app_context():
        agreement = db.session.execute(select(Agreement).order_by(
            Agreement.number.desc())).scalars().first()
        return [c.text_en for c in agreement.commitments]


def db_parties(app):
    with app.app_context():
        case = db.session.execute(select(Case)).scalar_one()
        return [p.id for p in case.parties]


def test_mixed_languages_suggest_a_bilingual_agreement(app, client, org, case):
    client.login("mona.mediator")
    assert start(client, case).status_code == 302
    assert latest(app).language == "fr-en"
    page = client.get(f"/cases/{case.reference}/agreement", headers=EN).text
    assert '<option selected value="fr-en">French and English (the French text is ' \
           'authoritative)</option>' in page
    assert 'id="bilingual-suggested"' in page
    # The English fields are shown for a bilingual agreement.
    assert 'name="account_en"' in page and 'data-shown-when="language=fr-en">' in page


def test_parties_of_one_language_get_theirs_and_may_choose_bilingual(app, client, org, case):
    set_languages(app, ["fr", "fr"])
    client.login("mona.mediator")
    start(client, case)
    assert latest(app).language == "fr"
    page = client.get(f"/cases/{case.reference}/agreement", headers=EN).text
    assert 'value="fr-en"' in page  # offered…
    assert 'data-shown-when="language=fr-en" hidden' in page  # …English fields hidden
    assert 'id="bilingual-suggested"' not in page
    assert draft(client, case, app).status_code == 302  # …and chosen freely
    assert latest(app).language == "fr-en"


def test_both_texts_are_saved_and_a_clause_fills_both(app, client, org, case, clauses):
    client.login("mona.mediator")
    start(client, case)
    dupont, smith = db_parties(app)
    response = draft(client, case, app, extra={
        f"clauses_{smith}": [str(clauses["poser des patins sous les chaises"])],
        "clauses_joint": [str(clauses["se saluer"])]})
    assert response.status_code == 302
    with app.app_context():
        agreement = db.session.execute(select(Agreement)).scalar_one()
        assert agreement.account_en == "The parties mention noise in the evening."
        assert [(c.party_id, c.text, c.text_en) for c in agreement.commitments] == [
            (dupont, "prévenir ses voisins avant une fête", "tell the neighbours before a party"),
            (smith, "baisser la musique après 21 h", "turn the music down after 9 pm"),
            (smith, "poser des patins sous les chaises", "put felt pads under chairs"),
            (None, "se saluer", "greet each other")]
    page = client.get(f"/cases/{case.reference}/agreement", headers=EN).text
    assert "turn the music down after 9 pm" in page and "greet each other" in page


def test_more_english_lines_than_french_commitments_is_refused(app, client, org, case):
    client.login("mona.mediator")
    start(client, case)
    dupont, _ = db_parties(app)
    response = draft(client, case, app, extra={f"commitments_en_{dupont}": "one\ntwo"})
    assert response.status_code == 200
    assert f'id="commitments_en_{dupont}-error"' in response.text
    assert latest(app).account_en == ""  # nothing saved


def test_preparing_is_refused_while_an_english_text_is_missing(app, client, org, case):
    client.login("mona.mediator")
    start(client, case)
    _, smith = db_parties(app)
    # The draft may be saved incomplete…
    assert draft(client, case, app, english=False).status_code == 302
    assert english_texts(app) == [
        "tell the neighbours before a party", ""]
    # …but not prepared for signing.
    response = prepare(client, case, app)
    assert response.status_code == 302 and response.location.endswith("/agreement")
    assert latest(app).signing_copy is None
    page = client.get(f"/cases/{case.reference}/agreement", headers=EN).text
    assert "The English text is not complete" in page
    error = page.split(f'id="commitments_en_{smith}-error"')[1].split("</div>")[0]
    assert "Missing in English: commitment 1." in error
    # A missing English account is named next to its field too.
    draft(client, case, app, extra={"account_en": ""})
    page = client.get(f"/cases/{case.reference}/agreement", headers=EN).text
    assert 'id="account_en-error"' in page
    # Written, it can be prepared.
    draft(client, case, app)
    assert prepare(client, case, app).status_code == 302
    assert latest(app).signing_copy is not None


def test_the_document_holds_both_texts_and_says_the_french_is_authoritative(
        app, client, org, case):
    client.login("mona.mediator")
    start(client, case)
    draft(client, case, app)
    body = client.get(f"/cases/{case.reference}/agreement.docx").data
    words = text_of(body)
    assert "PROJET" in header_of(body) and "DRAFT" in header_of(body)
    for expected in ("Protocole d’accord", "Agreement", "Préambule / Preamble",
                     "Les parties font état de bruits le soir.",
                     "The parties mention noise in the evening.",
                     "prévenir ses voisins avant une fête",
                     "tell the neighbours before a party",
                     "turn the music down",
                     "Confidentialité / Confidentiality",
                     "Les échanges intervenus lors de la médiation sont confidentiels.",
                     "What was said during the mediation is confidential.",
                     AUTHORITATIVE_FR, AUTHORITATIVE_EN):
        assert expected in words, expected
    document = Document(io.BytesIO(body))
    assert document.core_properties.language == "fr-FR"
    # French left, English right, one row per commitment.
    rows = [[cell.text for cell in row.cells] for table in document.tables
            for row in table.rows]
    assert ["1.\tprévenir ses voisins avant une fête",
            "1.\ttell the neighbours before a party"] in rows
    # The authoritative sentence near the top and again at the signatures.
    paragraphs = [p.text for p in document.paragraphs]
    first = next(i for i, p in enumerate(paragraphs) if AUTHORITATIVE_FR in p)
    assert first < paragraphs.index("Entre les parties / Between")
    assert any(AUTHORITATIVE_FR in p and AUTHORITATIVE_EN in p
               for p in paragraphs[paragraphs.index("Signatures"):])
    # A block per signatory with both hints.
    signatures = document.tables[-1]
    cells = [cell.text for row in signatures.rows for cell in row.cells if cell.text]
    assert len(cells) == 3  # two parties, one mediator
    for cell in cells[:2]:   # the parties write the mention; the mediator signs alone
        assert "«\u00a0Lu et approuvé\u00a0»" in cell and "“Read and approved”" in cell
    assert "Lu et approuvé" not in cells[2] and "Read and approved" not in cells[2]
    assert "Partie / Party" in cells[0]


def test_the_bilingual_signing_copy_is_frozen_byte_for_byte(app, client, org, case):
    client.login("mona.mediator")
    start(client, case)
    draft(client, case, app)
    assert prepare(client, case, app).status_code == 302
    printed = client.get(f"/cases/{case.reference}/agreement/signing-copy.docx").data
    words = text_of(printed)
    assert "Fait à Lyon, le " in words and "Signed in Lyon on " in words
    assert "PROJET" not in words + header_of(printed)
    assert sign(client, case, app, prepare_first=False).status_code == 302
    assert state(app)[2] == [(1, "signed")]
    with app.app_context():
        stored = db.session.execute(select(Agreement)).scalar_one()
        assert stored.document == printed
        assert stored.sha256 == hashlib.sha256(printed).hexdigest()
        # The snapshot holds both texts.
        assert stored.snapshot["account_en"] == "The parties mention noise in the evening."
        assert stored.snapshot["parties"][1]["commitments_en"] == [
            "turn the music down after 9 pm"]
    assert client.get(f"/cases/{case.reference}/agreement/v1.docx").data == printed
    # The "as signed" page shows both texts, whatever the case later.
    with app.app_context():
        db.session.execute(select(Case)).scalar_one().parties[1].last_name = "Jones"
        db.session.commit()
    page = client.get(f"/cases/{case.reference}/agreement", headers=EN).text
    assert "turn the music down after 9" in page and "baisser la musique" in page
    assert AUTHORITATIVE_EN in page and "Jones" not in page


def test_an_amendment_says_what_changes_in_both_languages(app, client, org, case):
    client.login("mona.mediator")
    start(client, case)
    draft(client, case, app)
    sign(client, case, app)
    assert start(client, case).status_code == 302
    amendment = latest(app)
    assert amendment.number == 2 and amendment.language == "fr-en"
    assert amendment.account_en == "The parties mention noise in the evening."
    assert english_texts(app) == [
        "tell the neighbours before a party", "turn the music down after 9 pm"]
    _, smith = db_parties(app)
    draft(client, case, app, extra={
        "meeting_date": clock.today().isoformat(),   # on or after the signing
        f"commitments_{smith}": "baisser la musique après 22 h",
        f"commitments_en_{smith}": "turn the music down after 10 pm"})
    body = client.get(f"/cases/{case.reference}/agreement.docx").data
    document = Document(io.BytesIO(body))
    paragraphs = [p.text for p in document.paragraphs]
    assert any("Avenant n°\u00a01 au protocole d’accord" in p for p in paragraphs)
    assert any("Amendment 1 to the agreement" in p for p in paragraphs)
    assert "Engagements modifiés / Commitments changed" in paragraphs
    rows = [[cell.text for cell in row.cells] for table in document.tables
            for row in table.rows]
    changed = next(row for row in rows if "Ancienne rédaction" in row[0])
    assert "baisser la musique après 21 h" in changed[0]
    assert "baisser la musique après 22 h" in changed[0]
    assert "Previously: turn the music down after 9 pm" in changed[1]
    assert "Now: turn the music down after 10 pm" in changed[1]
    assert any("tell the neighbours before a party" in row[1] for row in rows)  # unchanged
    page = client.get(f"/cases/{case.reference}/agreement", headers=EN).text
    assert "turn the music down after 10" in page  # the preview
    assert sign(client, case, app).status_code == 302
    assert state(app)[2] == [(1, "superseded"), (2, "signed")]


def test_a_four_party_signing_copy(app, client, make, org, refs):
    made = mixed_case(make, org, parties=(("Hélène", "Dupont"), ("John", "Smith"),
                                          ("Amina", "Haddad"), ("Peter", "Brown")))
    set_languages(app, ["fr", "en", "fr", "en"])
    client.login("mona.mediator")
    start(client, made)
    ids = db_parties(app)
    data = {"version": str(latest(app).version), "language": "fr-en",
            "meeting_date": "2026-03-03", "meeting_place": "Centre social Mermoz",
            "account": "Les parties font état de bruits le soir et de vélos dans le hall.",
            "account_en": "The parties mention noise in the evening and bicycles in the hall.",
            "follow_up_weeks": "4",
            "commitments_joint": "se saluer\ncontacter le service de médiation en cas de "
                                 "nouvelle difficulté",
            "commitments_en_joint": "greet each other\ncontact the mediation service if a "
                                    "new difficulty arises"}
    for index, pid in enumerate(ids):
        data[f"commitments_{pid}"] = ("baisser la musique après 21 h\nprévenir ses voisins "
                                      "quelques jours avant une fête")
        data[f"commitments_en_{pid}"] = ("turn the music down after 9 pm\ntell the "
                                         "neighbours a few days before a party")
    assert client.submit(f"/cases/{made.reference}/agreement", data).status_code == 302
    assert prepare(client, made, app).status_code == 302
    printed = client.get(f"/cases/{made.reference}/agreement/signing-copy.docx").data
    cells = [cell.text for row in Document(io.BytesIO(printed)).tables[-1].rows
             for cell in row.cells if cell.text]
    assert len(cells) == 5
