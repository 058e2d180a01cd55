"""The monthly NCCIS return: the demo county's XML follows the project's XSD; the error report names
each broken rule and the young person; the command refuses an invalid file unless told."""
from datetime import date

import pytest
from lxml import etree
from sqlalchemy import select, update

from tep_app.models import Activity, AuditEvent, SchoolRecord, Snapshot, SnapshotRow
from tep_app.models.people import GuaranteeRecord
from tep_app.services.returns.nccis_xml import build_return, validate_xml, write_xml
from tep_app.services.returns.snapshots import take_snapshot

MONTH_END = date(2025, 1, 31)


@pytest.fixture
def county(db, make):
    """A small county at the end of January 2025, each young person breaking one rule, one none."""
    school = make.establishment(name="Chalk Hill School")

    def person(forename, surname, born, **kwargs):
        return make.young_person(forename=forename, surname=surname, date_of_birth=born, gender="F", **kwargs)

    def activity(who, code, **kwargs):
        kwargs.setdefault("ascertained_on", date(2024, 10, 1))
        kwargs.setdefault("start_date", date(2024, 9, 2))
        db.session.add(Activity(young_person_id=who.id, code=code, source="officer", **kwargs))

    people = {
        "clean": person("Amara", "Okafor", date(2007, 5, 1), postcode="ME14 1XX", address="1 Mill Lane, Maidstone"),
        "no given name": person("", "Whitlock", date(2007, 6, 1)),
        "digit in name": person("J0rdan", "Pike", date(2008, 2, 1)),
        "born later": person("Nadia", "Farrow", date(2007, 7, 1)),
        "transferred": person("Owen", "Brask", date(2008, 3, 1), moved="other_la", moved_to="Medway",
                              moved_on=date(2025, 1, 10)),
        "neet": person("Priya", "Mistry", date(2007, 8, 1)),
        "year 11": person("Sam", "Oduya", date(2008, 10, 1)),
        "year 12 status": person("Tess", "Marlow", date(2008, 11, 1)),
    }
    activity(people["clean"], "230", due_to_lapse_on=date(2025, 7, 31))
    for key in ("no given name", "digit in name", "born later", "transferred"):
        activity(people[key], "310")
    activity(people["neet"], "619")  # no NEET start date
    activity(people["year 11"], "110", ascertained_on=date(2024, 5, 1), start_date=date(2019, 9, 4))
    make.school_record(people["year 12 status"], school, kind="roll", academic_year=2024, year_group=11)
    db.session.add(GuaranteeRecord(young_person_id=people["year 12 status"].id, academic_year=2024, status="114",
                                   recorded_on=date(2025, 1, 15), source="school, 15 Jan"))
    db.session.flush()
    snapshot = take_snapshot(MONTH_END)
    people["born later"].date_of_birth = date(2016, 4, 1)  # put "right" after the month's end: academic age 8
    db.session.commit()
    return snapshot, people


def test_each_broken_rule_is_reported_with_its_code_words_and_young_person(county):
    snapshot, people = county
    nccis = build_return(snapshot)

    found = {(error.code, error.young_person_id) for error in nccis.errors}
    assert found == {
        ("2", people["no given name"].id),
        ("44", people["digit in name"].id),
        ("10", people["born later"].id),
        ("13", people["transferred"].id),
        ("L1", people["neet"].id),
        ("909", people["year 11"].id),
        ("L4", people["year 12 status"].id),
    }
    by_code = {error.code: error for error in nccis.errors}
    assert by_code["13"].rule == "Rule 13: CohortStatus is T but TransferredToLEACode is empty"
    assert by_code["10"].detail == "Born 1 April 2016: academic age 8, below 15"
    assert by_code["L1"].words == "NEET activity without a NEET start date"
    assert by_code["L1"].name == "Priya Mistry"
    assert by_code["L1"].young_persons_id == f"886{people['neet'].id:010d}"
    assert not nccis.valid


def test_a_code_off_the_list_and_a_missing_date_ascertained_are_reported(county, db):
    snapshot, people = county
    clean = people["clean"].id
    db.session.execute(update(SnapshotRow).where(SnapshotRow.snapshot_id == snapshot.id,
                                                 SnapshotRow.young_person_id == clean)
                       .values(activity_code="999", held_activity_code="999", ascertained_on=None))
    errors = [(error.code, error.detail) for error in build_return(snapshot).errors if error.young_person_id == clean]
    assert errors == [("L2", "Activity code 999"), ("L3", "Activity 999 with no date ascertained")]


