"""Every route of the app, for every role: the pages that are not about one case (admin,
lists, agenda, reports, clauses…) and the agreement's pages, beside the case routes of
test_case_permissions.py — and a check that no route is left out of the matrix."""
import hashlib
import re

import pytest

from casework.agreements.models import Agreement, AgreementScan, Commitment, FollowUp
from casework.extensions import db
from casework.reference.models import MeetingPlace, Partner, ReferenceItem
from casework.core import clock

from . import test_case_permissions

ADMIN, MANAGER, MEDIATOR = "alice.admin", "marc.manager", "mona.mediator"
PRIVACY = "pia.privacy"  # the privacy officer: the access log, retention, people's requests
EVERYONE = {ADMIN, MANAGER, MEDIATOR, PRIVACY}
WORKERS = {MANAGER, MEDIATOR}

# Pages not about one case: rule → who may open it.
GLOBAL_GET = {
    "/": EVERYONE,
    "/account": EVERYONE,
    "/account/second-factor": {ADMIN, MANAGER, PRIVACY},
    "/admin/": {ADMIN},
    "/admin/users": {ADMIN},
    "/admin/users/new": {ADMIN},
    "/admin/users/<int:user_id>": {ADMIN},
    "/admin/teams": {ADMIN},
    "/admin/teams/new": {ADMIN},
    "/admin/teams/<int:team_id>": {ADMIN},
    "/admin/reference/": {ADMIN},
    "/admin/reference/<kind>": {ADMIN},
    "/admin/reference/<kind>/new": {ADMIN},
    "/admin/reference/<kind>/<int:item_id>": {ADMIN},
    "/admin/reference/partners": {ADMIN},
    "/admin/reference/partners/new": {ADMIN},
    "/admin/reference/partners/<int:partner_id>": {ADMIN},
    "/admin/reference/places": {ADMIN},
    "/admin/reference/places/new": {ADMIN},
    "/admin/reference/places/<int:place_id>": {ADMIN},
    "/activities/": WORKERS,
    "/activities/new": WORKERS,
    "/activities/<int:activity_id>": WORKERS,
    "/agenda": WORKERS,
    "/cases/": WORKERS,
    "/cases/mine": WORKERS,
    "/cases/new": WORKERS,
    "/cases/unassigned": {MANAGER},
    "/cases/referrals": WORKERS,
    "/cases/referrals/<int:referral_id>": WORKERS,
    "/clauses/": {MANAGER},
    "/clauses/new": {MANAGER},
    "/clauses/<int:clause_id>": {MANAGER},
    "/reports/": {MANAGER},
    "/reports/charts/<chart>.svg": {MANAGER},
    "/reports/interventions": {MANAGER},
    "/reports/interventions.csv": {MANAGER},
    "/reports/figures.xlsx": {MANAGER},
    "/reports/annual": {MANAGER},
    "/reports/annual/<int:year>": {MANAGER},
    "/reports/annual/<int:year>.docx": {MANAGER},
    "/privacy/log": {PRIVACY},
    "/privacy/log.csv": {PRIVACY},
    "/privacy/": {PRIVACY},
    "/privacy/anonymise": {PRIVACY},
    "/privacy/people": {PRIVACY},
}
# Actions posted from a page, not about one case: rule → who may post.
GLOBAL_POST = {
    "/admin/users/<int:user_id>/active": {ADMIN},
    "/admin/users/<int:user_id>/password": {ADMIN},
    "/admin/users/<int:user_id>/second-factor/reset": {ADMIN},
    "/account/second-factor/start": {ADMIN, MANAGER, PRIVACY},
    "/account/second-factor/confirm": {ADMIN, MANAGER, PRIVACY},
    "/account/second-factor/recovery-codes": {ADMIN, MANAGER, PRIVACY},
    "/account/second-factor/disable": {ADMIN, MANAGER, PRIVACY},
    "/admin/reference/<kind>/<int:item_id>/active": {ADMIN},
    "/admin/reference/partners/<int:partner_id>/active": {ADMIN},
    "/admin/reference/places/<int:place_id>/active": {ADMIN},
    "/clauses/<int:clause_id>/active": {MANAGER},
    "/agenda/calendar-link": WORKERS,
    "/cases/": WORKERS,  # the search form, posted: its terms stay out of URLs
    "/cases/referrals/<int:referral_id>": WORKERS,
    "/activities/<int:activity_id>/delete": WORKERS,
    "/reports/annual/<int:year>": {MANAGER},
    "/privacy/anonymise": {PRIVACY},
    "/privacy/people": {PRIVACY},
    "/privacy/people/export": {PRIVACY},
    "/privacy/people/erase": {PRIVACY},
}
# Open to anyone: the login, the health check, static files, the secret-token feed.
PUBLIC = {"/login", "/login/second-factor", "/logout", "/language", "/healthz", "/static/<path:filename>",
          "/bootstrap/static/<path:filename>", "/calendar/<token>.ics"}

# The agreement's pages, on a case of team Nord assigned to mona.mediator.
READ, CHANGE = "read", "change"
AGREEMENT_ROUTES = {
    "/cases/<reference>/agreement": READ,
    "/cases/<reference>/agreement.docx": READ,
    "/cases/<reference>/agreement/v<int:number>.docx": READ,
    "/cases/<reference>/agreement/v<int:number>/scan": READ,
    "/cases/<reference>/agreement/v<int:number>/scans/<int:scan_id>": READ,
    "/cases/<reference>/agreement/start": CHANGE,
    "/cases/<reference>/agreement/sign": CHANGE,
    "/cases/<reference>/agreement/prepare": CHANGE,
    "/cases/<reference>/agreement/signing-copy.docx": READ,
    "/cases/<reference>/follow-up": CHANGE,
}
PDF = b"%PDF-1.7\n" + b"0" * 100


