"""Staff accounts: TEP officers, managers and MI/admin, and how their sign-in is throttled."""
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tep_app.models.base import Base

STAFF_ROLES = ("officer", "manager", "admin")


class StaffUser(UserMixin, Base):
    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Wrong or refused sign-in attempts from every address since failed_logins_since (an hour's
    # window): past the ceiling, addresses that have failed are slowed down and the owner is told.
    failed_logins: Mapped[int] = mapped_column(default=0)
    failed_logins_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Past the ceiling: when an attempt from an address that has failed was last let through.
    last_slowed_check_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # When the owner was last emailed that someone is guessing (once a day at most).
    throttle_emailed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Changes when the password changes or the account is disabled: old sessions stop working.
    session_token: Mapped[str] = mapped_column(String(64))
    # Set when an admin resets the password: the user must choose a new one at next sign-in.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:
        return self.active


class SignInThrottle(Base):
    """Wrong passwords for one account from one address (the client address after the trusted
    proxies). Five within a day refuse that address for that account until it has been quiet for
    a while; the count is forgotten a day after the last one. Other addresses are not affected."""
    __tablename__ = "sign_in_throttle"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"), index=True)
    address: Mapped[str] = mapped_column(String(45))
    failures: Mapped[int] = mapped_column(default=0)
    last_failed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("staff_user_id", "address"),)


class SignInUnlock(Base):
    """A one-time link emailed to an account's owner that clears the throttles on their account.
    The link's token is made from `nonce` and the secret key when the email is sent; only its hash
    is kept. It works once, before `expires_at`."""
    __tablename__ = "sign_in_unlock"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"), index=True)
    nonce: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
