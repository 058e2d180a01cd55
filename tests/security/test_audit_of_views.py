"""Every page and download that shows young people's personal data writes an audit row.

Every route of the app is classified here: it shows young people's data (and how to visit it with
data present), or it does not. A new route fails the first test until it is put in one list; each
route in the first list is visited as its user would, and fails when the visit writes no audit row."""
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO

import pytest
from sqlalchemy import func, select

from tep_app.models import AuditEvent, ImportBatch
from tep_app.services.imports import import_file
from tests.support.cases_support import open_case
from tests.support.imports_support import LEAVER_HEADERS, csv_bytes, establishments_csv, leaver_rows
from tests.support.portal_support import HEADERS, entry_row, make_collection, seed_request, sign_school_in, xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Rows a page writes when someone reads young people's data.
READ_ACTIONS = ("view", "export", "search")


@dataclass
class Visit:
    method: str
    url: str
    data: dict | None = None
    shows: str | None = None  # text the page must show: the young person is really there


def _case(ctx, **kwargs):
    return open_case(ctx.make, ctx.db, person=ctx.person, officer=ctx.user, **kwargs)


def _cases_queue(ctx):
    _case(ctx)
    return Visit("get", "/cases", shows=ctx.person.surname)


def _cases_show(ctx):
    return Visit("get", f"/cases/{_case(ctx).id}", shows=ctx.person.surname)


def _case_post(path: str, kind: str = "leavers"):
    def visit(ctx):
        case = _case(ctx, collection_id=make_collection(ctx.db, kind=kind).id)
        # A form with nothing in it: the case page again, with its errors.
        return Visit("post", f"/cases/{case.id}/{path}", data={}, shows=ctx.person.surname)
    return visit


def _cases_manage(ctx):
    open_case(ctx.make, ctx.db, person=ctx.person, officer=ctx.make.staff())
    return Visit("get", f"/cases/manage?f-q={ctx.person.surname}", shows=ctx.person.surname)


def _people_search(ctx):
    return Visit("get", f"/people/search?q={ctx.person.surname}", shows=ctx.person.surname)


def _person_page(ctx):
    return Visit("get", f"/people/{ctx.person.id}", shows=ctx.person.surname)


def _person_post(path: str, closed: bool = False):
    def visit(ctx):
        case = _case(ctx, **({"status": "closed"} if closed else {}))
        # A form with nothing in it: the young person's page again, with its errors.
        return Visit("post", f"/people/{ctx.person.id}/{path.format(case=case.id)}", data={},
                     shows=ctx.person.surname)
    return visit


def _review(ctx):
    from datetime import date

    from tep_app.services.match_runs import run_matching

    school = ctx.make.establishment(name="Chalk Hill School")
    college = ctx.make.establishment(type="college", contacts=0, name="Stour Valley College")
    person = ctx.make.young_person(forename="Priya", surname="Raman", date_of_birth=date(2007, 3, 14),
                                   postcode="TN23 4DD")
    ctx.make.school_record(person, school, "leaver", 2022)
    ctx.make.enrolment(college, person, 2022, upn=None, uln=None, surname="Ramen", date_of_birth=date(2007, 3, 19),
                       postcode="DA1 1ZZ", row_key="priya-row")
    run_matching(2022)
    return Visit("get", "/admin/matches/?year=2022", shows="Raman")


def _upload(ctx, rows) -> str:
    import_file("establishments", establishments_csv(), "establishments.csv")
    response = ctx.pages.post("/admin/imports/new", data={"kind": "leavers", "academic_year": "2022",
                                                          "file": (BytesIO(csv_bytes(LEAVER_HEADERS, rows)),
                                                                   "leavers.csv")}, status=302)
    return response.headers["Location"]


def _import_preview(ctx):
    return Visit("get", _upload(ctx, leaver_rows(3)), shows="Surname2")


def _import_problems(ctx):
    rows = leaver_rows(2)
    rows[0][2] = "=1+1"
    return Visit("get", _upload(ctx, rows) + "/problems.xlsx")


