"""Notes an officer writes on a young person's page, with or without a case."""
from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tep_app.models.base import Base

# The longest note an officer may write (the form and the service both hold to it).
NOTE_MOST = 2000


class PersonNote(Base):
    """Free text about a young person, with its author; `created_at` is when it was written."""

    __tablename__ = "person_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    young_person_id: Mapped[int] = mapped_column(ForeignKey("young_person.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))

    author: Mapped["StaffUser | None"] = relationship()  # noqa: F821
