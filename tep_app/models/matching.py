"""Match results (one per school record per kind of match) and the decisions reviewers make."""
from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tep_app.models.base import Base

MATCH_KINDS = ("leaver_enrolment", "roll_offer")
OUTCOMES = ("certain", "possible", "none")


class MatchResult(Base):
    """The best candidate found for a school record, with the rule and score that made it.

    kind 'leaver_enrolment': a leaver against post-16 enrolments (candidate is an Enrolment id).
    kind 'roll_offer': a pupil on roll against offers (candidate is an Offer id).
    """

    __tablename__ = "match_result"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    school_record_id: Mapped[int] = mapped_column(ForeignKey("school_record.id"))
    candidate_id: Mapped[int | None]
    outcome: Mapped[str] = mapped_column(String(10))  # certain, possible, none
    rule: Mapped[str] = mapped_column(String(60))
    score: Mapped[float] = mapped_column(Float, default=0.0)
    # After a reviewer's decision: the outcome that counts.
    decided_outcome: Mapped[str | None] = mapped_column(String(10))

    school_record: Mapped["SchoolRecord"] = relationship()  # noqa: F821

    __table_args__ = (
        UniqueConstraint("kind", "school_record_id"),
        Index("ix_match_result_kind_outcome", "kind", "outcome"),
        # A young person's match results, for the case page's timeline.
        Index("ix_match_result_school_record_id", "school_record_id"),
        # The dashboard's figures are stamped with the newest change (services/figures.py).
        Index("ix_match_result_updated_at", "updated_at"),
    )

    @property
    def effective_outcome(self) -> str:
        return self.decided_outcome or self.outcome


class MatchDecision(Base):
    """A reviewer's accept or reject of one pair; remembered across re-runs of matching."""

    __tablename__ = "match_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    school_record_id: Mapped[int] = mapped_column(ForeignKey("school_record.id"))
    # The candidate's stable row key (Enrolment.row_key or Offer.row_key), so a re-import keeps it.
    candidate_key: Mapped[str] = mapped_column(String(64))
    decision: Mapped[str] = mapped_column(String(10))  # accepted, rejected
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("kind", "school_record_id", "candidate_key"),)
