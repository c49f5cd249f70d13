"""Retention and anonymisation, and a person's own data (RGPD): a closed case anonymised
keeps its rows and every figure, loses every name, contact, note and document, and says
so in the access log; the retention runs from the command line, dry or not; the privacy
officer finds a person across cases, exports what is held on them without the other
parties, and erases it at their request once their cases are closed."""
import hashlib
import io
import json
import re
from datetime import datetime, timedelta, timezone

import pytest
from docx import Document
from sqlalchemy import func, select

from casework.activity.models import FieldActivity
from casework.agreements.models import Agreement, AgreementScan, Commitment, FollowUp
from casework.audit.models import AccessEntry
from casework.auth.models import LoginFailure, User
from casework.cases.models import Case, Party, PartnerReferral, SatisfactionAnswer, TimelineEvent
from casework.core import clock
from casework.extensions import db
from casework.meetings.models import Intervention, RoundTable
from casework.privacy import operations
from casework.privacy.operations import reduced_street

PRIVACY = "pia.privacy"
PDF = b"%PDF-1.7\n" + b"0" * 100
DOCUMENT = b"PK the signed agreement naming Dupont and Benali"
# Every resident's word the fixture writes somewhere: none may survive anonymisation.
RESIDENT_WORDS = ("Dupont", "Hélène", "Benali", "Karim", "06 12 34 56 78", "helene@example",
                  "Bât. C", "Martin", "voisine du dessus", "chien", "Garibaldi 12",
                  "12 bis", "Duponte")
REPORT = "/reports/?start=2025-06-01&end=2026-03-31"


@pytest.fixture
def privacy_officer(make):
    return make.user(PRIVACY, roles=["privacy_officer"])


