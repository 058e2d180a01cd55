"""The retention schedule: how long personal data about young people is kept, as rules an admin
edits (services/people/retention_rules.py); the nightly retention run applies them."""
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from tep_app.models.base import Base


class RetentionRule(Base):
    """One rule of the schedule. `young_person`: anonymised at the end of the academic year in which
    they reach `age` (`ehcp_age` with an EHCP); the others: dropped `years` after their date."""

    __tablename__ = "retention_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    age: Mapped[int | None]
    ehcp_age: Mapped[int | None]
    years: Mapped[int | None]
