"""The agreement reads as a mediator would write it: a neutral subject, an account written
for the parties (never the intake note), a warning on words that take sides; correct
French (places with their article, « médiatrice », singular and plural, typography) and
English; a signature block for every signatory; a real amendment; the document's
properties; the parties' language by default."""
import io
import re
import shutil
import subprocess
from datetime import date, timedelta

import pytest
from docx import Document
from sqlalchemy import select

from casework.agreements.defaults import DEFAULT_CLAUSES
from casework.agreements.document import (AgreementData, Mediator, PartyBlock, at_place,
                                          build)
from casework.agreements.models import Agreement
from casework.auth.models import User
from casework.cases.models import Case
from casework.core import clock
from casework.extensions import db
from tests.office import to_pdf
from tests.test_agreements import (clauses, latest, prepare, sign,  # noqa: F401
                                   start_and_draft)

EN = {"Accept-Language": "en"}
NBSP, NARROW = "\u00a0", "\u202f"


def words(body):
    document = Document(io.BytesIO(body))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows
              for cell in row.cells]
    return "\n".join(parts)


def a_case(make, org, *, categories=("noise",), parties=(("Hélène", "Dupont"),
                                                          ("Karim", "Benali")),
           description="Bruits de pas le soir."):
    return make.case(org["north"], creator=org["manager"], status="mediation",
                     lead=org["mediator"], parties=list(parties), categories=categories,
                     consent="given", description=description)


def draft(client, case, app, *, account="", commitments=None, joint="se saluer",
          place="Centre social Mermoz", language="fr", meeting_date="2026-03-03"):
    client.submit(f"/cases/{case.reference}/agreement/start", {},
                  page=f"/cases/{case.reference}/agreement/start")
    data = {"version": str(latest(app).version), "language": language,
            "meeting_date": meeting_date, "meeting_place": place, "account": account,
            "follow_up_weeks": "4", "commitments_joint": joint}
    for party, text in zip(case.parties, commitments or ["ne pas faire de bruit après 22 h",
                                                          "poser des patins sous les chaises"]):
        data[f"commitments_{party.id}"] = text
    return client.submit(f"/cases/{case.reference}/agreement", data, headers=EN)


def draft_docx(client, case):
    return client.get(f"/cases/{case.reference}/agreement.docx").data


# — Neutral wording ————————————————————————————————————————————————————————————

def test_the_subject_is_neutral_not_the_category(app, client, make, org, refs):
    case = a_case(make, org, categories=("insults_harassment", "noise"))
    client.login("mona.mediator")
    draft(client, case, app)
    text = words(draft_docx(client, case))
    assert "leurs relations de voisinage" in text
    assert "notamment au sujet du bruit et de leur manière de communiquer" in text or \
        "notamment au sujet de leur manière de communiquer et du bruit" in text, \
        text[text.index("Préambule"):][:400]
    for accusing in ("harcèlement", "Harcèlement", "injures", "Injures", "différend"):
        assert accusing not in text


def test_an_unknown_category_gets_the_generic_subject(app, client, make, org, refs):
    case = a_case(make, org, categories=("garden_gnomes",))
    client.login("mona.mediator")
    draft(client, case, app)
    text = words(draft_docx(client, case))
    assert "leurs relations de voisinage." in text and "Garden_Gnomes" not in text


def test_the_account_starts_empty_never_the_intake_note(app, client, make, org, refs):
    intake = "La mairie transmet la plainte de riverains, pas de menace rapportée."
    case = a_case(make, org, description=intake)
    client.login("mona.mediator")
    client.submit(f"/cases/{case.reference}/agreement/start", {},
                  page=f"/cases/{case.reference}/agreement/start")
    editor = client.get(f"/cases/{case.reference}/agreement").text
    assert "La mairie transmet" not in editor
    assert "La mairie transmet" not in words(draft_docx(client, case))


def test_words_that_take_sides_are_warned_not_refused(app, client, make, org, refs):
    case = a_case(make, org)
    client.login("mona.mediator")
    response = draft(client, case, app, account="Mme Dupont, victime de harcèlement, a "
                     "porté plainte.", commitments=["reconnaître sa faute", "se taire"])
    assert response.status_code == 302  # saved
    page = client.get(f"/cases/{case.reference}/agreement", headers=EN).text
    warning = page[page.index('id="partial-words"'):][:600]
    for word in ("victime", "harcèlement", "plainte", "faute"):
        assert word in warning
    assert latest(app).account.startswith("Mme Dupont")
    draft(client, case, app, account="Les parties souhaitent des relations apaisées.")
    assert 'id="partial-words"' not in client.get(f"/cases/{case.reference}/agreement").text


