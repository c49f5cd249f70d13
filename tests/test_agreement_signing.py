"""What is signed is what is kept: the signing copy is prepared (place, date, follow-up
date, every signatory), downloaded and printed; marking it signed freezes exactly those
bytes; the "as signed" page shows what was signed, not the case as it is later."""
import hashlib
import io
from datetime import timedelta

from docx import Document
from sqlalchemy import select

from casework.agreements.models import Agreement
from casework.cases.models import Case
from casework.core import clock
from casework.core.documents import long_date
from casework.extensions import db
from tests.test_agreements import (case, clauses, latest, prepare, sign,  # noqa: F401
                                   start_and_draft, state)

EN = {"Accept-Language": "en"}


def text_of(body):
    document = Document(io.BytesIO(body))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows
              for cell in row.cells]
    return "\n".join(parts)


def header_of(body):
    section = Document(io.BytesIO(body)).sections[0]
    return "\n".join(p.text for p in section.header.paragraphs + section.footer.paragraphs)


def test_the_signed_document_is_the_signing_copy_downloaded(app, client, org, case, clauses):
    client.login("mona.mediator")
    start_and_draft(client, case, clauses, app)
    assert prepare(client, case, app).status_code == 302
    printed = client.get(f"/cases/{case.reference}/agreement/signing-copy.docx")
    assert printed.status_code == 200
    body = printed.data
    words = text_of(body)
    # Filled in, no blanks.
    assert "Fait à Lyon, le " + long_date(clock.today(), "fr") in words
    assert long_date(clock.today() + timedelta(days=30), "fr") in words
    assert "____" not in words and "environ un mois" not in words
    assert "PROJET" not in header_of(body) + words
    assert sign(client, case, app, prepare_first=False).status_code == 302
    assert state(app)[2] == [(1, "signed")]
    with app.app_context():
        stored = db.session.execute(select(Agreement)).scalar_one()
        assert stored.document == body
        assert stored.sha256 == hashlib.sha256(body).hexdigest()
    assert client.get(f"/cases/{case.reference}/agreement/v1.docx").data == body


def test_the_draft_says_it_is_a_draft(app, client, org, case, clauses):
    client.login("mona.mediator")
    start_and_draft(client, case, clauses, app)
    draft = client.get(f"/cases/{case.reference}/agreement.docx").data
    assert "PROJET" in header_of(draft)
    assert "PROJET" in client.get(f"/cases/{case.reference}/agreement").text


def test_a_change_after_preparing_means_preparing_again(app, client, org, case, clauses):
    client.login("mona.mediator")
    start_and_draft(client, case, clauses, app)
    prepare(client, case, app)
    sha = latest(app).signing_sha256
    # The party's name is corrected after the copy was printed.
    with app.app_context():
        db.session.execute(select(Case)).scalar_one().parties[0].last_name = "Durand"
        db.session.commit()
    page = client.get(f"/cases/{case.reference}/agreement/sign", headers=EN).text
    assert "prepare it again" in page
    response = sign(client, case, app, prepare_first=False, sha256=sha)
    assert response.status_code == 200 and "prepare it again" in response.text
    assert state(app)[2] == [(1, "draft")]
    # A copy other than the one prepared is refused too.
    prepare(client, case, app)
    response = sign(client, case, app, prepare_first=False, sha256="0" * 64)
    assert "prepare it again" in response.text and state(app)[2] == [(1, "draft")]
    # Editing the draft drops the prepared copy: signing asks to prepare it.
    start_and_draft(client, case, clauses, app)
    assert latest(app).signing_copy is None
    response = sign(client, case, app, prepare_first=False)
    assert response.status_code == 302 and response.location.endswith("/agreement/prepare")
    assert sign(client, case, app).status_code == 302
    assert "Durand" in text_of(client.get(f"/cases/{case.reference}/agreement/v1.docx").data)


def test_the_signed_page_shows_what_was_signed(app, client, org, case, clauses):
    client.login("mona.mediator")
    start_and_draft(client, case, clauses, app)
    sign(client, case, app)
    with app.app_context():
        db.session.execute(select(Case)).scalar_one().parties[0].last_name = "Durand"
        db.session.commit()
    page = client.get(f"/cases/{case.reference}/agreement", headers=EN).text
    assert "Hélène Dupont s’engage" in page and "Durand" not in page
    assert "PROJET" not in page
