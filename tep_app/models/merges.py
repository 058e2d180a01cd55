"""Merging two records of one young person: `person_merge` says which record was kept, which was
merged into it, why, and the kept record's identity values before (so an undo can restore them);
`person_merge_row` names every row the merge moved, so an undo moves exactly those back."""
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, Text, select, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tep_app.models.base import Base


class PersonMerge(Base):
    """One merge: `merged_id` was merged into `kept_id`, until `undone_at`."""

    __tablename__ = "person_merge"

    id: Mapped[int] = mapped_column(primary_key=True)
    kept_id: Mapped[int] = mapped_column(ForeignKey("young_person.id"), index=True)
    merged_id: Mapped[int] = mapped_column(ForeignKey("young_person.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    # The kept record's identity values before the merge (column -> value, dates as ISO text), and
    # the columns whose value was taken from the merged record.
    kept_before: Mapped[dict | None] = mapped_column(JSON)
    took: Mapped[list] = mapped_column(JSON, default=list)
    merged_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    merged_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    undone_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    undo_reason: Mapped[str | None] = mapped_column(Text)

    rows: Mapped[list["PersonMergeRow"]] = relationship(back_populates="merge", order_by="PersonMergeRow.id")

    __table_args__ = (
        # A record is merged into one other at a time: searches and figures leave it out.
        Index("uq_person_merge_merged_open", "merged_id", unique=True,
              postgresql_where=text("undone_at IS NULL"), sqlite_where=text("undone_at IS NULL")),
    )


class PersonMergeRow(Base):
    """One row a merge moved from the merged record to the kept one: its table and id."""

    __tablename__ = "person_merge_row"

    id: Mapped[int] = mapped_column(primary_key=True)
    merge_id: Mapped[int] = mapped_column(ForeignKey("person_merge.id"), index=True)
    held_in: Mapped[str] = mapped_column(String(40))
    row_id: Mapped[int]

    merge: Mapped[PersonMerge] = relationship(back_populates="rows")


def merged_ids():
    """A select of the ids of records merged into another (and not undone): searches and figures
    leave them out."""
    return select(PersonMerge.merged_id).where(PersonMerge.undone_at.is_(None))
