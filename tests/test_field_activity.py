"""Field activity without a case: a mediator logs a presence round or a workshop from a
phone (people met as counts), with the referrals to partners made on the spot; the team's
mediators and managers see, correct and delete it."""
from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from casework.activity import operations
from casework.activity.models import FieldActivity
from casework.auth.models import Team, User
from casework.cases.models import PartnerReferral
from casework.core import clock
from casework.extensions import db
from casework.reference.models import Partner, ReferenceItem

from .simulate import colleague_saves_first

EN = {"Accept-Language": "en"}


@pytest.fixture
def kinds(make):
    return {
        "round": make.reference("activity", "presence_round", "Présence active de proximité",
                                "Public-space presence round"),
        "workshop": make.reference("activity", "school_workshop",
                                   "Atelier en établissement scolaire", "School workshop",
                                   position=1),
        "housing": make.reference("referral_reason", "housing", "Logement, bailleur",
                                  "Housing, landlord"),
        "legal": make.reference("referral_reason", "legal", "Accès au droit, justice",
                                "Legal advice, justice", position=1),
        "social": make.partner("Maison de la Métropole"),
    }


def round_data(org, kinds, **changes):
    """A presence round this morning in Mermoz: 12 residents met one by one."""
    data = {"kind": kinds["round"].id, "day": clock.today().isoformat(), "moment": "09:30",
            "duration_minutes": "120", "duration_other": "", "mode": "individual",
            "people_met": "12", "mediators": str(org["mediator"].id),
            "team": org["north"].id, "territory": "0", "place": "Place Mermoz", "note": "",
            "referral_partner_1": "0", "referral_reason_1": "0", "referral_detail_1": "",
            "referral_partner_2": "0", "referral_reason_2": "0", "referral_detail_2": "",
            "referral_partner_3": "0", "referral_reason_3": "0", "referral_detail_3": ""}
    data.update(changes)
    return data


def activities(app):
    with app.app_context():
        return db.session.execute(select(FieldActivity).order_by(FieldActivity.id)
                                  ).scalars().all()


def count(app, model):
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def log(client, org, kinds, **changes):
    return client.submit("/activities/new", round_data(org, kinds, **changes), headers=EN)


# — Logging ————————————————————————————————————————————————————————————————————

def test_a_mediator_logs_a_presence_round_and_each_contact_counts(app, client, org, kinds,
                                                                  refs):
    client.login("mona.mediator")
    response = log(client, org, kinds, territory=refs["mermoz"].id)
    assert response.status_code == 302
    with app.app_context():
        activity = db.session.execute(select(FieldActivity)).scalar_one()
        assert (activity.mode, activity.people_met, activity.interventions) == (
            "individual", 12, 12)
        assert activity.duration_minutes == 120
        # 09:30 in Paris (winter time) is 08:30 UTC.
        assert clock.to_local(activity.at).time() == time(9, 30)
        assert activity.at.utcoffset() == timedelta(0) and activity.at.hour == 8
        assert [m.username for m in activity.mediators] == ["mona.mediator"]
        assert activity.team_id == org["north"].id
        assert activity.territory_id == refs["mermoz"].id
        assert activity.place == "Place Mermoz"
        assert activity.created_by_id == org["mediator"].id
    page = client.get(response.headers["Location"], headers=EN).text
    assert "Public-space presence round" in page
    assert "12 people met" in page and "12 interventions" in page


def test_a_workshop_with_25_pupils_is_one_intervention_and_25_people_met(app, client, org,
                                                                         kinds):
    client.login("mona.mediator")
    response = log(client, org, kinds, kind=kinds["workshop"].id, mode="collective",
                   people_met="25", duration_minutes="0", duration_other="50",
                   place="École Pasteur, CM2")
    assert response.status_code == 302
    (activity,) = activities(app)
    assert (activity.mode, activity.people_met, activity.interventions) == (
        "collective", 25, 1)
    assert activity.duration_minutes == 50


