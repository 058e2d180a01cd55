"""The one declarative base: a constraint naming convention and timestamps on every table."""
from datetime import datetime

from sqlalchemy import DateTime, Index, MetaData, func
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from tep_app import clock

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)

    @declared_attr
    def created_at(cls) -> Mapped[datetime]:
        return mapped_column(DateTime(timezone=True), default=clock.now, server_default=func.now())

    @declared_attr
    def updated_at(cls) -> Mapped[datetime]:
        return mapped_column(
            DateTime(timezone=True), default=clock.now, onupdate=clock.now, server_default=func.now()
        )


def only_on(dialect: str, index: Index) -> Index:
    """`index`, made on one kind of database only: by create_all and by the migrations alike."""
    index.info["only_on"] = dialect
    return index.ddl_if(dialect=dialect)


def in_database(dialect: str):
    """Alembic's `include_object` for a kind of database: an index made only on another kind is
    no difference between the models and this database's migrations."""
    def include(item, _name, kind, _reflected, _compare_to) -> bool:
        return not (kind == "index" and item.info.get("only_on", dialect) != dialect)
    return include
