"""Agreement protocols (protocoles d'accord), their commitments, the standard clauses they
are drafted from, and the follow-up checks after signature."""
from datetime import date

from sqlalchemy import (CheckConstraint, Date, ForeignKey, Index, Integer, LargeBinary, String,
                        Text, UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..cases.models import Case, Party
from ..extensions import db
from ..core.clock import utcnow
from ..core.columns import UTCDateTime
from ..auth.models import User
from ..reference.models import ReferenceItem

AGREEMENT_STATUSES = ("draft", "signed", "superseded")
# "fr-en": bilingual, French and English side by side, the French text authoritative
# (the first language of the code is the authoritative one; the second is its translation).
LANGUAGES = ("fr", "en", "fr-en")
RESULTS = ("kept", "partly_kept", "not_kept")
SCALE = (1, 2, 3, 4)  # 1 not at all … 4 fully


class ClauseTemplate(db.Model):
    """A standard commitment, per dispute category, that managers keep
    (« ne pas faire de bruit après 22 h »). Picked when drafting, then adjusted."""

    __tablename__ = "clause_templates"
    __table_args__ = (CheckConstraint("length(text_fr) > 0", name="text_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("reference_items.id"),
                                                    index=True)
    joint: Mapped[bool] = mapped_column(default=False)
    text_fr: Mapped[str] = mapped_column(String(500))
    text_en: Mapped[str] = mapped_column(String(500), default="")
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    category: Mapped[ReferenceItem | None] = relationship()

    def text(self, language):
        return (self.text_en if language == "en" else self.text_fr) or self.text_fr


class Agreement(db.Model):
    """One version of a case's agreement protocol. A draft is edited; once signed it is
    frozen (its document stored with its SHA-256); a change after signature is a new
    version (amendment), the earlier one kept."""

    __tablename__ = "agreements"
    __table_args__ = (
        UniqueConstraint("case_id", "number", name="uq_agreements_case_number"),
        CheckConstraint("status IN ('draft', 'signed', 'superseded')", name="status_known"),
        CheckConstraint("language IN ('fr', 'en', 'fr-en')", name="language_known"),
        # The signed bytes' hash stays when retention deletes the document itself.
        CheckConstraint("status = 'draft' OR sha256 IS NOT NULL", name="signed_has_document"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"),
                                         index=True)
    number: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(12), default="draft")
    language: Mapped[str] = mapped_column(String(5), default="fr")
    meeting_date: Mapped[date | None] = mapped_column(Date)
    meeting_place: Mapped[str] = mapped_column(String(250), default="")
    account: Mapped[str] = mapped_column(Text, default="")
    # A bilingual agreement's English translation of the account (the French is ``account``).
    account_en: Mapped[str] = mapped_column(Text, default="")
    follow_up_weeks: Mapped[int] = mapped_column(Integer, default=4)
    follow_up_on: Mapped[date | None] = mapped_column(Date)
    signed_on: Mapped[date | None] = mapped_column(Date)
    signed_place: Mapped[str] = mapped_column(String(120), default="")
    # Who signed: [{"name": "Mme Hélène Dupont", "kind": "party"}, …]
    signatories: Mapped[list] = mapped_column(db.JSON, default=list)
    # The signing copy: prepared with its place, date, follow-up date and signatories,
    # downloaded and printed; marking it signed freezes exactly these bytes. ``snapshot``
    # is the data it was built from, shown as "as signed" (never the case as it is later).
    signing_copy: Mapped[bytes | None] = mapped_column(LargeBinary)
    signing_sha256: Mapped[str | None] = mapped_column(String(64))
    prepared_at = mapped_column(UTCDateTime, nullable=True)
    snapshot: Mapped[dict | None] = mapped_column(db.JSON)
    document: Mapped[bytes | None] = mapped_column(LargeBinary)
    sha256: Mapped[str | None] = mapped_column(String(64))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    signed_at = mapped_column(UTCDateTime, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    case: Mapped[Case] = relationship()
    commitments: Mapped[list["Commitment"]] = relationship(
        back_populates="agreement", order_by="Commitment.position",
        cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self):
        return f"<Agreement {self.id} v{self.number}>"


class Commitment(db.Model):
    """A numbered commitment: a party's own (« Mme Dupont s'engage à … ») or joint
    (``party_id`` empty: « Les parties s'engagent à … »)."""

    __tablename__ = "commitments"
    __table_args__ = (CheckConstraint("length(text) > 0", name="text_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"),
                                              index=True)
    party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(String(500))
    # A bilingual agreement's English translation ("" until written; ``text`` is French).
    text_en: Mapped[str] = mapped_column(String(500), default="")

    agreement: Mapped[Agreement] = relationship(back_populates="commitments")
    party: Mapped[Party | None] = relationship()


class FollowUp(db.Model):
    """The check, about a month after signature, that the commitments are kept (suivi)."""

    __tablename__ = "follow_ups"
    __table_args__ = (Index("ix_follow_ups_due", "done_at", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"),
                                         index=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id", ondelete="CASCADE"))
    due_on: Mapped[date] = mapped_column(Date)
    done_at = mapped_column(UTCDateTime, nullable=True)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")

    case: Mapped[Case] = relationship()
    agreement: Mapped[Agreement] = relationship()
    results: Mapped[list["FollowUpResult"]] = relationship(cascade="all, delete-orphan")


class FollowUpResult(db.Model):
    __tablename__ = "follow_up_results"
    __table_args__ = (
        CheckConstraint("result IN ('kept', 'partly_kept', 'not_kept')", name="result_known"),
    )

    follow_up_id: Mapped[int] = mapped_column(ForeignKey("follow_ups.id", ondelete="CASCADE"),
                                              primary_key=True)
    commitment_id: Mapped[int] = mapped_column(ForeignKey("commitments.id"), primary_key=True)
    result: Mapped[str] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(String(500), default="")

    commitment: Mapped[Commitment] = relationship()



class AgreementScan(db.Model):
    """A scanned copy of a signed version, as uploaded. Every upload is kept, never
    changed; the newest one of a version is its current scan, and a replacement says why.
    The retention run deletes the bytes (``data``) but keeps the SHA-256, the size and
    who uploaded it when."""

    __tablename__ = "agreement_scans"
    __table_args__ = (
        UniqueConstraint("agreement_id", "number", name="uq_agreement_scans_agreement_number"),
        CheckConstraint("number = 1 OR length(reason) > 0", name="replacement_has_reason"),
        CheckConstraint("content_type IN ('application/pdf', 'image/png', 'image/jpeg')",
                        name="content_type_known"),
        CheckConstraint("size > 0", name="size_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("agreements.id", ondelete="CASCADE"), index=True)
    # 1 for the first upload of the version, 2 for its first replacement…
    number: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes | None] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text, default="")
    # Empty for the scans recorded before uploads were kept one by one (migration 0011).
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    agreement: Mapped[Agreement] = relationship()
    uploaded_by: Mapped[User | None] = relationship()

    def __repr__(self):
        return f"<AgreementScan {self.id} of agreement {self.agreement_id}>"
