"""Round tables: scheduled with a warning on double booking, recorded, printed, in calendars."""
import io
from datetime import datetime, timedelta

import pytest
from docx import Document
from icalendar import Calendar
from sqlalchemy import select

from casework.meetings.models import RoundTable
from casework.extensions import db
from casework.core import clock

NEXT_WEEK = clock.today() + timedelta(days=7)
YESTERDAY = clock.today() - timedelta(days=1)


@pytest.fixture
def case(make, org, refs):
    colleague = make.user("nico.north", roles=["mediator"], teams=[org["north"]])
    made = make.case(org["north"], creator=org["manager"], status="mediation",
                     lead=org["mediator"], co=colleague, street="12 rue Professeur Beauvisage",
                     parties=[("Hélène", "Dupont"), ("John", "Smith")], consent="given")
    return made


@pytest.fixture
def room(make):
    return make.place()


def table_data(case, org, room, **overrides):
    data = {"day": NEXT_WEEK.isoformat(), "moment": "18:00", "duration_minutes": "90",
            "place": str(room.id), "place_text": "",
            "mediators": [str(org["mediator"].id)],
            "invited": [str(p.id) for p in case.parties]}
    data.update(overrides)
    return data


def tables(app):
    with app.app_context():
        rows = db.session.execute(select(RoundTable).order_by(RoundTable.id)).scalars().all()
        for row in rows:
            row.attended, row.invited, row.mediators  # loaded before the session closes
        return rows


def schedule(client, case, org, room, **overrides):
    return client.submit(f"/cases/{case.reference}/round-tables/new",
                         table_data(case, org, room, **overrides),
                         headers={"Accept-Language": "en"})


def test_mediator_schedules_a_round_table_with_a_colleague(app, client, org, case, room):
    client.login("mona.mediator")
    with_colleague = [str(org["mediator"].id), str(case.co_mediator_id)]
    assert schedule(client, case, org, room, mediators=with_colleague).status_code == 302
    saved = tables(app)[0]
    # The clock is frozen in March, before summer time: 18 h 00 in Paris is 17:00 UTC.
    assert (saved.starts_at.hour, saved.starts_at.minute) == (17, 0)
    page = client.get(f"/cases/{case.reference}").text
    assert "à 18 h 00" in page and "Salle de réunion" in page


