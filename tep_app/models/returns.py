"""Month-end snapshots for the DfE's NCCIS return and the NEET + Not Known measure.

A `Snapshot` is the county's caseload as it stood at the end of one day (normally a month end):
one `SnapshotRow` per young person in the cohort, with their academic age, cohort status, the
activity that counted after currency (a lapsed activity is stored as Not Known), EHCP, September
Guarantee status and the groupings the measure is broken down by. Snapshots are written once by
services/returns/snapshots.py and never changed: the figures of a past month are read back from
its rows. `young_person_id` is a plain number, not a foreign key, so that merging or erasing a
young person later leaves the month's figures as they were.
"""
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tep_app.models.base import Base


class Snapshot(Base):
    __tablename__ = "snapshot"

    id: Mapped[int] = mapped_column(primary_key=True)
    as_of: Mapped[date] = mapped_column(Date, unique=True)
    taken_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The row counts by cohort status and measure category, and the headline counts, as taken.
    counts: Mapped[dict] = mapped_column(JSON)


class SnapshotRow(Base):
    """One young person in one snapshot. Codes are the requirement's (services/returns/requirement.py)."""

    __tablename__ = "snapshot_row"

    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("snapshot.id"))
    young_person_id: Mapped[int]
    academic_age: Mapped[int]
    year_group: Mapped[int | None]
    cohort_status: Mapped[str] = mapped_column(String(1))
    lead_la: Mapped[str] = mapped_column(String(3))
    transferred_to_la: Mapped[str | None] = mapped_column(String(3))
    # The activity after currency; held_activity_code is the one recorded (differs when lapsed).
    activity_code: Mapped[str] = mapped_column(String(3))
    held_activity_code: Mapped[str | None] = mapped_column(String(3))
    currency_lapsed: Mapped[bool] = mapped_column(Boolean, default=False)
    activity_start_date: Mapped[date | None] = mapped_column(Date)
    ascertained_on: Mapped[date | None] = mapped_column(Date)
    due_to_lapse_on: Mapped[date | None] = mapped_column(Date)
    neet_start_date: Mapped[date | None] = mapped_column(Date)
    # neet, not-known, eet, excluded (custody) or compulsory: decided when taken, so a later change
    # of the requirement's code lists leaves a past month's figures as they were.
    category: Mapped[str] = mapped_column(String(10))
    ehcp: Mapped[bool] = mapped_column(Boolean, default=False)
    sg_status: Mapped[str | None] = mapped_column(String(3))
    sg_source: Mapped[str | None] = mapped_column(String(100))
    sg_recorded_on: Mapped[date | None] = mapped_column(Date)
    district_id: Mapped[int | None]
    year_11_school_id: Mapped[int | None]
    gender: Mapped[str | None] = mapped_column(String(1))

    __table_args__ = (Index("ix_snapshot_row_snapshot_person", "snapshot_id", "young_person_id"),)


class ReturnsSetting(Base):
    """A value of the measure pages a manager sets, per academic year: the target for the NEET + Not
    Known percentage ("measure_target", a percentage with one decimal, kept as text such as "5.5").
    Set through services/returns/settings.py, which checks and audits each change."""

    __tablename__ = "returns_setting"

    id: Mapped[int] = mapped_column(primary_key=True)
    academic_year: Mapped[int]
    key: Mapped[str] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(String(40))
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))

    __table_args__ = (UniqueConstraint("academic_year", "key"),)
