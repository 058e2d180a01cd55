"""What MI loads: import batches, post-16 enrolments and September Guarantee offers."""
from datetime import date

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tep_app.models.base import Base


class ImportBatch(Base):
    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # establishments, leavers, roll, enrolments, offers
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    academic_year: Mapped[int | None]
    row_count: Mapped[int] = mapped_column(default=0)
    created_count: Mapped[int] = mapped_column(default=0)
    updated_count: Mapped[int] = mapped_column(default=0)
    unchanged_count: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(20), default="loaded")
    summary: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    warning_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # The file's headers the import did not read (a column it does not take), named in its report.
    columns_not_read: Mapped[list | None] = mapped_column(JSON)


class ImportWarning(Base):
    """A value an import left out (the row was imported without it), by row and column."""
    __tablename__ = "import_warning"

    id: Mapped[int] = mapped_column(primary_key=True)
    import_batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id"), index=True)
    row_number: Mapped[int | None]
    column_name: Mapped[str | None] = mapped_column(String(100))
    value: Mapped[str | None] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)


class Enrolment(Base):
    __tablename__ = "enrolment"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("establishment.id"), index=True)
    academic_year: Mapped[int]  # found through the year and date of birth index
    upn: Mapped[str | None] = mapped_column(String(13), index=True)
    uln: Mapped[str | None] = mapped_column(String(10), index=True)
    forename: Mapped[str] = mapped_column(String(100))
    surname: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date] = mapped_column(Date)
    gender: Mapped[str | None] = mapped_column(String(1))
    postcode: Mapped[str | None] = mapped_column(String(8))
    year_group: Mapped[int | None]
    course: Mapped[str | None] = mapped_column(String(200))
    start_date: Mapped[date | None] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(20))
    # A hash of the identifying fields: re-importing the same row updates it instead of duplicating.
    row_key: Mapped[str] = mapped_column(String(64), unique=True)
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"))

    provider: Mapped["Establishment"] = relationship()  # noqa: F821

    __table_args__ = (Index("ix_enrolment_year_dob", "academic_year", "date_of_birth"),)


class Offer(Base):
    __tablename__ = "offer"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("establishment.id"), index=True)
    academic_year: Mapped[int]  # found through the year and date of birth index
    upn: Mapped[str | None] = mapped_column(String(13), index=True)
    uln: Mapped[str | None] = mapped_column(String(10), index=True)
    forename: Mapped[str] = mapped_column(String(100))
    surname: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date] = mapped_column(Date)
    postcode: Mapped[str | None] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(ForeignKey("guarantee_status.code"))
    offer_date: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(String(20))
    row_key: Mapped[str] = mapped_column(String(64), unique=True)
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"))

    provider: Mapped["Establishment"] = relationship()  # noqa: F821
    guarantee_status: Mapped["GuaranteeStatus"] = relationship()  # noqa: F821

    __table_args__ = (Index("ix_offer_year_dob", "academic_year", "date_of_birth"),)
