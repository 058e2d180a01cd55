"""The yearly calendar, collections and the per-school lists they are built into."""
from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tep_app.models.base import Base

COLLECTION_KINDS = ("leavers", "no-offer")


class CalendarDate(Base):
    """One dated step of an academic year's calendar (docs/design.md section 3), editable by an admin."""

    __tablename__ = "calendar_date"

    id: Mapped[int] = mapped_column(primary_key=True)
    academic_year: Mapped[int] = mapped_column(index=True)
    key: Mapped[str] = mapped_column(String(40))  # e.g. leavers_send, leavers_due, no_offer_send
    label: Mapped[str] = mapped_column(String(200))
    on: Mapped[date] = mapped_column(Date)

    __table_args__ = (UniqueConstraint("academic_year", "key"),)


class CalendarSetting(Base):
    """A number that goes with an academic year's calendar, editable by an admin: e.g. how many
    working days a school has to reply when its list is sent after the calendar's send date."""

    __tablename__ = "calendar_setting"

    id: Mapped[int] = mapped_column(primary_key=True)
    academic_year: Mapped[int] = mapped_column(index=True)
    key: Mapped[str] = mapped_column(String(40))
    value: Mapped[int]

    __table_args__ = (UniqueConstraint("academic_year", "key"),)


class SchoolHoliday(Base):
    """One school holiday of an academic year (Christmas, Easter, the summer ...), editable by an
    admin: reply periods, reminders and chasers count only the days outside them."""

    __tablename__ = "school_holiday"

    id: Mapped[int] = mapped_column(primary_key=True)
    academic_year: Mapped[int] = mapped_column(index=True)
    key: Mapped[str] = mapped_column(String(40))  # e.g. christmas, summer
    label: Mapped[str] = mapped_column(String(200))
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)

    __table_args__ = (UniqueConstraint("academic_year", "key"),)


class Collection(Base):
    __tablename__ = "collection"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    academic_year: Mapped[int]
    send_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    built_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    entries: Mapped[list["ListEntry"]] = relationship(back_populates="collection")

    __table_args__ = (UniqueConstraint("kind", "academic_year"),)

    @property
    def title(self) -> str:
        year = f"{self.academic_year}-{(self.academic_year + 1) % 100:02d}"
        if self.kind == "leavers":
            return f"Year 11 and 12 leaver destinations {year}"
        return f"September Guarantee: no recorded offer {year}"


class ListEntry(Base):
    """One young person on one school's list for a collection."""

    __tablename__ = "list_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[int] = mapped_column(ForeignKey("collection.id"))
    establishment_id: Mapped[int] = mapped_column(ForeignKey("establishment.id"))
    young_person_id: Mapped[int] = mapped_column(ForeignKey("young_person.id"), index=True)
    school_record_id: Mapped[int] = mapped_column(ForeignKey("school_record.id"))
    # Why the young person is on the list, for whoever asks ("no enrolment found", "possible match under review").
    reason: Mapped[str | None] = mapped_column(Text)

    collection: Mapped[Collection] = relationship(back_populates="entries")
    establishment: Mapped["Establishment"] = relationship()  # noqa: F821
    young_person: Mapped["YoungPerson"] = relationship()  # noqa: F821
    school_record: Mapped["SchoolRecord"] = relationship()  # noqa: F821

    __table_args__ = (
        UniqueConstraint("collection_id", "young_person_id"),
        Index("ix_list_entry_collection_school", "collection_id", "establishment_id"),
    )