def _import_warnings(ctx):
    return Visit("get", _upload(ctx, leaver_rows(2)) + "/warnings.xlsx")


def _batch(ctx) -> int:
    preview = _upload(ctx, leaver_rows(2))
    ctx.pages.post(f"{preview}/confirm", data={}, status=302)
    return ctx.db.session.scalar(select(func.max(ImportBatch.id)).where(ImportBatch.kind == "leavers"))


def _import_report(ctx):
    return Visit("get", f"/admin/imports/batches/{_batch(ctx)}")


def _batch_warnings(ctx):
    return Visit("get", f"/admin/imports/batches/{_batch(ctx)}/warnings.xlsx")


def _school_list(ctx):
    seeded = seed_request(ctx.make, ctx.db)
    name = seeded.entries[0].young_person.surname
    return Visit("get", f"/schools/{seeded.establishment.laestab}?year=2022", shows=name)


def _school_download(ctx):
    seeded = seed_request(ctx.make, ctx.db)
    seeded.collection.built_at = datetime.now(UTC)
    return Visit("get", f"/schools/{seeded.establishment.laestab}/download/leavers?year=2022")


def _portal(path: str, method: str = "get", shows: bool = True, data=None):
    def visit(ctx):
        seeded = seed_request(ctx.make, ctx.db)
        ctx.school = seeded
        name = seeded.entries[0].young_person.surname
        url = path.format(entry=seeded.entries[0].id)
        return Visit(method, url, data=data(seeded) if data else None, shows=name if shows else None)
    return visit


def _duplicate_rows(seeded):
    """An upload naming the same young person twice: the problem names them."""
    entry = seeded.entries[0]
    rows = [entry_row(entry, destination="Further education"), entry_row(entry, destination="Further education")]
    return {"file": (xlsx(rows, HEADERS), "list.xlsx")}


def _audit_page(ctx):
    _case(ctx)
    ctx.pages.get("/cases")  # a view of the queue: the audit has young people to show
    return Visit("get", "/dashboard/audit?action=view")


def _audit_export(ctx):
    _case(ctx)
    return Visit("get", "/dashboard/audit/export")


def _letter_case(ctx):
    ctx.person.address = "12 Orchard Way, Maidstone"
    return _case(ctx, needs_letter_or_visit=True)


def _letter(method: str):
    def visit(ctx):
        _letter_case(ctx)
        shows = ctx.person.surname if method == "get" else None  # a POST hands over the PDF
        return Visit(method, f"/people/{ctx.person.id}/letter", data={} if method == "post" else None, shows=shows)
    return visit


def _patch_page(suffix: str = "", method: str = "get"):
    def visit(ctx):
        from tep_app.models import Patch

        patch = Patch(officer_id=ctx.user.id, establishment_id=_letter_case(ctx).establishment_id)
        ctx.db.session.add(patch)
        ctx.db.session.flush()
        shows = ctx.person.surname if not suffix else None  # the letters and the visit list are PDFs
        return Visit(method, f"/people/letters-and-visits/{patch.id}{suffix}",
                     data={} if method == "post" else None, shows=shows)
    return visit


def _data_protection(path: str, method: str = "get"):
    def visit(ctx):
        # A POST with no reason: the page again, naming them, with its error.
        return Visit(method, f"/people/{ctx.person.id}/{path}", data={} if method == "post" else None,
                     shows=ctx.person.surname)
    return visit


def _activity_survey(path: str):
    def visit(ctx):
        # A Year 11 leaver of 2022 with no activity: the survey names them, in its error report and its file.
        ctx.make.school_record(ctx.person, ctx.make.establishment(), kind="leaver", academic_year=2022, year_group=11)
        return Visit("get", f"/returns/activity-survey{path}?year=2022", shows=ctx.person.surname)
    return visit


