"""Agreement protocol: drafted with standard clauses, signed and frozen, amended,
followed up, and the case closed."""
import hashlib
import io
from datetime import timedelta

import pytest
from docx import Document
from sqlalchemy import select

from casework.agreements.models import Agreement, ClauseTemplate, FollowUp
from casework.cases.models import Case, PartnerReferral, SatisfactionAnswer
from casework.extensions import db
from casework.core import clock


def mediation_case(make, org):
    """A noise case of team Nord in mediation, led by mona.mediator, with two parties who
    consented (an agreement is signed only with them: see test_consent)."""
    return make.case(org["north"], creator=org["manager"], status="mediation",
                     lead=org["mediator"], parties=[("Hélène", "Dupont"), ("Karim", "Benali")],
                     categories=("noise",), consent="given")


@pytest.fixture
def case(make, org, refs):
    return mediation_case(make, org)


def signed_case(app, client, make, org, clauses):
    """A case whose agreement mona.mediator drafted and marked signed (logged in as her)."""
    made = mediation_case(make, org)
    client.login("mona.mediator")
    start_and_draft(client, made, clauses, app)
    sign(client, made, app)
    return made


@pytest.fixture
def clauses(app, refs):
    with app.app_context():
        rows = [ClauseTemplate(category_id=refs["noise"].id, text_fr="ne pas faire de bruit "
                               "après 22 h", text_en="make no noise after 10 pm", position=1),
                ClauseTemplate(category_id=refs["noise"].id, text_fr="poser des patins sous "
                               "les chaises", text_en="put felt pads under chairs", position=2),
                ClauseTemplate(category_id=refs["animals"].id, text_fr="tenir le chien en "
                               "laisse", position=3),
                ClauseTemplate(joint=True, text_fr="se saluer", text_en="greet each other")]
        db.session.add_all(rows)
        db.session.commit()
        return {row.text_fr: row.id for row in rows}


def state(app):
    with app.app_context():
        case = db.session.execute(select(Case)).scalar_one()
        versions = db.session.execute(select(Agreement).order_by(Agreement.number)
                                      ).scalars().all()
        return case.status, case.outcome, [(v.number, v.status) for v in versions]


def start_and_draft(client, case, clauses, app):
    client.submit(f"/cases/{case.reference}/agreement/start", {},
                  page=f"/cases/{case.reference}/agreement/start")
    with app.app_context():
        agreement = db.session.execute(select(Agreement)).scalar_one()
        version = agreement.version
    dupont, benali = case.parties
    return client.submit(f"/cases/{case.reference}/agreement", {
        "version": str(version), "language": "fr", "meeting_date": "2026-03-03",
        "meeting_place": "Centre social Mermoz", "account": "Les parties font état de bruits.",
        "follow_up_weeks": "4",
        f"commitments_{dupont.id}": "prévenir ses voisins avant une fête",
        f"clauses_{benali.id}": [str(clauses["ne pas faire de bruit après 22 h"]),
                                 str(clauses["poser des patins sous les chaises"])],
        f"commitments_{benali.id}": "",
        "commitments_joint": "", "clauses_joint": [str(clauses["se saluer"])]})


def latest(app):
    with app.app_context():
        return db.session.execute(select(Agreement).order_by(Agreement.number.desc())
                                  ).scalars().first()


def prepare(client, case, app, **overrides):
    """Prepare the signing copy (place, date, follow-up date)."""
    data = {"version": str(latest(app).version), "signed_on": clock.today().isoformat(),
            "signed_place": "Lyon",
            "follow_up_on": (clock.today() + timedelta(days=30)).isoformat()}
    data.update(overrides)
    return client.submit(f"/cases/{case.reference}/agreement/prepare", data,
                         headers={"Accept-Language": "en"})


def sign(client, case, app, prepare_first=True, **overrides):
    """Prepare the signing copy, then mark it as signed."""
    if prepare_first:
        assert prepare(client, case, app).status_code == 302
    agreement = latest(app)
    data = {"version": str(agreement.version), "sha256": agreement.signing_sha256 or "",
            "confirm": "y"}
    data.update(overrides)
    return client.submit(f"/cases/{case.reference}/agreement/sign", data,
                         headers={"Accept-Language": "en"})


