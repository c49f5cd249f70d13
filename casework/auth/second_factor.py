"""The second factor of logins (operations): a TOTP code (RFC 6238, with pyotp) from an
app on the user's phone, or one of ten recovery codes, each usable once.

Enrolment happens in two steps so that a mistyped setup never locks anyone out: ``start``
draws a secret (shown as text and as a QR code), ``confirm`` switches it on once the user
has typed a code their app shows, and hands back the recovery codes, shown once and kept
only hashed. The roles that may use it are the permission ``use_second_factor``; the
organisation may require it of some of them (``SECOND_FACTOR_REQUIRED_ROLES``).
"""
import hashlib
import hmac
import logging
import re
import secrets

import pyotp
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, or_, select, update

from ..audit.operations import record
from ..core.clock import utcnow
from ..core.errors import OperationError
from ..extensions import db
from .models import ROLES, RecoveryCode, User

log = logging.getLogger(__name__)

RECOVERY_CODE_COUNT = 10
# Ten letters or digits in two groups of five ("k7m2q-x9dfa"): 50 random bits each, so a
# plain SHA-256 keeps them as safely as a slow password hash would.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
CODE_RE = re.compile(r"^\d{6}$")


def required_roles(setting) -> set[str]:
    """``SECOND_FACTOR_REQUIRED_ROLES`` ("admin,manager") as a set; ValueError for a name
    that is not a role."""
    roles = {part.strip() for part in (setting or "").split(",") if part.strip()}
    unknown = roles - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles: {', '.join(sorted(unknown))}")
    return roles


def is_enabled(user) -> bool:
    return user.totp_enabled_at is not None


def is_missing(user, setting) -> bool:
    """Must ``user`` set up a second factor before doing anything else?"""
    return not is_enabled(user) and bool(user.roles & required_roles(setting))


def totp(user) -> pyotp.TOTP:
    return pyotp.TOTP(user.totp_secret)


def provisioning_uri(user, issuer: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return totp(user).provisioning_uri(name=user.username, issuer_name=issuer)


def _normalise(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def _hash(code: str) -> str:
    return hashlib.sha256(_normalise(code).encode()).hexdigest()


def _matching_step(user, code: str):
    """The 30-second step whose code ``code`` is, one step either way (a phone's clock
    is rarely exact), by the app's clock; None if it is none of them."""
    code = _normalise(code)
    if not user.totp_secret or not CODE_RE.match(code):
        return None
    otp = totp(user)
    current = otp.timecode(utcnow())
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(otp.generate_otp(step), code):
            return step
    return None


def _accept_step(user, step) -> bool:
    """Accept a code of ``step`` once only (RFC 6238, 5.2): someone who saw it typed
    cannot use it again, even at the same moment from another server."""
    accepted = db.session.execute(
        update(User).where(User.id == user.id,
                           or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)).rowcount
    db.session.commit()
    return bool(accepted)


def verify(user, code: str) -> bool:
    """A code from the app not used before, or an unused recovery code (then used up)."""
    if not is_enabled(user):
        return False
    if CODE_RE.match(_normalise(code)):
        step = _matching_step(user, code)
        return step is not None and _accept_step(user, step)
    used = db.session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _hash(code),
               RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())).rowcount
    db.session.commit()
    if used:
        log.info("account %s used a recovery code", user.id)
    return bool(used)


def recovery_codes_left(user) -> int:
    return len(db.session.execute(
        select(RecoveryCode.id).where(RecoveryCode.user_id == user.id,
                                      RecoveryCode.used_at.is_(None))).all())


def _new_recovery_codes(user) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hash(code)) for code in codes)
    return codes


def start(user):
    """Draw a new secret for ``user`` to add to their app (not in use until confirmed)."""
    if is_enabled(user):
        raise OperationError(_l("A second factor is already in use. Turn it off first."))
    user.totp_secret = pyotp.random_base32()
    db.session.commit()


def confirm(user, code: str) -> list[str]:
    """Switch the second factor on if ``code`` is right; the recovery codes, in clear
    this once."""
    if is_enabled(user) or not user.totp_secret:
        raise OperationError(_l("Start the setup again."), field="code")
    step = _matching_step(user, code)
    if step is None:
        raise OperationError(_l("This code is not the one your app shows. Check the "
                                "phone's time and try again."), field="code")
    user.totp_enabled_at = utcnow()
    user.totp_last_step = step
    codes = _new_recovery_codes(user)
    db.session.commit()
    record("login", "second_factor", user=user, target=user.username, detail="enrolled")
    log.info("account %s turned the second factor on", user.id)
    return codes


def new_recovery_codes(user, password: str) -> list[str]:
    """Ten new recovery codes (the old ones stop working), on the user's password."""
    if not is_enabled(user):
        raise OperationError(_l("No second factor is in use."))
    if not user.check_password(password):
        raise OperationError(_l("The current password is not correct."), field="password")
    codes = _new_recovery_codes(user)
    db.session.commit()
    record("login", "second_factor", user=user, target=user.username,
           detail="new recovery codes")
    return codes


def _clear(user):
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def disable(user, password: str):
    """The user turns their second factor off, on their password."""
    if not user.check_password(password):
        raise OperationError(_l("The current password is not correct."), field="password")
    was_enabled = is_enabled(user)
    _clear(user)
    db.session.commit()
    if was_enabled:
        record("login", "second_factor", user=user, target=user.username, detail="disabled")
        log.info("account %s turned the second factor off", user.id)


def reset(actor, user):
    """An administrator removes ``user``'s second factor (a lost phone and no recovery
    code): they log in with their password alone, and set it up again."""
    _clear(user)
    db.session.commit()
    record("admin", "account", user=actor, target=str(user.id), detail="second factor reset")
    log.info("second factor of account %s reset by account %s", user.id,
             actor.id if actor else None)