def test_the_form_opens_on_now_my_team_me_and_individual_contacts(client, org, kinds):
    client.login("mona.mediator")
    page = client.get("/activities/new", headers=EN).text
    # Frozen clock: 10:00 UTC is 11:00 in Paris.
    assert 'name="moment" required step="300" type="time" value="11:00"' in page
    assert f'value="{clock.today().isoformat()}"' in page
    # One team: no list to pick from, the team is said.
    assert f'<input type="hidden" name="team" value="{org["north"].id}">' in page
    assert "Nord" in page
    assert f'<input checked class="form-check-input" id="mediators-0" name="mediators" ' \
           f'type="checkbox" value="{org["mediator"].id}">' in page
    assert '<input checked class="btn-check" id="mode-0" name="mode" type="radio" ' \
           'value="individual">' in page
    # The first kind of the list, the first time.
    assert f'<option selected value="{kinds["round"].id}">' in page
    assert "No resident's name" in page


def test_the_time_offered_is_now_rounded_to_five_minutes(app, client, org, kinds):
    client.login("mona.mediator")
    clock.freeze(clock.utcnow().replace(minute=13, second=40))
    try:
        page = client.get("/activities/new").text
    finally:
        from .conftest import FROZEN_NOW
        clock.freeze(FROZEN_NOW)
    assert 'value="11:15"' in page


def test_my_usual_territory_is_that_of_my_last_activity(app, client, org, kinds, refs,
                                                        make):
    duchere = make.reference("territory", "lyon9_duchere", "La Duchère", "La Duchère")
    client.login("mona.mediator")
    assert '<option selected value="0">' in client.get("/activities/new").text
    log(client, org, kinds, territory=refs["mermoz"].id)
    log(client, org, kinds, territory=duchere.id, moment="10:00")
    page = client.get("/activities/new").text
    assert f'<option selected value="{duchere.id}">' in page
    # A colleague's activities are not my habits.
    client.logout()
    client.login("marc.manager")
    assert '<option selected value="0">' in client.get("/activities/new").text


def test_referrals_made_on_the_spot_are_recorded_with_the_activity(app, client, org, kinds,
                                                                   refs):
    client.login("mona.mediator")
    response = log(client, org, kinds, referral_partner_1=refs["conciliator"].id,
                   referral_reason_1=kinds["legal"].id,
                   referral_detail_1="Litige avec le syndic",
                   referral_partner_3=kinds["social"].id,
                   referral_reason_3=kinds["housing"].id)
    assert response.status_code == 302
    with app.app_context():
        activity = db.session.execute(select(FieldActivity)).scalar_one()
        referrals = db.session.execute(select(PartnerReferral).order_by(PartnerReferral.id)
                                       ).scalars().all()
        assert [(r.stage, r.field_activity_id, r.case_id, r.team_id, r.partner_id,
                 r.reason_id, r.reason, r.referred_on, r.made_by_id, r.taken_up)
                for r in referrals] == [
            ("field", activity.id, None, org["north"].id, refs["conciliator"].id,
             kinds["legal"].id, "Litige avec le syndic", clock.today(), org["mediator"].id,
             "unknown"),
            ("field", activity.id, None, org["north"].id, kinds["social"].id,
             kinds["housing"].id, "", clock.today(), org["mediator"].id, "unknown")]


@pytest.mark.parametrize("row, field, message", [
    ({"referral_partner_1": "PARTNER"}, "referral_reason_1", "Choose why."),
    ({"referral_reason_2": "REASON"}, "referral_partner_2", "Choose the partner"),
    ({"referral_detail_3": "Logement"}, "referral_partner_3", "Choose the partner"),
])
def test_a_half_filled_referral_row_is_told_next_to_its_field(app, client, org, kinds, refs,
                                                              row, field, message):
    client.login("mona.mediator")
    values = {k: str(refs["conciliator"].id) if v == "PARTNER" else
              str(kinds["housing"].id) if v == "REASON" else v for k, v in row.items()}
    response = log(client, org, kinds, **values)
    assert response.status_code == 200
    assert f'id="{field}-error"' in response.text
    assert message in response.text
    assert count(app, FieldActivity) == 0 and count(app, PartnerReferral) == 0


# — Bad input ——————————————————————————————————————————————————————————————————

def long_ago():
    return (clock.today() - timedelta(days=400)).isoformat()


def in_two_days():
    return (clock.today() + timedelta(days=2)).isoformat()


