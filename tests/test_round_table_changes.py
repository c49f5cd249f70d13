"""A round table given a new date, or cancelled: the parties' letters, the calendars and the
timeline follow. And the schedule form's place, the held-in-the-future and after-the-fact
rules, and the calendar's language."""
import io
from datetime import datetime, timedelta, timezone

import pytest
from docx import Document
from icalendar import Calendar
from sqlalchemy import select

from casework.core import clock
from casework.extensions import db
from casework.meetings.models import RoundTable

EN = {"Accept-Language": "en"}
FR = {"Accept-Language": "fr"}
NEXT_WEEK = clock.today() + timedelta(days=7)
IN_TWO_WEEKS = clock.today() + timedelta(days=14)


@pytest.fixture
def case(make, org, refs):
    colleague = make.user("nico.north", roles=["mediator"], teams=[org["north"]])
    return make.case(org["north"], creator=org["manager"], status="mediation",
                     lead=org["mediator"], co=colleague, street="12 rue Professeur Beauvisage",
                     parties=[("Hélène", "Dupont"), ("John", "Smith")], consent="given")


@pytest.fixture
def room(make):
    return make.place()


def schedule(client, case, org, room, **overrides):
    data = {"day": NEXT_WEEK.isoformat(), "moment": "18:00", "duration_minutes": "90",
            "place": str(room.id), "place_text": "", "mediators": [str(org["mediator"].id)],
            "invited": [str(p.id) for p in case.parties]}
    data.update(overrides)
    return client.submit(f"/cases/{case.reference}/round-tables/new", data, headers=EN)


def only_table(app):
    with app.app_context():
        table = db.session.execute(select(RoundTable)).scalar_one()
        table.mediators, table.invited, table.place  # loaded before the session closes
        return table


def change(client, case, table, **overrides):
    data = {"version": str(table.version), "day": IN_TWO_WEEKS.isoformat(), "moment": "17:30",
            "duration_minutes": str(table.duration_minutes),
            "place": str(table.place_id or 0), "place_text": table.place_text,
            "mediators": [str(m.id) for m in table.mediators], "reason": ""}
    data.update(overrides)
    return client.submit(f"/cases/{case.reference}/round-tables/{table.id}/change", data,
                         headers=EN)


def cancel(client, case, table, reason="Le bailleur a besoin de la salle."):
    url = f"/cases/{case.reference}/round-tables/{table.id}"
    return client.submit(f"{url}/cancel", {"cancel-version": str(table.version),
                                           "cancel-reason": reason},
                         page=f"{url}/change", headers=EN)


def letter(client, case, table, party):
    return client.get(f"/cases/{case.reference}/round-tables/{table.id}/invitations/"
                      f"{party.id}.docx", headers=EN)


def text_of(response):
    document = Document(io.BytesIO(response.data))
    body = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    return (body + "\n" + cells).replace("\u00a0", " ").replace("\u202f", " ")


def event_of(body):
    return Calendar.from_ical(body).walk("VEVENT")[0]


def feed_events(app, client, user):
    client.submit("/agenda/calendar-link", {}, page="/agenda")
    with app.app_context():
        from casework.auth.models import User

        token = db.session.get(User, user.id).calendar_token
    return list(Calendar.from_ical(app.test_client().get(f"/calendar/{token}.ics").data)
                .walk("VEVENT"))


def test_a_new_date_gives_a_new_date_letter_and_updates_the_calendars(app, client, org,
                                                                       case, room):
    client.login("mona.mediator")
    schedule(client, case, org, room)
    table = only_table(app)
    before = event_of(client.get(f"/cases/{case.reference}/round-tables/{table.id}.ics").data)

    response = change(client, case, table, reason="Mme Dupont travaille ce soir-là.")
    assert response.status_code == 302
    saved = only_table(app)
    assert saved.status == "scheduled" and clock.to_local(saved.starts_at).date() == \
        IN_TWO_WEEKS

    # The letter is now the « nouvelle date » letter: it names the date it replaces.
    french = text_of(letter(client, case, saved, case.parties[0]))
    assert "nouvelle date" in french and "remplace notre précédent courrier" in french
    old_day, new_day = NEXT_WEEK.day, IN_TWO_WEEKS.day
    assert f" {old_day} mars 2026 à 18 h 00" in french
    assert f" {new_day} mars 2026 à 17 h 30" in french
    assert "travaille" not in french  # the reason stays on the timeline

    # The calendars: the same event, a higher SEQUENCE, the new time.
    after = event_of(client.get(f"/cases/{case.reference}/round-tables/{table.id}.ics").data)
    assert str(after["uid"]) == str(before["uid"])
    assert int(after.get("sequence", 0)) > int(before.get("sequence", 0))
    assert after.decoded("dtstart").date() == IN_TWO_WEEKS
    feed = feed_events(app, client, org["mediator"])
    assert [str(e["uid"]) for e in feed] == [str(before["uid"])]
    assert int(feed[0]["sequence"]) == int(after["sequence"])

    # The timeline keeps the change and its reason.
    page = client.get(f"/cases/{case.reference}", headers=EN).text
    assert "Round table changed" in page and "travaille ce soir-là" in page
    assert "New-date letter for Hélène Dupont" in page


