"""What sending and following up share: the request row lock and contacts."""
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tep_app.extensions import db
from tep_app.models import (
    Collection,
    EstablishmentContact,
    SchoolRequest,
)
from tep_app.models.collections import COLLECTION_KINDS


class SendError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def calendar_prefix(kind: str) -> str:
    return kind.replace("-", "_")


def check_kind(kind: str) -> None:
    if kind not in COLLECTION_KINDS:
        raise SendError(f"Unknown collection {kind!r}: use leavers or no-offer")


def lock_request(request_id: int) -> SchoolRequest | None:
    """Claim one request row; None if another process holds it (PostgreSQL) or it is gone."""
    return db.session.scalar(
        select(SchoolRequest).where(SchoolRequest.id == request_id)
        .options(joinedload(SchoolRequest.establishment, innerjoin=True))
        .with_for_update(skip_locked=True, of=SchoolRequest)
        .execution_options(populate_existing=True)
    )


def active_contacts(establishment_id: int) -> list[EstablishmentContact]:
    return list(db.session.scalars(
        select(EstablishmentContact)
        .where(EstablishmentContact.establishment_id == establishment_id, EstablishmentContact.active.is_(True))
        .order_by(EstablishmentContact.position, EstablishmentContact.id)
    ))


def find_collection(kind: str, academic_year: int) -> Collection | None:
    return db.session.scalar(
        select(Collection).where(Collection.kind == kind, Collection.academic_year == academic_year))


