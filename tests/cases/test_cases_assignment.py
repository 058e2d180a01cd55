"""Patches, balanced assignment and managers' reassignment."""
from sqlalchemy import select

from tep_app.models import AuditEvent, Case, Patch
from tep_app.services.cases import assign_by_patch, open_cases_for_request, reassign_cases, rebalance, set_patch
from tests.support.cases_support import cases_of, open_case, seed_list


def test_a_school_patch_wins_over_its_district_and_no_patch_is_balanced(db, make):
    district = make.district()
    patched_school = make.establishment(district_id=district.id)
    district_school = make.establishment(district_id=district.id)
    elsewhere = make.establishment()
    school_officer, district_officer = make.staff("officer"), make.staff("officer")
    busy, idle = make.staff("officer"), make.staff("officer")
    for officer in (school_officer, district_officer):
        for _ in range(5):
            open_case(make, db, officer=officer)
    for _ in range(3):
        open_case(make, db, officer=busy)
    open_case(make, db, officer=idle)
    set_patch(school_officer.id, establishment_id=patched_school.id)
    set_patch(district_officer.id, district_id=district.id)

    one = seed_list(make, db, ["810"], school=patched_school)
    two = seed_list(make, db, [None], school=district_school)
    three = seed_list(make, db, [None, None, None], school=elsewhere)
    for seeded in (one, two, three):
        open_cases_for_request(seeded.request)

    assert cases_of(db, one.people[0])[0].officer_id == school_officer.id
    assert cases_of(db, two.people[0])[0].officer_id == district_officer.id
    # idle has 1, busy 3: idle takes two, then they tie at 3 and the lower id takes the next.
    assert sorted(cases_of(db, p)[0].officer_id for p in three.people) == \
        sorted([idle.id, idle.id, min(idle.id, busy.id)])


def test_assign_by_patch_for_one_case(db, make):
    school = make.establishment()
    officer = make.staff("officer")
    set_patch(officer.id, establishment_id=school.id)
    case = open_case(make, db, school=school)
    assert assign_by_patch(case) == officer.id
    assert case.officer_id == officer.id


def test_reassign_many_cases_is_audited(db, make):
    old, new = make.staff("officer"), make.staff("officer")
    cases = [open_case(make, db, officer=old) for _ in range(3)]
    manager = make.staff("manager")
    assert reassign_cases([c.id for c in cases[:2]], new.id, manager.id) == 2
    assert [c.officer_id for c in cases] == [new.id, new.id, old.id]
    events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "reassign")))
    assert len(events) == 2
    assert events[0].before == {"officer_id": old.id} and events[0].after["officer_id"] == new.id


def test_rebalance_evens_out_unpatched_cases(db, make):
    heavy, light = make.staff("officer"), make.staff("officer")
    for _ in range(6):
        open_case(make, db, officer=heavy)
    moved = rebalance()
    assert moved == 3
    counts = {o.id: len(list(db.session.scalars(select(Case).where(Case.officer_id == o.id)))) for o in (heavy, light)}
    assert counts == {heavy.id: 3, light.id: 3}


def test_the_patches_page_adds_changes_and_removes(pages, login, make, db):
    login("manager")
    school = make.establishment(name="Herne Bay High")
    first, second = make.staff("officer", name="Olu Officer"), make.staff("officer", name="Pat Officer")
    case = open_case(make, db, school=school, officer=second)
    db.session.commit()

    page = pages.get("/cases/patches").page
    assert "No patches yet." in page.select_one("#patch-table").get_text()
    data = {"area": "school", "establishment_id": str(school.id), "officer_id": str(first.id), "move_open_cases": "y"}
    pages.post("/cases/patches", data, 302)
    page = pages.get("/cases/patches").page
    assert "Herne Bay High is now Olu Officer's patch; 1 open case moved" in page.get_text(" ", strip=True)
    assert [td.get_text(strip=True) for td in page.select("#patch-table tbody td")][:2] == \
        ["Herne Bay High", "Olu Officer"]
    db.session.refresh(case)
    assert case.officer_id == first.id

    pages.post("/cases/patches", {**data, "officer_id": str(second.id), "move_open_cases": ""}, 302)
    patch = db.session.scalar(select(Patch))
    assert patch.officer_id == second.id
    db.session.refresh(case)
    assert case.officer_id == first.id  # not moved this time

    pages.post(f"/cases/patches/{patch.id}/remove", {}, 302)
    assert db.session.scalar(select(Patch)) is None
    assert {e.action for e in db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "patch"))} == \
        {"create", "update", "delete"}


def test_the_patches_form_names_each_missing_field(pages, login, make, db):
    login("manager")
    page = pages.post("/cases/patches", {}).page
    errors = [li.get_text(strip=True) for li in page.select(".govuk-error-summary__list li")]
    assert errors == ["Select a school or a district", "Select an officer"]
    page = pages.post("/cases/patches", {"area": "district", "officer_id": str(make.staff("officer").id)}).page
    errors = [li.get_text(strip=True) for li in page.select(".govuk-error-summary__list li")]
    assert errors == ["Select a district"]


def test_a_manager_reassigns_from_the_checkbox_table(pages, login, make, db):
    login("manager")
    old, new = make.staff("officer", name="Olu Officer"), make.staff("officer", name="Pat Officer")
    cases = [open_case(make, db, officer=old) for _ in range(3)]
    db.session.commit()
    page = pages.get(f"/cases/manage?f-officer={old.id}").page
    assert len(page.select("#case-table input[name=case_ids]")) == 3
    pages.post(f"/cases/manage?f-officer={old.id}",
               {"officer_id": str(new.id), "case_ids": [str(cases[0].id), str(cases[2].id)]}, 302)
    for case in cases:
        db.session.refresh(case)
    assert [c.officer_id for c in cases] == [new.id, old.id, new.id]
    page = pages.post("/cases/manage", {"officer_id": str(new.id)}).page
    assert [li.get_text(strip=True) for li in page.select(".govuk-error-summary__list li")] == \
        ["Select at least one case to reassign"]
    page = pages.post("/cases/manage", {"case_ids": [str(cases[1].id)]}).page
    assert [li.get_text(strip=True) for li in page.select(".govuk-error-summary__list li")] == ["Select an officer"]