def test_a_new_date_letter_in_english(app, client, make, org, case, room):
    with app.app_context():
        from casework.cases.models import Party

        db.session.get(Party, case.parties[1].id).language = "en"
        db.session.commit()
    client.login("mona.mediator")
    schedule(client, case, org, room)
    change(client, case, only_table(app))
    english = text_of(letter(client, case, only_table(app), case.parties[1]))
    assert "New date for the mediation meeting" in english
    assert "This letter replaces our previous one" in english
    assert "at 6:00 PM" in english and "at 5:30 PM" in english


def test_a_new_date_warns_of_a_double_booking(app, client, make, org, case, room):
    client.login("mona.mediator")
    schedule(client, case, org, room)
    schedule(client, case, org, room, day=IN_TWO_WEEKS.isoformat(), moment="17:00",
             place="0", place_text="Centre social Mermoz")
    with app.app_context():
        first = db.session.execute(select(RoundTable).order_by(RoundTable.id)).scalars().first()
        first.mediators
    response = change(client, case, first)
    assert response.status_code == 200 and "Mona Mediator is already busy" in response.text
    assert clock.to_local(only_first(app).starts_at).date() == NEXT_WEEK
    response = change(client, case, first, confirm_double_booking="y")
    assert response.status_code == 302
    assert clock.to_local(only_first(app).starts_at).date() == IN_TWO_WEEKS


def only_first(app):
    with app.app_context():
        return db.session.execute(select(RoundTable).order_by(RoundTable.id)).scalars().first()


def test_cancelling_gives_a_cancellation_letter_and_strikes_the_event_out(app, client, org,
                                                                           case, room):
    client.login("mona.mediator")
    schedule(client, case, org, room)
    table = only_table(app)
    assert 'id="cancel-reason-error"' in cancel(client, case, table, reason="").text
    assert only_table(app).status == "scheduled"
    assert cancel(client, case, table).status_code == 302
    saved = only_table(app)
    assert saved.status == "cancelled"

    response = letter(client, case, saved, case.parties[0])
    assert response.status_code == 200
    assert "annulation" in response.headers["Content-Disposition"]
    french = text_of(response)
    assert "annulation de la rencontre" in french and "est annulée" in french
    assert "bailleur" not in french  # the reason is not the parties' business
    assert "confirmer votre venue" not in french

    event = event_of(client.get(f"/cases/{case.reference}/round-tables/{table.id}.ics").data)
    assert str(event["status"]) == "CANCELLED" and int(event["sequence"]) >= 1
    feed = feed_events(app, client, org["mediator"])
    assert [str(e["status"]) for e in feed] == ["CANCELLED"]
    page = client.get(f"/cases/{case.reference}", headers=EN).text
    assert "Cancellation letter for Hélène Dupont" in page


def test_a_postponed_sessions_old_invitation_is_no_longer_given(app, client, org, case,
                                                                 room):
    client.login("mona.mediator")
    schedule(client, case, org, room)
    table = only_table(app)
    client.submit(f"/cases/{case.reference}/round-tables/{table.id}",
                  {"version": str(table.version), "status": "postponed",
                   "status_reason": "Salle indisponible.", "outcome": ""}, headers=EN)
    assert only_table(app).status == "postponed"
    response = letter(client, case, table, case.parties[0])
    assert response.status_code == 302 and not response.mimetype.endswith("document")
    page = client.get(response.headers["Location"], headers=EN).text
    assert "postponed" in page and "no longer valid" in page
    event = event_of(client.get(f"/cases/{case.reference}/round-tables/{table.id}.ics").data)
    assert str(event["status"]) != "CONFIRMED" and int(event["sequence"]) >= 1
    # Given a new date, it is scheduled again and the new-date letter is given.
    assert change(client, case, only_table(app)).status_code == 302
    assert only_table(app).status == "scheduled"
    assert "nouvelle date" in text_of(letter(client, case, table, case.parties[0]))


def test_a_held_session_can_no_longer_be_moved(app, client, org, case, room, make):
    table = make.round_table(case, [org["mediator"]], starts_in_days=-1, status="held")
    client.login("mona.mediator")
    response = client.get(f"/cases/{case.reference}/round-tables/{table.id}/change",
                          headers=EN)
    assert response.status_code == 302


