"""Merging two records of one young person: an admin chooses the other record, sees both side by
side, chooses which identity values win and confirms with a reason; every row of the other record
moves onto the kept one, the other leaves searches and figures, and an undo moves exactly those rows
back and restores the values. Refused, with a message, where a merge would be wrong."""
from datetime import date

import pytest
from sqlalchemy import select

from tep_app.models import Activity, AuditEvent, Case, ContactDetail, PersonMerge, PersonNote, SchoolRecord, YoungPerson
from tep_app.services import figures
from tep_app.services.people.search import search_people
from tests.support.cases_support import open_case

AS_AT = date(2023, 1, 10)


@pytest.fixture
def two(make, db):
    """One young person held twice: Kieran Ashby on one school's leaver list, without an activity and
    with an open case; Kieran Ashbey (a slip) on another's, with a Year 12 place, an activity, a
    phone number, a closed case and a note."""
    first_school, second_school = make.establishment(name="Chalk Hill Academy"), make.establishment(name="Dene School")
    kept = make.young_person(forename="Kieran", surname="Ashby", date_of_birth=date(2006, 5, 2), upn=None,
                             postcode="CT1 2AB")
    other = make.young_person(forename="Kieran", surname="Ashbey", middle_names="Lee", date_of_birth=date(2006, 5, 2),
                              upn=None, postcode="CT1 2AB")
    make.school_record(kept, first_school, "leaver", 2022, year_group=11)
    make.school_record(other, second_school, "leaver", 2022, year_group=11)
    make.school_record(other, second_school, "roll", 2022, year_group=12)
    db.session.add(Activity(young_person_id=other.id, code="230", ascertained_on=date(2022, 10, 3),
                            source="school, 3 Oct", provider_name="Dene School sixth form"))
    db.session.add(ContactDetail(young_person_id=other.id, kind="phone", value="07700900333", source="leavers import",
                                 recorded_on=date(2022, 7, 20)))
    db.session.add(PersonNote(young_person_id=other.id, body="Lives with his gran in Whitstable"))
    kept_case = open_case(make, db, person=kept, school=first_school)
    other_case = open_case(make, db, person=other, school=second_school, status="closed")
    db.session.commit()
    return kept, other, kept_case, other_case


def _figures():
    row = figures.not_known_counts(2022, as_at=AS_AT)[0]
    return row.cohort, row.not_known


def _rows_of(db, person_id: int) -> dict[str, int]:
    counts = {}
    for model in (SchoolRecord, Activity, ContactDetail, Case, PersonNote):
        counts[model.__tablename__] = len(db.session.scalars(select(model.id)
                                                             .where(model.young_person_id == person_id)).all())
    return counts