def test_mediator_drafts_with_standard_clauses_and_downloads_it(app, client, org, case,
                                                                clauses):
    client.login("mona.mediator")
    page = client.get(f"/cases/{case.reference}/agreement/start")
    assert page.status_code == 200
    response = start_and_draft(client, case, clauses, app)
    assert response.status_code == 302
    assert state(app) == ("agreement", None, [(1, "draft")])
    editor = client.get(f"/cases/{case.reference}/agreement").text
    assert "tenir le chien en laisse" not in editor  # not a category of this case
    assert "Hélène Dupont s’engage à" in editor  # the preview
    response = client.get(f"/cases/{case.reference}/agreement.docx")
    document = Document(io.BytesIO(response.data))
    lines = [p.text for p in document.paragraphs]
    benali = lines.index("Karim Benali s’engage à\u00a0:")
    assert lines[benali + 1:benali + 3] == ["1.\tne pas faire de bruit après 22 h",
                                            "2.\tposer des patins sous les chaises"]
    assert "1.\tse saluer" in lines
    assert "Dossier n°\u00a0" + case.reference in lines


def test_signing_freezes_the_document_forever(app, client, org, case, clauses):
    client.login("mona.mediator")
    start_and_draft(client, case, clauses, app)
    assert sign(client, case, app).status_code == 302
    assert state(app) == ("follow_up", None, [(1, "signed")])
    first = client.get(f"/cases/{case.reference}/agreement.docx").data
    from casework.agreements.document import long_date

    text = "\n".join(p.text for p in Document(io.BytesIO(first)).paragraphs)
    assert long_date(clock.today() + timedelta(days=30), "fr") in text  # the follow-up date
    assert "Fait à Lyon, le " + long_date(clock.today(), "fr") in text
    with app.app_context():
        stored = db.session.execute(select(Agreement)).scalar_one()
        assert stored.sha256 == hashlib.sha256(first).hexdigest()
        assert db.session.execute(select(FollowUp)).scalar_one().due_on == \
            clock.today() + timedelta(days=30)
    # The case changes afterwards: the signed document does not.
    with app.app_context():
        party = db.session.execute(select(Case)).scalar_one().parties[0]
        party.last_name = "Durand"
        db.session.commit()
    assert client.get(f"/cases/{case.reference}/agreement.docx").data == first
    assert client.get(f"/cases/{case.reference}/agreement/v1.docx").data == first


def test_signing_needs_confirmation_and_a_prepared_copy(app, client, org, case, clauses):
    client.login("mona.mediator")
    start_and_draft(client, case, clauses, app)
    response = sign(client, case, app, prepare_first=False)
    assert response.status_code == 302 and "/agreement/prepare" in response.location
    response = prepare(client, case, app, follow_up_on=clock.today().isoformat())
    assert 'id="follow_up_on-error"' in response.text
    response = prepare(client, case, app, signed_place="")
    assert 'id="signed_place-error"' in response.text
    response = sign(client, case, app, confirm="")
    assert 'id="confirm-error"' in response.text
    assert state(app)[2] == [(1, "draft")]


def test_amendment_keeps_both_versions(app, client, org, case, clauses):
    client.login("mona.mediator")
    start_and_draft(client, case, clauses, app)
    sign(client, case, app)
    first = client.get(f"/cases/{case.reference}/agreement/v1.docx").data
    response = client.submit(f"/cases/{case.reference}/agreement/start", {},
                             page=f"/cases/{case.reference}/agreement/start")
    assert response.status_code == 302
    assert state(app) == ("agreement", None, [(1, "signed"), (2, "draft")])
    draft = Document(io.BytesIO(client.get(f"/cases/{case.reference}/agreement.docx").data))
    assert any("Avenant n°\u00a01" in p.text for p in draft.paragraphs)
    assert any("ne pas faire de bruit" in p.text for p in draft.paragraphs)  # copied
    sign(client, case, app)
    assert state(app) == ("follow_up", None, [(1, "superseded"), (2, "signed")])
    assert client.get(f"/cases/{case.reference}/agreement/v1.docx").data == first
    page = client.get(f"/cases/{case.reference}/agreement",
                      headers={"Accept-Language": "en"}).text
    assert "Version 1" in page and "Version 2" in page and "Replaced by an amendment" in page


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
PDF = b"%PDF-1.7\n" + b"0" * 100


