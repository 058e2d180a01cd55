"""A young person's September Guarantee status on a date: the one reading of it.

Every source writes a `GuaranteeRecord` (models/people.py) with its date and source: a school's
answer on the June list ("school, ..."), an officer ("officer"), an accepted match review and the
offers import once matching has tied an offer to a pupil on roll ("offers import, <date>",
services/returns/offers.py). The status on a date is the newest record for the academic year
recorded on or before it; two records of one day are ranked by source (requirement.py
GUARANTEE_SOURCE_ORDER), then the later one wins. The no-offer figures (services/figures.py), the
young person's and case pages and the month-end snapshot read it through here.
"""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from tep_app.extensions import db
from tep_app.models.people import GuaranteeRecord
from tep_app.services.returns.requirement import GUARANTEE_SOURCE_ORDER, academic_year_of


@dataclass(frozen=True)
class GuaranteeStatusAt:
    status: str
    source: str
    recorded_on: date
    provider_name: str | None
    offer_date: date | None


def source_rank(source: str) -> int:
    """Lower wins between two records of one day: an officer, a school, the offers import, others."""
    for position, prefix in enumerate(GUARANTEE_SOURCE_ORDER):
        if source.startswith(prefix):
            return position
    return len(GUARANTEE_SOURCE_ORDER)


def _key(record) -> tuple:
    return (record.recorded_on, -source_rank(record.source), record.id)


def guarantee_statuses(as_of: date, academic_year: int | None = None,
                       person_ids=None) -> dict[int, GuaranteeStatusAt]:
    """{young person id: their status on `as_of`} for the academic year (default: the one `as_of`
    is in), for everyone with a record, or only `person_ids` (any iterable or a select of ids)."""
    year = academic_year_of(as_of) if academic_year is None else academic_year
    query = select(GuaranteeRecord.id, GuaranteeRecord.young_person_id, GuaranteeRecord.status,
                   GuaranteeRecord.source, GuaranteeRecord.recorded_on, GuaranteeRecord.provider_name,
                   GuaranteeRecord.offer_date).where(GuaranteeRecord.academic_year == year,
                                                     GuaranteeRecord.recorded_on <= as_of)
    if person_ids is not None:
        query = query.where(GuaranteeRecord.young_person_id.in_(person_ids))
    newest: dict[int, tuple] = {}
    for row in db.session.execute(query):
        held = newest.get(row.young_person_id)
        if held is None or _key(row) > _key(held):
            newest[row.young_person_id] = row
    return {person_id: GuaranteeStatusAt(row.status, row.source, row.recorded_on, row.provider_name, row.offer_date)
            for person_id, row in newest.items()}


def guarantee_status(person, as_of: date, academic_year: int | None = None) -> GuaranteeStatusAt | None:
    """The young person's (a YoungPerson or an id) status on `as_of`, or None with no record."""
    person_id = person if isinstance(person, int) else person.id
    return guarantee_statuses(as_of, academic_year, [person_id]).get(person_id)
