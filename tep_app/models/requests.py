"""School requests (one collection for one school), their secure-link sessions, answers and email."""
from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tep_app.models.base import Base


class SchoolRequest(Base):
    __tablename__ = "school_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[int] = mapped_column(ForeignKey("collection.id"))
    establishment_id: Mapped[int] = mapped_column(ForeignKey("establishment.id"), index=True)
    # Stored status; "overdue" is derived (services/request_states.py).
    status: Mapped[str] = mapped_column(String(20), default="not_sent")
    due_on: Mapped[date] = mapped_column(Date)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The random part of the current link: the link itself is made from it and the secret key when
    # an email is sent, and only its SHA-256 (token_hash) is kept.
    link_nonce: Mapped[str | None] = mapped_column(String(64))
    token_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    token_revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    first_opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_activity_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    submitted_by: Mapped[str | None] = mapped_column(String(254))
    reminders_sent: Mapped[int] = mapped_column(default=0)
    chasers_sent: Mapped[int] = mapped_column(default=0)  # the automatic ones, by number
    # Chasers a manager sent by hand ("Chase"): every page shows chasers_sent plus these.
    manual_chasers_sent: Mapped[int] = mapped_column(default=0, server_default="0")
    version: Mapped[int] = mapped_column(default=1)

    collection: Mapped["Collection"] = relationship()  # noqa: F821
    establishment: Mapped["Establishment"] = relationship()  # noqa: F821
    events: Mapped[list["RequestEvent"]] = relationship(
        back_populates="school_request", order_by="RequestEvent.id.desc()"
    )

    __table_args__ = (UniqueConstraint("collection_id", "establishment_id"),)
    __mapper_args__ = {"version_id_col": version}


class ReplacedLink(Base):
    """The hash of a link that a newer one replaced, so the old one can say so."""

    __tablename__ = "replaced_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_request_id: Mapped[int] = mapped_column(ForeignKey("school_request.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    replaced_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RequestEvent(Base):
    """The history of a school request: every email and event, newest first."""

    __tablename__ = "request_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_request_id: Mapped[int] = mapped_column(ForeignKey("school_request.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    detail: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str | None] = mapped_column(String(254))

    school_request: Mapped[SchoolRequest] = relationship(back_populates="events")


class AccessCode(Base):
    """A 6-digit code emailed to one of the school's contacts to confirm a secure link."""

    __tablename__ = "access_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_request_id: Mapped[int] = mapped_column(ForeignKey("school_request.id"), index=True)
    contact_email: Mapped[str] = mapped_column(String(254))
    code_hash: Mapped[str] = mapped_column(String(128))
    # The random part of the code: the code is made from it and the secret key when the email is sent.
    nonce: Mapped[str | None] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(default=0)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SchoolResponse(Base):
    """What the school says about one young person on its list (draft until submitted)."""

    __tablename__ = "school_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_request_id: Mapped[int] = mapped_column(ForeignKey("school_request.id"), index=True)
    list_entry_id: Mapped[int] = mapped_column(ForeignKey("list_entry.id"), unique=True)
    activity_code: Mapped[str | None] = mapped_column(ForeignKey("activity_code.code"))
    # The no-offer collection asks for the September Guarantee status instead of an activity.
    guarantee_code: Mapped[str | None] = mapped_column(ForeignKey("guarantee_status.code"))
    # "other_la" or "abroad": the young person has moved out of the county; moved_to names where.
    moved: Mapped[str | None] = mapped_column(String(10))
    moved_to: Mapped[str | None] = mapped_column(String(100))
    provider_name: Mapped[str | None] = mapped_column(String(200))
    start_date: Mapped[date | None] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(20))
    parent_phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    intelligence: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(10), default="form")  # form, upload
    # False while the school keeps it as a draft; True once saved as its answer.
    answered: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_by: Mapped[str | None] = mapped_column(String(254))
    version: Mapped[int] = mapped_column(default=1)

    list_entry: Mapped["ListEntry"] = relationship()  # noqa: F821

    __mapper_args__ = {"version_id_col": version}


class EmailTemplate(Base):
    """An email text an admin can edit: invite, new link, code, reminder, chaser, receipt."""

    __tablename__ = "email_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)


class OutboxMessage(Base):
    """An email waiting to be sent, sent or failed. ledger_key makes every email queued once:
    e.g. "request:42:invite:1", "request:42:reminder:2", "request:42:chaser:3". A secure link or a
    code is never stored: the text holds ((link)) or ((code)), filled in when the email is sent from
    link_nonce or access_code_id and the secret key. message_id is the same on every attempt."""

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    ledger_key: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    school_request_id: Mapped[int | None] = mapped_column(ForeignKey("school_request.id"), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="queued")  # queued, sending, sent, failed
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    message_id: Mapped[str | None] = mapped_column(String(250))
    link_nonce: Mapped[str | None] = mapped_column(String(64))
    access_code_id: Mapped[int | None] = mapped_column(ForeignKey("access_code.id"))
    # 0 first: a message someone is waiting for (a code, a new link); 2 for a send day's bulk.
    priority: Mapped[int] = mapped_column(SmallInteger, default=2, server_default="2")

    __table_args__ = (Index("ix_outbox_message_status_next", "status", "next_attempt_at"),
                      Index("ix_outbox_message_claim", "status", "priority", "id"))
