"""The referrer's letters, the attestation of a mediation attempt and the letters to a
party, produced from the case page: what each says, what it never says, who may produce
them, and the record (timeline, access log) each leaves."""
import io
import re
from datetime import timedelta

import pytest
from docx import Document
from sqlalchemy import select

from casework.audit.models import AccessEntry
from casework.cases.models import Case, Party, TimelineEvent
from casework.core import clock
from casework.extensions import db
from casework.meetings.models import Intervention, RoundTable
from casework.reference.models import Partner

NOTE = "Mme Dupont dit que son voisin boit."
MINUTES = "Tension vive entre les parties au sujet du chien."
OTHER_PHONE = "06 11 22 33 44"
OTHER_STREET = "5 impasse des Lilas"


@pytest.fixture
def world(app, make, org, refs):
    """A noise case referred by a social landlord (a partner with an address), two
    parties, a round table held with both, an intervention with confidential notes."""
    case = make.case(org["north"], creator=org["manager"], status="mediation",
                     lead=org["mediator"], parties=[("Hélène", "Dupont"), ("Karim", "Benali")],
                     received_on=clock.today() - timedelta(days=40))
    table = make.round_table(case, [org["mediator"]], starts_in_days=-10, status="held")
    make.intervention(case, [org["mediator"]], at=clock.utcnow() - timedelta(days=20))
    with app.app_context():
        db.session.add(Partner(name="Grand Lyon Habitat — agence Mermoz",
                               address="3 place du 8 Mai 1945, 69008 Lyon",
                               phone="04 72 00 00 00"))
        row = db.session.get(Case, case.id)
        row.source = refs["landlord"]
        row.referrer_organisation = "Grand Lyon Habitat — agence Mermoz"
        row.referrer_name = "Claire Martin"
        row.referrer_contact = "c.martin@glh.example"
        first, second = row.parties
        first.civility, second.civility = "mme", "m"
        second.phone, second.street = OTHER_PHONE, OTHER_STREET
        second.consent, second.consent_on = "refused", clock.today() - timedelta(days=5)
        db.session.get(Intervention, db.session.execute(select(Intervention.id))
                       .scalar_one()).notes = NOTE
        held = db.session.get(RoundTable, table.id)
        held.minutes, held.attended = MINUTES, [first]
        db.session.commit()
        ids = {"first": first.id, "second": second.id}
    return {"case": case, **ids}


def close(app, case, outcome="party_declined"):
    with app.app_context():
        row = db.session.get(Case, case.id)
        row.status, row.outcome, row.closed_on = "closed", outcome, clock.today()
        db.session.commit()


def text_of(response):
    assert response.status_code == 200, response.status_code
    assert response.mimetype.endswith("wordprocessingml.document")
    document = Document(io.BytesIO(response.data))
    parts = [p.text for p in document.paragraphs]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
    return "\n".join(parts), document


def produce(client, url, data, language="en"):
    return client.submit(url, {"language": language, **data}, page=url,
                         headers={"Accept-Language": "en"})


def never_confidential(text):
    for secret in (NOTE, MINUTES, OTHER_PHONE, OTHER_STREET, "Bruits de pas",
                   "boit", "chien"):
        assert secret not in text


# — The referrer's letter ————————————————————————————————————————————————————————

def test_the_referrer_is_told_the_case_was_taken_up(app, client, org, world):
    case = world["case"]
    client.login("mona.mediator")
    url = f"/cases/{case.reference}/letters/referrer"
    page = client.get(url, headers={"Accept-Language": "en"}).text
    assert "Claire Martin" in page and "3 place du 8 Mai 1945" in page
    text, document = text_of(produce(client, url, {"kind": "taken_up"}, "fr"))
    assert "Claire Martin\nGrand Lyon Habitat — agence Mermoz\n3 place du 8 Mai 1945\n" \
           "69008 Lyon" in text
    assert f"Dossier n°\u00a0{case.reference}" in text
    assert "a pris en charge cette situation" in text
    assert "Mona" in text or org["mediator"].full_name in text  # the contact
    assert "04 78 00 00 00" in text
    assert "Objet\u00a0: prise en charge" in text
    never_confidential(text)
    assert "Dupont" not in text and "Benali" not in text  # no party named
    assert document.core_properties.language == "fr-FR"
    assert document.core_properties.author == app.config["ORGANISATION_NAME"]
    assert document.core_properties.created.year == clock.today().year
    with app.app_context():
        event = db.session.execute(select(TimelineEvent).where(
            TimelineEvent.kind == "letter_produced")).scalar_one()
        assert {c["field"]: c["new"] for c in event.changes} == {
            "letter": "referrer_taken_up", "language": "fr"}
        logged = db.session.execute(select(AccessEntry.action, AccessEntry.object).where(
            AccessEntry.case_id == case.id)).all()
        assert ("read", "referrer_letter") in logged
        assert ("change", "referrer") not in logged
    timeline = client.get(f"/cases/{case.reference}", headers={"Accept-Language": "en"}).text
    assert "Letter produced" in timeline
    assert "Letter to the referrer: case taken up" in timeline