def test_identifiers_off_the_format_are_reported_and_left_out_so_the_file_still_follows_the_xsd(db, make,
                                                                                               tmp_path):
    held = make.young_person(forename="Ines", surname="Carvalho", date_of_birth=date(2007, 5, 1), gender="X",
                             upn="A801200005001", uln="1234567890", postcode="ZZ99 9ZZ")
    snapshot = take_snapshot(date(2024, 11, 30))
    nccis = build_return(snapshot)
    assert [(error.code, error.detail) for error in nccis.errors] == [
        ("5", "X is not a gender: enter F, M, U or W"),
        ("L6", "A801200005001 has the wrong check letter: check the UPN"),
        ("L7", "1234567890 is not a ULN: it must be 10 digits that pass the ULN check"),
        ("L8", "ZZ99 9ZZ is not a UK postcode: enter it like ME14 1XX"),
    ]
    assert nccis.errors[0].young_person_id == held.id
    path = tmp_path / "return.xml"
    write_xml(nccis, str(path))
    assert validate_xml(str(path)) == []
    person = etree.parse(str(path)).find("YoungPersons/YoungPerson")
    assert [person.find(name) for name in ("Gender", "UPN", "ULN", "Postcode")] == [None] * 4
    assert person.findtext("FamilyName") == "Carvalho"


def test_the_file_follows_the_xsd_even_with_errors_and_holds_the_snapshot(county, tmp_path):
    snapshot, people = county
    path = tmp_path / "return.xml"
    write_xml(build_return(snapshot), str(path))

    assert validate_xml(str(path)) == []
    tree = etree.parse(str(path))
    assert tree.findtext("Header/PeriodEnd") == "2025-01-31"
    assert tree.findtext("Header/RecordCount") == str(len(people))
    amara = tree.find(f"YoungPersons/YoungPerson[YoungPersonsID='886{people['clean'].id:010d}']")
    assert [amara.findtext(name) for name in ("GivenName", "FamilyName", "DOB", "Postcode", "CohortStatus",
                                              "LeadLEA")] == ["Amara", "Okafor", "2007-05-01", "ME14 1XX", "P", "886"]
    assert [line.text for line in amara.findall("Address/AddressLine")] == ["1 Mill Lane", "Maidstone"]
    assert [amara.findtext(f"CurrentActivity/{name}") for name in (
        "ActivityCode", "StartDate", "DateAscertained", "DueToLapseDate", "CurrencyLapsed")] == [
        "230", "2024-09-02", "2024-10-01", "2025-07-31", "N"]
    owen = tree.find(f"YoungPersons/YoungPerson[YoungPersonsID='886{people['transferred'].id:010d}']")
    assert owen.findtext("CohortStatus") == "T" and owen.find("TransferredToLEACode") is None
    tess = tree.find(f"YoungPersons/YoungPerson[YoungPersonsID='886{people['year 12 status'].id:010d}']")
    assert tess.findtext("SeptemberGuaranteeYear11/StatusCode") == "114"
    assert tess.findtext("CurrentActivity/ActivityCode") == "110"  # on roll: from 1 September
    assert tess.findtext("CurrentActivity/StartDate") == "2024-09-01"


def test_a_file_off_the_xsd_is_reported_by_young_person(county, tmp_path):
    snapshot, people = county
    path = tmp_path / "return.xml"
    write_xml(build_return(snapshot), str(path))
    tree = etree.parse(str(path))
    young_persons_id = f"886{people['neet'].id:010d}"
    person = tree.find(f"YoungPersons/YoungPerson[YoungPersonsID='{young_persons_id}']")
    person.find("CohortStatus").text = "X"
    tree.write(str(path))

    assert validate_xml(str(path)) == [
        f"YoungPersonsID {young_persons_id}: Element 'CohortStatus': [facet 'enumeration'] The value 'X' is not an "
        "element of the set {'P', 'G', 'A', 'L', 'T', 'E', 'M', 'D'}."]


def test_a_file_of_another_shape_is_reported(tmp_path):
    path = tmp_path / "broken.xml"
    path.write_text("<?xml version='1.0'?>\n<NCCISReturn><Header><LACode>88</LACode></Header></NCCISReturn>")
    assert validate_xml(str(path))[0] == ("Header: Element 'LACode': [facet 'pattern'] The value '88' is not "
                                          "accepted by the pattern '[0-9]{3}'.")


@pytest.fixture
def cli(app, db):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=["tep", "return", "nccis", *args])


def test_the_command_refuses_an_invalid_file_unless_errors_are_allowed(county, cli, tmp_path, db):
    _snapshot, people = county
    out = tmp_path / "nccis.xml"

    refused = cli("--month", "2025-01", "--out", str(out))
    assert refused.exit_code == 1
    assert "Rule 13: CohortStatus is T but TransferredToLEACode is empty (priority 2). Owen Brask" in refused.output
    assert f"(/people/{people['transferred'].id})" in refused.output
    assert "7 errors in the NCCIS return for January 2025" in refused.output
    assert "would be invalid and was not written" in refused.output
    assert not out.exists() and list(tmp_path.iterdir()) == []

    allowed = cli("--month", "2025-01", "--out", str(out), "--allow-errors")
    assert allowed.exit_code == 0, allowed.output
    assert f"NCCIS return for January 2025: {len(people)} young people written to {out}" in allowed.output
    assert validate_xml(str(out)) == []


