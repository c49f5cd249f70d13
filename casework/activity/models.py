"""A field activity (action de terrain) and its mediators. People met are counts, never
names: a presence round records the individual contacts made, a workshop the number of
participants."""
from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import Team, User
from ..cases.models import PartnerReferral
from ..core.clock import utcnow
from ..core.columns import UTCDateTime, one_of
from ..extensions import db
from ..reference.models import ReferenceItem

# ``individual``: each person met is one intervention (a presence round, a phone campaign);
# ``collective``: the activity is one intervention with N participants (a workshop).
MODES = ("individual", "collective")
MAX_PEOPLE = 5000
MAX_MINUTES = 12 * 60

field_activity_mediators = Table(
    "field_activity_mediators", db.metadata,
    Column("field_activity_id", ForeignKey("field_activities.id", ondelete="CASCADE"),
           primary_key=True),
    Column("user_id", ForeignKey("users.id"), primary_key=True, index=True),
)


def interventions_for(mode: str, people_met: int) -> int:
    """How many interventions an activity counts for: one per person met individually;
    one for a collective activity, or for an activity that met nobody (a watch report)."""
    return people_met if mode == "individual" and people_met > 0 else 1


class FieldActivity(db.Model):
    __tablename__ = "field_activities"
    __table_args__ = (
        CheckConstraint(one_of("mode", MODES), name="mode_known"),
        CheckConstraint(f"duration_minutes > 0 AND duration_minutes <= {MAX_MINUTES}",
                        name="duration_range"),
        CheckConstraint(f"people_met >= 0 AND people_met <= {MAX_PEOPLE}",
                        name="people_met_range"),
        CheckConstraint("mode = 'individual' OR people_met > 0",
                        name="collective_has_participants"),
        CheckConstraint("interventions >= 1", name="counts_at_least_one"),
        # The figures: a team's activities over a period.
        Index("ix_field_activities_team_at", "team_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind_id: Mapped[int] = mapped_column(ForeignKey("reference_items.id"), index=True)
    at = mapped_column(UTCDateTime, nullable=False, index=True)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    territory_id: Mapped[int | None] = mapped_column(ForeignKey("reference_items.id"),
                                                     index=True)
    # Where, in a few words: "Bureau de poste Mermoz", "École Pasteur, CM2".
    place: Mapped[str] = mapped_column(String(200), default="")
    mode: Mapped[str] = mapped_column(String(12), default="individual")
    people_met: Mapped[int] = mapped_column(Integer, default=0)
    # Set by the operations from mode and people_met (interventions_for): summed in SQL.
    interventions: Mapped[int] = mapped_column(Integer, default=1)
    # What was done; no resident's name (the form says so).
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    kind: Mapped[ReferenceItem] = relationship(foreign_keys=[kind_id])
    territory: Mapped[ReferenceItem | None] = relationship(foreign_keys=[territory_id])
    team: Mapped[Team] = relationship()
    created_by: Mapped[User] = relationship()
    mediators: Mapped[list[User]] = relationship(secondary=field_activity_mediators,
                                                 order_by=User.full_name)
    referrals: Mapped[list[PartnerReferral]] = relationship(
        order_by=PartnerReferral.id, cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self):
        return f"<FieldActivity {self.id}>"