@pytest.fixture
def world(app, make, org, refs):
    make.user("nico.north", roles=["mediator"], teams=[org["north"]])
    make.user("sue.south", roles=["manager"], teams=[org["south"]])
    make.user(PRIVACY, roles=["privacy_officer"])
    case = make.case(org["north"], creator=org["manager"], status="follow_up",
                     lead=org["mediator"], parties=[("Hélène", "Dupont")])
    place = make.place()
    activity = make.field_activity(org["north"], org["mediator"])
    with app.app_context():
        document = b"PK frozen bytes"
        agreement = Agreement(case_id=case.id, number=1, status="signed", language="fr",
                              document=document, sha256=hashlib.sha256(document).hexdigest(),
                              created_by_id=org["mediator"].id,
                              commitments=[Commitment(text="saluer ses voisins", position=0)])
        db.session.add(agreement)
        db.session.flush()
        scan = AgreementScan(agreement_id=agreement.id, number=1, data=PDF,
                             sha256=hashlib.sha256(PDF).hexdigest(), size=len(PDF),
                             content_type="application/pdf", uploaded_by_id=org["mediator"].id)
        db.session.add(scan)
        db.session.add(FollowUp(case_id=case.id, agreement=agreement, due_on=clock.today()))
        from casework.agreements.models import ClauseTemplate

        clause = ClauseTemplate(text_fr="se saluer")
        db.session.add(clause)
        from casework.cases.models import PartnerReferral

        referral = PartnerReferral(case_id=case.id, team_id=case.team_id, stage="case",
                                   partner_id=db.session.execute(db.select(Partner.id))
                                   .scalars().first(),
                                   referred_on=clock.today())
        db.session.add(referral)
        db.session.commit()
        values = {
            "reference": case.reference, "number": 1, "user_id": org["mediator"].id,
            "team_id": org["north"].id, "kind": "categories",
            "item_id": db.session.execute(db.select(ReferenceItem.id).filter_by(
                kind="category")).scalars().first(),
            "partner_id": db.session.execute(db.select(Partner.id)).scalars().first(),
            "place_id": db.session.get(MeetingPlace, place.id).id, "clause_id": clause.id,
            "year": clock.today().year - 1,
            "chart": "outcomes",
            "referral_id": referral.id,
            "activity_id": activity.id,
            "scan_id": scan.id,
        }
    return values


def url(rule, values):
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: str(values[m.group(1)]), rule)


@pytest.mark.parametrize("username", sorted(EVERYONE))
@pytest.mark.parametrize("rule", sorted(GLOBAL_GET))
def test_every_page_answers_each_role_as_it_should(client, world, username, rule):
    client.login(username)
    status = client.get(url(rule, world)).status_code
    if username in GLOBAL_GET[rule]:
        assert status in (200, 302), (rule, status)
    else:
        assert status == 403, (rule, status)


@pytest.mark.parametrize("username", sorted(EVERYONE))
@pytest.mark.parametrize("rule", sorted(GLOBAL_POST))
def test_every_action_is_refused_to_those_it_is_not_for(client, world, username, rule):
    client.login(username)
    token = client.csrf_token("/account")
    status = client.post(url(rule, world), data={"csrf_token": token, "active": "0",
                                                 "password": "x" * 20,
                                                 "confirm": "x" * 20}).status_code
    if username in GLOBAL_POST[rule]:
        assert status in (200, 302), (rule, status)
    else:
        assert status == 403, (rule, status)


@pytest.mark.parametrize("username", sorted(test_case_permissions.RIGHTS))
@pytest.mark.parametrize("rule", sorted(AGREEMENT_ROUTES))
def test_agreement_pages_follow_the_case_rights(client, world, username, rule):
    client.login(username)
    need = AGREEMENT_ROUTES[rule]
    rights = test_case_permissions.RIGHTS[username]
    status = client.get(url(rule, world)).status_code
    if READ not in rights:
        assert status == 404, (rule, status)
    elif need in rights:
        assert status in (200, 302), (rule, status)
    else:
        assert status == 403, (rule, status)


def test_the_calendar_feed_needs_its_secret_token(client, world):
    assert client.get("/calendar/not-a-real-token-but-long-enough.ics").status_code == 404
    assert client.get("/calendar/short.ics").status_code == 404


def case_rules():
    """The rules test_case_permissions.py walks, as the app writes them."""
    names = {"ref": "<reference>", "party": "<int:party_id>", "table": "<int:table_id>",
             "intervention": "<int:intervention_id>"}
    rules = set()
    for route, _need in test_case_permissions.ROUTES:
        rule = route.format(**names)
        rule = re.sub(r"/steps/[a-z_]+$", "/steps/<name>", rule)
        rule = rule.replace("/invitations/<int:table_id>", "/invitations/<int:party_id>")
        rules.add(rule)
    return rules


def test_no_route_is_left_out_of_the_matrix(app):
    walked = set(GLOBAL_GET) | set(GLOBAL_POST) | PUBLIC | set(AGREEMENT_ROUTES) | \
        case_rules()
    assert {rule.rule for rule in app.url_map.iter_rules()} - walked == set()
