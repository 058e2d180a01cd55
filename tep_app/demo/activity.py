"""The demo county's working life after the lists: patches, sent requests, schools' answers, cases.

Each stage goes through the product's own services, as the people using it would, and is one
transaction: a stage that fails is reported and rolled back, and the county already loaded stays.
"""
import logging
import random
from datetime import date, timedelta

from sqlalchemy import select

from tep_app.extensions import db
from tep_app.models import District, Establishment, ListEntry, StaffUser

logger = logging.getLogger(__name__)
# What schools say, roughly as often as they say it.
ANSWER_CODES = ("230", "230", "230", "220", "310", "310", "330", "250", "619", "610", "810", "810", "820")
PROVIDERS = ("Stour Valley College Group", "Medway Downs College", "Weald Coast College", "a training provider")


def assign_patches(officers: list[StaffUser]) -> int:
    """One district to each of the first twelve officers; two schools each to the rest."""
    from tep_app.services.cases import set_patch

    districts = list(db.session.scalars(select(District).order_by(District.name)))
    schools = list(db.session.scalars(
        select(Establishment).where(Establishment.type != "college").order_by(Establishment.laestab)))
    plan = [(officer, {"district_id": district.id}) for officer, district in zip(officers, districts)]
    spare = officers[len(districts):]
    plan += [(officer, {"establishment_id": school.id})
             for n, officer in enumerate(spare) for school in schools[n * 2:n * 2 + 2]]
    for officer, where in plan:
        set_patch(officer.id, **where)
    db.session.commit()
    return len(plan)


def send_leavers_lists(academic_year: int) -> dict:
    from tep_app.services.school_requests.sending import send_collection

    result = send_collection("leavers", academic_year, force=True)
    db.session.commit()
    return result


def answer_some_requests(academic_year: int, seed: int, share: float = 0.3) -> dict:
    """A share of schools answer: most of them submit, the rest leave a draft."""
    from tep_app.models import SchoolRequest
    from tep_app.services.school_requests.answers import save_answer, submit_request
    from tep_app.services.school_requests.sending import find_collection

    rng = random.Random(seed)
    collection = find_collection("leavers", academic_year)
    if collection is None:
        return {"answered": 0, "submitted": 0}
    requests = list(db.session.scalars(
        select(SchoolRequest).where(SchoolRequest.collection_id == collection.id).order_by(SchoolRequest.id)))
    answered = submitted = 0
    for school_request in rng.sample(requests, round(len(requests) * share)):
        contact = school_request.establishment.contacts[0].email if school_request.establishment.contacts else \
            "tracking@school.example"
        entries = list(db.session.scalars(select(ListEntry).where(
            ListEntry.collection_id == collection.id,
            ListEntry.establishment_id == school_request.establishment_id).order_by(ListEntry.id)))
        for entry in entries:
            if rng.random() < 0.2:
                continue
            code = rng.choice(ANSWER_CODES)
            values = {"activity_code": code, "intelligence": None, "email": None, "parent_phone": None,
                      "phone": f"07700 900{rng.randrange(1000):03d}".replace(" ", "") if rng.random() < 0.5 else None,
                      "provider_name": rng.choice(PROVIDERS) if code[0] in "23" else None,
                      "start_date": date(academic_year, 9, 1) + timedelta(days=rng.randrange(30))
                      if code[0] in "234" else None}
            if code == "810":
                values["intelligence"] = rng.choice(("Not known to us", "Moved away, no forwarding address",
                                                     "Family not answering calls"))
            save_answer(school_request, entry, values, expected_version=0, answered=True, contact_email=contact)
            answered += 1
        if rng.random() < 0.75:
            submitted += submit_request(school_request, contact) is not None
        db.session.commit()
    return {"answered": answered, "submitted": submitted}


def open_overdue_cases() -> dict:
    """Lists past their deadline and not submitted become cases in the officers' queues."""
    from tep_app.services.cases import count_open_cases, open_cases_for_overdue

    opened = open_cases_for_overdue()
    db.session.commit()
    return {"opened": opened, "open": count_open_cases()}


def run_optional_stages(county, users: list[StaffUser], out=print) -> dict:
    """Run each stage in turn; report what each did, or how it failed."""
    officers = [u for u in users if u.role == "officer"]
    latest = county.academic_years[-1]
    stages = (
        ("patches", lambda: assign_patches(officers)),
        ("send leavers lists", lambda: send_leavers_lists(latest)),
        ("schools' answers", lambda: answer_some_requests(latest, county.seed)),
        ("cases for overdue lists", open_overdue_cases),
    )
    done = {}
    for name, stage in stages:
        try:
            done[name] = stage()
            out(f"  {name}: {done[name]}")
        except Exception as error:  # noqa: BLE001 -- the county is loaded; a later stage must not undo it
            db.session.rollback()
            logger.exception("demo stage %s failed", name, extra={"stage": name})
            done[name] = f"failed ({type(error).__name__}: {error})"
            out(f"  {name}: {done[name]}")
    return done