# — French and English ————————————————————————————————————————————————————————

@pytest.mark.parametrize("place, expected", [
    ("Centre social Mermoz", "au centre social Mermoz"),
    ("Salle Rameau", "à la salle Rameau"),
    ("Antenne de Vénissieux", "à l’antenne de Vénissieux"),
    ("Maison des associations, 12 rue Garibaldi", "à la maison des associations, 12 rue "
                                                  "Garibaldi"),
    ("MJC Laënnec", "à la MJC Laënnec"),
    ("Le Mas du Taureau", "au Mas du Taureau"),
    ("Hôtel de ville", "à l’hôtel de ville"),
    ("Lyon", "à Lyon"),
    ("chez M. Martin", "chez M. Martin"),
])
def test_places_take_their_article(place, expected):
    assert at_place(place, "fr") == expected


def test_french_of_the_agreement(app, client, make, org, refs):
    case = a_case(make, org, parties=[("Hélène", "Dupont"), ("Karim", "Benali"),
                                      ("Sophie", "Martin")])
    with app.app_context():
        db.session.get(User, org["mediator"].id).title = "f"
        db.session.commit()
    client.login("mona.mediator")
    draft(client, case, app, joint="se parler d'abord directement ; calmement !",
          commitments=["ne pas faire de bruit après 22 h", "baisser le son", "saluer"])
    text = words(draft_docx(client, case))
    assert "au centre social Mermoz" in text and "à Centre social" not in text
    assert "en présence de la médiatrice" in text and "des médiateurs" not in text
    assert "La médiatrice prendra contact" in text
    assert f"Hélène Dupont s’engage à{NBSP}:" in text
    assert f"se parler d’abord directement{NARROW}; calmement{NARROW}!" in text
    assert f"«{NBSP}Lu et approuvé{NBSP}»" in text
    assert "'" not in text  # typographic apostrophes only
    assert "l’un à l’autre" not in text
    mediator_block = Document(io.BytesIO(draft_docx(client, case))).tables[-1].rows[-1]
    assert "Médiatrice" in mediator_block.cells[1].text or \
        "Médiatrice" in mediator_block.cells[0].text


def test_default_joint_clauses_fit_any_number_of_parties():
    for _code, _joint, french, _english in DEFAULT_CLAUSES:
        assert "l'un à l'autre" not in french and "l’un à l’autre" not in french


def sample(**overrides):
    data = dict(
        organisation_name="Association de médiation sociale",
        organisation_address="10 rue de la République, 69001 Lyon",
        organisation_phone="04 78 00 00 00", reference="2026-0042", language="fr",
        meeting_date=date(2026, 3, 3), meeting_place="Centre social Mermoz",
        subject="du bruit", account="",
        parties=[PartyBlock("Mme Hélène Dupont", "12 rue Garibaldi, 2e étage, 69008 Lyon",
                            ["ne pas faire de bruit après 22 h"]),
                 PartyBlock("M. Karim Benali", "", ["baisser la musique"])],
        mediators=[Mediator("Amélie Girard", "f"), Mediator("Karim Haddad", "m")],
        joint_commitments=["se saluer"], follow_up_on=date(2026, 4, 1),
        signed_on=date(2026, 3, 1), signed_place="Lyon", draft=False)
    data.update(overrides)
    return AgreementData(**data)


def test_first_of_the_month_floor_and_plural_mediators():
    text = words(build(sample()))
    assert "dimanche 1er mars 2026" in text and "mercredi 1er avril 2026" in text
    assert "2ᵉ étage" in text
    assert "En présence des médiateurs" in text and "Les médiateurs prendront" in text
    assert "Médiatrice" in text and "Médiateur" in text


def test_english_reads_as_english():
    text = words(build(sample(language="en", meeting_place="the Mermoz community centre",
                              subject="noise")))
    assert "at the Mermoz community centre with the mediators" in text
    assert "Signed in Lyon on Sunday 1 March 2026" in text
    assert "in particular as regards noise" in text
    for frenchism in ("protocol", "undertakes", "Made at"):
        assert frenchism not in text


# — Every signatory ———————————————————————————————————————————————————————————

