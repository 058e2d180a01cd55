"""A young person's September Guarantee status on a date: the one reading of it.

Every source writes a `GuaranteeRecord` (models/people.py) with its date and source: a school's
answer on the June list ("school, ..."), an officer ("officer"), an accepted match review, and the
offers import once matching has tied an offer to a pupil on roll ("offers import, <date>",
services/offer_guarantees.py). The status on a date is the newest record of the academic year
recorded on or before it; between two records of one day the source decides (
`SOURCE_ORDER`: an officer, a school, the offers import), then the later one. The no-offer
figures (services/figures.py, through `ranked_guarantees`), the case page and the month-end snapshot
(through `guarantee_status` and `guarantee_statuses`) read it here.
"""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select

from tep_app.extensions import db
from tep_app.models.people import GuaranteeRecord
from tep_app.services.calendar import current_academic_year

# Between two records of one day, the source that wins first: the newer, first-hand knowledge.
SOURCE_ORDER = ("officer", "school", "offers import")


@dataclass(frozen=True)
class GuaranteeStatusAt:
    status: str
    source: str
    recorded_on: date
    provider_name: str | None
    offer_date: date | None


def _source_rank():
    """Lower wins between two records of one day."""
    return case(*((GuaranteeRecord.source.like(f"{prefix}%"), position)
                  for position, prefix in enumerate(SOURCE_ORDER)), else_=len(SOURCE_ORDER))


def ranked_guarantees(academic_year: int, as_of: date, person_ids=None):
    """A subquery of the year's records up to `as_of`, each young person's ranked newest first:
    the row with `rank` 1 is their status on that day. Columns: young_person_id, status, source,
    recorded_on, provider_name, offer_date, rank."""
    rank = func.row_number().over(
        partition_by=GuaranteeRecord.young_person_id,
        order_by=(GuaranteeRecord.recorded_on.desc(), _source_rank(), GuaranteeRecord.id.desc()))
    query = (select(GuaranteeRecord.young_person_id, GuaranteeRecord.status, GuaranteeRecord.source,
                    GuaranteeRecord.recorded_on, GuaranteeRecord.provider_name, GuaranteeRecord.offer_date,
                    rank.label("rank"))
             .where(GuaranteeRecord.academic_year == academic_year, GuaranteeRecord.recorded_on <= as_of))
    if person_ids is not None:
        query = query.where(GuaranteeRecord.young_person_id.in_(person_ids))
    return query.subquery("ranked_guarantees")


def _as_date(value) -> date | None:
    return value if value is None or isinstance(value, date) else date.fromisoformat(str(value)[:10])


def guarantee_statuses(as_of: date, academic_year: int | None = None,
                       person_ids=None) -> dict[int, GuaranteeStatusAt]:
    """{young person id: their status on `as_of`} for the academic year (default: the one `as_of`
    is in), for everyone with a record, or only `person_ids` (a list or a select of ids)."""
    year = current_academic_year(as_of) if academic_year is None else academic_year
    ranked = ranked_guarantees(year, as_of, person_ids)
    rows = db.session.execute(select(ranked).where(ranked.c.rank == 1))
    return {row.young_person_id: GuaranteeStatusAt(row.status, row.source, _as_date(row.recorded_on),
                                                   row.provider_name, _as_date(row.offer_date))
            for row in rows}


def guarantee_status(person, as_of: date, academic_year: int | None = None) -> GuaranteeStatusAt | None:
    """The young person's (a YoungPerson or an id) status on `as_of`, or None with no record."""
    person_id = person if isinstance(person, int) else person.id
    return guarantee_statuses(as_of, academic_year, [person_id]).get(person_id)