def add_case(app, make, org, *, status="closed", closed_days_ago=30, parties=None,
             street="12 bis rue Garibaldi"):
    """A case with a resident's words in every place one can be written."""
    parties = parties or [("Hélène", "Duponte"), ("Karim", "Benali")]
    made = make.case(org["north"], creator=org["manager"], status=status,
                     lead=org["mediator"], parties=parties, street=street,
                     received_on=clock.today() - timedelta(days=closed_days_ago + 60),
                     description="Mme Dupont (voisine du dessus) se plaint du chien de "
                                 "M. Benali.")
    with app.app_context():
        case = db.session.get(Case, made.id)
        mediator = db.session.get(User, org["mediator"].id)
        if status == "closed":
            case.closed_on = clock.today() - timedelta(days=closed_days_ago)
            case.closing_summary = "Hélène Dupont et Karim Benali se parlent de nouveau."
        case.referrer_name, case.referrer_contact = "Mme Martin", "06 99 99 99 99"
        case.building, case.floor = "Bât. C", "3e"
        first, second = sorted(case.parties, key=lambda p: p.id)
        first.phone, first.email, first.building = "06 12 34 56 78", "helene@example.org", \
            "Bât. C"
        first.civility = "mme"
        second.phone = "07 00 00 00 01"
        moment = datetime.combine(clock.today() - timedelta(days=closed_days_ago + 20),
                                  datetime.min.time(), tzinfo=timezone.utc).replace(hour=9)
        intervention = Intervention(case=case, kind="home_visit", at=moment,
                                    duration_minutes=45,
                                    summary="Visite chez Mme Dupont, le chien aboie.",
                                    notes="Karim Benali est à bout.", created_by_id=mediator.id,
                                    mediators=[mediator], parties=[first])
        table = RoundTable(case=case, starts_at=moment + timedelta(days=7),
                           ends_at=moment + timedelta(days=7, hours=1), duration_minutes=60,
                           place_text="Chez Mme Dupont, Garibaldi 12", status="held",
                           outcome="agreement", minutes="Hélène Dupont parle du chien.",
                           created_by_id=mediator.id, mediators=[mediator],
                           invited=[first, second], attended=[first, second])
        agreement = Agreement(case=case, number=1, status="signed", language="fr-en",
                              meeting_place="Chez Mme Dupont", account="Mme Dupont raconte.",
                              account_en="Mrs Dupont tells her story.",
                              signed_on=clock.today() - timedelta(days=closed_days_ago + 10),
                              signatories=[{"name": "Mme Hélène Duponte", "kind": "party"},
                                           {"name": "M. Karim Benali", "kind": "party"},
                                           {"name": mediator.full_name, "kind": "mediator"}],
                              document=DOCUMENT, sha256=hashlib.sha256(DOCUMENT).hexdigest(),
                              created_by_id=mediator.id,
                              commitments=[Commitment(party_id=first.id, position=0,
                                                      text="Hélène Dupont baisse le son.",
                                                      text_en="Hélène Dupont turns it down."),
                                           Commitment(party_id=second.id, position=1,
                                                      text="tenir le chien en laisse",
                                                      text_en="keep the dog on a lead")])
        db.session.add_all([intervention, table, agreement])
        db.session.flush()
        # Two scans of the signed copy: the first, then a replacement that says why.
        db.session.add_all([AgreementScan(
            agreement_id=agreement.id, number=number, data=PDF,
            sha256=hashlib.sha256(PDF).hexdigest(), size=len(PDF),
            content_type="application/pdf", reason=reason, uploaded_by_id=mediator.id)
            for number, reason in ((1, ""), (2, "Mme Dupont a signé la page 2."))])
        db.session.add(FollowUp(case=case, agreement=agreement, due_on=clock.today(),
                                note="Mme Dupont est contente.", done_at=clock.utcnow()))
        db.session.add(PartnerReferral(case_id=case.id, team_id=case.team_id,
                                       partner_id=org_partner(), stage="case",
                                       reason="M. Benali, dettes", referred_on=case.received_on))
        db.session.add(SatisfactionAnswer(case_id=case.id, party_id=first.id, useful=4,
                                          answered_on=case.closed_on or clock.today()))
        # A rename: the timeline keeps the old name, and the old phone.
        db.session.add(TimelineEvent(case_id=case.id, kind="party_added", changes=[
            {"field": "party", "old": None, "new": "Hélène Dupont"},
            {"field": "role", "old": None, "new": "complainant"}]))
        db.session.add(TimelineEvent(case_id=case.id, kind="party_edited", changes=[
            {"field": "party", "old": None, "new": "Hélène Duponte"},
            {"field": "last_name", "old": "Dupont", "new": "Duponte"},
            {"field": "phone", "old": "06 12 34 56 78", "new": "06 12 34 56 78"}]))
        db.session.add(TimelineEvent(case_id=case.id, kind="edited", changes=[
            {"field": "description", "old": "Le chien de Benali", "new": "Mme Dupont…"},
            {"field": "urgency", "old": "normal", "new": "high"}],
            reason="Appel de Mme Dupont"))
        if status == "closed":
            db.session.add(TimelineEvent(case_id=case.id, kind="closed", changes=[
                {"field": "status", "old": "follow_up", "new": "closed"},
                {"field": "outcome", "old": None, "new": "agreement_respected"}]))
        db.session.commit()
        return case.id, case.reference


def org_partner():
    from casework.reference.models import Partner

    return db.session.execute(select(Partner.id)).scalars().first()


def everything_written(app, case_id):
    """Every text of the case, its parties, meetings, agreement and timeline, as one."""
    with app.app_context():
        case = db.session.get(Case, case_id)
        texts = [case.street, case.building, case.floor, case.description,
                 case.closing_summary, case.referrer_name, case.referrer_contact,
                 case.search_text, case.address_key]
        for party in case.parties:
            texts += [party.first_name, party.last_name, party.street, party.building,
                      party.phone, party.email, party.name_key, party.address_key]
        for model in (Intervention, RoundTable, Agreement, FollowUp, PartnerReferral,
                      TimelineEvent):
            for row in db.session.execute(select(model).where(model.case_id == case_id)
                                          ).scalars():
                for column in model.__table__.columns:
                    value = getattr(row, column.key)
                    if isinstance(value, (str, list)):
                        texts.append(json.dumps(value, ensure_ascii=False))
        for commitment in db.session.execute(select(Commitment).join(Agreement).where(
                Agreement.case_id == case_id)).scalars():
            texts += [commitment.text, commitment.text_en]
        return "\n".join(texts)


