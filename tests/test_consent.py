"""Free consent gates the process: round tables are scheduled and held, and agreements
signed, only with parties whose consent is recorded as given — or with a manager's reason,
kept on the timeline. Consent can be withdrawn; the case page then offers to close."""
import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from casework.agreements.models import Agreement, Commitment
from casework.cases.models import Case, Party, TimelineEvent
from casework.core import clock
from casework.extensions import db
from casework.meetings.models import RoundTable

NEXT_WEEK = clock.today() + timedelta(days=7)
EN = {"Accept-Language": "en"}


@pytest.fixture
def case(make, org, refs):
    """A case of team Nord in mediation, led by mona.mediator: Hélène Dupont consented,
    John Smith was not asked yet."""
    made = make.case(org["north"], creator=org["manager"], status="mediation",
                     lead=org["mediator"], parties=[("Hélène", "Dupont"), ("John", "Smith")])
    set_consent(make, made.parties[0], "given")
    return made


def set_consent(make, party, consent, on=None, method="phone"):
    with make.app.app_context():
        row = db.session.get(Party, party.id)
        row.consent, row.consent_on = consent, on or clock.today() - timedelta(days=5)
        row.consent_method = method if consent != "unknown" else ""
        db.session.commit()


def consent_of(app, party):
    with app.app_context():
        row = db.session.get(Party, party.id)
        return row.consent, row.consent_on, row.consent_method


def events(app, kind=None):
    with app.app_context():
        query = select(TimelineEvent).order_by(TimelineEvent.id)
        if kind:
            query = query.where(TimelineEvent.kind == kind)
        return db.session.execute(query).scalars().all()


def tables(app):
    with app.app_context():
        return db.session.execute(select(RoundTable).order_by(RoundTable.id)).scalars().all()


def schedule(client, case, org, **overrides):
    data = {"day": NEXT_WEEK.isoformat(), "moment": "18:00", "duration_minutes": "90",
            "place": "0", "place_text": "Centre social Mermoz",
            "mediators": [str(org["mediator"].id)],
            "invited": [str(p.id) for p in case.parties]}
    data.update(overrides)
    return client.submit(f"/cases/{case.reference}/round-tables/new", data, headers=EN)


def error_of(page, field):
    return page.split(f'id="{field}-error"', 1)[1].split("</div>", 1)[0]


# — Round tables ————————————————————————————————————————————————————————————————

@pytest.mark.parametrize("consent", ["unknown", "refused", "withdrawn"])
def test_a_round_table_is_not_scheduled_without_every_invited_partys_consent(
        app, client, make, org, case, consent):
    set_consent(make, case.parties[1], consent)
    client.login("mona.mediator")
    response = schedule(client, case, org)
    assert response.status_code == 200
    message = error_of(response.text, "invited")
    assert "Consent of John Smith is not recorded as given." in message
    assert "Hélène" not in message  # she consented
    assert "a manager of the team may go ahead" in message
    assert tables(app) == [] and events(app, "round_table_scheduled") == []


def test_the_form_says_beforehand_whose_consent_is_missing(client, org, case):
    client.login("mona.mediator")
    page = client.get(f"/cases/{case.reference}/round-tables/new", headers=EN).text
    notice = page.split('cw-consent-notice', 1)[1].split("</div>", 1)[0]
    assert "John Smith — Not asked yet" in notice and "Dupont" not in notice
    assert f'/cases/{case.reference}/parties/{case.parties[1].id}"' in notice
    # The manager's reason is not offered to a mediator.
    assert 'name="consent_override"' not in page


def test_a_round_table_with_the_consenting_parties_only_is_scheduled(app, client, org, case):
    client.login("mona.mediator")
    assert schedule(client, case, org,
                    invited=[str(case.parties[0].id)]).status_code == 302
    assert len(tables(app)) == 1 and events(app, "consent_overridden") == []


def test_a_mediator_cannot_override_by_posting_a_reason(app, client, org, case):
    client.login("mona.mediator")
    response = schedule(client, case, org, consent_override="Il est d'accord, à l'oral.")
    assert "Consent of John Smith is not recorded as given." in response.text
    assert tables(app) == [] and events(app, "consent_overridden") == []