def test_every_party_and_every_mediator_of_the_round_table_signs(app, client, make, org,
                                                                 refs):
    case = a_case(make, org, parties=[("Hélène", "Dupont"), ("Karim", "Benali"),
                                      ("Sophie", "Martin"), ("Paul", "Lefèvre")])
    co = make.user("nico.north", roles=["mediator"], teams=[org["north"]],
                   full_name="Nicole Nord")
    table = make.round_table(case, [org["mediator"], co], starts_in_days=-2)
    with app.app_context():
        from casework.meetings.models import RoundTable

        db.session.get(RoundTable, table.id).status = "held"
        db.session.commit()
    client.login("mona.mediator")
    draft(client, case, app, commitments=["a", "b", "c", "d"])
    assert prepare(client, case, app).status_code == 302
    body = client.get(f"/cases/{case.reference}/agreement/signing-copy.docx").data
    document = Document(io.BytesIO(body))
    blocks = [cell.paragraphs[0].text for row in document.tables[-1].rows
              for cell in row.cells if cell.text.strip()]
    assert blocks == ["Hélène Dupont", "Karim Benali", "Sophie Martin", "Paul Lefèvre",
                      "Mona Mediator", "Nicole Nord"]
    footer = "\n".join(p.text for p in document.sections[0].footer.paragraphs)
    assert "Paraphes" in footer
    assert sign(client, case, app, prepare_first=False).status_code == 302
    with app.app_context():
        signed = db.session.execute(select(Agreement)).scalar_one()
        assert [s["kind"] for s in signed.signatories] == ["party"] * 4 + ["mediator"] * 2


@pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftotext")),
                    reason="LibreOffice or pdftotext is not installed")
@pytest.mark.parametrize("parties, language", [(2, "fr"), (4, "fr"), (2, "en"), (6, "fr")])
def test_signatures_never_stand_alone_on_a_page(tmp_path, parties, language):
    people = [PartyBlock(f"Partie{n} Nom{n}", "12 rue Garibaldi, 69008 Lyon",
                         [f"engagement {i} de la partie {n}, assez long pour tenir une "
                          f"ligne entière" for i in range(1, 4)])
              for n in range(1, parties + 1)]
    path = tmp_path / "agreement.docx"
    path.write_bytes(build(sample(parties=people, language=language,
                                  joint_commitments=["dernier engagement commun"])))
    to_pdf([path], tmp_path, timeout=180)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "agreement.pdf"), "-"],
                          check=True, capture_output=True, text=True).stdout
    pages = text.split("\f")
    signing_page = next(page for page in pages if "Signatures" in page)
    assert "dernier engagement commun" in signing_page
    assert all(("Paraphes" in page or "Initials" in page) for page in pages if page.strip())
    for n in range(1, parties + 1):
        assert f"Partie{n} Nom{n}" in text


# — Amendment ————————————————————————————————————————————————————————————————

def test_a_real_amendment(app, client, make, org, refs):
    case = a_case(make, org)
    client.login("mona.mediator")
    draft(client, case, app, commitments=["ne pas faire de bruit après 22 h\nbaisser le son",
                                          "tenir le chien en laisse"], joint="se saluer")
    sign(client, case, app)
    first_signed = latest(app).signed_on
    client.submit(f"/cases/{case.reference}/agreement/start", {},
                  page=f"/cases/{case.reference}/agreement/start")
    draft(client, case, app, commitments=[
        "ne pas faire de bruit après 21 h\nbaisser le son",
        "tenir le chien en laisse\npromener le chien avant 22 h"], joint="",
        meeting_date=clock.today().isoformat())
    assert sign(client, case, app).status_code == 302
    body = client.get(f"/cases/{case.reference}/agreement/v2.docx").data
    text = words(body)
    from casework.reports.annual import day

    assert f"Avenant n°{NBSP}1 au protocole d’accord du {day(first_signed, 'fr')}" in text
    changed = text[text.index("Engagements modifiés"):]
    assert "ne pas faire de bruit après 22 h" in changed and "après 21 h" in changed
    added = text[text.index("Engagements ajoutés"):text.index("Engagements modifiés")]
    assert "promener le chien avant 22 h" in added
    withdrawn = text[text.index("Engagements retirés"):]
    assert "se saluer" in withdrawn
    stays = text[text.index("Ce qui ne change pas"):]
    assert "baisser le son" in stays and "tenir le chien en laisse" in stays
    footer = "\n".join(p.text for p in Document(io.BytesIO(body)).sections[0].footer.paragraphs)
    assert f"Protocole {case.reference} — avenant n°{NBSP}1 — page" in footer
    first = client.get(f"/cases/{case.reference}/agreement/v1.docx").data
    footer = "\n".join(p.text for p in Document(io.BytesIO(first)).sections[0].footer.paragraphs)
    assert "avenant" not in footer and f"Protocole {case.reference} — page" in footer