def _nccis(path: str, method: str = "get"):
    def visit(ctx):
        # NEET with no NEET start date at the end of January 2023: the return names them, in its
        # error report and its file.
        from datetime import date

        from tep_app.models import Activity
        from tep_app.services.returns.snapshots import take_snapshot

        ctx.person.date_of_birth = date(2006, 3, 14)
        ctx.db.session.add(Activity(young_person_id=ctx.person.id, code="619", ascertained_on=date(2023, 1, 5),
                                    source="officer"))
        ctx.db.session.flush()
        take_snapshot(date(2023, 1, 31))
        return Visit(method, f"/returns/nccis/2023-01{path}", data={} if method == "post" else None,
                     shows=ctx.person.surname)
    return visit


# Every route that shows young people's personal data: who uses it (a staff role, or "school"),
# and how to visit it with data present.
SHOWS_YOUNG_PEOPLE = {
    "cases.queue": ("officer", _cases_queue),
    "cases.show": ("officer", _cases_show),
    "cases.attempt": ("officer", _case_post("attempts")),
    "cases.activity": ("officer", _case_post("activity")),
    "cases.moved": ("officer", _case_post("moved")),
    "cases.guarantee": ("officer", _case_post("guarantee", "no-offer")),
    "cases.manage": ("manager", _cases_manage),
    "people.search": ("officer", _people_search),
    "people.show": ("officer", _person_page),
    "people.subject_access_export": ("admin", _data_protection("subject-access")),
    "people.confirm_erase": ("admin", _data_protection("erase")),
    "people.erase": ("admin", _data_protection("erase", "post")),
    "people.merge_start": ("admin", _data_protection("merge")),
    "people.merge_records": ("admin", _data_protection("merge", "post")),
    "people.confirm_unmerge": ("admin", _data_protection("unmerge")),
    "people.unmerge": ("admin", _data_protection("unmerge", "post")),
    "people.letter": ("officer", _letter("get")),
    "people.print_letter": ("officer", _letter("post")),
    "people.patch": ("officer", _patch_page()),
    "people.patch_letters": ("officer", _patch_page("/letters", "post")),
    "people.visit_list": ("officer", _patch_page("/visits.pdf")),
    "people.record_activity": ("officer", _person_post("activity")),
    "people.add_person_note": ("officer", _person_post("notes")),
    "people.add_contact_detail": ("officer", _person_post("contact-details")),
    "people.record_person_move": ("officer", _person_post("moved")),
    "people.open_person_case": ("officer", _person_post("case")),
    "people.reopen_person_case": ("officer", _person_post("case/{case}/reopen", closed=True)),
    "people.assign_person_case": ("officer", _person_post("case/{case}/assign")),
    "matches.index": ("admin", _review),
    "imports.preview": ("admin", _import_preview),
    "imports.problems_report": ("admin", _import_problems),
    "imports.upload_warnings": ("admin", _import_warnings),
    "imports.batch_report": ("admin", _import_report),
    "imports.batch_warnings": ("admin", _batch_warnings),
    "schools.show": ("officer", _school_list),
    "schools.download": ("officer", _school_download),
    "portal.list": ("school", _portal("/school/young-people")),
    "portal.answer": ("school", _portal("/school/young-people/{entry}")),
    "portal.download": ("school", _portal("/school/young-people.xlsx", shows=False)),
    "portal.check": ("school", _portal("/school/check")),
    "portal.upload": ("school", _portal("/school/upload", "post", data=_duplicate_rows)),
    "dashboard.audit": ("manager", _audit_page),
    "dashboard.audit_export": ("manager", _audit_export),
    "returns.activity_survey": ("manager", _activity_survey("")),
    "returns.activity_survey_csv": ("manager", _activity_survey("/survey.csv")),
    "returns.nccis_month": ("manager", _nccis("")),
    "returns.nccis_download": ("manager", _nccis("/download", "post")),
}

