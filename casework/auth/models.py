"""Staff accounts, the teams they belong to, and their roles."""
import secrets

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import BigInteger, CheckConstraint, Column, ForeignKey, Index, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..core.clock import utcnow
from ..core.columns import UTCDateTime, one_of

ADMIN, MANAGER, MEDIATOR = "admin", "manager", "mediator"
# The privacy officer (délégué à la protection des données): reads the access log, runs
# retention and answers people's requests about their data, but reads no case.
PRIVACY_OFFICER = "privacy_officer"
ROLES = (ADMIN, MANAGER, MEDIATOR, PRIVACY_OFFICER)

user_teams = Table(
    "user_teams",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("team_id", ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class Team(db.Model):
    """A team of mediators and its managers (équipe), e.g. « Saint-Étienne » or « Habitat »."""

    __tablename__ = "teams"
    __table_args__ = (CheckConstraint("length(name) > 0", name="name_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    members: Mapped[list["User"]] = relationship(
        secondary=user_teams, back_populates="teams", order_by="User.full_name"
    )

    def __repr__(self):
        return f"<Team {self.id}>"


class UserRole(db.Model):
    """One role held by a user: admin, manager, mediator or privacy officer (a user may hold
    several)."""

    __tablename__ = "user_roles"
    __table_args__ = (CheckConstraint(one_of("role", ROLES), name="role_known"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(16), primary_key=True)


class User(UserMixin, db.Model):
    """A member of staff who logs in. Residents (parties) never have an account."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("length(username) >= 3", name="username_length"),
        CheckConstraint("length(full_name) > 0", name="full_name_not_empty"),
        CheckConstraint("language IS NULL OR language IN ('fr', 'en')", name="language_known"),
        CheckConstraint("title IN ('', 'f', 'm')", name="title_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # How documents title them: "f" médiatrice, "m" médiateur, "" not said (médiateur).
    title: Mapped[str] = mapped_column(String(1), default="")
    # None: negotiated from the browser at each visit.
    language: Mapped[str | None] = mapped_column(String(2))
    # Each login session (LoginSession.generation) is opened under this value; replaced
    # (new password, deactivation) to end every session at once.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    last_login_at = mapped_column(UTCDateTime, nullable=True)
    # The secret of the personal calendar feed; renewing it revokes the old URL.
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The second factor (TOTP, RFC 6238): the shared secret, and when it was confirmed
    # (None: not in use; a secret without a date is one being set up).
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at = mapped_column(UTCDateTime, nullable=True)
    # The 30-second step of the last code accepted: a code is never accepted twice.
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)

    # Loaded on demand: pages name many users (mediators, timeline authors) without their
    # teams or roles. The signed-in user's are joined by the user loader (security.py), and
    # pages that list users with them ask for them (admin).
    teams: Mapped[list[Team]] = relationship(
        secondary=user_teams, back_populates="members", order_by=Team.name
    )
    role_rows: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", order_by=UserRole.role
    )

    def __repr__(self):
        return f"<User {self.id}>"

    # Flask-Login. The login cookie holds the token of the server-side session
    # (LoginSession), set on the user object by the user loader or at login, never the
    # user's id: deleting the session's row ends it, whoever holds a copy of the cookie.
    login_token = None

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str | None:
        return self.login_token

    # Flask-Login's UserMixin compares users by get_id(), which is now a session's token:
    # the same account is the same user, whichever session (or none) it was loaded for.
    def __eq__(self, other):
        if not isinstance(other, User):
            return NotImplemented
        if self.id is None or other.id is None:
            return self is other
        return self.id == other.id

    def __ne__(self, other):
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = object.__hash__

    # Roles
    @property
    def roles(self) -> set[str]:
        return {row.role for row in self.role_rows}

    @roles.setter
    def roles(self, roles):
        wanted = set(roles)
        unknown = wanted - set(ROLES)
        if unknown:
            raise ValueError(f"unknown roles: {sorted(unknown)}")
        self.role_rows = [row for row in self.role_rows if row.role in wanted] + [
            UserRole(role=role) for role in sorted(wanted - self.roles)
        ]

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def team_ids(self) -> set[int]:
        return {team.id for team in self.teams}

    # Passwords
    def set_password(self, password: str) -> None:
        """Hash with the app's PASSWORD_HASH_METHOD (scrypt, Werkzeug's default, unless the
        tests choose a cheap one) and end every open session."""
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") \
            if has_app_context() else "scrypt"
        self.password_hash = generate_password_hash(password, method=method)
        self.session_token = new_session_token()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


class RecoveryCode(db.Model):
    """A one-time code that stands in for the second factor (a lost phone); stored hashed."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    used_at = mapped_column(UTCDateTime, nullable=True)
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class LoginSession(db.Model):
    """One open login, held on the server: the session cookie carries only its token.
    Logging out deletes it, so a copied cookie stops working; ``generation`` is the user's
    ``session_token`` at login, so that a new password or a deactivation ends every one."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    generation: Mapped[str] = mapped_column(String(64))
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    last_seen_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    user: Mapped[User] = relationship()


class LoginFailure(db.Model):
    """A failed login, counted in the database so that the limits hold whatever the number
    of app servers and workers. Old rows are deleted by the retention run."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_username_at", "username", "at"),
        Index("ix_login_failures_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    username: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
