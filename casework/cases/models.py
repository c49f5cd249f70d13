"""Cases (dossiers), their parties, their timeline, and what their closure records."""
from datetime import date

from sqlalchemy import (DDL, CheckConstraint, Column, Date, ForeignKey, Index, Integer, String,
                        Table, Text, UniqueConstraint, column, event, select, table)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import Team, User
from ..extensions import db
from ..core.clock import today as clock_today
from ..core.clock import utcnow
from ..core.columns import UTCDateTime, one_of
from ..reference.models import Partner, ReferenceItem
from . import workflow

case_categories = Table(
    "case_categories",
    db.metadata,
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("category_id", ForeignKey("reference_items.id"), primary_key=True, index=True),
)

URGENCIES = ("low", "normal", "high")


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
        CheckConstraint(one_of("status", workflow.STATUSES), name="status_known"),
        CheckConstraint(one_of("urgency", URGENCIES), name="urgency_known"),
        CheckConstraint(f"outcome IS NULL OR {one_of('outcome', workflow.OUTCOMES)}",
                        name="outcome_known"),
        CheckConstraint("(status = 'closed') = (outcome IS NOT NULL)",
                        name="closed_has_outcome"),
        CheckConstraint("co_mediator_id IS NULL OR co_mediator_id <> lead_mediator_id",
                        name="two_different_mediators"),
        CheckConstraint("length(description) > 0", name="description_not_empty"),
        # The lists: a team's cases, newest first, and by status.
        Index("ix_cases_team_received", "team_id", "received_on", "id"),
        Index("ix_cases_team_status_received", "team_id", "status", "received_on"),
        # The search box: on PostgreSQL a trigram index of the search text serves every
        # word typed (LIKE '%word%'); on SQLite the FTS5 table cases_search below.
        Index("ix_cases_search_trgm", "search_text", postgresql_using="gin",
              postgresql_ops={"search_text": "gin_trgm_ops"}).ddl_if(dialect="postgresql"),
        # The reports: a team's cases closed over a period; a mediator's open cases.
        Index("ix_cases_team_closed", "team_id", "closed_on"),
        Index("ix_cases_lead_status", "lead_mediator_id", "status"),
        Index("ix_cases_co_status", "co_mediator_id", "status"),
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

    lead_mediator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    co_mediator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    # Reference, parties' names and address, lower-case and without accents: the search box.
    search_text: Mapped[str] = mapped_column(Text, default="")

    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = mapped_column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    # Optimistic locking: a save based on an older version is refused, never overwrites.
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Anonymised (retention, or at a person's request): names, contacts, free text and
    # documents gone; the rows stay, so that every figure is unchanged.
    anonymised_at = mapped_column(UTCDateTime, nullable=True)
    anonymised_reason: Mapped[str] = mapped_column(String(300), default="")

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

    def age_in_days(self, today=None) -> int:
        return ((today or clock_today()) - self.received_on).days


PARTY_ROLES = ("complainant", "respondent", "other")
PARTY_KINDS = ("person", "household")
CIVILITIES = ("", "mme", "m")
# "withdrawn": given, then taken back (consent_on and consent_method say when and how).
CONSENTS = ("unknown", "given", "refused", "withdrawn")
CONSENT_METHODS = ("", "phone", "in_person", "letter", "email")
LANGUAGES = ("fr", "en", "ar", "es", "pt", "it", "tr", "ro", "ru", "other")
# The languages Casework writes the parties' letters in (meetings/invitation.py); the
# organisation chooses those it offers (the LETTER_LANGUAGES setting).
LETTER_LANGUAGES = ("fr", "en", "ar")


# The search box's index. PostgreSQL: the trigram index above, whose operator class the
# pg_trgm extension gives. SQLite: an FTS5 table of trigrams over cases.search_text
# (external content: it holds the index, not a copy of the text), kept in step by
# triggers whoever writes the column. Not a model: the list queries it by this name.
# The same statements are in migration 0014.
SEARCH_INDEX_TABLE = "cases_search"
cases_search = table(SEARCH_INDEX_TABLE, column("rowid", Integer), column("search_text", Text))
POSTGRESQL_SEARCH = ("CREATE EXTENSION IF NOT EXISTS pg_trgm",)
SQLITE_SEARCH = (
    "CREATE VIRTUAL TABLE cases_search USING fts5(search_text, content='cases', "
    "content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER cases_search_insert AFTER INSERT ON cases BEGIN "
    "INSERT INTO cases_search (rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER cases_search_delete AFTER DELETE ON cases BEGIN "
    "INSERT INTO cases_search (cases_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER cases_search_update AFTER UPDATE OF search_text ON cases BEGIN "
    "INSERT INTO cases_search (cases_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO cases_search (rowid, search_text) VALUES (new.id, new.search_text); END",
)

for _statement in POSTGRESQL_SEARCH:
    event.listen(Case.__table__, "before_create",
                 DDL(_statement).execute_if(dialect="postgresql"))
for _statement in SQLITE_SEARCH:
    event.listen(Case.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
event.listen(Case.__table__, "before_drop",
             DDL("DROP TABLE IF EXISTS cases_search").execute_if(dialect="sqlite"))


def compared_with_models(dialect: str, object_, name, type_, reflected, compare_to) -> bool:
    """Whether Alembic's comparison of the database with the models looks at this object
    (``include_object``): not SQLite's FTS5 tables, which no model declares, nor an index
    declared for another database (``Index.ddl_if``)."""
    if type_ == "table" and reflected and (name or "").startswith(SEARCH_INDEX_TABLE):
        return False
    if type_ == "index" and not reflected:
        condition = getattr(object_, "_ddl_if", None)
        if condition is not None and condition.dialect and condition.dialect != dialect:
            return False
    return True


class Party(db.Model):
    """A person or household taking part in a case (partie): complainant (demandeur),
    respondent (mis en cause — « l'autre partie » in documents) or another party."""

    __tablename__ = "parties"
    __table_args__ = (
        CheckConstraint(one_of("role", PARTY_ROLES), name="role_known"),
        CheckConstraint(one_of("kind", PARTY_KINDS), name="kind_known"),
        CheckConstraint(one_of("civility", CIVILITIES), name="civility_known"),
        CheckConstraint(one_of("consent", CONSENTS), name="consent_known"),
        CheckConstraint(one_of("consent_method", CONSENT_METHODS), name="consent_method_known"),
        CheckConstraint(one_of("language", LANGUAGES), name="language_known"),
        # The related-cases lookups read these alone (index-only): the case of each
        # namesake or neighbour, without a visit to every party row (on a million cases, a
        # common name is thousands of rows).
        Index("ix_parties_name_case", "name_key", "case_id", "address_key"),
        Index("ix_parties_address_case", "address_key", "case_id", "name_key"),
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
    name_key: Mapped[str] = mapped_column(String(170))
    address_key: Mapped[str] = mapped_column(String(300))

    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Erased at the person's request, or with the whole case (see Case.anonymised_at).
    anonymised_at = mapped_column(UTCDateTime, nullable=True)

    case: Mapped[Case] = relationship(back_populates="parties")

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self):
        return f"<Party {self.id}>"

    @property
    def display_name(self) -> str:
        return " ".join(x for x in (self.first_name, self.last_name) if x)


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


# — Referrals to partners and the satisfaction survey ———————————————————————————

REFERRAL_STAGES = ("intake", "case", "closure", "field")
TAKE_UPS = ("unknown", "yes", "no")


class PartnerReferral(db.Model):
    """Residents put in touch with a partner (mise en relation): at intake (a referral that
    is not for mediation), during a case, at its closure, or during a field activity (then
    it belongs to the activity, not to a case). Whether the residents took it up is checked
    later by a mediator."""

    __tablename__ = "partner_referrals"
    __table_args__ = (
        CheckConstraint(one_of("stage", REFERRAL_STAGES), name="stage_known"),
        CheckConstraint(one_of("taken_up", TAKE_UPS), name="taken_up_known"),
        CheckConstraint("(case_id IS NULL) <> (field_activity_id IS NULL)",
                        name="case_or_field_activity"),
        CheckConstraint("(stage = 'field') = (field_activity_id IS NOT NULL)",
                        name="field_stage_has_activity"),
        CheckConstraint("taken_up_on IS NULL OR taken_up_on >= referred_on",
                        name="taken_up_after_referral"),
        # The counts: a team's referrals over a period.
        Index("ix_partner_referrals_team_on", "team_id", "referred_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"),
                                                index=True)
    field_activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("field_activities.id", ondelete="CASCADE"), index=True)
    # The case's or the activity's team, kept here so that counts need no join.
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"), index=True)
    reason_id: Mapped[int | None] = mapped_column(ForeignKey("reference_items.id"), index=True)
    # A few words of detail (never a resident's name).
    reason: Mapped[str] = mapped_column(String(500), default="")
    referred_on: Mapped[date] = mapped_column(Date)
    stage: Mapped[str] = mapped_column(String(12), default="case")
    made_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    taken_up: Mapped[str] = mapped_column(String(8), default="unknown")
    taken_up_on: Mapped[date | None] = mapped_column(Date)
    taken_up_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    partner: Mapped[Partner] = relationship()
    reason_item: Mapped[ReferenceItem | None] = relationship()
    team: Mapped[Team] = relationship()
    made_by: Mapped[User | None] = relationship(foreign_keys=[made_by_id])
    taken_up_by: Mapped[User | None] = relationship(foreign_keys=[taken_up_by_id])

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self):
        return f"<PartnerReferral {self.id}>"


