"""A young person's personal data is anonymised at the end of the academic year (31 August) in which
they reach 20, or 26 with an EHCP: the day before, everything is kept; the day after, names,
identifiers, date of birth, contacts and notes are gone and the statistics stay."""
from datetime import date

from sqlalchemy import func, select

from tep_app.models import Activity, ContactDetail, SchoolRecord
from tests.people.retention_support import county, leaver, person, run_on


def test_the_day_before_and_after_the_end_of_the_academic_year_they_reach_20(make, db):
    school = make.establishment()
    march = leaver(make, db, school, date(2006, 3, 10), forename="Oriel", surname="Pennant-Hale")
    august = leaver(make, db, school, date(2006, 8, 31))  # 20 on the last day of 2025-26
    september = leaver(make, db, school, date(2006, 9, 1))  # 20 on the first day of 2026-27
    db.session.commit()

    result = run_on(db, date(2026, 8, 31))
    assert result.counts()["young_person"]["young_person"] == 0
    kept = person(db, march.id)
    assert (kept.forename, kept.surname, kept.date_of_birth, kept.anonymised_at) == (
        "Oriel", "Pennant-Hale", date(2006, 3, 10), None)

    result = run_on(db, date(2026, 9, 1))
    assert result.counts()["young_person"]["young_person"] == 2
    gone = person(db, march.id)
    assert gone.anonymised_at is not None
    assert (gone.forename, gone.surname, gone.middle_names, gone.upn, gone.uln, gone.postcode, gone.address,
            gone.gender) == ("Anonymised", str(march.id), None, None, None, None, None, None)
    assert gone.date_of_birth == date(2005, 9, 1)  # the academic year of birth: the academic age stays
    assert person(db, august.id).anonymised_at is not None
    assert person(db, september.id).forename != "Anonymised"
    assert db.session.scalar(select(func.count()).select_from(ContactDetail)
                             .where(ContactDetail.young_person_id == march.id)) == 0
    activity = db.session.scalar(select(Activity).where(Activity.young_person_id == march.id))
    assert (activity.code, activity.ascertained_on, activity.notes) == ("230", date(2022, 10, 3), None)
    record = db.session.scalar(select(SchoolRecord).where(SchoolRecord.young_person_id == march.id))
    assert (record.establishment_id, record.year_group, record.kind, record.academic_year) == (
        school.id, 11, "leaver", 2022)

    assert person(db, september.id).anonymised_at is None
    run_on(db, date(2027, 8, 31))
    assert person(db, september.id).anonymised_at is None
    run_on(db, date(2027, 9, 1))
    assert person(db, september.id).anonymised_at is not None


def test_with_an_ehcp_they_are_kept_until_the_end_of_the_academic_year_they_reach_26(make, db):
    school = make.establishment()
    young = leaver(make, db, school, date(2006, 3, 10), ehcp=True)
    older = leaver(make, db, school, date(2000, 3, 10), ehcp=True, surname="Ashdown-Vey")
    db.session.commit()
    run_on(db, date(2026, 8, 31))
    assert person(db, older.id).surname == "Ashdown-Vey"
    run_on(db, date(2026, 9, 1))
    assert person(db, older.id).surname == str(older.id)
    assert person(db, young.id).anonymised_at is None  # 20, but with an EHCP
    run_on(db, date(2032, 8, 31))
    assert person(db, young.id).anonymised_at is None
    run_on(db, date(2032, 9, 1))
    assert person(db, young.id).anonymised_at is not None


def test_a_second_run_changes_nothing(make, db):
    people = county(make, db)
    db.session.commit()
    first = run_on(db, date(2026, 9, 1))
    assert first.counts()["young_person"]["young_person"] == len(people) - 1  # not the one with an EHCP
    stamps = {p.id: person(db, p.id).anonymised_at for p in people}
    second = run_on(db, date(2026, 9, 2))
    assert all(count == 0 for counts in second.counts().values() for count in counts.values()), second.counts()
    assert {p.id: person(db, p.id).anonymised_at for p in people} == stamps