@pytest.mark.parametrize("data, name, accepted", [
    (PDF, "scan.pdf", True),
    (PNG, "scan.png", True),
    (b"\xff\xd8\xff\xe0" + b"0" * 50, "photo.jpg", True),
    (b"MZ\x90\x00 this is a program", "scan.pdf", False),
    (b"<html><script>alert(1)</script>", "scan.png", False),
    (PDF, "scan.exe", True),  # the content decides, not the name
])
def test_scan_type_is_checked_from_the_content(app, client, org, case, clauses, data, name,
                                               accepted):
    client.login("mona.mediator")
    start_and_draft(client, case, clauses, app)
    sign(client, case, app)
    response = client.submit(f"/cases/{case.reference}/agreement/v1/scan",
                             {"scan": (io.BytesIO(data), name)},
                             page=f"/cases/{case.reference}/agreement",
                             content_type="multipart/form-data", follow_redirects=True,
                             headers={"Accept-Language": "en"})
    assert response.status_code == 200
    with app.app_context():
        from casework.agreements.models import AgreementScan

        stored = db.session.execute(select(AgreementScan.data)).scalars().all()
        assert (stored == [data]) is accepted
    if not accepted:
        assert "Only PDF, JPEG or PNG files are accepted." in response.text
    else:
        download = client.get(f"/cases/{case.reference}/agreement/v1/scan")
        assert download.data == data


def test_too_large_a_scan_is_refused(app, client, org, case, clauses):
    client.login("mona.mediator")
    start_and_draft(client, case, clauses, app)
    sign(client, case, app)
    big = PDF + b"0" * (12 * 1024 * 1024)
    response = client.submit(f"/cases/{case.reference}/agreement/v1/scan",
                             {"scan": (io.BytesIO(big), "big.pdf")},
                             page=f"/cases/{case.reference}/agreement",
                             content_type="multipart/form-data")
    assert response.status_code == 413


def follow_up(client, case, app, results, decision, **extra):
    with app.app_context():
        check = db.session.execute(select(FollowUp).where(FollowUp.done_at.is_(None))
                                   ).scalar_one()
        ids = [c.id for c in check.agreement.commitments]
    data = {"note": "Appels aux deux parties.", "decision": decision, "reason": "",
            **{f"result_{i}": r for i, r in zip(ids, results)}, **extra}
    return client.submit(f"/cases/{case.reference}/follow-up", data,
                         headers={"Accept-Language": "en"})


def test_all_kept_closes_as_agreement_respected(app, client, org, case, clauses):
    client.login("mona.mediator")
    start_and_draft(client, case, clauses, app)
    sign(client, case, app)
    assert case.reference in client.get("/cases/mine").text
    response = follow_up(client, case, app, ["kept"] * 4, "close_respected")
    assert response.status_code == 302
    assert state(app)[:2] == ("closed", "agreement_respected")


def test_not_kept_leads_to_a_new_round_table_or_closes_as_breached(app, client, org, case,
                                                                   clauses):
    client.login("mona.mediator")
    start_and_draft(client, case, clauses, app)
    sign(client, case, app)
    response = follow_up(client, case, app, ["kept", "not_kept", "kept", "kept"],
                         "close_respected")
    assert response.status_code == 200 and 'id="decision-error"' in response.text
    response = follow_up(client, case, app, ["kept", "not_kept", "kept", "kept"],
                         "new_round_table")
    assert response.status_code == 302 and state(app)[0] == "mediation"


def test_not_kept_closes_as_breached(app, client, org, case, clauses):
    client.login("mona.mediator")
    start_and_draft(client, case, clauses, app)
    sign(client, case, app)
    follow_up(client, case, app, ["not_kept", "partly_kept", "kept", "kept"],
              "close_breached")
    assert state(app)[:2] == ("closed", "agreement_breached")