def test_a_manager_goes_ahead_with_a_reason_kept_on_the_timeline(app, client, org, case,
                                                                caplog):
    client.login("marc.manager")
    page = client.get(f"/cases/{case.reference}/round-tables/new", headers=EN).text
    assert 'name="consent_override"' in page
    response = schedule(client, case, org)
    assert "give a reason below to go ahead without it" in error_of(response.text, "invited")
    assert tables(app) == []
    with caplog.at_level(logging.DEBUG):
        response = schedule(client, case, org,
                            consent_override="Accord donné à l'oral au gardien, à confirmer.")
    assert response.status_code == 302 and len(tables(app)) == 1
    override, = events(app, "consent_overridden")
    assert override.reason == "Accord donné à l'oral au gardien, à confirmer."
    assert override.actor_id == org["manager"].id
    assert {"field": "party", "old": None, "new": "John Smith"} in override.changes
    assert {"field": "consent", "old": None, "new": "unknown"} in override.changes
    # The override and the round table are one action: the scheduling right after it.
    scheduled, = events(app, "round_table_scheduled")
    assert scheduled.id == override.id + 1
    page = client.get(f"/cases/{case.reference}", headers=EN).text
    timeline = page.split('id="timeline"', 1)[1]
    assert "Went ahead without recorded consent" in timeline
    assert "Step taken: Round table scheduled" in " ".join(timeline.split())
    assert "Accord donné à l'oral au gardien" in timeline.replace("&#39;", "'")
    # Names are for the screen, never for the logs.
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Smith" not in logged and "Dupont" not in logged


def test_no_manager_reason_on_another_teams_case(app, client, make, org, refs):
    south = make.user("sue.south", roles=["manager"], teams=[org["south"]])
    other = make.case(org["south"], creator=south, status="mediation",
                      lead=org["south_mediator"], parties=["Martin"])
    client.login("marc.manager")
    assert client.get(f"/cases/{other.reference}/round-tables/new").status_code == 404


@pytest.fixture
def table(make, org, case):
    """A round table that took place yesterday with both parties, to be recorded (the
    factory gives John Smith's consent, as scheduling needed it)."""
    return make.round_table(case, [org["mediator"]], starts_in_days=-1)


def record(client, case, table, app, **overrides):
    with app.app_context():
        version = db.session.get(RoundTable, table.id).version
    data = {"version": str(version), "status": "held", "status_reason": "",
            "attended": [str(p.id) for p in case.parties], "outcome": "agreement",
            "minutes": "Chacun s'est exprimé."}
    data.update(overrides)
    return client.submit(f"/cases/{case.reference}/round-tables/{table.id}", data,
                         headers=EN)


def test_a_round_table_is_not_held_with_a_party_who_withdrew(app, client, make, org, case,
                                                             table):
    set_consent(make, case.parties[1], "withdrawn", on=clock.today())
    client.login("mona.mediator")
    response = record(client, case, table, app)
    assert response.status_code == 200
    assert "Consent of John Smith is not recorded as given." in error_of(response.text,
                                                                         "attended")
    assert tables(app)[0].status == "scheduled"
    # Without them, or postponed, it is recorded.
    assert record(client, case, table, app, status="postponed",
                  status_reason="L'autre partie ne vient plus.").status_code == 302
    assert record(client, case, table, app,
                  attended=[str(case.parties[0].id)]).status_code == 302
    assert tables(app)[0].status == "held"


def test_the_minutes_of_a_session_held_stay_correctable_after_a_withdrawal(
        app, client, make, org, case, table):
    client.login("mona.mediator")
    assert record(client, case, table, app).status_code == 302
    set_consent(make, case.parties[1], "withdrawn", on=clock.today())
    assert record(client, case, table, app, minutes="Compte rendu corrigé.").status_code == 302
    assert tables(app)[0].minutes == "Compte rendu corrigé."