def without_tokens(text):
    return re.sub(r'name="csrf_token"[^>]*value="[^"]+"', "", text)


def anonymise(app, case_id, reason="request", user=None):
    with app.app_context():
        case = db.session.get(Case, case_id)
        actor = db.session.get(User, user.id) if user is not None else None
        return operations.anonymise_case(case, user=actor, reason=reason)


# — Anonymising a closed case ——————————————————————————————————————————————————

def test_anonymising_a_closed_case_leaves_no_residents_word(app, make, org, refs):
    case_id, _reference = add_case(app, make, org)
    before = everything_written(app, case_id)
    assert all(word in before for word in ("Dupont", "Benali", "06 12 34 56 78"))
    assert anonymise(app, case_id, user=org["manager"]) is True
    after = everything_written(app, case_id)
    for word in RESIDENT_WORDS:
        assert word not in after, word
    with app.app_context():
        case = db.session.get(Case, case_id)
        assert case.street == "rue Garibaldi" and case.city == "Lyon"
        assert case.postcode == "69008" and case.building == ""
        assert case.anonymised_at is not None and case.anonymised_reason == "request"
        parties = sorted(case.parties, key=lambda p: p.id)
        assert [p.display_name for p in parties] == ["#1", "#2"]
        assert all(p.anonymised_at is not None and p.name_key == "" for p in parties)
        assert parties[0].street == "rue Garibaldi" and parties[0].civility == ""
        assert parties[0].consent == "unknown" and parties[0].role == "complainant"


def test_the_timeline_keeps_its_steps_but_not_the_old_values(app, make, org, refs):
    case_id, _reference = add_case(app, make, org)
    anonymise(app, case_id)
    with app.app_context():
        events = db.session.execute(select(TimelineEvent).where(
            TimelineEvent.case_id == case_id).order_by(TimelineEvent.id)).scalars().all()
        by_kind = {e.kind: {c["field"]: (c["old"], c["new"]) for c in e.changes}
                   for e in events}
        assert by_kind["party_added"]["party"] == (None, "#1")
        assert by_kind["party_edited"]["party"] == (None, "#1")
        assert by_kind["party_edited"]["last_name"] == (None, None)
        assert by_kind["party_edited"]["phone"] == (None, None)
        assert by_kind["edited"]["description"] == (None, None)
        assert by_kind["edited"]["urgency"] == ("normal", "high")  # names nobody
        assert by_kind["closed"]["outcome"] == (None, "agreement_respected")
        assert all(e.reason == "" for e in events)
        assert len(events) == 4  # every step stays


def test_stored_documents_and_scans_are_deleted_but_the_fingerprint_stays(app, make, org,
                                                                          refs):
    case_id, _reference = add_case(app, make, org)
    anonymise(app, case_id)
    with app.app_context():
        agreement = db.session.execute(select(Agreement)).scalar_one()
        assert agreement.document is None
        assert agreement.sha256 == hashlib.sha256(DOCUMENT).hexdigest()
        scans = db.session.execute(select(AgreementScan).order_by(AgreementScan.number)
                                   ).scalars().all()
        assert [(s.data, s.sha256, s.size) for s in scans] == [
            (None, hashlib.sha256(PDF).hexdigest(), len(PDF))] * 2
        assert [s.reason for s in scans] == ["", "—"]
        assert agreement.status == "signed"
        assert [s["name"] for s in agreement.signatories] == [
            "#1", "#2", org["mediator"].full_name]
        assert [c.text for c in agreement.commitments] == ["—", "—"]
        # A bilingual agreement's English texts too.
        assert agreement.account_en == ""
        assert [c.text_en for c in agreement.commitments] == ["", ""]


