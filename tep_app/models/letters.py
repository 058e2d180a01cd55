"""Letters printed for young people the service cannot reach by phone: their texts, which an
admin edits."""
from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tep_app.models.base import Base


class LetterTemplate(Base):
    """The text of a printed letter: its heading and its body, with ((placeholders)). The address,
    the date, the reply details and the officer's signature are laid out around it when printed."""

    __tablename__ = "letter_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
