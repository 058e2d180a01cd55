"""Signed-in sessions, recorded so they can be ended: by signing out, by being idle, by a password
change, by an admin, or (for schools) after an absolute limit. The cookie holds only a random id;
the row holds its SHA-256."""
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from tep_app.models.base import Base

SESSION_KINDS = ("staff", "school")


class UserSession(Base):
    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    id_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # staff, school
    staff_user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"), index=True)
    school_request_id: Mapped[int | None] = mapped_column(ForeignKey("school_request.id"), index=True)
    contact_email: Mapped[str | None] = mapped_column(String(254))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # signed out, idle, expired, password changed, signed out everywhere, disabled, password reset, ...
    ended_reason: Mapped[str | None] = mapped_column(String(40))
