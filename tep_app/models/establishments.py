"""Establishments (schools, colleges, providers), their districts and contacts."""
from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tep_app.models.base import Base

ESTABLISHMENT_TYPES = ("school", "college", "special", "independent", "training")


class District(Base):
    __tablename__ = "district"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)


class Establishment(Base):
    __tablename__ = "establishment"

    id: Mapped[int] = mapped_column(primary_key=True)
    laestab: Mapped[str] = mapped_column(String(7), unique=True)
    ukprn: Mapped[str | None] = mapped_column(String(8), unique=True)
    urn: Mapped[str | None] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(20))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"), index=True)
    phone: Mapped[str | None] = mapped_column(String(20))
    import_batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"))

    district: Mapped["District | None"] = relationship()
    contacts: Mapped[list["EstablishmentContact"]] = relationship(
        back_populates="establishment", order_by="EstablishmentContact.position",
        cascade="all, delete-orphan",
    )

    @property
    def is_school(self) -> bool:
        return self.type in ("school", "special", "independent")


class EstablishmentContact(Base):
    __tablename__ = "establishment_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    establishment_id: Mapped[int] = mapped_column(ForeignKey("establishment.id"), index=True)
    name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    position: Mapped[int] = mapped_column(default=0)  # 0 is the main contact
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    establishment: Mapped[Establishment] = relationship(back_populates="contacts")