BAD_INPUT = [
    ({"day": "LONG_AGO"}, "day", "more than a year ago"),
    ({"day": "IN_TWO_DAYS"}, "day", "once it has happened"),
    ({"day": "1900-01-01"}, "day", "more than a year ago"),
    ({"day": "2026-02-30"}, "day", "valid date"),
    ({"moment": "25:00"}, "moment", "valid time"),
    ({"people_met": "-1"}, "people_met", "Between 0 and 5000"),
    ({"people_met": "99999999999999999999"}, "people_met", "Between 0 and 5000"),
    ({"people_met": ""}, "people_met", "Enter a number"),
    ({"people_met": "abc"}, "people_met", "Not a valid integer"),
    ({"mode": "collective", "people_met": "0"}, "people_met", "at least one participant"),
    ({"mode": "crowd"}, "mode", "Not a valid choice"),
    ({"duration_minutes": "0", "duration_other": ""}, "duration_minutes", "type the minutes"),
    ({"duration_minutes": "0", "duration_other": "0"}, "duration_other", "Between 1 and 720"),
    ({"duration_other": "721"}, "duration_other", "Between 1 and 720"),
    ({"duration_minutes": "7"}, "duration_minutes", "Not a valid choice"),
    ({"kind": "0"}, "kind", "Choose a kind"),
    ({"kind": "2147483648"}, "kind", "Not a valid choice"),
    ({"kind": "999"}, "kind", "Not a valid choice"),
    ({"team": "2147483648"}, "team", "Not a valid choice"),
    ({"team": "²"}, "team", "Invalid Choice"),
    ({"territory": "99999999999"}, "territory", "Not a valid choice"),
    ({"mediators": ""}, "mediators", "at least one mediator"),
    ({"mediators": "2147483648"}, "mediators", "not a valid choice"),
    ({"place": "x" * 201}, "place", "200"),
]


@pytest.mark.parametrize("changes, field, message", BAD_INPUT)
def test_bad_input_is_told_next_to_the_field_and_nothing_is_saved(app, client, org, kinds,
                                                                  changes, field, message):
    client.login("mona.mediator")
    values = {k: {"LONG_AGO": long_ago(), "IN_TWO_DAYS": in_two_days()}.get(v, v)
              for k, v in changes.items()}
    response = log(client, org, kinds, **values)
    assert response.status_code == 200, response.status_code
    assert f'id="{field}-error"' in response.text
    assert message in response.text
    assert count(app, FieldActivity) == 0


def test_an_activity_tomorrow_morning_is_accepted_but_not_later(app, client, org, kinds):
    """A round ending after midnight, a clock a little off: a day ahead is tolerated."""
    client.login("mona.mediator")
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    assert log(client, org, kinds, day=tomorrow, moment="01:00").status_code == 302


def test_an_inactive_kind_is_not_offered_nor_accepted(app, client, org, kinds):
    with app.app_context():
        db.session.get(ReferenceItem, kinds["workshop"].id).active = False
        db.session.commit()
    client.login("mona.mediator")
    assert "School workshop" not in client.get("/activities/new", headers=EN).text
    response = log(client, org, kinds, kind=kinds["workshop"].id)
    assert response.status_code == 200 and 'id="kind-error"' in response.text
    assert count(app, FieldActivity) == 0


def test_an_item_of_another_list_is_refused_by_the_operation(app, org, kinds, refs):
    with app.test_request_context():
        actor = db.session.get(User, org["mediator"].id)
        team = db.session.get(Team, org["north"].id)
        common = {"at": clock.utcnow(), "duration_minutes": 30, "team": team,
                  "mediators": [actor], "people_met": 3}
        with pytest.raises(operations.OperationError) as refused:
            operations.log_activity(actor, kind=db.session.get(ReferenceItem,
                                                               refs["mermoz"].id), **common)
        assert refused.value.field == "kind"
        with pytest.raises(operations.OperationError) as refused:
            operations.log_activity(actor, kind=db.session.get(ReferenceItem,
                                                               kinds["round"].id),
                                    territory=db.session.get(ReferenceItem, kinds["legal"].id),
                                    **common)
        assert refused.value.field == "territory"
        with pytest.raises(operations.OperationError) as refused:
            operations.log_activity(actor, kind=db.session.get(ReferenceItem,
                                                               kinds["round"].id),
                                    **{**common, "people_met": -3})
        assert refused.value.field == "people_met"
    assert count(app, FieldActivity) == 0


