"""Reference data seeded by migration: NCCIS activity codes and September Guarantee statuses.

Codes live in tables, not in code, so a new DfE specification is a data change.
"""
from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from tep_app.models.base import Base


class ActivityCode(Base):
    __tablename__ = "activity_code"

    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    description: Mapped[str] = mapped_column(String(200))
    # The words a school sees in a drop-down ("Sixth-form college").
    plain_words: Mapped[str] = mapped_column(String(200))
    # compulsory, education, employment, training, re-engagement, neet, other, not-known
    group: Mapped[str] = mapped_column(String(40))
    is_not_known: Mapped[bool] = mapped_column(Boolean, default=False)
    is_neet: Mapped[bool] = mapped_column(Boolean, default=False)
    needs_neet_start: Mapped[bool] = mapped_column(Boolean, default=False)
    needs_send: Mapped[bool] = mapped_column(Boolean, default=False)
    offered_to_schools: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(default=0)


class GuaranteeStatus(Base):
    __tablename__ = "guarantee_status"

    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    description: Mapped[str] = mapped_column(String(200))
    is_offer: Mapped[bool] = mapped_column(Boolean, default=False)
    year_12_only: Mapped[bool] = mapped_column(Boolean, default=False)
    # How a school sees it: grouped ("offer", "in-learning", "not-appropriate", "no-offer",
    # "not-recorded") in plain words, in order; a status a school may not choose is not offered.
    group: Mapped[str] = mapped_column(String(20), default="not-recorded")
    plain_words: Mapped[str] = mapped_column(String(200), default="")
    offered_to_schools: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(default=0)