def test_the_closing_letter_gives_the_outcome_in_one_neutral_line(app, client, world):
    case = world["case"]
    client.login("mona.mediator")
    url = f"/cases/{case.reference}/letters/referrer"
    # Not closed yet: the closing letter is not offered, and is refused if posted.
    assert "The case is closed" not in client.get(url, headers={"Accept-Language": "en"}).text
    response = produce(client, url, {"kind": "closed"})
    assert response.status_code == 200 and "Not a valid choice" in response.text
    close(app, case)
    text, document = text_of(produce(client, url, {"kind": "closed"}))
    assert "the case was closed on" in text
    assert "Outcome: mediation could not go on, as not everyone concerned wished to take " \
           "part." in text
    assert "Dear Claire Martin," in text and "Yours sincerely," in text
    assert document.core_properties.language == "en-GB"
    never_confidential(text)
    assert "Benali" not in text and "Dupont" not in text


def test_a_resident_referrer_gets_the_letter_in_their_language(app, client, org, refs, make):
    case = make.case(org["north"], creator=org["manager"], status="assigned",
                     lead=org["mediator"], parties=[("Jane", "Smith"), ("Paul", "Durand")])
    with app.app_context():
        row = db.session.get(Case, case.id)
        row.parties[0].language, row.parties[0].civility = "en", "mme"
        db.session.commit()
    client.login("mona.mediator")
    url = f"/cases/{case.reference}/letters/referrer"
    page = client.get(url, headers={"Accept-Language": "en"}).text
    assert '<option selected value="en">' in page
    text, _document = text_of(produce(client, url, {"kind": "taken_up"}))
    assert text.startswith("") and "Mrs Jane Smith\n12 rue Garibaldi\n69008 Lyon" in text
    assert "Dear Mrs Smith," in text and "A mediator will contact you." in text
    assert "Durand" not in text


def test_no_letter_before_a_mediator_takes_the_case_up(app, client, org, make, refs):
    case = make.case(org["north"], creator=org["manager"], parties=[("Jane", "Smith")])
    client.login("marc.manager")
    url = f"/cases/{case.reference}/letters/referrer"
    page = client.get(url, headers={"Accept-Language": "en"}).text
    assert "once a mediator has taken the case up" in page
    response = produce(client, url, {"kind": "taken_up"})
    assert response.status_code == 200 and not response.mimetype.endswith("document")


# — The attestation ——————————————————————————————————————————————————————————————

def test_the_attestation_states_the_facts_and_nothing_said(app, client, org, world):
    case = world["case"]
    close(app, case, "no_agreement")
    client.login("mona.mediator")
    url = f"/cases/{case.reference}/letters/attestation/{world['first']}"
    assert client.get(url).status_code == 200
    text, document = text_of(produce(client, url, {"signer_title": "mediatrice"}, "fr"))
    assert "Attestation de tentative de médiation" in text
    assert "atteste que Mme Hélène Dupont (12 rue Garibaldi, 69008 Lyon) a engagé" in text
    assert f"sous la référence {case.reference}" in text
    assert "autre partie invitée à la médiation\u00a0: M. Karim Benali" in text
    assert "M. Karim Benali a décliné la proposition de médiation le" in text
    assert "en présence de Mme Hélène Dupont, en l’absence de M. Karim Benali." in text
    assert "sans qu’un accord soit trouvé" in text
    assert "article 750-1 du code de procédure civile" in text
    assert "à la demande de Mme Hélène Dupont" in text
    assert "ne se prononce ni sur le fond du différend" in text
    assert "Médiatrice sociale" in text and org["mediator"].full_name in text
    assert "Signature et cachet du service" in text
    never_confidential(text)
    assert "Centre social" not in text  # not even where they met
    assert document.core_properties.language == "fr-FR"
    with app.app_context():
        event = db.session.execute(select(TimelineEvent).where(
            TimelineEvent.kind == "letter_produced")).scalar_one()
        assert {c["field"]: c["new"] for c in event.changes}["letter"] == "attestation"
        assert ("read", "attestation", f"party {world['first']}") in db.session.execute(
            select(AccessEntry.action, AccessEntry.object, AccessEntry.target)).all()