# — Who may log, see, correct and delete ——————————————————————————————————————————

def test_a_mediator_of_another_team_cannot_log_for_nord_nor_see_its_activities(
        app, client, org, kinds):
    client.login("mona.mediator")
    log(client, org, kinds)
    (activity,) = activities(app)
    client.logout()
    client.login("sam.south")
    response = log(client, org, kinds, mediators=str(org["south_mediator"].id))
    assert response.status_code == 200 and 'id="team-error"' in response.text
    assert count(app, FieldActivity) == 1
    assert client.get(f"/activities/{activity.id}").status_code == 404
    assert client.submit(f"/activities/{activity.id}/delete", {"version": "1"},
                         page="/activities/").status_code == 404
    assert "Place Mermoz" not in client.get("/activities/").text


def test_the_operation_refuses_a_team_not_mine_and_a_mediator_not_of_the_team(app, org,
                                                                              kinds):
    with app.test_request_context():
        mona = db.session.get(User, org["mediator"].id)
        sam = db.session.get(User, org["south_mediator"].id)
        common = {"kind": db.session.get(ReferenceItem, kinds["round"].id),
                  "at": clock.utcnow(), "duration_minutes": 30, "people_met": 3}
        with pytest.raises(PermissionError):
            operations.log_activity(sam, team=db.session.get(Team, org["north"].id),
                                    mediators=[sam], **common)
        with pytest.raises(operations.OperationError) as refused:
            operations.log_activity(mona, team=db.session.get(Team, org["north"].id),
                                    mediators=[mona, sam], **common)
        assert refused.value.field == "mediators"
        admin = db.session.get(User, org["admin"].id)
        with pytest.raises(PermissionError):
            operations.log_activity(admin, team=db.session.get(Team, org["north"].id),
                                    mediators=[mona], **common)
    assert count(app, FieldActivity) == 0


def test_an_administrator_sees_no_field_activity(app, client, org, kinds):
    client.login("mona.mediator")
    log(client, org, kinds)
    (activity,) = activities(app)
    client.logout()
    client.login("alice.admin")
    for page in ("/activities/", "/activities/new", f"/activities/{activity.id}"):
        assert client.get(page).status_code == 403, page
    assert "/activities/" not in client.get("/admin/users").text


def test_a_manager_logs_for_a_mediator_of_the_team(app, client, org, kinds):
    client.login("marc.manager")
    page = client.get("/activities/new").text
    assert "Mona Mediator" in page
    assert log(client, org, kinds).status_code == 302
    (activity,) = activities(app)
    assert activity.created_by_id == org["manager"].id


def test_the_navigation_and_my_cases_lead_to_the_form(client, org, kinds):
    client.login("mona.mediator")
    page = client.get("/cases/mine", headers=EN).text
    assert 'href="/activities/"' in page and "Field activity" in page
    assert 'href="/activities/new"' in page and "Log a field activity" in page


# — Correcting and deleting ————————————————————————————————————————————————————————

def test_a_colleague_corrects_the_count_and_the_interventions_follow(app, client, org,
                                                                     kinds, make):
    make.user("nina.north", roles=["mediator"], teams=[org["north"]])
    client.login("mona.mediator")
    log(client, org, kinds)
    (activity,) = activities(app)
    client.logout()
    client.login("nina.north")
    page = client.get(f"/activities/{activity.id}", headers=EN).text
    assert 'value="12"' in page and "Delete this activity" not in page
    response = client.submit(f"/activities/{activity.id}", round_data(
        org, kinds, version="1", people_met="15", mode="individual"), headers=EN)
    assert response.status_code == 302
    (activity,) = activities(app)
    assert (activity.people_met, activity.interventions, activity.version) == (15, 15, 2)
    response = client.submit(f"/activities/{activity.id}", round_data(
        org, kinds, version="2", people_met="15", mode="collective"), headers=EN)
    (activity,) = activities(app)
    assert (activity.people_met, activity.interventions) == (15, 1)


