"""Young people, their school records (leaver or on roll), contact details and activities."""
from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tep_app.models.base import Base, only_on

# The name columns a search for a young person reads, and their trigram indexes' options: new rows
# wait in a short list (256 kB) before they join the index, so an import stays fast and a search
# never reads a long list of them.
NAME_COLUMNS = ("forename", "preferred_forename", "middle_names", "surname", "former_surname")
TRIGRAM_INDEX_OPTIONS = {"gin_pending_list_limit": "256"}


class YoungPerson(Base):
    __tablename__ = "young_person"

    id: Mapped[int] = mapped_column(primary_key=True)
    upn: Mapped[str | None] = mapped_column(String(13), index=True)
    uln: Mapped[str | None] = mapped_column(String(10), index=True)
    forename: Mapped[str] = mapped_column(String(100))
    middle_names: Mapped[str | None] = mapped_column(String(200))
    surname: Mapped[str] = mapped_column(String(100))
    preferred_forename: Mapped[str | None] = mapped_column(String(100))
    former_surname: Mapped[str | None] = mapped_column(String(100))
    date_of_birth: Mapped[date] = mapped_column(Date)
    gender: Mapped[str | None] = mapped_column(String(1))
    postcode: Mapped[str | None] = mapped_column(String(8))
    address: Mapped[str | None] = mapped_column(Text)
    ehcp: Mapped[bool] = mapped_column(Boolean, default=False)
    # Moved out of the county ("other_la": to another local authority; "abroad"): out of the
    # county's cohort and its Not Known count from moved_on; moved_to names the new authority.
    moved: Mapped[str | None] = mapped_column(String(10))
    moved_to: Mapped[str | None] = mapped_column(String(100))
    moved_on: Mapped[date | None] = mapped_column(Date)
    # When the retention run anonymised them (services/people/retention.py): names, identifiers,
    # contacts and notes gone, the statistics kept.
    anonymised_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    school_records: Mapped[list["SchoolRecord"]] = relationship(back_populates="young_person")
    contact_details: Mapped[list["ContactDetail"]] = relationship(
        back_populates="young_person", order_by="ContactDetail.recorded_on.desc()"
    )
    activities: Mapped[list["Activity"]] = relationship(
        back_populates="young_person", order_by="Activity.ascertained_on.desc()"
    )

    # The dashboard's figures are stamped with the newest change (a move takes a young person out
    # of the cohort): services/figures.py. Finding anyone (services/people/search.py) reads names
    # through trigram indexes on PostgreSQL, dates of birth and postcodes. SQLite has no name indexes:
    # its search reads lower(name) LIKE '%word%', which no index can answer.
    __table_args__ = (Index("ix_young_person_surname_dob", "surname", "date_of_birth"),
                      Index("ix_young_person_updated_at", "updated_at"),
                      Index("ix_young_person_date_of_birth", "date_of_birth"),
                      Index("ix_young_person_postcode", "postcode"),
                      *(only_on("postgresql", Index(f"ix_young_person_{name}_trgm", name, postgresql_using="gin",
                                                    postgresql_ops={name: "gin_trgm_ops"},
                                                    postgresql_with=TRIGRAM_INDEX_OPTIONS))
                        for name in NAME_COLUMNS))

    @property
    def display_name(self) -> str:
        return f"{self.preferred_forename or self.forename} {self.surname}"


class SchoolRecord(Base):
    """A young person on a school's leaver list or roll for one academic year.

    kind 'leaver': left the school last summer from year_group 11 or 12 (collection year).
    kind 'roll': on the school's roll in year_group 11 or 12 in the academic year.
    """

    __tablename__ = "school_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Found by young person through the unique constraint, by year through the year's index below:
    # an index of either column alone would only cost every import.
    young_person_id: Mapped[int] = mapped_column(ForeignKey("young_person.id"))
    establishment_id: Mapped[int] = mapped_column(ForeignKey("establishment.id"), index=True)
    academic_year: Mapped[int]
    kind: Mapped[str] = mapped_column(String(10))
    year_group: Mapped[int]
    leaving_date: Mapped[date | None] = mapped_column(Date)
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"))

    young_person: Mapped[YoungPerson] = relationship(back_populates="school_records")
    establishment: Mapped["Establishment"] = relationship()  # noqa: F821

    __table_args__ = (
        UniqueConstraint("young_person_id", "kind", "academic_year"),
        Index("ix_school_record_year_kind_school", "academic_year", "kind", "establishment_id"),
        # The dashboard's figures are stamped with the newest change (services/figures.py).
        Index("ix_school_record_updated_at", "updated_at"),
    )


class ContactDetail(Base):
    """A phone number or email address, with where it came from and when."""

    __tablename__ = "contact_detail"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Found by young person through the unique constraint below.
    young_person_id: Mapped[int] = mapped_column(ForeignKey("young_person.id"))
    kind: Mapped[str] = mapped_column(String(20))  # phone, parent_phone, email
    value: Mapped[str] = mapped_column(String(254))
    source: Mapped[str] = mapped_column(String(100))  # "leavers import", "school, 12 Oct", "officer"
    recorded_on: Mapped[date] = mapped_column(Date)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    # Set when an officer has marked the number wrong.
    marked_wrong: Mapped[bool] = mapped_column(Boolean, default=False)

    young_person: Mapped[YoungPerson] = relationship(back_populates="contact_details")

    # The value alone: finding anyone by phone number or email address.
    __table_args__ = (UniqueConstraint("young_person_id", "kind", "value"), Index("ix_contact_detail_value", "value"))


class Activity(Base):
    """What a young person is doing: an NCCIS activity code with its dates and source."""

    __tablename__ = "activity"

    id: Mapped[int] = mapped_column(primary_key=True)
    young_person_id: Mapped[int] = mapped_column(ForeignKey("young_person.id"), index=True)
    code: Mapped[str] = mapped_column(ForeignKey("activity_code.code"))
    start_date: Mapped[date | None] = mapped_column(Date)
    ascertained_on: Mapped[date] = mapped_column(Date)
    due_to_lapse_on: Mapped[date | None] = mapped_column(Date, index=True)
    neet_start_date: Mapped[date | None] = mapped_column(Date)
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("establishment.id"))
    provider_name: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(100))
    notes: Mapped[str | None] = mapped_column(Text)
    # An answer that conflicts with what is held waits for an officer to judge it.
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))

    young_person: Mapped[YoungPerson] = relationship(back_populates="activities")
    activity_code: Mapped["ActivityCode"] = relationship()  # noqa: F821

    # The dashboard's figures are stamped with the newest change (services/figures.py).
    __table_args__ = (Index("ix_activity_updated_at", "updated_at"),)


class GuaranteeRecord(Base):
    """A young person's September Guarantee status for an academic year, as their school gave it on
    the June list or an officer recorded it: an offer made (with its provider and date), already in
    learning, an offer not appropriate, or no offer yet. The newest record is the current one."""

    __tablename__ = "guarantee_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    young_person_id: Mapped[int] = mapped_column(ForeignKey("young_person.id"))
    academic_year: Mapped[int]
    status: Mapped[str] = mapped_column(ForeignKey("guarantee_status.code"))
    provider_name: Mapped[str | None] = mapped_column(String(200))
    offer_date: Mapped[date | None] = mapped_column(Date)
    recorded_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(100))  # "school, 12 Jun" or "officer"
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))

    __table_args__ = (Index("ix_guarantee_record_person_year", "young_person_id", "academic_year"),)
