"""The scanned copies of a signed agreement: every upload kept with its SHA-256, size,
type, who and when; the newest of a version is its current scan; replacing one needs a
reason; nothing changes once the case is closed (``denied(…, "change", …)``)."""
import hashlib
import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import flag_modified

from ..cases.timeline import record_event
from ..core.clock import utcnow
from ..core.errors import EditConflict, OperationError
from ..core.versioning import commit
from ..extensions import db
from ..permissions import denied
from .models import AgreementScan

log = logging.getLogger(__name__)

SCAN_TYPES = {b"%PDF-": "application/pdf", b"\x89PNG\r\n\x1a\n": "image/png",
              b"\xff\xd8\xff": "image/jpeg"}
SCAN_MAX_BYTES = 10 * 1024 * 1024
EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}


def scan_type(data: bytes):
    """The type of a scanned copy, read from its first bytes (never from its name)."""
    for magic, mimetype in SCAN_TYPES.items():
        if data.startswith(magic):
            return mimetype
    return None


def scans_of(agreement):
    """Every scan of a version, the newest (the current one) first."""
    return db.session.execute(
        select(AgreementScan).where(AgreementScan.agreement_id == agreement.id)
        .options(joinedload(AgreementScan.uploaded_by))
        .order_by(AgreementScan.number.desc())).scalars().all()


def scans_by_version(agreements):
    """{agreement id: [its scans, newest first]} for several versions, in one query."""
    found = {a.id: [] for a in agreements}
    if not found:
        return found
    for scan in db.session.execute(
            select(AgreementScan).where(AgreementScan.agreement_id.in_(found))
            .options(joinedload(AgreementScan.uploaded_by))
            .order_by(AgreementScan.number.desc())).scalars():
        found[scan.agreement_id].append(scan)
    return found


def current_scan(agreement):
    """The newest scan of a version, or None."""
    return db.session.execute(
        select(AgreementScan).where(AgreementScan.agreement_id == agreement.id)
        .order_by(AgreementScan.number.desc()).limit(1)).scalar_one_or_none()


def attach_scan(actor, agreement, data: bytes, reason: str = ""):
    """Keep an upload of the signed copy of ``agreement``. The first one needs nothing
    more; a later one replaces it as the current scan and must say why (``reason``), the
    earlier ones staying downloadable. The timeline records it with the file's SHA-256."""
    case = agreement.case
    denied(actor, "change", case)
    reason = (reason or "").strip()
    if agreement.status == "draft":
        raise OperationError(_l("Attach the scan once the agreement is signed."),
                             field="scan")
    if not data:
        raise OperationError(_l("Choose a file."), field="scan")
    if len(data) > SCAN_MAX_BYTES:
        raise OperationError(_l("The file is larger than 10 MB."), field="scan")
    mimetype = scan_type(data)
    if mimetype is None:
        raise OperationError(_l("Only PDF, JPEG or PNG files are accepted."), field="scan")
    last = db.session.execute(select(func.max(AgreementScan.number)).where(
        AgreementScan.agreement_id == agreement.id)).scalar_one() or 0
    if last and not reason:
        raise OperationError(_l("Say why this scan replaces the current one."),
                             field="reason")
    digest = hashlib.sha256(data).hexdigest()
    scan = AgreementScan(agreement_id=agreement.id, number=last + 1, data=data,
                         sha256=digest, size=len(data), content_type=mimetype,
                         reason=reason if last else "", uploaded_by_id=actor.id,
                         uploaded_at=utcnow())
    db.session.add(scan)
    # The version's row is touched, so that two uploads at the same moment end in a
    # conflict (its version number), never in two "current" scans.
    flag_modified(agreement, "signatories")
    record_event(case, actor, "scan_replaced" if last else "scan_attached",
                 [("agreement_version", None, agreement.number),
                  ("scan", None, scan.number), ("sha256", None, digest)], reason=scan.reason)
    try:
        commit(db.session)
    except IntegrityError:
        raise EditConflict() from None
    log.info("scan %s of agreement v%s of case %s attached by account %s, sha256 %s",
             scan.number, agreement.number, case.reference, actor.id, digest[:12])
    return scan
