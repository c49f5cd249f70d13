"""No page answers 500 to what a user sends: every POST route, fed odd values."""
from datetime import timedelta

import pytest
from casework.core import clock

from .simulate import colleague_saves_first
from .test_agreements import clauses  # noqa: F401  (a fixture)

ODD_VALUES = ["", "x" * 6000, "<script>alert(1)</script>", "-1", "99999999999999999999",
              "2147483648", "²", "Nom\x0bPrénom\x1b",
              "2026-02-30", "abc", "0", "\x00", "é" * 300]


@pytest.fixture
def world(make, org, refs):
    case = make.case(org["north"], creator=org["manager"], status="mediation",
                     lead=org["mediator"], parties=[("Hélène", "Dupont"), ("Karim", "Benali")])
    table = make.round_table(case, [org["mediator"]])
    intervention = make.intervention(case, [org["mediator"]],
                                     at=clock.utcnow() - timedelta(hours=2))
    referral = make.partner_referral(case, refs["conciliator"], made_by=org["mediator"])
    activity = make.field_activity(org["north"], org["mediator"])
    return {"case": case, "table": table, "intervention": intervention,
            "referral": referral.id, "activity": activity}


def post_routes(app, world):
    case, table = world["case"], world["table"]
    values = {"reference": case.reference, "party_id": case.parties[0].id,
              "table_id": table.id, "intervention_id": world["intervention"].id,
              "user_id": 1, "team_id": 1, "item_id": 1, "name": "categories",
              "partner_id": 1, "place_id": 1, "clause_id": 1, "number": 1,
              "filename": "x", "kind": "sources", "referral_id": world["referral"],
              "activity_id": world["activity"].id, "year": clock.today().year - 1}
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint in ("auth.login", "auth.logout"):
            continue
        url = rule.rule
        for argument in rule.arguments:
            url = url.replace(f"<int:{argument}>", str(values[argument]))
            url = url.replace(f"<{argument}>", str(values[argument]))
        yield url


FIELDS = ["version", "received_on", "source", "team", "territory", "street", "city",
          "postcode", "categories", "description", "urgency", "role", "kind", "last_name",
          "phone", "email", "consent", "consent_on", "lead_mediator", "co_mediator", "reason",
          "outcome", "partner", "day", "moment", "duration_minutes", "mediators", "parties",
          "invited", "summary", "place", "place_text", "status", "attended", "language",
          "meeting_date", "follow_up_weeks", "signed_on", "signed_place", "signatories",
          "follow_up_on", "confirm", "decision", "next_check_on", "code", "label_fr",
          "position", "name", "text_fr", "username", "full_name", "password", "confirm",
          "roles", "teams", "active", "referral_partner_1", "referral_reason_1",
          "referral_detail_1", "referral_reason", "referral_detail", "detail",
          "referred_on", "taken_up", "taken_up_on", "effect", "satisfied",
          "survey_referrer_effect", "survey_referrer_satisfied", "closing_summary",
          "commitments_joint", "clauses_joint", "referral_on_1", "survey_referrer_useful",
          "mode", "people_met", "duration_other", "remove_referrals"]


@pytest.mark.parametrize("username", ["marc.manager", "alice.admin"])
def test_odd_input_on_every_post_route_never_answers_500(app, client, org, world, username):
    client.login(username)
    token = client.csrf_token("/account")
    failures = []
    for url in post_routes(app, world):
        for value in ODD_VALUES:
            data = {field: value for field in FIELDS}
            data["csrf_token"] = token
            response = client.post(url, data=data)
            if response.status_code >= 500:
                failures.append((url, value[:20]))
    assert failures == []


# — The holes a hostile user found, each closed ——————————————————————————————————

def test_a_control_character_in_a_name_never_breaks_a_document(app, client, org, make,
                                                                world):
    """Word's Shift+Enter pastes U+000B; no document format accepts it."""
    from sqlalchemy import select

    from casework.cases.models import Party
    from casework.extensions import db

    case = world["case"]
    client.login("marc.manager")
    response = client.submit(f"/cases/{case.reference}/parties/new", {
        "role": "respondent", "kind": "person", "civility": "m", "first_name": "Jean\x0b",
        "last_name": "Mar\x0btin\x1f", "street": "3 rue\x07 Garibaldi", "language": "fr",
        "consent": "unknown", "consent_method": ""})
    assert response.status_code == 302
    with app.app_context():
        party = db.session.execute(select(Party).where(Party.last_name.like("Mar%"))
                                   ).scalar_one()
        assert (party.first_name, party.last_name, party.street) == (
            "Jean", "Mar tin", "3 rue Garibaldi")
        # Text recorded before the forms cleaned it (an old import): documents still work.
        other = db.session.get(Party, case.parties[0].id)
        other.last_name = "Du\x0bpont\x1b"
        db.session.commit()
        party_ids = [p.id for p in db.session.get(type(case), case.id).parties]
    table = world["table"]
    for party_id in party_ids:
        letter = client.get(f"/cases/{case.reference}/round-tables/{table.id}/"
                            f"invitations/{party_id}.docx")
        assert letter.status_code in (200, 404)  # 404: a party not invited
    invited = client.get(f"/cases/{case.reference}/round-tables/{table.id}/invitations/"
                         f"{case.parties[0].id}.docx")
    assert invited.status_code == 200


