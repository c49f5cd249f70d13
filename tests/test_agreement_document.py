"""The agreement's Word document, built from data and read back with python-docx."""
import io
import shutil
from datetime import date

import pytest
from docx import Document

from casework.agreements.document import AgreementData, PartyBlock, build
from tests.office import to_pdf


def sample(**overrides):
    data = dict(
        organisation_name="Association de médiation sociale",
        organisation_address="10 rue de la République, 69001 Lyon",
        organisation_phone="04 78 00 00 00", reference="2026-0042", language="fr",
        meeting_date=date(2026, 3, 3), meeting_place="Centre social Mermoz",
        subject="du bruit et des animaux", account="Les parties font état de bruits le soir.",
        parties=[PartyBlock("Mme Hélène Dupont", "12 rue Garibaldi, 69008 Lyon",
                            ["ne pas faire de bruit après 22 h",
                             "prévenir ses voisins avant une fête"]),
                 PartyBlock("M. Karim Benali", "12 rue Garibaldi, 69008 Lyon",
                            ["tenir le chien en laisse dans les parties communes",
                             "poser des patins sous les chaises",
                             "baisser la musique après 22 h"])],
        mediators=["Karim Haddad", "Amélie Girard"],
        joint_commitments=["se saluer", "se parler d'abord avant de se plaindre à un tiers"],
        follow_up_on=date(2026, 4, 3))
    data.update(overrides)
    return AgreementData(**data)


def read(body):
    document = Document(io.BytesIO(body))
    return document, [p.text for p in document.paragraphs]


def test_every_party_and_commitment_under_the_right_party():
    document, lines = read(build(sample()))
    text = "\n".join(lines)
    assert "Protocole d’accord" in lines and "Dossier n°\u00a02026-0042" in lines
    assert "Mme Hélène Dupont" in text and "M. Karim Benali" in text
    first = lines.index("Mme Hélène Dupont s’engage à\u00a0:")
    second = lines.index("M. Karim Benali s’engage à\u00a0:")
    joint = lines.index("Les parties s’engagent ensemble à\u00a0:")
    assert lines[first + 1:second] == ["1.\tne pas faire de bruit après 22 h",
                                       "2.\tprévenir ses voisins avant une fête"]
    # Numbering restarts for each party.
    assert lines[second + 1:second + 4] == [
        "1.\ttenir le chien en laisse dans les parties communes",
        "2.\tposer des patins sous les chaises", "3.\tbaisser la musique après 22 h"]
    assert "1.\tse saluer" in lines[joint:]


def test_dates_are_french_and_clauses_are_there():
    _document, lines = read(build(sample()))
    text = "\n".join(lines)
    assert "le mardi 3 mars 2026" in text and "vendredi 3 avril 2026" in text
    for words in ("confidentiels", "engagement moral", "s’adresser d’abord aux médiateurs",
                  "librement et volontairement"):
        assert words in text


def signature_blocks(document):
    return [cell for row in document.tables[-1].rows for cell in row.cells
            if cell.text.strip()]


def test_one_signature_block_per_signatory():
    document, _lines = read(build(sample()))
    blocks = signature_blocks(document)
    names = [cell.paragraphs[0].text for cell in blocks]
    assert names == ["Mme Hélène Dupont", "M. Karim Benali", "Karim Haddad", "Amélie Girard"]
    # The parties write « Lu et approuvé »; the mediators sign without it.
    assert ["Lu et approuvé" in cell.text for cell in blocks] == [True, True, False, False]


def test_english_agreement():
    _document, lines = read(build(sample(language="en", parties=[
        PartyBlock("Mrs Jane Smith", "", ["make no noise after 10 pm"])])))
    text = "\n".join(lines)
    assert "Agreement" in lines and "Mrs Jane Smith agrees to:" in lines
    assert "Tuesday 3 March 2026" in text and "not a court decision" in text


def test_header_footer_and_page_size():
    document, _lines = read(build(sample()))
    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    assert "Association de médiation sociale" in section.header.paragraphs[0].text
    footer_xml = section.footer.paragraphs[-1]._p.xml
    assert "PAGE" in footer_xml and "NUMPAGES" in footer_xml


def test_amendment_is_titled_as_such():
    _document, lines = read(build(sample(version_number=2)))
    assert "Avenant n°\u00a01 au protocole d’accord" in lines


def test_an_organisations_base_document_is_used(tmp_path):
    base = Document()
    base.sections[0].header.paragraphs[0].text = "EN-TÊTE DE L'ASSOCIATION"
    buffer = io.BytesIO()
    base.save(buffer)
    document, _lines = read(build(sample(template=buffer.getvalue())))
    assert "EN-TÊTE DE L'ASSOCIATION" in document.sections[0].header.paragraphs[0].text


@pytest.mark.skipif(not shutil.which("soffice"),
                    reason="LibreOffice (soffice) is not installed: PDF conversion not checked")
def test_libreoffice_converts_it_to_pdf(tmp_path):
    path = tmp_path / "agreement.docx"
    path.write_bytes(build(sample()))
    to_pdf([path], tmp_path, timeout=180)
    pdf = (tmp_path / "agreement.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
