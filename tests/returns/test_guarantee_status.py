"""A young person's September Guarantee status over time, from each source, read one way by the
no-offer figures, the case page, the snapshot and `guarantee_status`."""
from datetime import UTC, date, datetime

from sqlalchemy import func, select

from tep_app.models import ListEntry, SchoolResponse
from tep_app.models.people import GuaranteeRecord
from tep_app.services.cases.closing import record_officer_guarantee
from tep_app.services.figures import no_offer_figures
from tep_app.services.guarantee_status import guarantee_status
from tep_app.services.match_runs import run_matching
from tep_app.services.returns.snapshots import snapshot_rows, take_snapshot
from tep_app.services.school_requests.outcomes import apply_answers
from tests.support.cases_support import collection, open_case, seed_list


def _pupil_with_an_offer(make, status="110"):
    school = make.establishment()
    college = make.establishment(type="college", contacts=0, name="Mid Kent College")
    pupil = make.young_person(date_of_birth=date(2009, 2, 3))  # Year 11 in 2024-25
    record = make.school_record(pupil, school, kind="roll", academic_year=2024, year_group=11)
    make.offer(college, pupil, academic_year=2024, status=status, offer_date=date(2025, 3, 1))
    return pupil, record


def test_the_offers_import_gives_a_matched_pupil_its_status_once(db, make, time_machine):
    time_machine.move_to(datetime(2025, 3, 10, 12, tzinfo=UTC))
    pupil, record = _pupil_with_an_offer(make)
    listed = collection(db, kind="no-offer", academic_year=2024)
    assert db.session.scalar(select(func.count()).select_from(GuaranteeRecord)) == 0
    db.session.add(ListEntry(collection_id=listed.id, establishment_id=record.establishment_id,
                             young_person_id=pupil.id, school_record_id=record.id, reason="no offer recorded"))
    db.session.flush()
    assert no_offer_figures(2024, date(2025, 3, 10))[0].no_offer == 1

    run_matching(2024, kinds=("roll_offer",))
    run_matching(2024, kinds=("roll_offer",))  # again: nothing new

    status = guarantee_status(pupil, date(2025, 3, 31))
    assert (status.status, status.source, status.recorded_on, status.provider_name, status.offer_date) == (
        "110", "offers import, 10 Mar 2025", date(2025, 3, 10), "Mid Kent College", date(2025, 3, 1))
    assert guarantee_status(pupil, date(2025, 3, 9)) is None
    assert db.session.scalar(select(func.count()).select_from(GuaranteeRecord)) == 1
    assert no_offer_figures(2024, date(2025, 3, 10))[0].no_offer == 0

    time_machine.move_to(datetime(2025, 3, 31, 22, tzinfo=UTC))
    [row] = snapshot_rows(take_snapshot(date(2025, 3, 31)))
    assert (row.year_group, row.sg_status, row.sg_source, row.sg_recorded_on) == (
        11, "110", "offers import, 10 Mar 2025", date(2025, 3, 10))


def test_a_schools_answer_then_an_officer_on_the_same_day(db, make, time_machine, client, login):
    """The school says "has not applied" on 20 June; an officer records an offer the same day: the
    officer's record is the status (same day: an officer before a school), and before 20 June there
    was none."""
    time_machine.move_to(datetime(2023, 6, 20, 12, tzinfo=UTC))
    seeded = seed_list(make, db, [""])
    person = seeded.people[0]
    person.date_of_birth = date(2006, 3, 1)  # Year 12 in 2022-23
    response = db.session.scalar(select(SchoolResponse))
    response.guarantee_code = "151"
    apply_answers(seeded.request, date(2023, 6, 20))
    db.session.flush()
    school = guarantee_status(person, date(2023, 6, 20), academic_year=2022)
    assert (school.status, school.source.startswith("school"), school.recorded_on) == ("151", True, date(2023, 6, 20))

    case = open_case(make, db, person=person, school=seeded.school)
    officer = login("officer")
    record_officer_guarantee(case, "110", "Mid Kent College", date(2023, 6, 19), case.version, officer.id)
    db.session.flush()
    assert guarantee_status(person.id, date(2023, 6, 20), academic_year=2022).source == "officer"
    assert guarantee_status(person, date(2023, 6, 19), academic_year=2022) is None

    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert ("September Guarantee status:</strong> Offer made (110), Mid Kent College (from officer, recorded "
            "20 June 2023)") in page

    time_machine.move_to(datetime(2023, 6, 30, 22, tzinfo=UTC))
    [row] = [r for r in snapshot_rows(take_snapshot(date(2023, 6, 30))) if r.young_person_id == person.id]
    assert (row.year_group, row.sg_status, row.sg_source) == (12, "110", "officer")
