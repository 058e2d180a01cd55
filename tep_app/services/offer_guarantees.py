"""The offers import as September Guarantee status: once matching has tied an offer to a pupil on
a school's roll with confidence (certain, or accepted on review), the pupil holds the offer's
status as a `GuaranteeRecord` with source "offers import, <date of the import>" and that date.

Run by every matching run of pupils against offers (services/match_runs.py). A record that says
the same (young person, year, status, provider and offer date, from any source) is not written
again, so re-running matching adds nothing.
"""
from datetime import date

from sqlalchemy import DateTime, func, select

from tep_app import clock
from tep_app.dates import short_date
from tep_app.extensions import db
from tep_app.models import Establishment, ImportBatch, MatchResult, Offer, SchoolRecord
from tep_app.models.people import GuaranteeRecord
from tep_app.services import bulk_insert

SOURCE = "offers import"
COLUMNS = ("young_person_id", "academic_year", "status", "provider_name", "offer_date", "recorded_on", "source",
           "created_at", "updated_at")


def _as_date(value) -> date | None:
    return value if value is None or isinstance(value, date) else date.fromisoformat(str(value)[:10])


def record_offer_guarantees(academic_year: int) -> int:
    """Write the statuses of the year's confidently matched offers not yet held. Returns how many."""
    imported_at = func.coalesce(ImportBatch.created_at, Offer.created_at, type_=DateTime(timezone=True))
    rows = db.session.execute(
        select(SchoolRecord.young_person_id, Offer.status, Establishment.name, Offer.offer_date, imported_at)
        .select_from(MatchResult)
        .join(SchoolRecord, SchoolRecord.id == MatchResult.school_record_id)
        .join(Offer, Offer.id == MatchResult.candidate_id)
        .join(Establishment, Establishment.id == Offer.provider_id)
        .outerjoin(ImportBatch, ImportBatch.id == Offer.import_batch_id)
        .where(MatchResult.kind == "roll_offer", SchoolRecord.academic_year == academic_year,
               func.coalesce(MatchResult.decided_outcome, MatchResult.outcome) == "certain")
        .order_by(SchoolRecord.young_person_id)).all()
    if not rows:
        return 0
    held = {(person_id, status, provider, _as_date(offer_date)) for person_id, status, provider, offer_date
            in db.session.execute(select(GuaranteeRecord.young_person_id, GuaranteeRecord.status,
                                         GuaranteeRecord.provider_name, GuaranteeRecord.offer_date)
                                  .where(GuaranteeRecord.academic_year == academic_year))}
    now = bulk_insert.stamp()
    new = []
    recorded: dict = {}  # an import's moment -> (its day, the source naming it): one per import
    for person_id, status, provider, offer_date, moment in rows:
        key = (person_id, status, provider, _as_date(offer_date))
        if key in held:
            continue
        held.add(key)
        if moment not in recorded:
            day = clock.local_date(moment)
            recorded[moment] = (day, f"{SOURCE}, {short_date(day)}")
        day, source = recorded[moment]
        new.append((person_id, academic_year, status, provider, key[3], day, source, now, now))
    return bulk_insert.insert_rows(GuaranteeRecord.__table__, COLUMNS, new)
