"""French and English: negotiated, switchable from every page, remembered per user."""
from sqlalchemy import select

from casework.auth.models import User
from casework.extensions import db


def test_french_is_the_fallback(client):
    page = client.get("/login").text
    assert '<html lang="fr">' in page and "Se connecter" in page


def test_language_is_negotiated_from_the_browser(client):
    page = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"}).text
    assert '<html lang="en">' in page and "Log in" in page
    page = client.get("/login", headers={"Accept-Language": "de-DE,fr;q=0.5"}).text
    assert '<html lang="fr">' in page


def test_visitor_switches_language_on_the_login_page(client):
    response = client.submit("/language", {"language": "en", "next": "/login"}, page="/login")
    assert response.headers["Location"] == "/login"
    assert "Log in" in client.get("/login").text


def test_switching_language_is_remembered_for_the_user(app, client, org):
    client.login("mona.mediator")
    client.submit("/language", {"language": "en", "next": "/account"}, page="/account")
    with app.app_context():
        user = db.session.execute(select(User).filter_by(username="mona.mediator")).scalar_one()
        assert user.language == "en"
    # A new browser, asking for French, still gets the user's English once logged in.
    other = app.test_client()
    other.login("mona.mediator")
    assert "My account" in other.get("/account", headers={"Accept-Language": "fr"}).text


def test_language_switcher_refuses_unknown_languages_and_outside_targets(client, org):
    client.login("mona.mediator")
    response = client.submit("/language", {"language": "xx", "next": "https://evil.example/"},
                             page="/")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert '<html lang="fr">' in client.get("/account").text


def test_switcher_is_on_every_page(client, org):
    client.login("alice.admin")
    for url in ("/", "/admin/users", "/admin/teams", "/account"):
        assert 'action="/language"' in client.get(url).text, url


def test_error_pages_speak_the_users_language(client, org):
    client.login("mona.mediator")
    assert "Page introuvable" in client.get("/nowhere").text
    client.submit("/language", {"language": "en", "next": "/"}, page="/")
    assert "Page not found" in client.get("/nowhere").text


def test_form_messages_are_translated(client, org):
    response = client.submit("/login", {"username": "", "password": ""})
    assert "Ce champ est obligatoire." in response.text


def test_dates_are_written_the_french_way(app):
    from datetime import datetime, timezone

    from casework.web.i18n import date_long, datetime_long

    moment = datetime(2026, 3, 3, 17, 0, tzinfo=timezone.utc)  # 18 h 00 in Paris
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        assert datetime_long(moment) == "mardi 3 mars 2026 à 18 h 00"
        assert date_long(moment.date()) == "mardi 3 mars 2026"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert datetime_long(moment) == "Tuesday 3 March 2026 at 6:00 PM"


def test_the_first_of_the_month_is_1er_in_french(app):
    from datetime import date, datetime, timezone

    from flask_babel import force_locale

    from casework.core.documents import long_date
    from casework.web.i18n import date_long, datetime_long

    with app.test_request_context():
        with force_locale("fr"):
            assert date_long(date(2025, 1, 1)) == "mercredi 1er janvier 2025"
            assert date_long(date(2025, 1, 11)) == "samedi 11 janvier 2025"
            # 23:30 UTC on 28 February is 00:30 on 1 March in Paris.
            assert datetime_long(datetime(2026, 2, 28, 23, 30, tzinfo=timezone.utc)) == \
                "dimanche 1er mars 2026 à 0 h 30"
        with force_locale("en"):
            assert date_long(date(2025, 1, 1)) == "Wednesday 1 January 2025"
    assert long_date(date(2026, 3, 1), "fr") == "dimanche 1er mars 2026"
    assert long_date(date(2026, 3, 1), "en") == "Sunday 1 March 2026"