SCALE = (1, 2, 3, 4)
# The questions, each answered on its own on a four-point scale (3 and 4 count as yes in
# the figures). ``useful``: is social mediation useful or necessary for you (1 not useful,
# 2 hardly, 3 useful, 4 necessary)? ``effect``: asked of the referring partner only, did
# the mediation have an effect on its users' satisfaction?
SURVEY_QUESTIONS = ("useful", "satisfied", "recommend", "effect")


class SatisfactionAnswer(db.Model):
    """The satisfaction survey of one respondent: a party, or the referring partner
    (``party_id`` empty), at closure or later. A question not asked stays empty."""

    __tablename__ = "satisfaction_answers"
    __table_args__ = (
        *(CheckConstraint(f"{q} IS NULL OR {q} BETWEEN 1 AND 4", name=f"{q}_scale")
          for q in SURVEY_QUESTIONS),
        CheckConstraint(" OR ".join(f"{q} IS NOT NULL" for q in SURVEY_QUESTIONS),
                        name="something_answered"),
        CheckConstraint("effect IS NULL OR party_id IS NULL", name="effect_asked_of_partner"),
        Index("ix_satisfaction_answers_on", "answered_on"),
        # The reports: a period's answers in some teams, without the cases table.
        Index("ix_satisfaction_answers_team_on", "team_id", "answered_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"),
                                         index=True)
    party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"))  # None: referrer
    # The case's team, copied for the reports (see carries_its_case_team).
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    useful: Mapped[int | None] = mapped_column(Integer)
    satisfied: Mapped[int | None] = mapped_column(Integer)
    recommend: Mapped[int | None] = mapped_column(Integer)
    effect: Mapped[int | None] = mapped_column(Integer)
    answered_on: Mapped[date] = mapped_column(Date, default=clock_today)
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    party: Mapped[Party | None] = relationship()

    @property
    def from_referrer(self) -> bool:
        return self.party_id is None


def carries_its_case_team(model):
    """Rows that keep a copy of their case's team, so that the reports find a period's
    rows of some teams by one index, never joining the whole cases table: filled at insert
    from the case when the writer did not set it. A case moved to another team takes them
    along (cases.operations.update_case, meetings.models)."""

    @event.listens_for(model, "before_insert")
    def _team_of_the_case(_mapper, connection, row):
        if row.team_id is None:
            case = row.__dict__.get("case")
            row.team_id = (case.team_id if case is not None and case.team_id is not None
                           else connection.scalar(select(Case.team_id)
                                                  .where(Case.id == row.case_id)))
    return model


carries_its_case_team(SatisfactionAnswer)
