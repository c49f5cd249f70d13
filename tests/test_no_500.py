"""No page answers 500 to what a user sends: every POST route, fed odd values."""
from datetime import datetime, timedelta, timezone

import pytest

ODD_VALUES = ["", "x" * 6000, "<script>alert(1)</script>", "-1", "99999999999999999999",
              "2026-02-30", "abc", "0", "\x00", "é" * 300]


@pytest.fixture
def world(make, org, refs):
    case = make.case(org["north"], creator=org["manager"], status="mediation",
                     lead=org["mediator"], parties=[("Hélène", "Dupont"), ("Karim", "Benali")])
    table = make.round_table(case, [org["mediator"]])
    intervention = make.intervention(case, [org["mediator"]],
                                     at=datetime.now(timezone.utc) - timedelta(hours=2))
    return {"case": case, "table": table, "intervention": intervention}


def post_routes(app, world):
    case, table = world["case"], world["table"]
    values = {"reference": case.reference, "party_id": case.parties[0].id,
              "table_id": table.id, "intervention_id": world["intervention"].id,
              "user_id": 1, "team_id": 1, "item_id": 1, "name": "categories",
              "partner_id": 1, "place_id": 1, "clause_id": 1, "number": 1,
              "filename": "x", "kind": "sources"}
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
          "roles", "teams", "active", "referral_partner_1", "referral_on_1",
          "survey_referrer_useful", "commitments_joint", "clauses_joint"]


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