# Every other route, and why it shows no young person's data.
NO_YOUNG_PEOPLE = {
    "static": "files", "main.assets": "files", "main.health": "a status", "main.index": "a redirect",
    "main.privacy": "the privacy notice",
    "auth.login": "sign-in", "auth.logout": "sign-out", "auth.unlock": "sign-in limits",
    "auth.change_password": "own password",
    "admin.index": "menu", "admin.accounts": "staff", "admin.account": "staff", "admin.account_new": "staff",
    "admin.account_clear_throttles": "staff", "admin.account_disable": "staff", "admin.account_enable": "staff",
    "admin.account_reset": "staff", "admin.account_sign_out": "staff",
    "admin.calendar": "dates", "admin.edit_calendar_date": "dates", "admin.edit_calendar_setting": "dates",
    "admin.edit_school_holiday": "dates",
    "admin.retention": "the retention schedule and the counts of its runs",
    "admin.edit_retention_rule": "a retention rule",
    "admin.email_templates": "email texts, which carry no young person's data",
    "admin.letter_templates": "letter texts", "admin.edit_letter_template": "letter texts with sample values",
    "people.letters_and_visits": "patches and counts",
    "admin.edit_email_template": "email texts", "admin.caught_mail": "emails to schools and staff: no young people",
    "admin.caught_message": "one such email", "admin.outbox": "emails to schools and staff",
    "admin.retry_outbox_message": "a change",
    "imports.index": "file names and counts", "imports.upload": "a form; a redirect to the preview",
    "imports.confirm": "a change, then a redirect",
    "matches.decide": "a change, then a redirect to the queue (audited as a change)",
    "cases.patches": "officers and areas", "cases.remove": "a change",
    "dashboard.index": "figures by school", "dashboard.export": "figures by school", "dashboard.chase": "a change",
    "dashboard.chase_overdue": "schools",
    "request_admin.show": "a school's request: contacts and emails", "request_admin.chase": "a change",
    "request_admin.reissue": "a change", "request_admin.confirm_revoke": "a school's request",
    "request_admin.revoke": "a change",
    "portal.start": "the link's first page", "portal.choose_contact": "school contacts",
    "portal.enter_code": "a code", "portal.sign_out": "sign-out", "portal.submit": "a change, then a redirect",
    "portal.submitted": "a reference and counts",
    "schools.index": "schools and figures",
    "returns.activity_survey_summary": "destinations by school: counts and percentages, nobody named",
    "returns.measure": "the measure's percentages and counts by group, nobody named",
    "returns.measure_csv": "the same figures as CSV", "returns.set_target": "a target, then a redirect",
    "returns.scorecard": "schools and their figures", "returns.scorecard_csv": "the same as CSV",
    "returns.nccis": "months with a snapshot and their counts",
}


def test_every_route_is_classified_as_showing_young_people_or_not(app):
    endpoints = set(app.view_functions)
    both = set(SHOWS_YOUNG_PEOPLE) & set(NO_YOUNG_PEOPLE)
    unclassified = endpoints - set(SHOWS_YOUNG_PEOPLE) - set(NO_YOUNG_PEOPLE)
    gone = (set(SHOWS_YOUNG_PEOPLE) | set(NO_YOUNG_PEOPLE)) - endpoints
    assert (unclassified, both, gone) == (set(), set(), set())


class _Context:
    def __init__(self, make, db, pages, user):
        self.make, self.db, self.pages, self.user = make, db, pages, user
        self.person = make.young_person(forename="Tamsin", surname="Okonedo-Vale")
        self.school = None


def _reads(db) -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action.in_(READ_ACTIONS)))


@pytest.mark.parametrize("endpoint", sorted(SHOWS_YOUNG_PEOPLE))
def test_a_page_showing_young_people_writes_an_audit_row(endpoint, make, db, login, pages, client, app,
                                                          tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_UPLOAD_DIR", str(tmp_path / "uploads"))
    role, setup = SHOWS_YOUNG_PEOPLE[endpoint]
    ctx = _Context(make, db, pages, None if role == "school" else login(role))
    visit = setup(ctx)
    if role == "school":
        sign_school_in(client, ctx.school)
    db.session.commit()
    before = _reads(db)
    response = getattr(client, visit.method)(visit.url, data=visit.data)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    if visit.shows:
        assert visit.shows in response.get_data(as_text=True)
    elif response.mimetype != "text/html":
        assert response.mimetype in (XLSX, "application/pdf")
    assert _reads(db) > before, f"{endpoint} showed young people's data and wrote no audit row"