def test_double_booking_is_warned_before_saving(app, client, org, case, room, make):
    client.login("mona.mediator")
    assert schedule(client, case, org, room).status_code == 302
    other = make.case(make_team(app, org), creator=org["manager"], status="mediation",
                      lead=org["mediator"], parties=["Autre"], consent="given")
    # Same mediator, overlapping time, in another place.
    response = client.submit(f"/cases/{other.reference}/round-tables/new", {
        "day": NEXT_WEEK.isoformat(), "moment": "19:00", "duration_minutes": "60",
        "place": "0", "place_text": "Centre social Mermoz",
        "mediators": [str(org["mediator"].id)], "invited": [str(other.parties[0].id)]},
        headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert "Double booking" in response.text and "Mona Mediator is already busy" in response.text
    assert len(tables(app)) == 1
    # The same room at an overlapping time, other mediators.
    response = schedule(client, case, org, room, moment="18:30",
                        mediators=[str(case.co_mediator_id)])
    assert "is already booked" in response.text and len(tables(app)) == 1
    # Knowing it, the user may still schedule it.
    response = schedule(client, case, org, room, moment="18:30",
                        mediators=[str(case.co_mediator_id)], confirm_double_booking="y")
    assert response.status_code == 302 and len(tables(app)) == 2
    # Back to back is not a clash: Mona's session ends at 19:30.
    assert schedule(client, case, org, room, moment="19:30", place="0",
                    place_text="Centre social Mermoz").status_code == 302


def make_team(app, org):
    return org["north"]


BAD = [
    ("impossible date", {"day": "2026-02-30"}, "day", "valid date"),
    ("past, not confirmed", {"day": (clock.today() - timedelta(days=60)).isoformat()}, "day",
     "tick the box below"),
    ("over a year ago", {"day": (clock.today() - timedelta(days=400)).isoformat(),
                         "confirm_past": "y"}, "day", "more than a year ago"),
    ("bad time", {"moment": "noon"}, "moment", "valid time"),
    ("too short", {"duration_minutes": "5"}, "duration_minutes", "between 15 and 600"),
    ("no place", {"place": "0", "place_text": ""}, "place_text", "Choose a place"),
    ("place too long", {"place": "0", "place_text": "p" * 251}, "place_text",
     "Field cannot be longer"),
    ("no mediator", {"mediators": []}, "mediators", "at least one mediator"),
    ("nobody invited", {"invited": []}, "invited", "Invite at least one party"),
    ("unknown place", {"place": "99999"}, "place", "Not a valid choice"),
]


@pytest.mark.parametrize("label, overrides, field, message", BAD, ids=[b[0] for b in BAD])
def test_bad_input_on_the_round_table_form(app, client, org, case, room, label, overrides,
                                           field, message):
    client.login("mona.mediator")
    response = schedule(client, case, org, room, **overrides)
    assert response.status_code == 200
    assert message in response.text.split(f'id="{field}-error"', 1)[1].split("</div>", 1)[0]
    assert tables(app) == []


def record(client, case, table, **data):
    url = f"/cases/{case.reference}/round-tables/{table.id}"
    return client.submit(url, {"version": str(table.version), **data},
                         headers={"Accept-Language": "en"})


def test_recording_a_held_round_table_with_agreement(app, client, org, case, room):
    client.login("mona.mediator")
    schedule(client, case, org, room, day=YESTERDAY.isoformat(), confirm_past="y")
    table = tables(app)[0]
    response = record(client, case, table, status="held",
                      attended=[str(p.id) for p in case.parties], outcome="agreement",
                      minutes="Les parties conviennent d'horaires de calme.")
    assert response.status_code == 302
    page = client.get(response.headers["Location"].split("#")[0],
                      headers={"Accept-Language": "en"}).text
    assert "Agreement reached" in page and "Round table recorded" in page
    assert "Draft the agreement" in page or "Agreement drafted" in page  # next step offered
    saved = tables(app)[0]
    assert saved.status == "held" and saved.outcome == "agreement"
    assert len(saved.attended) == 2


def test_postponed_needs_a_reason_and_held_needs_an_outcome(app, client, org, case, room):
    client.login("mona.mediator")
    schedule(client, case, org, room)
    table = tables(app)[0]
    response = record(client, case, table, status="postponed", status_reason="", outcome="")
    assert 'id="status_reason-error"' in response.text
    response = record(client, case, table, status="held", outcome="")
    assert 'id="outcome-error"' in response.text
    assert tables(app)[0].status == "scheduled"
    response = record(client, case, table, status="cancelled",
                      status_reason="M. Smith est hospitalisé.", outcome="")
    assert response.status_code == 302 and tables(app)[0].status == "cancelled"


def test_minutes_are_confidential(app, client, make, org, case, room):
    client.login("mona.mediator")
    schedule(client, case, org, room, day=YESTERDAY.isoformat(), confirm_past="y")
    record(client, case, tables(app)[0], status="held", outcome="no_agreement",
           minutes="Échanges tendus sur le bruit du lave-linge.")
    client.logout()
    make.user("other.north", roles=["mediator"], teams=[org["north"]])
    client.login("other.north")
    page = client.get(f"/cases/{case.reference}").text
    assert "lave-linge" not in page and "No agreement" in client.get(
        f"/cases/{case.reference}", headers={"Accept-Language": "en"}).text
    client.logout()
    client.login("marc.manager")
    assert "lave-linge" in client.get(f"/cases/{case.reference}").text


def test_invitation_letter_in_french(app, client, org, case, room):
    client.login("mona.mediator")
    schedule(client, case, org, room)
    table, party = tables(app)[0], case.parties[0]
    response = client.get(f"/cases/{case.reference}/round-tables/{table.id}/invitations/"
                          f"{party.id}.docx")
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    document = Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for r in t.rows
                      for c in r.cells).replace("\u00a0", " ")
    assert "Hélène Dupont" in text and "12 rue Professeur Beauvisage" in text
    assert "69008 Lyon" in text
    expected = datetime.combine(NEXT_WEEK, datetime.min.time())
    weekday = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"][
        expected.weekday()]
    assert f"{weekday} {NEXT_WEEK.day} " in cells and "à 18 h 00" in cells
    assert "Salle de réunion — Maison des associations" in cells
    assert "confidentiel" in text and "Mona Mediator" in text
    assert "Association de médiation sociale" in document.sections[0].header.paragraphs[0].text