def test_an_edit_based_on_an_old_version_is_a_conflict(app, client, org, kinds):
    client.login("mona.mediator")
    log(client, org, kinds)
    (activity,) = activities(app)
    client.submit(f"/activities/{activity.id}", round_data(org, kinds, version="1",
                                                           people_met="13"))
    response = client.submit(f"/activities/{activity.id}", round_data(
        org, kinds, version="1", people_met="20"), headers=EN)
    assert response.status_code == 409
    assert "Someone else saved this" in response.text
    assert "How many people" in response.text  # the difference is shown
    assert 'name="version" type="hidden" value="2"' in response.text
    (activity,) = activities(app)
    assert activity.people_met == 13


def test_a_save_at_the_same_moment_is_a_conflict_not_an_error(app, client, org, kinds):
    client.login("mona.mediator")
    log(client, org, kinds)
    (activity,) = activities(app)
    with colleague_saves_first(app, FieldActivity, activity.id):
        response = client.submit(f"/activities/{activity.id}", round_data(
            org, kinds, version="1", people_met="20"), headers=EN)
    assert response.status_code == 409
    assert activities(app)[0].people_met == 12


def test_editing_adds_and_removes_referrals_and_moves_their_date(app, client, org, kinds,
                                                                 refs):
    client.login("mona.mediator")
    log(client, org, kinds, referral_partner_1=refs["conciliator"].id,
        referral_reason_1=kinds["legal"].id)
    (activity,) = activities(app)
    with app.app_context():
        first = db.session.execute(select(PartnerReferral.id)).scalar_one()
    yesterday = clock.today() - timedelta(days=1)
    response = client.submit(f"/activities/{activity.id}", round_data(
        org, kinds, version="1", day=yesterday.isoformat(),
        referral_partner_1=kinds["social"].id, referral_reason_1=kinds["housing"].id))
    assert response.status_code == 302
    with app.app_context():
        rows = db.session.execute(select(PartnerReferral.partner_id, PartnerReferral.referred_on,
                                         PartnerReferral.stage).order_by(PartnerReferral.id)
                                  ).all()
    assert rows == [(refs["conciliator"].id, yesterday, "field"),
                    (kinds["social"].id, yesterday, "field")]
    response = client.submit(f"/activities/{activity.id}", round_data(
        org, kinds, version="2", day=yesterday.isoformat(), remove_referrals=str(first)))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.execute(select(PartnerReferral.partner_id)).scalars().all() == [
            kinds["social"].id]
        assert db.session.get(FieldActivity, activity.id).version == 3


def test_its_author_deletes_an_activity_and_its_referrals_go_with_it(app, client, org,
                                                                     kinds, refs):
    client.login("mona.mediator")
    log(client, org, kinds, referral_partner_1=refs["conciliator"].id,
        referral_reason_1=kinds["legal"].id)
    (activity,) = activities(app)
    page = client.get(f"/activities/{activity.id}", headers=EN).text
    assert "Delete this activity" in page and "data-confirm" in page
    response = client.submit(f"/activities/{activity.id}/delete", {"version": "1"},
                             page=f"/activities/{activity.id}")
    assert response.status_code == 302
    assert count(app, FieldActivity) == 0 and count(app, PartnerReferral) == 0
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(
            operations.FieldActivity.__table__.metadata.tables["field_activity_mediators"])
        ).scalar_one() == 0
        assert db.session.execute(select(func.count(Partner.id))).scalar_one() == 2


def test_only_its_author_or_a_manager_of_the_team_deletes_it(app, client, org, kinds, make):
    make.user("nina.north", roles=["mediator"], teams=[org["north"]])
    client.login("mona.mediator")
    log(client, org, kinds)
    (activity,) = activities(app)
    client.logout()
    client.login("nina.north")
    assert client.submit(f"/activities/{activity.id}/delete", {"version": "1"},
                         page="/activities/").status_code == 403
    client.logout()
    client.login("marc.manager")
    assert "Delete this activity" in client.get(f"/activities/{activity.id}",
                                                headers=EN).text
    assert client.submit(f"/activities/{activity.id}/delete", {"version": "1"},
                         page="/activities/").status_code == 302
    assert count(app, FieldActivity) == 0