def test_letters_are_dated_the_day_they_are_produced_and_on_the_timeline(app, client, org,
                                                                         case, room):
    client.login("mona.mediator")
    schedule(client, case, org, room)
    table = only_table(app)
    later = clock.utcnow() + timedelta(days=2)
    clock.freeze(later)
    try:
        client.login("mona.mediator")  # the session of two days ago has expired
        french = text_of(letter(client, case, table, case.parties[1]))
    finally:
        clock.freeze(datetime(2026, 3, 10, 10, 0, tzinfo=timezone.utc))
    assert f"Lyon, le {clock.to_local(later).day} mars 2026" in french
    page = client.get(f"/cases/{case.reference}", headers=EN).text
    timeline = page.split('id="timeline-title"', 1)[1]
    assert "Letter produced" in timeline and "Invitation" in timeline
    assert "John Smith" in timeline
    # No content of the letter on the timeline.
    assert "confidentielle" not in timeline


def test_the_place_is_not_preselected_from_another_town(app, client, org, case, make):
    make.place(name="Antenne de Saint-Étienne", address="5 rue Michelet, 42000 Saint-Étienne")
    make.place(name="Centre social Mermoz", address="2 rue Mermoz, 69008 Lyon")
    client.login("mona.mediator")
    page = client.get(f"/cases/{case.reference}/round-tables/new", headers=EN).text
    select_html = page.split('name="place"', 1)[1].split("</select>", 1)[0]
    selected = select_html.split("selected", 1)[1][:80] if "selected" in select_html else ""
    assert "Saint-Étienne" not in selected and "Mermoz" not in selected


def test_a_typed_place_is_not_silently_ignored(app, client, org, case, room):
    client.login("mona.mediator")
    response = schedule(client, case, org, room, place_text="Centre social Mermoz")
    assert response.status_code == 200
    assert "keep only one" in response.text.split('id="place_text-error"', 1)[1][:300]
    response = schedule(client, case, org, room, place="0",
                        place_text="Centre social Mermoz")
    assert response.status_code == 302
    assert only_table(app).place_label == "Centre social Mermoz"


def test_a_session_to_come_cannot_be_recorded_as_held(app, client, org, case, room):
    client.login("mona.mediator")
    schedule(client, case, org, room)
    table = only_table(app)
    response = client.submit(f"/cases/{case.reference}/round-tables/{table.id}",
                             {"version": str(table.version), "status": "held",
                              "attended": [str(p.id) for p in case.parties],
                              "outcome": "agreement"}, headers=EN)
    assert response.status_code == 200
    assert "has not started yet" in response.text.split('id="status-error"', 1)[1][:300]
    assert only_table(app).status == "scheduled"


def test_a_session_months_back_is_entered_after_the_fact(app, client, org, case, room):
    client.login("mona.mediator")
    months_back = clock.today() - timedelta(days=100)
    response = schedule(client, case, org, room, day=months_back.isoformat())
    assert response.status_code == 200 and 'name="confirm_past"' in response.text
    response = schedule(client, case, org, room, day=months_back.isoformat(),
                        confirm_past="y")
    assert response.status_code == 302
    table = only_table(app)
    assert response.headers["Location"].endswith(f"/round-tables/{table.id}")
    response = client.submit(f"/cases/{case.reference}/round-tables/{table.id}",
                             {"version": str(table.version), "status": "held",
                              "attended": [str(p.id) for p in case.parties],
                              "outcome": "no_agreement"}, headers=EN)
    assert response.status_code == 302 and only_table(app).status == "held"


def test_the_ics_is_in_the_users_interface_language(app, client, org, case, room):
    client.login("mona.mediator")
    schedule(client, case, org, room)
    table = only_table(app)
    url = f"/cases/{case.reference}/round-tables/{table.id}.ics"
    assert str(event_of(client.get(url, headers=EN).data)["summary"]).startswith(
        "Round table")
    assert str(event_of(client.get(url, headers=FR).data)["summary"]).startswith(
        "Table ronde")


def test_a_new_place_at_the_same_time_gives_a_change_letter(app, client, org, case, room):
    client.login("mona.mediator")
    schedule(client, case, org, room)
    table = only_table(app)
    assert change(client, case, table, day=NEXT_WEEK.isoformat(), moment="18:00", place="0",
                  place_text="Centre social Mermoz").status_code == 302
    french = text_of(letter(client, case, only_table(app), case.parties[0]))
    assert "changement pour la rencontre" in french and "Centre social Mermoz" in french
    assert "remplace notre précédent courrier" in french


def test_two_people_changing_the_same_session(app, client, org, case, room):
    client.login("mona.mediator")
    schedule(client, case, org, room)
    stale = only_table(app)
    assert change(client, case, stale).status_code == 302
    response = change(client, case, stale, moment="09:00")  # the version read before
    assert response.status_code == 409 and "meanwhile" in response.text
    assert clock.to_local(only_table(app).starts_at).hour == 17


def test_nothing_changed_is_not_a_new_date(app, client, org, case, room):
    client.login("mona.mediator")
    schedule(client, case, org, room)
    table = only_table(app)
    response = change(client, case, table, day=NEXT_WEEK.isoformat(), moment="18:00")
    assert response.status_code == 302 and only_table(app).sequence == 0
    assert "invitation à une rencontre" in text_of(letter(client, case, table,
                                                          case.parties[0]))