def test_a_manager_records_a_session_held_without_recorded_consent(app, client, make, org,
                                                                   case, table):
    set_consent(make, case.parties[1], "refused")
    client.login("marc.manager")
    assert record(client, case, table, app).status_code == 200
    assert record(client, case, table, app,
                  consent_override="Venu de lui-même ; consentement à recueillir.",
                  ).status_code == 302
    override, = events(app, "consent_overridden")
    assert {"field": "consent_step", "old": None, "new": "round_table_held"} in \
        override.changes
    assert tables(app)[0].status == "held"


# — The agreement ——————————————————————————————————————————————————————————————

@pytest.fixture
def draft(app, make, org, case):
    """The case at the agreement step, with a draft (one commitment)."""
    with app.app_context():
        row = db.session.get(Case, case.id)
        row.status = "agreement"
        db.session.add(Agreement(case_id=case.id, number=1, status="draft", language="fr",
                                 created_by_id=org["mediator"].id,
                                 commitments=[Commitment(text="se saluer", position=0)]))
        db.session.commit()
    return case


def sign(client, case, app, **overrides):
    """Prepare the signing copy, then mark it as signed."""
    with app.app_context():
        version = db.session.execute(select(Agreement)).scalar_one().version
    assert client.submit(f"/cases/{case.reference}/agreement/prepare", {
        "version": str(version), "signed_on": clock.today().isoformat(),
        "signed_place": "Lyon",
        "follow_up_on": (clock.today() + timedelta(days=30)).isoformat()},
        headers=EN).status_code == 302
    with app.app_context():
        agreement = db.session.execute(select(Agreement)).scalar_one()
        data = {"version": str(agreement.version), "sha256": agreement.signing_sha256,
                "confirm": "y"}
    data.update(overrides)
    return client.submit(f"/cases/{case.reference}/agreement/sign", data, headers=EN)


def agreement_status(app):
    with app.app_context():
        return db.session.execute(select(Agreement.status)).scalar_one()


def test_an_agreement_is_not_signed_without_every_partys_consent(app, client, make, org,
                                                                draft):
    client.login("mona.mediator")
    page = client.get(f"/cases/{draft.reference}/agreement/prepare", headers=EN).text
    assert "John Smith — Not asked yet" in page
    response = sign(client, draft, app)
    assert response.status_code == 200
    errors = response.text.split('alert-danger', 1)[1].split("</div>", 1)[0]
    assert "Consent of John Smith is not recorded as given." in errors
    assert agreement_status(app) == "draft"
    set_consent(make, draft.parties[1], "given")
    assert sign(client, draft, app).status_code == 302
    assert agreement_status(app) == "signed"


def test_a_manager_signs_without_recorded_consent_with_a_reason(app, client, make, org,
                                                                draft):
    client.login("marc.manager")
    assert sign(client, draft, app).status_code == 200
    assert sign(client, draft, app,
                consent_override="Signature recueillie en présence du bailleur."
                ).status_code == 302
    assert agreement_status(app) == "signed"
    override, = events(app, "consent_overridden")
    assert override.reason == "Signature recueillie en présence du bailleur."
    assert {"field": "consent_step", "old": None, "new": "agreement_signed"} in \
        override.changes


# — Withdrawal ———————————————————————————————————————————————————————————————————

def party_form(party, **overrides):
    data = {"role": party.role, "kind": "person", "civility": "", "first_name": party.first_name,
            "last_name": party.last_name, "street": party.street, "building": "",
            "staircase": "", "floor": "", "postcode": party.postcode, "city": party.city,
            "phone": "", "email": "", "language": "fr", "consent": "withdrawn",
            "consent_on": (clock.today() - timedelta(days=1)).isoformat(),
            "consent_method": "phone", "version": str(party.version)}
    data.update(overrides)
    return data


def current(app, party):
    with app.app_context():
        return db.session.get(Party, party.id)


BAD_WITHDRAWALS = [
    ("no date", {"consent_on": ""}, "consent_on", "Give the date consent was withdrawn."),
    ("no method", {"consent_method": ""}, "consent_method", "Say how consent was withdrawn."),
    ("in the future", {"consent_on": (clock.today() + timedelta(days=2)).isoformat()},
     "consent_on", "future"),
]


