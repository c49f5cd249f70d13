"""What the director writes for the annual activity report, kept with its year across
regenerations of the document."""
from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.clock import utcnow
from ..core.columns import UTCDateTime, one_of
from ..extensions import db

# A word from the director, the year's projects, the perspectives for the next.
SECTIONS = ("director_word", "projects", "perspectives")


class AnnualReportText(db.Model):
    __tablename__ = "annual_report_texts"
    __table_args__ = (
        UniqueConstraint("year", "section", name="uq_annual_report_texts_year_section"),
        CheckConstraint(one_of("section", SECTIONS), name="section_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    section: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at = mapped_column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