def test_the_attestation_in_english_for_the_other_party(app, client, world):
    case = world["case"]
    client.login("marc.manager")
    url = f"/cases/{case.reference}/letters/attestation/{world['second']}"
    text, document = text_of(produce(client, url, {"signer_title": "manager"}))
    assert "Certificate of a mediation attempt" in text
    assert "certifies that Mr Karim Benali (5 impasse des Lilas, 69008 Lyon) is a party " \
           "to an attempt at mediation" in text
    # Entered after the fact: no invitation is said to have been sent before it.
    assert "A mediation meeting (round table) was set for" in text
    assert "invitations were sent" not in text
    assert "Mr Karim Benali declined the offer of mediation on" in text
    assert "the mediation is still under way" in text
    assert "article 750-1 of the French code of civil procedure" in text
    assert "Team manager" in text
    for secret in (NOTE, MINUTES, OTHER_PHONE):
        assert secret not in text
    assert document.core_properties.language == "en-GB"


# — A party's letters ————————————————————————————————————————————————————————————

def test_a_letter_to_a_party_who_declined_leaves_the_door_open(app, client, world):
    case = world["case"]
    client.login("mona.mediator")
    url = f"/cases/{case.reference}/letters/party/{world['second']}"
    page = client.get(url, headers={"Accept-Language": "en"}).text
    assert re.search(r'<input checked [^>]*value="declined"', page)  # consent refused
    text, _document = text_of(produce(client, url, {"kind": "declined"}, "fr"))
    assert "M. Karim Benali\n5 impasse des Lilas" in text and "Monsieur," in text
    assert "Nous respectons votre choix\u00a0: la médiation" in text
    assert "notre porte reste ouverte" in text
    assert "Dupont" not in text
    never_confidential(text.replace(OTHER_STREET, ""))


def test_a_letter_to_a_party_who_cannot_be_reached(app, client, world):
    case = world["case"]
    client.login("mona.mediator")
    url = f"/cases/{case.reference}/letters/party/{world['first']}"
    text, _document = text_of(produce(client, url, {"kind": "unreachable"}))
    assert "Dear Mrs Dupont," in text and "we could not reach you" in text.lower()
    reply_by = clock.today() + timedelta(days=15)
    assert f"before {reply_by.day} " in text
    assert "Benali" not in text
    never_confidential(text)


# — Who may produce them ————————————————————————————————————————————————————————

def test_another_mediator_of_the_team_may_not_produce_them(app, client, make, org, world):
    make.user("nico.north", roles=["mediator"], teams=[org["north"]])
    client.login("nico.north")
    case = world["case"]
    for url in (f"/cases/{case.reference}/letters/referrer",
                f"/cases/{case.reference}/letters/attestation/{world['first']}",
                f"/cases/{case.reference}/letters/party/{world['first']}"):
        assert client.get(url).status_code == 403
    page = client.get(f"/cases/{case.reference}").text
    assert "/letters/" not in page


def test_the_case_page_links_to_the_letters(client, world):
    client.login("mona.mediator")
    case = world["case"]
    page = client.get(f"/cases/{case.reference}", headers={"Accept-Language": "en"}).text
    assert f"/cases/{case.reference}/letters/referrer" in page
    assert f"/cases/{case.reference}/letters/attestation/{world['second']}" in page


def test_a_party_of_another_case_is_not_found(app, client, org, make, refs, world):
    other = make.case(org["north"], creator=org["manager"], parties=[("Zoé", "Autre")])
    client.login("marc.manager")
    with app.app_context():
        stranger = db.session.execute(select(Party.id).where(
            Party.case_id == other.id)).scalar_one()
    assert client.get(f"/cases/{world['case'].reference}/letters/attestation/{stranger}"
                      ).status_code == 404


def test_no_letter_once_the_case_is_anonymised(app, client, world):
    case = world["case"]
    close(app, case, "withdrawn")
    with app.app_context():
        db.session.get(Case, case.id).anonymised_at = clock.utcnow()
        db.session.commit()
    client.login("marc.manager")
    assert client.get(f"/cases/{case.reference}/letters/referrer").status_code == 403
    assert client.get(f"/cases/{case.reference}/letters/attestation/{world['first']}"
                      ).status_code == 403


def test_an_attestation_after_a_signed_agreement(app, client, world):
    import hashlib

    from casework.agreements.models import Agreement

    case = world["case"]
    with app.app_context():
        db.session.add(Agreement(case_id=case.id, number=1, status="signed", language="fr",
                                 document=b"PK", sha256=hashlib.sha256(b"PK").hexdigest(),
                                 signed_on=clock.today() - timedelta(days=3),
                                 created_by_id=db.session.get(Case, case.id).lead_mediator_id))
        db.session.commit()
    close(app, case, "agreement_respected")
    client.login("mona.mediator")
    url = f"/cases/{case.reference}/letters/attestation/{world['first']}"
    text, _document = text_of(produce(client, url, {"signer_title": "mediateur"}, "fr"))
    signed = clock.today() - timedelta(days=3)
    assert "Un protocole d’accord a été signé par les parties le " \
           f"{signed.day} mars 2026." in text
    assert "Médiateur social" in text