@pytest.mark.parametrize("label, overrides, field, message", BAD_WITHDRAWALS,
                         ids=[b[0] for b in BAD_WITHDRAWALS])
def test_a_withdrawal_needs_its_date_and_how(app, client, case, label, overrides, field,
                                            message):
    helene = current(app, case.parties[0])
    client.login("mona.mediator")
    response = client.submit(f"/cases/{case.reference}/parties/{helene.id}",
                             party_form(helene, **overrides), headers=EN)
    assert response.status_code == 200 and message in error_of(response.text, field)
    assert consent_of(app, helene)[0] == "given"


def test_consent_not_given_cannot_be_withdrawn(app, client, case):
    john = current(app, case.parties[1])
    client.login("mona.mediator")
    response = client.submit(f"/cases/{case.reference}/parties/{john.id}", party_form(john),
                             headers=EN)
    assert "withdrawn only once it was given" in error_of(response.text, "consent")
    assert consent_of(app, john)[0] == "unknown"


def test_a_withdrawal_is_on_the_timeline_and_the_case_offers_to_close(app, client, case):
    helene = current(app, case.parties[0])
    client.login("mona.mediator")
    page = client.get(f"/cases/{case.reference}", headers=EN).text
    assert "cw-consent-withdrawn" not in page
    response = client.submit(f"/cases/{case.reference}/parties/{helene.id}",
                             party_form(helene), headers=EN)
    assert response.status_code == 302
    assert consent_of(app, helene) == ("withdrawn", clock.today() - timedelta(days=1),
                                       "phone")
    withdrawal, = events(app, "consent_withdrawn")
    assert {"field": "consent", "old": "given", "new": "withdrawn"} in withdrawal.changes
    assert events(app, "party_edited") == []
    page = client.get(f"/cases/{case.reference}", headers=EN).text
    timeline = page.split('id="timeline"', 1)[1]
    assert "Consent withdrawn on Monday 9 March 2026 (by phone)" in " ".join(timeline.split())
    notice = page.split('cw-consent-withdrawn', 1)[1].split("</section>", 1)[0]
    assert "Hélène Dupont" in notice and "9 March 2026" in notice
    close = f"/cases/{case.reference}/steps/close?outcome=party_declined"
    assert f'href="{close}"' in notice and "or wait" in notice
    form = client.get(close, headers=EN).text
    assert '<option selected value="party_declined">' in form
    # French reads the same.
    page = client.get(f"/cases/{case.reference}", headers={"Accept-Language": "fr"}).text
    assert "9 mars 2026" in page.split('id="timeline"', 1)[1]


def test_the_withdrawal_event_has_its_date_and_how_even_when_unchanged(app, client, make,
                                                                      case):
    # Consent given by phone yesterday, withdrawn by phone yesterday: only "consent" changes.
    set_consent(make, case.parties[0], "given", on=clock.today() - timedelta(days=1))
    helene = current(app, case.parties[0])
    client.login("mona.mediator")
    client.submit(f"/cases/{case.reference}/parties/{helene.id}", party_form(helene))
    withdrawal, = events(app, "consent_withdrawn")
    fields = {change["field"]: change["new"] for change in withdrawal.changes}
    assert fields["consent_on"] == (clock.today() - timedelta(days=1)).isoformat()
    assert fields["consent_method"] == "phone"


def test_consent_given_again_removes_the_notice(app, client, make, case):
    set_consent(make, case.parties[0], "withdrawn")
    client.login("mona.mediator")
    assert "cw-consent-withdrawn" in client.get(f"/cases/{case.reference}").text
    set_consent(make, case.parties[0], "given")
    assert "cw-consent-withdrawn" not in client.get(f"/cases/{case.reference}").text


def test_a_reader_sees_the_notice_without_the_close_button(app, client, make, org, case):
    make.user("nico.north", roles=["mediator"], teams=[org["north"]])
    set_consent(make, case.parties[0], "withdrawn")
    client.login("nico.north")  # of the team, not on the case
    page = client.get(f"/cases/{case.reference}").text
    assert "cw-consent-withdrawn" in page and "steps/close" not in page