def test_deleting_a_changed_activity_asks_to_look_first(app, client, org, kinds):
    client.login("mona.mediator")
    log(client, org, kinds)
    (activity,) = activities(app)
    client.submit(f"/activities/{activity.id}", round_data(org, kinds, version="1",
                                                           people_met="13"))
    response = client.submit(f"/activities/{activity.id}/delete", {"version": "1"},
                             page="/activities/", follow_redirects=True, headers=EN)
    assert "Someone else saved this activity" in response.text
    assert count(app, FieldActivity) == 1


# — The list and its totals ———————————————————————————————————————————————————————

def test_the_list_shows_my_teams_month_with_its_totals(app, client, org, kinds, refs):
    client.login("mona.mediator")
    log(client, org, kinds, people_met="12")
    log(client, org, kinds, kind=kinds["workshop"].id, mode="collective", people_met="25",
        referral_partner_1=refs["conciliator"].id, referral_reason_1=kinds["legal"].id)
    log(client, org, kinds, people_met="0", moment="08:00")  # a watch round: nobody met
    last_month = (clock.today().replace(day=1) - timedelta(days=3)).isoformat()
    log(client, org, kinds, people_met="7", day=last_month)
    client.logout()
    client.login("sam.south")
    log(client, org, kinds, people_met="40", team=org["south"].id,
        mediators=str(org["south_mediator"].id))
    client.logout()
    client.login("mona.mediator")
    page = client.get("/activities/", headers=EN).text
    # This month in Nord: 3 activities, 12 + 25 + 0 people, 12 + 1 + 1 interventions.
    totals = page[page.index("cw-totals"):page.index("</dl>")]
    assert [part.split("</dd>")[0].rsplit(">", 1)[-1] for part in totals.split("<dd")[1:]] \
        == ["3", "37", "14", "1"]
    assert page.count('class="fw-semibold stretched-link"') == 3
    page = client.get("/activities/?month=2026-02", headers=EN).text
    assert page.count('class="fw-semibold stretched-link"') == 1 and "7 people met" in page
    page = client.get(f"/activities/?kind={kinds['workshop'].id}", headers=EN).text
    assert page.count('class="fw-semibold stretched-link"') == 1
    assert "25 participants (collective)" in page


@pytest.mark.parametrize("query", ["month=2026-13", "month=abc", "month=0001-01",
                                   "team=2147483648", "kind=²", "page=-1", "page=999",
                                   "team=99"])
def test_odd_list_filters_are_ignored(client, org, kinds, query):
    client.login("mona.mediator")
    assert client.get(f"/activities/?{query}").status_code == 200


def test_the_list_makes_as_many_queries_for_many_rows_as_for_few(app, client, org, kinds,
                                                                 refs, count_queries):
    client.login("mona.mediator")
    log(client, org, kinds, referral_partner_1=refs["conciliator"].id,
        referral_reason_1=kinds["legal"].id)
    with count_queries() as few:
        assert client.get("/activities/").status_code == 200
    for number in range(12):
        log(client, org, kinds, people_met=str(number), territory=refs["mermoz"].id,
            referral_partner_1=refs["conciliator"].id, referral_reason_1=kinds["legal"].id)
    with count_queries() as many:
        page = client.get("/activities/").text
    assert page.count('class="fw-semibold stretched-link"') == 13
    assert many.count == few.count


def test_a_manager_of_two_teams_picks_the_team_and_its_mediators(app, client, org, kinds,
                                                                 make):
    make.user("mia.both", roles=["manager"], teams=[org["north"], org["south"]])
    client.login("mia.both")
    page = client.get("/activities/new").text
    assert '<select class="form-select" id="team" name="team"' in page
    # Sam mediates in Sud, not in Nord: refused next to the mediators.
    response = log(client, org, kinds, mediators=str(org["south_mediator"].id))
    assert response.status_code == 200 and 'id="mediators-error"' in response.text
    assert count(app, FieldActivity) == 0
    assert log(client, org, kinds, team=org["south"].id,
               mediators=str(org["south_mediator"].id)).status_code == 302
    assert activities(app)[0].team_id == org["south"].id
