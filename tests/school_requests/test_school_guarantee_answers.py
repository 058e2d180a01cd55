"""A school's September Guarantee answer on its June list becomes the young person's status for the
year, with the provider and the offer's date the school gave, dated the day it was submitted, and
submitting again adds nothing."""
from sqlalchemy import func, select

from tep_app import clock
from tep_app.dates import day_and_short_month
from tep_app.models.people import GuaranteeRecord
from tep_app.services.guarantee_status import guarantee_status
from tests.support.portal_support import make_collection, seed_request, sign_school_in


def _answer(pages, entry, **fields):
    data = {"outcome": "", "provider_name": "", "start_date": ["", "", ""], "phone": "", "parent_phone": "",
            "email": "", "intelligence": "", "version": "0", "save": "Save answer"}
    data.update(fields)
    pages.post(f"/school/young-people/{entry.id}", data, 302)


def test_an_offer_the_school_gives_is_the_status_with_its_provider_and_date(pages, client, make, db):
    seeded = seed_request(make, db, entries=2, collection=make_collection(db, "no-offer"))
    sign_school_in(client, seeded)
    offered, not_yet = seeded.entries
    _answer(pages, offered, outcome="sg:110", provider_name="EKC Group", start_date=["7", "9", "2023"])
    _answer(pages, not_yet, outcome="sg:151")
    pages.post("/school/submit", {}, 302)
    pages.post("/school/submit", {}, 302)  # a second submit of the same answers

    today = clock.today()
    status = guarantee_status(offered.young_person_id, today, seeded.collection.academic_year)
    assert (status.status, status.provider_name, status.offer_date.isoformat(), status.recorded_on) == (
        "110", "EKC Group", "2023-09-07", today)
    assert status.source == f"school, {day_and_short_month(today)}"
    assert guarantee_status(not_yet.young_person_id, today, seeded.collection.academic_year).status == "151"
    held = db.session.scalar(select(func.count()).select_from(GuaranteeRecord).where(
        GuaranteeRecord.young_person_id == offered.young_person_id))
    assert held == 1