def test_closing_records_summary_referrals_and_survey(app, client, org, case, refs, make):
    legal = make.reference("referral_reason", "legal", "Accès au droit, justice",
                           "Legal advice, justice")
    client.login("mona.mediator")
    dupont = case.parties[0]
    response = client.submit(f"/cases/{case.reference}/steps/close", {
        "outcome": "referred_to_partner",
        "reason": "Procédure en cours", "closing_summary": "Orientés vers le conciliateur.",
        "referral_partner_1": str(refs["conciliator"].id), "referral_reason_1": str(legal.id),
        "referral_detail_1": "Litige",
        f"survey_{dupont.id}_useful": "4", f"survey_{dupont.id}_satisfied": "3",
        f"survey_{dupont.id}_recommend": "4",
        "survey_referrer_effect": "3", "survey_referrer_satisfied": "2"})
    assert response.status_code == 302
    with app.app_context():
        closed = db.session.execute(select(Case)).scalar_one()
        assert closed.closing_summary == "Orientés vers le conciliateur."
        assert closed.referred_to.name == "Conciliateur de justice"
        referral = db.session.execute(select(PartnerReferral)).scalar_one()
        assert (referral.reason, referral.reason_id, referral.stage) == (
            "Litige", legal.id, "closure")
        answers = db.session.execute(select(SatisfactionAnswer).order_by(
            SatisfactionAnswer.id)).scalars().all()
        assert [(a.party_id, a.useful, a.satisfied, a.recommend, a.effect)
                for a in answers] == [(dupont.id, 4, 3, 4, None), (None, None, 2, None, 3)]


def test_bad_survey_value_is_refused(app, client, org, case, refs):
    client.login("mona.mediator")
    response = client.submit(f"/cases/{case.reference}/steps/close", {
        "outcome": "withdrawn", "survey_referrer_effect": "9"},
        headers={"Accept-Language": "en"})
    assert response.status_code == 200 and 'id="survey_referrer_effect-error"' in response.text
    assert state(app)[0] == "mediation"


def test_bad_input_on_the_agreement_editor(app, client, org, case, clauses):
    client.login("mona.mediator")
    client.submit(f"/cases/{case.reference}/agreement/start", {},
                  page=f"/cases/{case.reference}/agreement/start")
    dupont = case.parties[0]
    with app.app_context():
        version = db.session.execute(select(Agreement)).scalar_one().version
    response = client.submit(f"/cases/{case.reference}/agreement", {
        "version": str(version), "language": "de", "meeting_date": "2026-02-30",
        "meeting_place": "p" * 251, "account": "", "follow_up_weeks": "99",
        f"commitments_{dupont.id}": "x" * 501, "commitments_joint": "<script>alert(1)</script>",
        f"clauses_{dupont.id}": ["99999"]}, headers={"Accept-Language": "en"})
    assert response.status_code == 200
    for field in ("language", "meeting_date", "meeting_place", "follow_up_weeks",
                  f"commitments_{dupont.id}", f"clauses_{dupont.id}"):
        assert f'id="{field}-error"' in response.text, field
    assert "<script>alert(1)" not in response.text
    with app.app_context():
        assert db.session.execute(select(Agreement)).scalar_one().commitments == []


def test_managers_keep_the_clause_library(app, client, org, refs, clauses):
    client.login("mona.mediator")
    assert client.get("/clauses/").status_code == 403
    client.logout()
    client.login("marc.manager")
    assert "se saluer" in client.get("/clauses/").text
    response = client.submit("/clauses/new", {"category": str(refs["animals"].id),
                                              "text_fr": "ramasser les déjections du chien",
                                              "text_en": "", "position": "5"})
    assert response.status_code == 302
    response = client.submit("/clauses/new", {"category": "0", "text_fr": "",
                                              "position": "x"},
                             headers={"Accept-Language": "en"})
    assert 'id="text_fr-error"' in response.text


def test_other_team_cannot_see_the_agreement(client, make, org, case, clauses, app):
    client.login("mona.mediator")
    start_and_draft(client, case, clauses, app)
    client.logout()
    client.login("sam.south")
    for url in (f"/cases/{case.reference}/agreement", f"/cases/{case.reference}/agreement.docx",
                f"/cases/{case.reference}/agreement/sign", f"/cases/{case.reference}/follow-up"):
        assert client.get(url).status_code == 404, url
