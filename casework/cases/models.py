"""Cases (dossiers), their parties and their timeline."""
from datetime import date

from sqlalchemy import (CheckConstraint, Column, Date, ForeignKey, Index, Integer, String, Table,
                        Text, UniqueConstraint, event)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import Team, User
from ..extensions import db
from ..models import UTCDateTime, utcnow
from ..reference.models import Partner, ReferenceItem
from . import workflow

case_categories = Table(
    "case_categories",
    db.metadata,
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("category_id", ForeignKey("reference_items.id"), primary_key=True, index=True),
)

URGENCIES = ("low", "normal", "high")


def _in(column, values):
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class CaseCounter(db.Model):
    """The last case number given in a year: references are ``2026-0042``."""

    __tablename__ = "case_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)


class Case(db.Model):
    """A neighbour conflict, from its referral (saisine) to its closure (clôture)."""

    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("year", "number", name="uq_cases_year_number"),
        CheckConstraint(_in("status", workflow.STATUSES), name="status_known"),
        CheckConstraint(_in("urgency", URGENCIES), name="urgency_known"),
        CheckConstraint(f"outcome IS NULL OR {_in('outcome', workflow.OUTCOMES)}",
                        name="outcome_known"),
        CheckConstraint("(status = 'closed') = (outcome IS NOT NULL)",
                        name="closed_has_outcome"),
        CheckConstraint("co_mediator_id IS NULL OR co_mediator_id <> lead_mediator_id",
                        name="two_different_mediators"),
        CheckConstraint("length(description) > 0", name="description_not_empty"),
        # The lists: a team's cases, newest first, and by status.
        Index("ix_cases_team_received", "team_id", "received_on", "id"),
        Index("ix_cases_team_status_received", "team_id", "status", "received_on"),
        # The search box scans this narrow index rather than the whole table.
        Index("ix_cases_team_search", "team_id", "search_text"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)

    received_on: Mapped[date] = mapped_column(Date, index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("reference_items.id"), index=True)
    referrer_organisation: Mapped[str] = mapped_column(String(160), default="")
    referrer_name: Mapped[str] = mapped_column(String(120), default="")
    referrer_contact: Mapped[str] = mapped_column(String(160), default="")

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    territory_id: Mapped[int | None] = mapped_column(ForeignKey("reference_items.id"),
                                                     index=True)
    street: Mapped[str] = mapped_column(String(200))
    building: Mapped[str] = mapped_column(String(60), default="")
    staircase: Mapped[str] = mapped_column(String(30), default="")
    floor: Mapped[str] = mapped_column(String(30), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    city: Mapped[str] = mapped_column(String(80))
    # Street, postcode and city without accents, case or punctuation: finds repeat conflicts.
    address_key: Mapped[str] = mapped_column(String(300), index=True)

    description: Mapped[str] = mapped_column(Text)
    urgency: Mapped[str] = mapped_column(String(10), default="normal")
    violence_or_threats: Mapped[bool] = mapped_column(default=False)
    legal_proceedings: Mapped[bool] = mapped_column(default=False)
    eligibility_note: Mapped[str] = mapped_column(Text, default="")

    status: Mapped[str] = mapped_column(String(16), default=workflow.REFERRAL, index=True)
    outcome: Mapped[str | None] = mapped_column(String(32))
    closed_on: Mapped[date | None] = mapped_column(Date)
    referred_to_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    closing_summary: Mapped[str] = mapped_column(Text, default="")

    lead_mediator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    co_mediator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)

    # Reference, parties' names and address, lower-case and without accents: the search box.
    search_text: Mapped[str] = mapped_column(Text, default="")

    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = mapped_column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    # Optimistic locking: a save based on an older version is refused, never overwrites.
    version: Mapped[int] = mapped_column(Integer, default=1)

    source: Mapped[ReferenceItem] = relationship(foreign_keys=[source_id])
    territory: Mapped[ReferenceItem | None] = relationship(foreign_keys=[territory_id])
    team: Mapped[Team] = relationship()
    categories: Mapped[list[ReferenceItem]] = relationship(
        secondary=case_categories, order_by=ReferenceItem.position)
    lead_mediator: Mapped[User | None] = relationship(foreign_keys=[lead_mediator_id])
    co_mediator: Mapped[User | None] = relationship(foreign_keys=[co_mediator_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    referred_to: Mapped[Partner | None] = relationship()
    parties: Mapped[list["Party"]] = relationship(
        back_populates="case", order_by="Party.id", cascade="all, delete-orphan")
    events: Mapped[list["TimelineEvent"]] = relationship(
        back_populates="case", order_by="TimelineEvent.id", viewonly=True)

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self):
        return f"<Case {self.reference}>"

    @property
    def is_open(self) -> bool:
        return self.status != workflow.CLOSED

    @property
    def mediator_ids(self) -> set[int]:
        return {i for i in (self.lead_mediator_id, self.co_mediator_id) if i}

    @property
    def address_line(self) -> str:
        details = ", ".join(x for x in (self.building, self.staircase, self.floor) if x)
        place = f"{self.postcode} {self.city}".strip()
        return ", ".join(x for x in (self.street, details, place) if x)

    def age_in_days(self, today=None) -> int:
        return ((today or date.today()) - self.received_on).days


PARTY_ROLES = ("complainant", "respondent", "other")
PARTY_KINDS = ("person", "household")
CIVILITIES = ("", "mme", "m")
CONSENTS = ("unknown", "given", "refused")
CONSENT_METHODS = ("", "phone", "in_person", "letter", "email")
LANGUAGES = ("fr", "en", "ar", "es", "pt", "it", "tr", "ro", "ru", "other")


class Party(db.Model):
    """A person or household taking part in a case (partie): complainant (demandeur),
    respondent (mis en cause — « l'autre partie » in documents) or another party."""

    __tablename__ = "parties"
    __table_args__ = (
        CheckConstraint(_in("role", PARTY_ROLES), name="role_known"),
        CheckConstraint(_in("kind", PARTY_KINDS), name="kind_known"),
        CheckConstraint(_in("civility", CIVILITIES), name="civility_known"),
        CheckConstraint(_in("consent", CONSENTS), name="consent_known"),
        CheckConstraint(_in("consent_method", CONSENT_METHODS), name="consent_method_known"),
        CheckConstraint(_in("language", LANGUAGES), name="language_known"),
        CheckConstraint("length(last_name) > 0", name="last_name_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"),
                                         index=True)
    role: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16), default="person")
    civility: Mapped[str] = mapped_column(String(4), default="")
    first_name: Mapped[str] = mapped_column(String(80), default="")
    last_name: Mapped[str] = mapped_column(String(80))
    street: Mapped[str] = mapped_column(String(200), default="")
    building: Mapped[str] = mapped_column(String(60), default="")
    staircase: Mapped[str] = mapped_column(String(30), default="")
    floor: Mapped[str] = mapped_column(String(30), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    city: Mapped[str] = mapped_column(String(80), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    language: Mapped[str] = mapped_column(String(8), default="fr")
    consent: Mapped[str] = mapped_column(String(10), default="unknown")
    consent_on: Mapped[date | None] = mapped_column(Date)
    consent_method: Mapped[str] = mapped_column(String(16), default="")

    # Name and address without accents or case: the same people across cases.
    name_key: Mapped[str] = mapped_column(String(170), index=True)
    address_key: Mapped[str] = mapped_column(String(300), index=True)

    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    case: Mapped[Case] = relationship(back_populates="parties")

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self):
        return f"<Party {self.id}>"

    @property
    def display_name(self) -> str:
        return " ".join(x for x in (self.first_name, self.last_name) if x)

    @property
    def address_line(self) -> str:
        details = ", ".join(x for x in (self.building, self.staircase, self.floor) if x)
        place = f"{self.postcode} {self.city}".strip()
        return ", ".join(x for x in (self.street, details, place) if x)


class TimelineEvent(db.Model):
    """One dated, attributed step in a case's history. Append-only: never changed or
    deleted (the ORM refuses, see below)."""

    __tablename__ = "timeline_events"
    __table_args__ = (Index("ix_timeline_events_case_at", "case_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(32))
    # What changed: [{"field": "status", "old": "referral", "new": "assigned"}, …]
    changes: Mapped[list] = mapped_column(db.JSON, default=list)
    reason: Mapped[str] = mapped_column(Text, default="")

    case: Mapped[Case] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()

    def __repr__(self):
        return f"<TimelineEvent {self.id} {self.kind}>"


@event.listens_for(TimelineEvent, "before_update")
def _timeline_is_append_only(mapper, connection, target):
    raise RuntimeError("timeline events are append-only")


@event.listens_for(TimelineEvent, "before_delete")
def _timeline_is_never_deleted(mapper, connection, target):
    raise RuntimeError("timeline events are append-only")


# — Interventions and round tables ————————————————————————————————————————————

INTERVENTION_KINDS = ("phone", "home_visit", "office", "door_to_door", "letter_email",
                      "partner_meeting")
ROUND_TABLE_STATUSES = ("scheduled", "held", "postponed", "cancelled")
ROUND_TABLE_OUTCOMES = ("agreement", "partial_agreement", "no_agreement", "another_session")

intervention_mediators = Table(
    "intervention_mediators", db.metadata,
    Column("intervention_id", ForeignKey("interventions.id", ondelete="CASCADE"),
           primary_key=True),
    Column("user_id", ForeignKey("users.id"), primary_key=True, index=True),
)
intervention_parties = Table(
    "intervention_parties", db.metadata,
    Column("intervention_id", ForeignKey("interventions.id", ondelete="CASCADE"),
           primary_key=True),
    Column("party_id", ForeignKey("parties.id", ondelete="CASCADE"), primary_key=True),
)
round_table_mediators = Table(
    "round_table_mediators", db.metadata,
    Column("round_table_id", ForeignKey("round_tables.id", ondelete="CASCADE"),
           primary_key=True),
    Column("user_id", ForeignKey("users.id"), primary_key=True, index=True),
)
round_table_invited = Table(
    "round_table_invited", db.metadata,
    Column("round_table_id", ForeignKey("round_tables.id", ondelete="CASCADE"),
           primary_key=True),
    Column("party_id", ForeignKey("parties.id", ondelete="CASCADE"), primary_key=True),
)
round_table_attended = Table(
    "round_table_attended", db.metadata,
    Column("round_table_id", ForeignKey("round_tables.id", ondelete="CASCADE"),
           primary_key=True),
    Column("party_id", ForeignKey("parties.id", ondelete="CASCADE"), primary_key=True),
)


class MeetingPlace(db.Model):
    """A room or place where round tables are held (the association's meeting room, a
    community centre, the landlord's office), kept by an administrator."""

    __tablename__ = "meeting_places"
    __table_args__ = (CheckConstraint("length(name) > 0", name="name_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    address: Mapped[str] = mapped_column(String(250), default="")
    active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self):
        return f"<MeetingPlace {self.id}>"


class Intervention(db.Model):
    """One contact made on a case (intervention): a phone call, a home visit… The unit the
    association counts and reports to its funders."""

    __tablename__ = "interventions"
    __table_args__ = (
        CheckConstraint(_in("kind", INTERVENTION_KINDS), name="kind_known"),
        CheckConstraint("duration_minutes > 0 AND duration_minutes <= 600",
                        name="duration_range"),
        Index("ix_interventions_case_at", "case_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    at = mapped_column(UTCDateTime, nullable=False, index=True)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(String(500))
    # Read only by the case's mediators and their managers (permissions: read_confidential).
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    # Corrections check it: two people correcting the same contact see each other's change.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    case: Mapped[Case] = relationship()
    mediators: Mapped[list[User]] = relationship(secondary=intervention_mediators,
                                                 order_by=User.full_name)
    parties: Mapped[list[Party]] = relationship(secondary=intervention_parties,
                                                order_by=Party.id)

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self):
        return f"<Intervention {self.id}>"


class RoundTable(db.Model):
    """A round table (table ronde): the parties meet with the mediators on neutral
    ground. Scheduled, then recorded: held, postponed or cancelled, with its outcome."""

    __tablename__ = "round_tables"
    __table_args__ = (
        CheckConstraint(_in("status", ROUND_TABLE_STATUSES), name="status_known"),
        CheckConstraint(f"outcome IS NULL OR {_in('outcome', ROUND_TABLE_OUTCOMES)}",
                        name="outcome_known"),
        CheckConstraint("duration_minutes > 0 AND duration_minutes <= 600",
                        name="duration_range"),
        CheckConstraint("place_id IS NOT NULL OR length(place_text) > 0", name="has_place"),
        Index("ix_round_tables_starts_at", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"),
                                         index=True)
    starts_at = mapped_column(UTCDateTime, nullable=False)
    ends_at = mapped_column(UTCDateTime, nullable=False)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    place_id: Mapped[int | None] = mapped_column(ForeignKey("meeting_places.id"), index=True)
    place_text: Mapped[str] = mapped_column(String(250), default="")
    status: Mapped[str] = mapped_column(String(12), default="scheduled")
    status_reason: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str | None] = mapped_column(String(20))
    # Confidential, like intervention notes.
    minutes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    case: Mapped[Case] = relationship()
    place: Mapped[MeetingPlace | None] = relationship()
    mediators: Mapped[list[User]] = relationship(secondary=round_table_mediators,
                                                 order_by=User.full_name)
    invited: Mapped[list[Party]] = relationship(secondary=round_table_invited,
                                                order_by=Party.id)
    attended: Mapped[list[Party]] = relationship(secondary=round_table_attended,
                                                 order_by=Party.id)

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self):
        return f"<RoundTable {self.id}>"

    @property
    def place_label(self) -> str:
        if self.place is not None:
            return ", ".join(x for x in (self.place.name, self.place.address) if x)
        return self.place_text