def test_a_multiline_text_keeps_its_lines_but_loses_its_controls():
    from casework.core.text import clean

    assert clean("Ligne 1\r\nLigne 2\x0bLigne 3\x00\x1b[31m") == "Ligne 1\nLigne 2\nLigne 3[31m"
    assert clean("Jean\x0bPierre\tDupont", multiline=False) == "Jean Pierre Dupont"


@pytest.mark.parametrize("query", ["page=²", "page=٣", "page=-1", "page=99999999999999999999",
                                   "team=²", "team=2147483648", "mediator=99999999999",
                                   "category=1e9", "territory=%C2%B2", "from=2026-02-30"])
def test_list_filters_and_pages_take_only_plain_numbers(client, org, world, query):
    client.login("marc.manager")
    for page in ("/cases/", "/cases/unassigned", "/reports/interventions"):
        assert client.get(f"{page}?{query}").status_code == 200, page


def get_routes_with_ids(app):
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and any(
                isinstance(rule._converters.get(a), type(app.url_map.converters["int"](
                    app.url_map))) for a in rule.arguments):
            yield rule


@pytest.mark.parametrize("big", [2**31, 2**63, 10**30])
def test_ids_beyond_the_databases_integers_name_nothing(app, client, org, world, big):
    client.login("marc.manager")
    case = world["case"]
    failures = []
    for rule in get_routes_with_ids(app):
        url = rule.rule
        for argument in rule.arguments:
            url = url.replace(f"<int:{argument}>", str(big))
            url = url.replace(f"<{argument}>", case.reference)
        status = client.get(url).status_code
        if status != 404:
            failures.append((url, status))
    assert failures == []


@pytest.mark.parametrize("path", ["/cases/%00", "/cases/2026-0001%00/edit", "/%00",
                                  "/admin/users/1%00", "/calendar/%00abc.ics"])
def test_a_nul_byte_in_a_page_address_is_not_found(client, org, path, caplog):
    client.login("marc.manager")
    assert client.get(path).status_code == 404
    assert "\x00" not in caplog.text


def test_two_scan_uploads_at_the_same_moment_end_in_a_message(app, client, org, make, refs,
                                                              clauses):
    import io

    from casework.agreements.models import Agreement
    from casework.extensions import db

    from .test_agreements import PDF, signed_case

    case = signed_case(app, client, make, org, clauses)
    with app.app_context():
        agreement_id = db.session.execute(db.select(Agreement.id)).scalar_one()
    with colleague_saves_first(app, Agreement, agreement_id):
        response = client.submit(f"/cases/{case.reference}/agreement/v1/scan",
                                 {"scan": (io.BytesIO(PDF), "scan.pdf")},
                                 page=f"/cases/{case.reference}/agreement",
                                 content_type="multipart/form-data", follow_redirects=True,
                                 headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert "Someone else saved this agreement at the same moment" in response.text
    with app.app_context():
        from casework.agreements.models import AgreementScan

        assert db.session.execute(db.select(AgreementScan)).first() is None


def test_an_intervention_saved_while_the_case_is_edited_is_told(app, client, org, make,
                                                                refs):
    from casework.cases.models import Case
    from casework.meetings.models import Intervention
    from casework.extensions import db

    case = make.case(org["north"], creator=org["manager"], status="assigned",
                     lead=org["mediator"], parties=[("Hélène", "Dupont")])
    client.login("mona.mediator")
    with colleague_saves_first(app, Case, case.id, at_first_write=True):
        response = client.submit(f"/cases/{case.reference}/interventions/new", {
            "kind": "phone", "day": clock.utcnow().date().isoformat(),
            "moment": "00:01", "duration_minutes": "20", "summary": "Premier appel",
            "mediators": str(org["mediator"].id)}, headers={"Accept-Language": "en"})
    assert response.status_code in (200, 409)
    assert "Someone else saved this case" in response.text
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(Intervention.id))).scalar_one() == 0