def test_the_command_writes_a_valid_return_and_exits_zero(cli, tmp_path, db, make):
    make.young_person(forename="Amara", surname="Okafor", date_of_birth=date(2007, 5, 1), gender="F")
    take_snapshot(date(2024, 11, 30))
    db.session.commit()
    out = tmp_path / "nccis.xml"
    result = cli("--month", "2024-11", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "error" not in result.output.lower()
    assert etree.parse(str(out)).findtext("YoungPersons/YoungPerson/CurrentActivity/ActivityCode") == "810"


@pytest.mark.parametrize(("month", "message"), [
    ("2025-13", "2025-13 is not a month: use YYYY-MM, like 2025-01"),
    ("January", "January is not a month: use YYYY-MM, like 2025-01"),
    ("2024-06", "No snapshot was taken at the end of June 2024: the return is made from the snapshot of "
                "30 June 2024"),
])
def test_a_bad_month_or_one_with_no_snapshot_gives_a_reason_and_exit_2(cli, tmp_path, month, message):
    result = cli("--month", month, "--out", str(tmp_path / "x.xml"))
    assert result.exit_code == 2
    assert result.output.strip() == f"Error: {message}"


def test_managers_see_the_months_and_a_months_errors_linked_to_each_young_person(county, login, pages, db):
    _snapshot, people = county
    login("manager")
    months = pages.get("/returns/nccis").get_data(as_text=True)
    assert 'href="/returns/nccis/2025-01"' in months and "January 2025" in months
    assert '<a class="govuk-service-navigation__link" href="/returns/nccis"' in months  # in the menu

    text = pages.get("/returns/nccis/2025-01").get_data(as_text=True)
    assert "NCCIS return for January 2025" in text and "7 errors" in text
    assert f'<a class="govuk-link" href="/people/{people["neet"].id}">Priya Mistry</a>' in text
    assert "L1: NEET activity without a NEET start date" in text
    assert "13: CohortStatus is T but TransferredToLEACode is empty" in text
    viewed = db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "nccis_return",
                                                        AuditEvent.action == "view"))
    assert people["neet"].id in viewed.after["young_person_ids"]


def test_the_download_is_audited_and_follows_the_xsd(county, login, client, db, tmp_path):
    snapshot, people = county
    login("admin")
    response = client.post("/returns/nccis/2025-01/download", data={})
    assert response.status_code == 200 and response.mimetype == "application/xml"
    assert response.headers["Content-Disposition"] == "attachment; filename=nccis-2025-01.xml"
    path = tmp_path / "download.xml"
    path.write_bytes(response.data)
    assert validate_xml(str(path)) == []
    assert "<FamilyName>Mistry</FamilyName>" in response.get_data(as_text=True)
    exported = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all()
    assert [(event.object_type, event.object_id, event.after) for event in exported] == [
        ("nccis_return", str(snapshot.id), {"month": "2025-01", "rows": len(people), "errors": 7})]


@pytest.mark.parametrize(("method", "path"), [("get", ""), ("get", "/2025-01"), ("post", "/2025-01/download")])
def test_officers_are_refused_the_return(county, login, client, db, method, path):
    login("officer")
    response = getattr(client, method)(f"/returns/nccis{path}", data={} if method == "post" else None)
    assert response.status_code == 403
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export")) is None


@pytest.mark.parametrize("month", ["2025-02", "2025-13", "anything"])
def test_a_month_with_no_snapshot_is_not_found(county, login, client, month):
    login("manager")
    assert client.get(f"/returns/nccis/{month}").status_code == 404
    assert client.post(f"/returns/nccis/{month}/download", data={}).status_code == 404


def test_the_demo_county_return_follows_the_xsd(app, db, tmp_path, monkeypatch, time_machine):
    from tep_app.demo.load import load_demo

    time_machine.move_to("2025-12-10 09:00")
    monkeypatch.setitem(app.config, "DEMO_LOGINS_PATH", str(tmp_path / "logins.txt"))
    load_demo(seed=7, scale=0.01, out=lambda *_: None, logins_path=tmp_path / "logins.txt")
    snapshot = take_snapshot(date(2025, 11, 30))
    db.session.commit()
    nccis = build_return(snapshot)
    path = tmp_path / "demo.xml"
    write_xml(nccis, str(path))

    assert validate_xml(str(path)) == []
    people = etree.parse(str(path)).findall("YoungPersons/YoungPerson")
    assert len(people) == len(nccis.records) == db.session.scalar(
        select(Snapshot.counts).where(Snapshot.id == snapshot.id))["rows"] > 300
    on_roll = db.session.scalars(select(SchoolRecord.young_person_id).where(SchoolRecord.kind == "roll")).all()
    assert {p.findtext("CurrentActivity/ActivityCode") for p in people} >= {"110", "810"} and on_roll
