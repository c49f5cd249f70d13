"""What the pages were made faster by, each kept correct: one catalogue lookup per request
that still follows a change of language, the related-cases card and the agreement's
download in fewer queries (with their access-log entries, behind the same permission)."""
from datetime import date

import flask_babel
from flask_babel import force_locale, gettext, refresh
from sqlalchemy import select

from casework.audit.models import AccessEntry
from casework.extensions import db
from tests.test_agreements import clauses, signed_case  # noqa: F401  (a fixture, a helper)


def test_a_page_looks_its_catalogue_up_once(client, org, make, monkeypatch):
    case = make.case(org["north"], creator=org["manager"], lead=org["mediator"],
                     parties=[("Hélène", "Dupont"), ("Karim", "Benali")])
    lookups = []
    original = flask_babel.Domain.get_translations

    def counted(self):
        lookups.append(1)
        return original(self)

    monkeypatch.setattr(flask_babel.Domain, "get_translations", counted)
    client.login("mona.mediator")
    lookups.clear()
    page = client.get(f"/cases/{case.reference}", headers={"Accept-Language": "fr"}).text
    assert "Historique" in page and "Parties" in page
    # Flask-Babel looked it up for each of the page's few hundred strings.
    assert len(lookups) <= 2


def test_the_kept_catalogue_follows_a_change_of_language(app, client, org):
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        assert gettext("Cases") == "Dossiers"
        with force_locale("en"):
            assert gettext("Cases") == "Cases"
        assert gettext("Cases") == "Dossiers"
        flask_babel.get_babel().locale_selector = lambda: "en"
        try:
            refresh()
            assert gettext("Cases") == "Cases"
        finally:
            from casework.web.i18n import select_locale
            flask_babel.get_babel().locale_selector = select_locale
    # One request in French, the next in English: nothing kept from one to the other.
    client.login("mona.mediator")
    assert ">Dossiers<" in client.get("/cases/", headers={"Accept-Language": "fr"}).text
    client.submit("/language", {"language": "en", "next": "/cases/"}, page="/cases/")
    assert ">Cases<" in client.get("/cases/").text


def related_queries(client, case, count_queries):
    with count_queries() as counter:
        page = client.get(f"/cases/{case.reference}").text
    return counter.count, page.split('id="related-title"', 1)[1].split("</section>", 1)[0]


def test_the_related_cases_card_takes_two_queries_however_many_it_shows(
        client, make, org, refs, count_queries):
    case = make.case(org["north"], creator=org["manager"], lead=org["mediator"],
                     street="3 rue Tramassac", parties=[("Hélène", "Dupont")])
    client.login("mona.mediator")
    none, card = related_queries(client, case, count_queries)
    assert case.reference not in card and "/cases/" not in card
    others = [make.case(org["north"], creator=org["manager"], street="3 rue Tramassac",
                        received_on=date(2025, 1, 1 + n), parties=[("Paul", f"Autre{n}")])
              for n in range(6)]
    some, card = related_queries(client, case, count_queries)
    assert all(other.reference in card for other in others)
    # Newest first, from the rows of the second query.
    assert card.index(others[-1].reference) < card.index(others[0].reference)
    assert "3 rue Tramassac" in card
    # The ids and keys, then the visible cases' rows: one query more than none found.
    assert some - none == 1


def test_the_signed_agreement_downloads_in_four_queries_and_is_logged(
        app, client, make, org, clauses, count_queries):  # noqa: F811
    case = signed_case(app, client, make, org, clauses)
    with app.app_context():
        before = db.session.execute(select(AccessEntry.id).order_by(AccessEntry.id.desc())
                                    ).scalars().first()
    with count_queries() as counter:
        response = client.get(f"/cases/{case.reference}/agreement.docx")
    assert response.status_code == 200
    # The login's session, the case, its agreement, the access log's entry.
    assert counter.count <= 4
    with app.app_context():
        entries = db.session.execute(select(AccessEntry).where(AccessEntry.id > before)
                                     ).scalars().all()
        assert [(e.action, e.object, e.case_reference) for e in entries] == [
            ("read", "agreement_document", case.reference)]
    # Another team's user still meets the gate: the case does not exist for them.
    client.logout()
    client.login("sam.south")
    assert client.get(f"/cases/{case.reference}/agreement.docx").status_code == 404


def test_the_case_page_does_not_read_the_agreements_files(
        app, client, make, org, clauses):  # noqa: F811
    from sqlalchemy import event

    case = signed_case(app, client, make, org, clauses)
    statements = []

    def note(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        page = client.get(f"/cases/{case.reference}").text
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert "Version 1" in page or "Version\u00a01" in page
    read = [s for s in statements if "FROM agreements" in s]
    assert read and not any("agreements.document" in s or "agreements.signing_copy" in s
                            for s in read)
    # The download still sends the signed file, byte for byte.
    assert client.get(f"/cases/{case.reference}/agreement.docx").data[:2] == b"PK"