def test_an_admin_merges_two_records_and_undoes_it(pages, login, db, two):
    kept, other, kept_case, other_case = two
    login("admin")
    assert _figures() == (2, 1)  # two leavers: Ashby not known, Ashbey in learning
    before_kept, before_other = _rows_of(db, kept.id), _rows_of(db, other.id)

    person_page = pages.page(f"/people/{kept.id}")
    assert person_page.select_one("#merge-link").get_text() == "Merge with another record"
    choose = pages.page(f"/people/{kept.id}/merge?q=Kieran+Ashbey")
    assert [row["data-person"] for row in choose.select("#merge-results tr[data-person]")] == [str(other.id)]
    assert pages.get(f"/people/{kept.id}/merge?q={other.id}", status=302).headers["Location"] \
        == f"/people/{kept.id}/merge?with={other.id}"

    compare = pages.page(f"/people/{kept.id}/merge?with={other.id}")
    surname = compare.select_one("#merge-identity tr[data-field=surname]").get_text(" ", strip=True)
    assert "Ashby" in surname and "Ashbey" in surname
    sides = compare.select("#merge-sides [data-record]")
    assert "Chalk Hill Academy" in sides[0].get_text() and "Dene School" in sides[1].get_text()
    assert f"Case {kept_case.id} (open)" in sides[0].get_text() and f"Case {other_case.id} (closed)" in \
        sides[1].get_text()
    assert "stays with record" in sides[1].get_text()  # the kept record has a leaver record of 2022
    assert {radio["name"] for radio in compare.select("input[type=radio]")} == {"take-surname", "take-middle_names"}

    done = pages.post(f"/people/{kept.id}/merge", {"other_id": other.id, "take-middle_names": "other",
                                                   "take-surname": "kept", "reason": "Same pupil on two lists"},
                      status=302)
    assert done.headers["Location"] == f"/people/{kept.id}"
    db.session.expire_all()
    person = db.session.get(YoungPerson, kept.id)
    assert (person.surname, person.middle_names) == ("Ashby", "Lee")
    assert _rows_of(db, kept.id) == {"school_record": 2, "activity": 1, "contact_detail": 1, "case": 2,
                                     "person_note": 1}
    assert _rows_of(db, other.id) == {"school_record": 1, "activity": 0, "contact_detail": 0, "case": 0,
                                      "person_note": 0}
    merge = db.session.scalar(select(PersonMerge))
    assert sorted(row.held_in for row in merge.rows) == ["activity", "case", "contact_detail", "person_note",
                                                           "school_record"]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "merge"))
    assert event.object_id == str(kept.id) and event.after["merged"] == other.id
    # The merged record leaves searches and the figures, and its page leads to the kept record.
    assert _figures() == (1, 0)
    assert other.id not in [row.id for row in search_people("Kieran Ashbey").rows]
    redirected = pages.get(f"/people/{other.id}", status=302)
    assert redirected.headers["Location"] == f"/people/{kept.id}"
    banner = pages.page(f"/people/{kept.id}").select_one(".govuk-notification-banner").get_text()
    assert f"Record {other.id} is merged into this record" in banner

    undo_page = pages.page(f"/people/{other.id}/unmerge")
    assert "Same pupil on two lists" in undo_page.select_one("#merge-reason").get_text()
    refused = pages.post(f"/people/{other.id}/unmerge", {"reason": ""}).page
    assert "Enter the reason" in refused.select_one(".govuk-error-summary").get_text()
    pages.post(f"/people/{other.id}/unmerge", {"reason": "Twins, not one pupil"}, status=302)
    db.session.expire_all()
    assert (_rows_of(db, kept.id), _rows_of(db, other.id)) == (before_kept, before_other)
    person = db.session.get(YoungPerson, kept.id)
    assert (person.surname, person.middle_names) == ("Ashby", None)
    assert _figures() == (2, 1)
    assert other.id in [row.id for row in search_people("Kieran Ashbey").rows]
    assert db.session.scalar(select(AuditEvent.after).where(AuditEvent.action == "undo merge"))["merge"] == merge.id


def test_a_merge_is_refused_with_a_message(pages, login, db, make, two):
    kept, other, kept_case, other_case = two
    login("admin")
    itself = pages.page(f"/people/{kept.id}/merge?with={kept.id}")
    assert "cannot be merged with itself" in itself.select_one("#refused").get_text()

    other_case.status = "open"
    db.session.commit()
    both_open = pages.post(f"/people/{kept.id}/merge", {"other_id": other.id, "reason": "One pupil"}).page
    summary = both_open.select_one(".govuk-error-summary").get_text(" ", strip=True)
    assert f"Close case {other_case.id} first" in summary
    db.session.expire_all()
    db.session.get(Case, other_case.id).status = "closed"

    kept.upn, other.upn = "A886400022001", "B886400022002"
    db.session.commit()
    upns = pages.post(f"/people/{kept.id}/merge", {"other_id": other.id, "reason": "One pupil"}).page
    assert "different UPNs" in upns.select_one(".govuk-error-summary").get_text()
    assert upns.select_one("input[name=confirm_upns]") is not None
    no_reason = pages.post(f"/people/{kept.id}/merge", {"other_id": other.id, "confirm_upns": "y", "reason": ""}).page
    assert "Enter the reason" in no_reason.select_one(".govuk-error-summary").get_text()
    assert db.session.scalar(select(PersonMerge)) is None

    pages.post(f"/people/{kept.id}/merge", {"other_id": other.id, "confirm_upns": "y", "reason": "One pupil"},
               status=302)
    third = make.young_person(forename="Kieran", surname="Ashby")
    db.session.commit()
    again = pages.page(f"/people/{third.id}/merge?with={other.id}")
    assert f"Record {other.id} is already merged into record {kept.id}" in again.select_one("#refused").get_text()
    assert again.select_one("main form[method=post]") is None


def test_only_an_admin_merges(client, login, db, pages, two):
    kept, other, _kept_case, _other_case = two
    login("officer")
    assert pages.page(f"/people/{kept.id}").select_one("#merge-link") is None
    assert client.get(f"/people/{kept.id}/merge?with={other.id}").status_code == 403
    assert client.post(f"/people/{kept.id}/merge", data={"other_id": other.id, "reason": "x"}).status_code == 403
    assert client.post(f"/people/{other.id}/unmerge", data={"reason": "x"}).status_code == 403
    assert db.session.scalar(select(PersonMerge)) is None
