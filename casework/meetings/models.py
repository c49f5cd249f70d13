"""Interventions (every contact made on a case) and round tables (tables rondes)."""
from sqlalchemy import (CheckConstraint, Column, ForeignKey, Index, Integer, String, Table, Text,
                        event, inspect, update)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import User
from ..cases.models import Case, Party, carries_its_case_team
from ..core.clock import utcnow
from ..core.columns import UTCDateTime, one_of
from ..extensions import db
from ..reference.models import MeetingPlace

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


class Intervention(db.Model):
    """One contact made on a case (intervention): a phone call, a home visit… The unit the
    association counts and reports to its funders."""

    __tablename__ = "interventions"
    __table_args__ = (
        CheckConstraint(one_of("kind", INTERVENTION_KINDS), name="kind_known"),
        CheckConstraint("duration_minutes > 0 AND duration_minutes <= 600",
                        name="duration_range"),
        Index("ix_interventions_case_at", "case_id", "at"),
        # The reports: a period's interventions in some teams, without the cases table.
        Index("ix_interventions_team_at", "team_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    # The case's team, copied for the reports (see cases.models.carries_its_case_team).
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
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


carries_its_case_team(Intervention)


@event.listens_for(Case, "after_update")
def _contacts_follow_their_case(_mapper, connection, case):
    """A case moved to another team takes its interventions and round tables along (their
    copy of the team is what the reports count them by), in the same flush."""
    if inspect(case).attrs.team_id.history.has_changes():
        for table in (Intervention.__table__, RoundTable.__table__):
            connection.execute(update(table).where(table.c.case_id == case.id)
                               .values(team_id=case.team_id))


class RoundTable(db.Model):
    """A round table (table ronde): the parties meet with the mediators on neutral
    ground. Scheduled, then recorded: held, postponed or cancelled, with its outcome."""

    __tablename__ = "round_tables"
    __table_args__ = (
        CheckConstraint(one_of("status", ROUND_TABLE_STATUSES), name="status_known"),
        CheckConstraint(f"outcome IS NULL OR {one_of('outcome', ROUND_TABLE_OUTCOMES)}",
                        name="outcome_known"),
        CheckConstraint("duration_minutes > 0 AND duration_minutes <= 600",
                        name="duration_range"),
        CheckConstraint("place_id IS NOT NULL OR length(place_text) > 0", name="has_place"),
        Index("ix_round_tables_starts_at", "starts_at"),
        # The reports: a period's round tables in some teams, without the cases table.
        Index("ix_round_tables_team_starts", "team_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"),
                                         index=True)
    # The case's team, copied for the reports (see cases.models.carries_its_case_team).
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
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
    # The calendar's SEQUENCE (RFC 5545): raised at each new date, place or mediators and at
    # a cancellation, so that a calendar replaces the event it already holds.
    sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # When rescheduled: the date this one replaces (the « nouvelle date » letter names it).
    replaces_starts_at = mapped_column(UTCDateTime, nullable=True)

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


carries_its_case_team(RoundTable)
