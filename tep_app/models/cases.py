"""Cases: young people still Not Known, in an officer's queue, and the attempts to reach them."""
from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tep_app.models.base import Base

# Why a case opened; "officer_opened": an officer opened it from the young person's page.
CASE_REASONS = ("school_not_known", "no_school_answer", "lapsed", "conflict", "officer_opened")
# Why a case closed: an activity was found (by an officer, the school, a Year 12 roll or a match accepted
# on review), a September Guarantee status was given (by the school or an officer), they moved away,
# or the retention run anonymised them.
CLOSED_REASONS = ("activity_found", "school_answer", "moved_away", "school_roll", "match_accepted", "match_found",
                  "school_guarantee", "officer_guarantee", "anonymised")
CHANNELS = ("phone", "text", "email", "letter", "visit")
OUTCOMES = ("no_answer", "voicemail", "wrong_number", "spoke_young_person", "spoke_parent", "refused",
            "letter_sent", "returned_undelivered", "no_one_home", "card_left", "moved_away")


class Patch(Base):
    """A school or a district given to an officer by a manager."""

    __tablename__ = "patch"

    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    establishment_id: Mapped[int | None] = mapped_column(ForeignKey("establishment.id"), unique=True)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"), unique=True)

    officer: Mapped["StaffUser"] = relationship()  # noqa: F821


class Case(Base):
    __tablename__ = "case"

    id: Mapped[int] = mapped_column(primary_key=True)
    young_person_id: Mapped[int] = mapped_column(ForeignKey("young_person.id"))
    status: Mapped[str] = mapped_column(String(10), default="open")  # open, closed
    reason: Mapped[str] = mapped_column(String(20))
    establishment_id: Mapped[int | None] = mapped_column(ForeignKey("establishment.id"), index=True)
    collection_id: Mapped[int | None] = mapped_column(ForeignKey("collection.id"))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    # The year group the young person was in on the list that opened the case (queue filter).
    year_group: Mapped[int | None]
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Since when the young person's activity has been Not Known: the queue puts the longest first.
    not_known_since: Mapped[date] = mapped_column(Date)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    next_follow_up_on: Mapped[date | None] = mapped_column(Date, index=True)
    needs_letter_or_visit: Mapped[bool] = mapped_column(Boolean, default=False)
    closing_activity_id: Mapped[int | None] = mapped_column(ForeignKey("activity.id"))
    closed_reason: Mapped[str | None] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(default=1)

    young_person: Mapped["YoungPerson"] = relationship()  # noqa: F821
    officer: Mapped["StaffUser | None"] = relationship()  # noqa: F821
    establishment: Mapped["Establishment | None"] = relationship()  # noqa: F821
    attempts: Mapped[list["ContactAttempt"]] = relationship(
        back_populates="case", order_by="ContactAttempt.id.desc()"
    )

    __table_args__ = (
        # One open case per young person.
        Index("uq_case_open_young_person", "young_person_id", unique=True,
              postgresql_where=text("status = 'open'"), sqlite_where=text("status = 'open'")),
        Index("ix_case_officer_status", "officer_id", "status"),
        # Every case of a young person, open or closed (the case page's timeline).
        Index("ix_case_young_person_id", "young_person_id"),
    )
    __mapper_args__ = {"version_id_col": version}


class ContactAttempt(Base):
    __tablename__ = "contact_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    channel: Mapped[str] = mapped_column(String(10))
    used_value: Mapped[str | None] = mapped_column(String(254))  # the number or address used
    outcome: Mapped[str] = mapped_column(String(30))
    notes: Mapped[str | None] = mapped_column(Text)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    case: Mapped[Case] = relationship(back_populates="attempts")
