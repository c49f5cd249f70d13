"""The scans of a signed agreement: every upload kept with its fingerprint, a replacement
says why, a closed case changes no more, every scan downloadable (and logged)."""
import hashlib
import io

from sqlalchemy import select

from casework.agreements.models import AgreementScan
from casework.audit.models import AccessEntry
from casework.cases.models import Case, TimelineEvent
from casework.extensions import db

from .test_agreements import PDF, PNG, clauses, signed_case  # noqa: F401 (a fixture)


def upload(client, case, data, name="scan.pdf", reason=None, number=1):
    fields = {"scan": (io.BytesIO(data), name)}
    if reason is not None:
        fields["reason"] = reason
    return client.submit(f"/cases/{case.reference}/agreement/v{number}/scan", fields,
                         page=f"/cases/{case.reference}/agreement",
                         content_type="multipart/form-data", follow_redirects=True,
                         headers={"Accept-Language": "en"})


def stored(app):
    with app.app_context():
        return [(s.number, s.data, s.sha256, s.size, s.content_type, s.reason,
                 s.uploaded_by.username if s.uploaded_by else None)
                for s in db.session.execute(select(AgreementScan)
                                            .order_by(AgreementScan.number)).scalars()]


def test_a_second_upload_keeps_the_first_and_becomes_current(app, client, make, org, clauses):
    case = signed_case(app, client, make, org, clauses)
    assert upload(client, case, PDF).status_code == 200
    response = upload(client, case, PNG, "again.png", reason="Page 2 was missing.")
    assert "Scanned copy attached." in response.text
    rows = stored(app)
    assert rows == [
        (1, PDF, hashlib.sha256(PDF).hexdigest(), len(PDF), "application/pdf", "",
         "mona.mediator"),
        (2, PNG, hashlib.sha256(PNG).hexdigest(), len(PNG), "image/png",
         "Page 2 was missing.", "mona.mediator")]
    # The newest is the current one; the first stays downloadable.
    assert client.get(f"/cases/{case.reference}/agreement/v1/scan").data == PNG
    with app.app_context():
        first_id, second_id = db.session.execute(
            select(AgreementScan.id).order_by(AgreementScan.number)).scalars().all()
    first = client.get(f"/cases/{case.reference}/agreement/v1/scans/{first_id}")
    assert first.status_code == 200 and first.data == PDF
    assert first.mimetype == "application/pdf"
    page = client.get(f"/cases/{case.reference}/agreement",
                      headers={"Accept-Language": "en"}).text
    assert "Scan 2" in page and "Current" in page and "Replaced" in page
    assert hashlib.sha256(PDF).hexdigest() in page and "Page 2 was missing." in page
    with app.app_context():
        kinds = db.session.execute(select(TimelineEvent.kind).order_by(TimelineEvent.id)
                                   ).scalars().all()
        assert kinds[-2:] == ["scan_attached", "scan_replaced"]
        reads = db.session.execute(select(AccessEntry.target).where(
            AccessEntry.object == "agreement_scan", AccessEntry.action == "read")
        ).scalars().all()
        assert f"number 1, scan {first_id}" in reads


def test_replacing_a_scan_needs_a_reason(app, client, make, org, clauses):
    case = signed_case(app, client, make, org, clauses)
    upload(client, case, PDF)
    response = upload(client, case, PNG, "again.png", reason="  ")
    assert response.status_code == 200
    assert "Say why this scan replaces the current one." in response.text
    assert 'id="reason-error"' in response.text  # next to the field
    assert [row[0] for row in stored(app)] == [1]


def test_nothing_changes_once_the_case_is_closed(app, client, make, org, clauses):
    case = signed_case(app, client, make, org, clauses)
    upload(client, case, PDF)
    with app.app_context():
        row = db.session.get(Case, case.id)
        row.status, row.outcome = "closed", "agreement_respected"
        db.session.commit()
    response = upload(client, case, PNG, "again.png", reason="Better copy.")
    assert response.status_code == 403
    assert [row[0] for row in stored(app)] == [1]
    page = client.get(f"/cases/{case.reference}/agreement",
                      headers={"Accept-Language": "en"}).text
    assert 'type="file"' not in page and "can no longer change" in page
    # Still downloadable.
    assert client.get(f"/cases/{case.reference}/agreement/v1/scan").data == PDF


def test_another_versions_scan_is_not_found(app, client, make, org, clauses):
    case = signed_case(app, client, make, org, clauses)
    upload(client, case, PDF)
    with app.app_context():
        scan_id = db.session.execute(select(AgreementScan.id)).scalar_one()
    assert client.get(f"/cases/{case.reference}/agreement/v2/scans/{scan_id}"
                      ).status_code == 404
    assert client.get(f"/cases/{case.reference}/agreement/v1/scans/{scan_id + 1}"
                      ).status_code == 404