def test_anonymising_again_changes_nothing(app, make, org, refs):
    case_id, _reference = add_case(app, make, org)
    anonymise(app, case_id)
    first = everything_written(app, case_id)
    with app.app_context():
        version = db.session.get(Case, case_id).version
    assert anonymise(app, case_id) is False
    assert everything_written(app, case_id) == first
    with app.app_context():
        assert db.session.get(Case, case_id).version == version


def test_an_open_case_is_not_anonymised(app, make, org, refs):
    case_id, _reference = add_case(app, make, org, status="mediation")
    with pytest.raises(operations.OperationError):
        anonymise(app, case_id)
    assert "Benali" in everything_written(app, case_id)


def test_the_figures_are_the_same_after_anonymisation(app, client, make, org, refs):
    case_id, _reference = add_case(app, make, org)
    add_case(app, make, org, status="mediation", parties=[("Paul", "Autre"), ("Zoé", "Autre")])
    with app.app_context():
        rows = {model.__tablename__: db.session.execute(
            select(func.count()).select_from(model)).scalar_one()
            for model in (Case, Party, Intervention, RoundTable, Agreement, Commitment,
                          PartnerReferral, SatisfactionAnswer, TimelineEvent)}
    client.login("marc.manager")
    pages = [REPORT, REPORT.replace("/reports/", "/reports/interventions")]
    before = [without_tokens(client.get(page).text) for page in pages]
    spreadsheet = client.get(REPORT.replace("/reports/", "/reports/figures.xlsx"))
    assert "Benali" not in before[0]
    anonymise(app, case_id)
    assert [without_tokens(client.get(page).text) for page in pages] == before
    with app.app_context():
        assert rows == {model.__tablename__: db.session.execute(
            select(func.count()).select_from(model)).scalar_one()
            for model in (Case, Party, Intervention, RoundTable, Agreement, Commitment,
                          PartnerReferral, SatisfactionAnswer, TimelineEvent)}
    assert client.get(REPORT.replace("/reports/", "/reports/figures.xlsx")).status_code == \
        spreadsheet.status_code == 200


def test_anonymisation_is_in_the_access_log_without_resident_data(app, make, org, refs):
    case_id, reference = add_case(app, make, org)
    anonymise(app, case_id, user=org["manager"])
    with app.app_context():
        entry = db.session.execute(select(AccessEntry).where(
            AccessEntry.object == "anonymisation")).scalar_one()
        assert (entry.action, entry.case_reference, entry.detail, entry.username) == (
            "privacy", reference, "request", "marc.manager")


@pytest.mark.parametrize("street, reduced", [
    ("12 rue Garibaldi", "rue Garibaldi"), ("12 bis, rue de l'Église", "rue de l'Église"),
    ("3B avenue Mermoz", "avenue Mermoz"), ("12-14 allée des Tilleuls", "allée des Tilleuls"),
    ("1 allée des Pins", "allée des Pins"), ("Place Bellecour", "Place Bellecour"), ("", "")])
def test_an_address_comes_down_to_its_street(street, reduced):
    assert reduced_street(street) == reduced


# — The manager's "Anonymise…", and the privacy officer's by reference ————————————