# — Properties and language ————————————————————————————————————————————————————

def test_the_documents_properties(app, client, make, org, refs):
    case = a_case(make, org)
    client.login("mona.mediator")
    draft(client, case, app)
    document = Document(io.BytesIO(draft_docx(client, case)))
    properties = document.core_properties
    organisation = app.config["ORGANISATION_NAME"]
    assert properties.author == organisation and properties.language == "fr-FR"
    assert properties.title == "Protocole d’accord"
    assert abs((properties.created.date() - clock.today()).days) <= 1
    styles = document.styles.element.xml
    assert re.search(r'w:lang w:val="fr-FR"', styles)
    app_xml = next(p for p in document.part.package.iter_parts()
                   if p.partname == "/docProps/app.xml").blob.decode()
    assert f"<Company>{organisation}</Company>" in app_xml.replace("&amp;", "&")
    draft(client, case, app, language="en")
    properties = Document(io.BytesIO(draft_docx(client, case))).core_properties
    assert properties.language == "en-GB" and properties.title == "Agreement"


def test_the_language_follows_the_parties_not_the_interface(app, client, make, org, refs):
    case = a_case(make, org)
    with app.app_context():
        db.session.get(User, org["mediator"].id).language = "en"
        db.session.commit()
    client.login("mona.mediator")
    client.submit(f"/cases/{case.reference}/agreement/start", {},
                  page=f"/cases/{case.reference}/agreement/start")
    assert latest(app).language == "fr"
    page = client.get(f"/cases/{case.reference}/agreement").text
    assert 'id="parties-language"' in page
    other = a_case(make, org, parties=[("Jane", "Smith"), ("John", "Brown")])
    with app.app_context():
        for party in db.session.get(Case, other.id).parties:
            party.language = "en"
        db.session.commit()
    client.submit(f"/cases/{other.reference}/agreement/start", {},
                  page=f"/cases/{other.reference}/agreement/start")
    with app.app_context():
        made = db.session.execute(select(Agreement).where(Agreement.case_id == other.id)
                                  ).scalar_one()
        assert made.language == "en"


def test_an_amendment_is_not_dated_before_the_agreement_it_amends(app, client, make, org,
                                                                  refs):
    case = a_case(make, org)
    client.login("mona.mediator")
    draft(client, case, app, commitments=["baisser le son", "tenir le chien en laisse"])
    sign(client, case, app)
    signed_on = latest(app).signed_on
    client.submit(f"/cases/{case.reference}/agreement/start", {},
                  page=f"/cases/{case.reference}/agreement/start")
    before = latest(app)
    response = draft(client, case, app, commitments=["baisser le son", "rien"],
                     meeting_date=(signed_on - timedelta(days=7)).isoformat())
    assert response.status_code == 200
    assert "cannot be dated before that agreement was signed" in response.text
    assert latest(app).meeting_date == before.meeting_date   # nothing saved


def test_the_amendment_speaks_of_itself_and_mediators_sign_without_the_mention(
        app, client, make, org, refs):
    case = a_case(make, org)
    client.login("mona.mediator")
    draft(client, case, app, commitments=["baisser le son", "tenir le chien en laisse"])
    sign(client, case, app)
    first = Document(io.BytesIO(client.get(f"/cases/{case.reference}/agreement/v1.docx").data))
    blocks = {cell.paragraphs[0].text: cell.text for row in first.tables[-1].rows
              for cell in row.cells if cell.text.strip()}
    assert "Lu et approuvé" in blocks["Hélène Dupont"]
    assert "Lu et approuvé" not in blocks["Mona Mediator"]
    client.submit(f"/cases/{case.reference}/agreement/start", {},
                  page=f"/cases/{case.reference}/agreement/start")
    draft(client, case, app, commitments=["baisser le son", "tenir le chien en laisse",
                                          "se saluer"], meeting_date=clock.today().isoformat())
    text = words(client.get(f"/cases/{case.reference}/agreement.docx").data)
    assert "Le présent avenant ne peut être communiqué" in text
    assert "Le présent protocole ne peut être communiqué" not in text
