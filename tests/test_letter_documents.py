"""The letters' and the attestation's builders on their own (data in, bytes out): any text
a user can type builds, and LibreOffice lays each out on one page."""
import io
import re
import shutil
import subprocess
from datetime import date, datetime, timezone

import pytest
from docx import Document

from casework.core.documents import Organisation
from casework.letters import documents as d
from tests.office import to_pdf

SERVICE = Organisation("Association de médiation sociale", "10 rue de la République, 69001 Lyon",
                    "04 78 00 00 00", "mediation@example.org")
CONTACT = d.Contact("Mona Médiatrice", "04 78 00 00 00", "mediation@example.org")
NOW = datetime(2026, 3, 10, 10, tzinfo=timezone.utc)
TODAY = date(2026, 3, 1)
ODD = "Zoë \"la \u202eRTL\u202c\" O'Brien 😀 \x07" + "x" * 120


def referrer(kind="closed", language="fr", name="Claire Martin"):
    return d.ReferrerLetter(kind, language, "2026-0042", date(2026, 1, 29),
                            d.Addressee(name, ["Grand Lyon Habitat", "69008 Lyon"], "", name),
                            CONTACT, taken_up_on=date(2026, 2, 2), closed_on=date(2026, 3, 1),
                            outcome="withdrawn")


def attestation(language="fr", name="Mme Hélène Dupont", others=("M. Karim Benali",)):
    return d.Attestation(language, "2026-0042", name, ["12 rue Garibaldi", "69008 Lyon"],
                         "complainant", date(2026, 1, 29), list(others),
                         [(name, "given", date(2026, 2, 1))],
                         [d.Session(date(2026, 2, 10), date(2026, 2, 24), "held",
                                    [name, *others], [name, *others])],
                         date(2026, 2, 24), False, date(2026, 3, 1), "agreement_respected",
                         "Mona Médiatrice", "Médiatrice sociale")


def party(kind="declined", language="fr", name="M. Karim Benali"):
    return d.PartyLetter(kind, language, "2026-0042",
                         d.Addressee(name, ["5 impasse des Lilas"], "m", "Benali"), CONTACT,
                         date(2026, 3, 16))


def text(body):
    return "\n".join(p.text for p in Document(io.BytesIO(body)).paragraphs)


BUILDS = [
    ("referrer", lambda lang, name: d.referrer_letter(SERVICE, referrer("closed", lang, name),
                                                      TODAY, NOW)),
    ("attestation", lambda lang, name: d.attestation(SERVICE, attestation(lang, name),
                                                     TODAY, NOW)),
    ("party", lambda lang, name: d.party_letter(SERVICE, party("unreachable", lang, name),
                                                TODAY, NOW)),
]


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("kind, build", BUILDS, ids=[b[0] for b in BUILDS])
def test_any_text_a_user_can_type_builds(kind, build, language):
    body = text(build(language, ODD))
    assert "Zoë" in body and "😀" in body and "\x07" not in body


def test_the_first_of_the_month_reads_1er_in_french():
    body = text(d.attestation(SERVICE, attestation(), TODAY, NOW))
    assert "Fait à Lyon, le 1er mars 2026" in body
    assert "Le dossier a été clos le 1er mars 2026." in body
    assert "Un protocole d’accord a été signé par les parties le 24 février 2026." in body


def test_french_typography_in_the_letters():
    """No-break space before « : », narrow no-break space before « ; ! ? », typographic
    apostrophes, in every French document."""
    bodies = [text(d.party_letter(SERVICE, party(kind), TODAY, NOW))
              for kind in ("unreachable", "declined")]
    bodies += [text(d.attestation(SERVICE, attestation(), TODAY, NOW))]
    bodies += [text(d.referrer_letter(SERVICE, referrer(kind), TODAY, NOW))
               for kind in ("taken_up", "closed")]
    assert "pour le moment\u202f; vous pourrez" in bodies[0]
    assert "Objet\u00a0: proposition de médiation" in bodies[0]
    assert "neutres\u00a0: ils ne prennent" in bodies[0]
    assert "de ce différend\u202f; autre partie" in bodies[2]
    for body in bodies:
        assert "'" not in body
        assert not re.search(r"[^\u00a0]:", body.replace("https:", "")), body
        assert not re.search(r"[^\u202f][;!?]", body), body


@pytest.mark.skipif(not shutil.which("soffice") or not shutil.which("pdftotext"),
                    reason="LibreOffice or pdftotext is not installed: layout not checked")
@pytest.mark.parametrize("language", ["fr", "en"])
def test_each_document_lays_out_on_one_page(tmp_path, language):
    paths = []
    for kind, build in BUILDS:
        path = tmp_path / f"{kind}-{language}.docx"
        path.write_bytes(build(language, "Mme Hélène Dupont"))
        paths.append(path)
    to_pdf(paths, tmp_path, timeout=180)
    for path in paths:
        pdf = path.with_suffix(".pdf")
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        assert re.search(r"^Pages: +1$", info, re.M), (path.name, info)
        words = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                               text=True).stdout
        assert "2026-0042" in words and "Association de médiation sociale" in words