def test_a_manager_anonymises_a_closed_case_of_their_team(app, client, make, org, refs):
    case_id, reference = add_case(app, make, org)
    client.login("marc.manager")
    page = client.get(f"/cases/{reference}").text
    assert f"/cases/{reference}/anonymise" in page
    form = client.get(f"/cases/{reference}/anonymise")
    assert form.status_code == 200
    refused = client.submit(f"/cases/{reference}/anonymise", {"reason": "request"})
    assert refused.status_code == 200 and "Benali" in everything_written(app, case_id)
    no_token = client.post(f"/cases/{reference}/anonymise",
                           data={"reason": "request", "confirm": "y"})
    assert no_token.status_code == 400 and "Benali" in everything_written(app, case_id)
    done = client.submit(f"/cases/{reference}/anonymise",
                         {"reason": "other", "note": "lettre du 2 mars", "confirm": "y"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/cases/{reference}")
    assert "Benali" not in everything_written(app, case_id)
    with app.app_context():
        assert db.session.get(Case, case_id).anonymised_reason == "other: lettre du 2 mars"
    page = client.get(f"/cases/{reference}").text
    assert "Benali" not in page and f"/cases/{reference}/anonymise" not in page
    assert client.get(f"/cases/{reference}/anonymise").status_code == 403


def test_only_the_cases_manager_may_anonymise_it(app, client, make, org, refs):
    case_id, reference = add_case(app, make, org)
    client.login("mona.mediator")
    assert f"/cases/{reference}/anonymise" not in client.get(f"/cases/{reference}").text
    response = client.submit(f"/cases/{reference}/anonymise",
                             {"reason": "request", "confirm": "y"}, page="/account")
    assert response.status_code == 403
    client.logout()
    make.user("sue.south", roles=["manager"], teams=[org["south"]])
    client.login("sue.south")
    response = client.submit(f"/cases/{reference}/anonymise",
                             {"reason": "request", "confirm": "y"}, page="/account")
    assert response.status_code == 404
    assert "Benali" in everything_written(app, case_id)


def test_the_privacy_officer_anonymises_by_reference_without_reading_the_case(
        app, client, make, org, refs, privacy_officer):
    case_id, reference = add_case(app, make, org)
    open_id, open_reference = add_case(app, make, org, status="mediation")
    client.login(PRIVACY)
    assert client.get(f"/cases/{reference}").status_code == 404
    assert client.get(f"/cases/{reference}/anonymise").status_code == 404
    home = client.get("/privacy/").text
    assert "/privacy/anonymise" in home and "/privacy/people" in home
    # The periods in force, in days, grouped the French way (« 1 095 jours »).
    assert "/privacy/log" in home and "1\u202f095 jours" in home
    english = client.get("/privacy/", headers={"Accept-Language": "en"}).text
    assert "1,095 days" in english
    page = client.submit("/privacy/anonymise", {"reference": open_reference,
                                                "reason": "request", "confirm": "y"},
                         headers={"Accept-Language": "en"})
    assert page.status_code == 200 and "still open" in page.text
    page = client.submit("/privacy/anonymise", {"reference": "1999-9999",
                                                "reason": "request", "confirm": "y"})
    assert page.status_code == 200
    done = client.submit("/privacy/anonymise", {"reference": reference, "reason": "request",
                                                "confirm": "y"})
    assert done.status_code == 302
    assert "Benali" not in everything_written(app, case_id)
    assert "Benali" in everything_written(app, open_id)
    again = client.submit("/privacy/anonymise", {"reference": reference, "reason": "request",
                                                 "confirm": "y"},
                          headers={"Accept-Language": "en"})
    assert "already anonymised" in again.text


def test_privacy_pages_are_the_privacy_officers(client, org, privacy_officer):
    client.login("marc.manager")
    for page in ("/privacy/", "/privacy/people", "/privacy/anonymise"):
        assert client.get(page).status_code == 403, page


# — The retention run ——————————————————————————————————————————————————————————

def old_things(app, make, org):
    """A case closed four years ago, one closed last month, an old field activity with a
    note, old and new access-log entries and failed logins."""
    old_id, old_reference = add_case(app, make, org, closed_days_ago=4 * 365)
    recent_id, _recent = add_case(app, make, org, parties=[("Paul", "Récent"), ("Zoé", "Récent")])
    activity = make.field_activity(org["north"], org["mediator"],
                                   at=clock.utcnow() - timedelta(days=4 * 365))
    fresh = make.field_activity(org["north"], org["mediator"])
    now = clock.utcnow()
    with app.app_context():
        for item_id in (activity.id, fresh.id):
            db.session.get(FieldActivity, item_id).note = "Rencontré Mme Dupont au marché."
        db.session.add_all([LoginFailure(at=now - timedelta(days=40), username="x",
                                         address="10.0.0.1"),
                            LoginFailure(at=now - timedelta(days=1), username="y",
                                         address="10.0.0.1")])
        db.session.add_all([AccessEntry(at=now - timedelta(days=400), action="read",
                                        object="case", username="old"),
                            AccessEntry(at=now - timedelta(days=2), action="read",
                                        object="case", username="new")])
        db.session.commit()
    return {"old": old_id, "old_reference": old_reference, "recent": recent_id,
            "activity": activity.id, "fresh": fresh.id}


def test_the_dry_run_lists_and_changes_nothing(app, make, org, refs):
    things = old_things(app, make, org)
    before = (everything_written(app, things["old"]), everything_written(app, things["recent"]))
    result = app.test_cli_runner().invoke(args=["retention", "run", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert things["old_reference"] in result.output
    assert "Dry run" in result.output and "1 closed case" in result.output
    assert "Field activities' notes to blank: 1." in result.output
    assert "Access-log entries to delete: 1." in result.output
    assert "Failed logins to delete: 1." in result.output
    assert "Dupont" not in result.output and "Benali" not in result.output
    assert (everything_written(app, things["old"]),
            everything_written(app, things["recent"])) == before
    with app.app_context():
        assert db.session.execute(select(func.count(LoginFailure.id))).scalar_one() == 2
        assert db.session.get(FieldActivity, things["activity"]).note != ""
        entries = db.session.execute(select(AccessEntry).order_by(AccessEntry.id)
                                     ).scalars().all()
        assert [e.username for e in entries if e.username][:2] == ["old", "new"]
        run = entries[-1]
        assert (run.action, run.object) == ("privacy", "retention")
        assert run.detail.startswith("dry run: cases 1, field activities 1")


def test_the_run_applies_every_period_once(app, make, org, refs):
    things = old_things(app, make, org)
    recent = everything_written(app, things["recent"])
    result = app.test_cli_runner().invoke(args=["retention", "run"])
    assert result.exit_code == 0, result.output
    assert f"Anonymised 1 closed case(s): {things['old_reference']}" in result.output
    assert "Benali" not in everything_written(app, things["old"])
    assert everything_written(app, things["recent"]) == recent
    with app.app_context():
        assert db.session.get(Case, things["old"]).anonymised_reason == "retention"
        old, fresh = (db.session.get(FieldActivity, things[k]) for k in ("activity", "fresh"))
        assert old.note == "" and old.people_met == 5 and old.interventions == 5
        assert fresh.note != ""
        assert db.session.execute(select(LoginFailure.username)).scalars().all() == ["y"]
        entries = db.session.execute(select(AccessEntry).order_by(AccessEntry.id)
                                     ).scalars().all()
        assert "old" not in [e.username for e in entries]
        assert [(e.object, e.detail) for e in entries if e.action == "privacy"] == [
            ("anonymisation", "retention"),
            ("retention", "cases 1, field activities 1, access log 1, failed logins 1")]
        written = everything_written(app, things["old"])
    again = app.test_cli_runner().invoke(args=["retention", "run"])
    assert again.exit_code == 0 and "Anonymised 0 closed case(s)." in again.output
    assert everything_written(app, things["old"]) == written


def test_the_periods_are_the_organisations(app, make, org, refs):
    things = old_things(app, make, org)
    app.config["RETENTION_CLOSED_CASES_DAYS"] = 10
    result = app.test_cli_runner().invoke(args=["retention", "run", "--dry-run"])
    assert "2 closed case(s)" in result.output


# — A person's own data ————————————————————————————————————————————————————————

def search(client, **terms):
    return client.submit("/privacy/people", terms)


def row_ids(page):
    return [int(i) for i in re.findall(r'name="party" value="(\d+)"', page)]


def test_a_person_is_found_accents_and_case_ignored(app, client, make, org, refs,
                                                    privacy_officer):
    _case_id, reference = add_case(app, make, org)
    make.case(org["south"], creator=org["manager"], parties=[("Héléna", "Dupond")])
    client.login(PRIVACY)
    assert client.get("/privacy/people").status_code == 200
    page = search(client, name="helene DUPONTE")
    assert page.status_code == 200 and reference in page.text and "Benali" not in page.text
    assert len(row_ids(page.text)) == 1
    assert len(row_ids(search(client, name="Dupon").text)) == 2
    assert len(row_ids(search(client, phone="+33 6 12 34 56 78").text)) == 1
    assert len(row_ids(search(client, email="HELENE@example.org").text)) == 1
    assert len(row_ids(search(client, address="garibaldi", name="karim").text)) == 1
    empty = search(client)
    assert empty.status_code == 200 and row_ids(empty.text) == []
    with app.app_context():
        entries = db.session.execute(select(AccessEntry).where(
            AccessEntry.object == "subject_access_search")).scalars().all()
        assert len(entries) == 5 and all("upon" not in e.detail for e in entries)


def test_search_terms_never_travel_in_the_url(client, org, privacy_officer):
    client.login(PRIVACY)
    page = client.get("/privacy/people?name=Dupont")
    assert page.status_code == 200 and 'method="post"' in page.text
    assert row_ids(page.text) == []


def export(client, ids, kind):
    return client.submit("/privacy/people/export", {"party": ids, "format": kind},
                         page="/privacy/people")


def test_the_export_holds_the_person_and_not_the_others(app, client, make, org, refs,
                                                        privacy_officer):
    _case_id, reference = add_case(app, make, org)
    client.login(PRIVACY)
    ids = row_ids(search(client, name="Duponte").text)
    response = export(client, ids, "json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "Dupont" not in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    (person,) = data["parties"]
    assert person["party"]["last_name"] == "Duponte"
    assert person["party"]["phone"] == "06 12 34 56 78"
    assert person["case"]["reference"] == reference
    assert person["case"]["outcome"] == "withdrawn"
    assert [i["kind"] for i in person["interventions"]] == ["home_visit"]
    assert person["round_tables"][0]["attended"] is True
    assert [(a["number"], a["status"]) for a in person["agreements"]] == [(1, "signed")]
    assert [(s["number"], s["sha256"]) for s in person["agreements"][0]["scans"]] == [
        (1, hashlib.sha256(PDF).hexdigest()), (2, hashlib.sha256(PDF).hexdigest())]
    assert person["survey"][0]["useful"] == 4
    text = response.data.decode("utf-8")
    for word in ("Benali", "Karim", "07 00 00 00 01", "à bout", "aboie", "parle du chien",
                 "Mme Martin"):
        assert word not in text, word

    response = export(client, ids, "docx")
    assert response.status_code == 200 and response.mimetype.endswith("document")
    document = Document(io.BytesIO(response.data))
    words = "\n".join([p.text for p in document.paragraphs] + [
        cell.text for table in document.tables for row in table.rows for cell in row.cells])
    assert "Duponte" in words and reference in words and "06 12 34 56 78" in words
    for word in ("Benali", "Karim", "à bout", "aboie", "Mme Martin"):
        assert word not in words, word
    with app.app_context():
        entries = db.session.execute(select(AccessEntry).where(
            AccessEntry.object == "subject_access").order_by(AccessEntry.id)).scalars().all()
        assert [(e.action, e.target, e.detail) for e in entries] == [
            ("export", f"parties {ids[0]}", "json"), ("export", f"parties {ids[0]}", "docx")]


def test_an_export_without_rows_goes_back_to_the_search(client, org, privacy_officer):
    client.login(PRIVACY)
    response = client.submit("/privacy/people/export", {"format": "json"},
                             page="/privacy/people")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/privacy/people")
    response = client.submit("/privacy/people/export", {"party": "abc"},
                             page="/privacy/people")
    assert response.status_code == 302


def erase(client, ids, **data):
    first = client.submit("/privacy/people/erase", {"party": ids}, page="/privacy/people")
    assert first.status_code == 200 and 'name="step" value="confirm"' in first.text
    return client.submit("/privacy/people/erase",
                         {"party": ids, "step": "confirm", **data}, page="/privacy/people",
                         headers={"Accept-Language": "en"})


def test_erasure_takes_out_that_person_only(app, client, make, org, refs, privacy_officer):
    case_id, reference = add_case(app, make, org)
    client.login(PRIVACY)
    ids = row_ids(search(client, name="Duponte").text)
    unconfirmed = erase(client, ids, reason="request")
    assert unconfirmed.status_code == 200 and "Duponte" in everything_written(app, case_id)
    done = erase(client, ids, reason="request", confirm="y")
    assert done.status_code == 302
    written = everything_written(app, case_id)
    for word in ("Dupont", "Hélène", "06 12 34 56 78", "helene@example"):
        assert word not in written, word
    assert "Karim Benali" in written and "07 00 00 00 01" in written
    with app.app_context():
        first, second = sorted(db.session.get(Case, case_id).parties, key=lambda p: p.id)
        assert first.display_name == "#1" and first.anonymised_at is not None
        assert second.display_name == "Karim Benali" and second.anonymised_at is None
        assert db.session.get(Case, case_id).anonymised_at is None
        assert db.session.execute(select(Agreement.document)).scalar_one() is None
        events = db.session.execute(select(TimelineEvent).where(
            TimelineEvent.kind == "party_edited")).scalar_one()
        assert {c["field"]: c["old"] for c in events.changes}["last_name"] is None
        entry = db.session.execute(select(AccessEntry).where(
            AccessEntry.object == "erasure")).scalar_one()
        assert (entry.case_reference, entry.target, entry.detail) == (
            reference, f"party {first.id}", "request")
    assert row_ids(search(client, name="Duponte").text) == []


def test_erasure_is_refused_while_a_case_is_open(app, client, make, org, refs,
                                                 privacy_officer):
    closed_id, _closed = add_case(app, make, org)
    open_id, open_reference = add_case(app, make, org, status="mediation")
    client.login(PRIVACY)
    ids = row_ids(search(client, name="Duponte").text)
    assert len(ids) == 2
    refused = erase(client, ids, reason="request", confirm="y")
    assert refused.status_code == 200
    assert f"case {open_reference} is still open" in refused.text
    assert "Duponte" in everything_written(app, closed_id)
    assert "Duponte" in everything_written(app, open_id)


def test_the_dry_run_lists_the_demos_archive(app):
    """The demo's 24 cases closed four to six years ago are past the default period; its
    recent cases are not."""
    from casework import demo
    from casework.demo import stories

    with app.app_context():
        demo.load_organisation()
        stories.load_stories()
        assert stories.load_archive() == stories.ARCHIVE_CASES == 24
        archive = set(db.session.execute(select(Case.reference).where(
            Case.received_on < clock.today() - timedelta(days=4 * 365))).scalars())
        recent = db.session.execute(select(func.count(Case.id)).where(
            Case.status == "closed", Case.closed_on >= clock.today() - timedelta(days=3 * 365))
        ).scalar_one()
        names = db.session.execute(select(Party.last_name)).scalars().all()
    assert len(archive) == 24 and recent > 0
    result = app.test_cli_runner().invoke(args=["retention", "run", "--dry-run"])
    assert result.exit_code == 0, result.output
    listed = set(re.findall(r"\d{4}-\d{4}", result.output))
    assert listed == archive and "Would anonymise 24 closed case(s)" in result.output
    assert not any(name in result.output for name in names)
    with app.app_context():
        assert db.session.execute(select(func.count(Case.id)).where(
            Case.anonymised_at.is_not(None))).scalar_one() == 0
