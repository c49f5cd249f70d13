"""Reference lists. Items are never deleted once used: they are deactivated, so that old
cases keep their labels."""
from flask_babel import get_locale
from sqlalchemy import Boolean, CheckConstraint, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.columns import one_of
from ..extensions import db

SOURCE, CATEGORY, TERRITORY = "source", "category", "territory"
# Kinds of field activity (présence active de proximité, atelier…) and the reasons a
# resident is put in touch with a partner (mise en relation).
ACTIVITY, REFERRAL_REASON = "activity", "referral_reason"
KINDS = (SOURCE, CATEGORY, TERRITORY, ACTIVITY, REFERRAL_REASON)


class Labelled:
    """French and English labels; ``label`` is the one for the current language."""

    @property
    def label(self) -> str:
        language = str(get_locale() or "fr")[:2]
        return (self.label_en if language == "en" else self.label_fr) or self.label_fr


class ReferenceItem(Labelled, db.Model):
    """One entry of a reference list: a referral source (bailleur social, mairie…),
    a category of dispute (bruit, odeurs…), a territory (quartier, arrondissement), a kind
    of field activity or a reason for referring residents to a partner."""

    __tablename__ = "reference_items"
    __table_args__ = (
        UniqueConstraint("kind", "code", name="uq_reference_items_kind_code"),
        CheckConstraint(one_of("kind", KINDS), name="kind_known"),
        CheckConstraint("length(label_fr) > 0", name="label_fr_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    code: Mapped[str] = mapped_column(String(40))
    label_fr: Mapped[str] = mapped_column(String(120))
    label_en: Mapped[str] = mapped_column(String(120))
    # Territories: the city they belong to (Lyon, Saint-Étienne…).
    city: Mapped[str | None] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __repr__(self):
        return f"<ReferenceItem {self.kind}:{self.code}>"


class Partner(db.Model):
    """A partner organisation cases are referred to or come from (conciliateur de justice,
    social services, a landlord, the police, legal aid…)."""

    __tablename__ = "partners"
    __table_args__ = (CheckConstraint("length(name) > 0", name="name_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    kind_fr: Mapped[str] = mapped_column(String(120), default="")
    kind_en: Mapped[str] = mapped_column(String(120), default="")
    address: Mapped[str] = mapped_column(String(250), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    @property
    def kind_label(self) -> str:
        language = str(get_locale() or "fr")[:2]
        return (self.kind_en if language == "en" else self.kind_fr) or self.kind_fr

    def __repr__(self):
        return f"<Partner {self.id}>"


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
