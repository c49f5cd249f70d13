"""Migration 0011: the single scan each agreement version had becomes its first kept
upload, with its SHA-256 and size; going down keeps the current one."""
import hashlib

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from casework.extensions import db

from .test_migrations import migrated_app

PDF = b"%PDF-1.7\n" + b"0" * 100
ROWS = (
    "INSERT INTO teams (id, name, created_at) VALUES (1, 'Nord', '2026-01-01')",
    "INSERT INTO users (id, username, full_name, email, password_hash, active, language, "
    "session_token, created_at) VALUES (1, 'mona', 'Mona', 'mona@example.org', 'x', true, "
    "'fr', 'token', '2026-01-01')",
    "INSERT INTO reference_items (id, kind, code, label_fr, label_en, position, active, city) "
    "VALUES (1, 'source', 'resident', 'Habitant', 'Resident', 0, true, '')",
    "INSERT INTO cases (id, reference, year, number, status, received_on, source_id, team_id, "
    "street, building, staircase, floor, postcode, city, address_key, description, urgency, "
    "violence_or_threats, legal_proceedings, eligibility_note, referrer_organisation, "
    "referrer_name, referrer_contact, search_text, created_by_id, created_at, updated_at, "
    "version) VALUES (1, '2026-0001', 2026, 1, 'follow_up', '2026-01-02', 1, 1, '1 rue A', "
    "'', '', '', '69008', 'Lyon', 'k', 'd', 'normal', false, false, '', '', '', '', '', 1, "
    "'2026-01-02', '2026-01-02', 1)",
)


def test_the_old_scan_becomes_the_first_kept_upload(tmp_path, scratch_schema):
    app = migrated_app(tmp_path, scratch_schema)
    with app.app_context():
        upgrade(revision="0009")
        with db.engine.begin() as connection:
            for statement in ROWS:
                connection.execute(text(statement))
            for number, scan in ((1, PDF), (2, None)):
                connection.execute(text(
                    "INSERT INTO agreements (id, case_id, number, status, language, "
                    "meeting_place, account, follow_up_weeks, signed_place, signatories, "
                    "document, sha256, scan, scan_type, created_by_id, created_at, signed_at, "
                    "version) VALUES (:id, 1, :id, 'signed', 'fr', '', '', 4, 'Lyon', '[]', "
                    ":doc, :sha, :scan, :type, 1, '2026-01-05', '2026-01-06 10:00:00+00', 1)"),
                    {"id": number, "doc": b"PK", "sha": hashlib.sha256(b"PK").hexdigest(),
                     "scan": scan, "type": "application/pdf" if scan else ""})
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT agreement_id, number, data, sha256, size, content_type, reason, "
                "uploaded_by_id FROM agreement_scans")).all()
            columns = {c["name"] for c in inspect(connection).get_columns("agreements")}
        assert [tuple(r) for r in rows] == [
            (1, 1, PDF, hashlib.sha256(PDF).hexdigest(), len(PDF), "application/pdf", "",
             None)]
        assert not columns & {"scan", "scan_type"}
        downgrade(revision="0009")
        with db.engine.connect() as connection:
            back = connection.execute(text(
                "SELECT id, scan, scan_type FROM agreements ORDER BY id")).all()
        assert [tuple(r) for r in back] == [(1, PDF, "application/pdf"), (2, None, "")]
        db.engine.dispose()
