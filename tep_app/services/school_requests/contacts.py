"""A school's contacts for its requests: the active ones, main contact first."""
from sqlalchemy import select

from tep_app.extensions import db
from tep_app.models import EstablishmentContact


def school_contacts(establishment_id: int) -> list[EstablishmentContact]:
    """The school's active contacts, in order: the main contact first, then the second."""
    return list(db.session.scalars(
        select(EstablishmentContact)
        .where(EstablishmentContact.establishment_id == establishment_id, EstablishmentContact.active.is_(True))
        .order_by(EstablishmentContact.position, EstablishmentContact.id)
    ))