def test_invitation_letter_in_the_partys_language(app, client, make, org, case, room):
    with app.app_context():
        from casework.cases.models import Party

        party = db.session.get(Party, case.parties[1].id)
        party.language = "en"
        db.session.commit()
    client.login("mona.mediator")
    schedule(client, case, org, room)
    table = tables(app)[0]
    response = client.get(f"/cases/{case.reference}/round-tables/{table.id}/invitations/"
                          f"{case.parties[1].id}.docx")
    document = Document(io.BytesIO(response.data))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "Dear John Smith" not in text and "John Smith" in text
    assert "at 6:00\u00a0PM" in cells and "confidential" in text


def test_invitation_only_for_invited_parties_of_this_case(client, make, org, case, room):
    client.login("mona.mediator")
    schedule(client, case, org, room, invited=[str(case.parties[0].id)])
    with client.application.app_context():
        table = db.session.execute(select(RoundTable)).scalar_one()
    url = f"/cases/{case.reference}/round-tables/{table.id}/invitations"
    assert client.get(f"{url}/{case.parties[1].id}.docx").status_code == 404
    assert client.get(f"{url}/999999.docx").status_code == 404


def test_round_table_downloads_as_an_ics_event(app, client, org, case, room):
    client.login("mona.mediator")
    schedule(client, case, org, room)
    table = tables(app)[0]
    response = client.get(f"/cases/{case.reference}/round-tables/{table.id}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    event = next(c for c in calendar.walk("VEVENT"))
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert str(start.tzinfo) == "Europe/Paris" and (start.hour, start.minute) == (18, 0)
    assert start.date() == NEXT_WEEK and end - start == timedelta(minutes=90)
    assert "Salle de réunion" in str(event["location"])
    assert case.reference in str(event["summary"])
    assert "Dupont" not in response.data.decode() and "Smith" not in response.data.decode()
    assert any(c.name == "VTIMEZONE" for c in calendar.walk())


def test_personal_feed_and_its_renewal(app, client, org, case, room):
    client.login("mona.mediator")
    schedule(client, case, org, room)
    client.submit("/agenda/calendar-link", {}, page="/agenda")
    with app.app_context():
        from casework.auth.models import User

        token = db.session.get(User, org["mediator"].id).calendar_token
    visitor = app.test_client()  # a phone: no login
    response = visitor.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.data)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1 and case.reference in str(events[0]["summary"])
    assert "Dupont" not in response.data.decode()
    client.submit("/agenda/calendar-link", {}, page="/agenda")
    assert visitor.get(f"/calendar/{token}.ics").status_code == 404
    assert visitor.get("/calendar/not-a-real-token-at-all-xxxx.ics").status_code == 404


def test_agenda_shows_mine_and_my_teams_sessions(client, org, case, room):
    client.login("mona.mediator")
    schedule(client, case, org, room)
    schedule(client, case, org, room, moment="10:00",
             mediators=[str(case.co_mediator_id)])
    page = client.get("/agenda", headers={"Accept-Language": "en"}).text
    mine = page.split('id="mine-title"')[1].split("</section>")[0]
    team = page.split('id="team-title"')[1].split("</section>")[0]
    assert "at 6:00 PM" in mine and "at 10:00 AM" in team
