"""Printed letters and visit lists: one young person's letter from their case, a patch's letters in
one PDF, and the visit list; each letter is logged on its case as a letter sent."""
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from sqlalchemy import select

from tep_app import clock
from tep_app.dates import long_date, short_date
from tep_app.models import AuditEvent, Case, ContactAttempt, Patch
from tep_app.services.people import pdf
from tests.support.cases_support import add_phone, open_case

ADDRESS = "12 Orchard Way, Bearsted, Maidstone"
POSTCODE = "ME14 4AB"


def _pdf_pages(response) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    return [" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(response.data)).pages]


def _flash(page) -> str:
    banner = page.select_one(".govuk-notification-banner")
    return " ".join(banner.get_text(" ", strip=True).split()) if banner else ""


def _csrf(page) -> dict:
    return {"csrf_token": page.select_one("input[name=csrf_token]")["value"]}


def _flagged_case(make, db, officer, school=None, address=ADDRESS, postcode=POSTCODE, **person):
    person = make.young_person(address=address, postcode=postcode, **person)
    add_phone(db, person, f"077009{person.id:05d}")
    case = open_case(make, db, person=person, school=school, officer=officer, needs_letter_or_visit=True)
    db.session.commit()
    return case


def _attempts(db, case) -> list[tuple]:
    return [(a.channel, a.used_value, a.outcome) for a in db.session.scalars(
        select(ContactAttempt).where(ContactAttempt.case_id == case.id).order_by(ContactAttempt.id))]


def test_a_letter_names_the_young_person_at_their_address_with_the_date_in_words(pages, client, login, make, db):
    officer = login("officer", name="Priya Okafor", email="priya.okafor@tep.example")
    case = _flagged_case(make, db, officer, forename="Tamsin", surname="Wren-Adeyemi")
    today = long_date(clock.today())

    page = pages.page(f"/cases/{case.id}")
    link = page.select_one("#letter-link a")
    assert link.get_text(strip=True) == "Print a letter to Tamsin Wren-Adeyemi"
    page = pages.page(link["href"])
    assert page.h1.get_text(strip=True) == "Letter to Tamsin Wren-Adeyemi"
    assert [line.strip() for line in page.select_one("#letter-address").stripped_strings] == [
        "Tamsin Wren-Adeyemi", "12 Orchard Way", "Bearsted", "Maidstone", POSTCODE]
    assert page.select_one("#letter-date").get_text(strip=True) == today
    assert "Dear Tamsin," in page.select_one("#letter-body").get_text(" ", strip=True)
    assert _attempts(db, case) == []  # looking at it prints nothing

    text = _pdf_pages(client.post(f"/people/{case.young_person_id}/letter", data=_csrf(page)))

    assert len(text) == 1
    for words in ("The Education People", "Kent County Council", "Tamsin Wren-Adeyemi 12 Orchard Way Bearsted "
                  f"Maidstone {POSTCODE}", today, "Dear Tamsin,", "What are you doing now?",
                  "Please call Priya Okafor on 01632 960 000 or email priya.okafor@tep.example",
                  "If you are not sure what to do next, we can help.",
                  "Yours sincerely Priya Okafor Participation and Tracking Officer"):
        assert words in text[0], words
    assert "GOV.UK" not in text[0] and "((" not in text[0]
    assert _attempts(db, case) == [("letter", f"{ADDRESS}, {POSTCODE}", "letter_sent")]
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "export", AuditEvent.object_type == "young_person",
        AuditEvent.object_id == str(case.young_person_id))) is not None

    page = pages.page(f"/cases/{case.id}")
    assert _flash(page) == "Success Letter printed for Tamsin Wren-Adeyemi. It is logged on the case as a letter sent"
    assert "Letter or visit" not in page.select_one("#case-flags").get_text(" ", strip=True)
    assert f"Letter to {ADDRESS}, {POSTCODE}: letter sent" in page.select_one("#timeline").get_text(" ", strip=True)


def test_a_young_person_with_no_address_gets_a_clear_message_and_no_letter(pages, client, login, make, db):
    officer = login("officer")
    case = _flagged_case(make, db, officer, address=None, forename="Kofi", surname="Marsh")

    page = pages.page(f"/people/{case.young_person_id}/letter")

    message = "No postal address is held for Kofi Marsh, so no letter can be printed. Record their address first."
    assert page.select_one("#letter-problem").get_text(strip=True) == message
    assert page.select_one("#letter-preview") is None and page.select("form[action$='/letter']") == []
    response = client.post(f"/people/{case.young_person_id}/letter", data=_csrf(page))
    assert response.status_code == 302
    assert _flash(pages.page(response.location)) == f"Important {message}"
    assert _attempts(db, case) == []
    assert db.session.get(Case, case.id).needs_letter_or_visit


def _patch_with_cases(make, db, officer):
    school = make.establishment(name="Oakwood Park Grammar")
    patch = Patch(officer_id=officer.id, establishment_id=school.id)
    db.session.add(patch)
    cases = {
        "Cole": _flagged_case(make, db, officer, school, surname="Cole", address="3 Mill Lane, Tonbridge",
                              postcode="TN9 1AA"),
        "Ahmed": _flagged_case(make, db, officer, school, surname="Ahmed", address="40 High Street, Maidstone",
                               postcode="ME14 1JF"),
        "Baker": _flagged_case(make, db, officer, school, surname="Baker", address="7 Bank Street, Ashford",
                               postcode="TN23 1BA"),
        "Nowak": _flagged_case(make, db, officer, school, surname="Nowak", address=None, postcode="ME15 6AA"),
    }
    quiet = open_case(make, db, person=make.young_person(surname="Quiet", address="1 Any Road"), school=school)
    elsewhere = _flagged_case(make, db, officer, make.establishment(), surname="Elsewhere")
    db.session.commit()
    return patch, cases, quiet, elsewhere


def test_a_patch_prints_one_letter_a_page_for_each_flagged_case_with_an_address(pages, client, login, make, db):
    officer = login("officer")
    patch, cases, quiet, elsewhere = _patch_with_cases(make, db, officer)

    page = pages.page("/people/letters-and-visits")
    row = page.select_one(f"#my-patches tr[data-patch='{patch.id}']")
    assert [td.get_text(" ", strip=True) for td in row.select("td")] == ["Oakwood Park Grammar", officer.name, "4"]
    page = pages.page(f"/people/letters-and-visits/{patch.id}")
    names = [tr.select_one("td a").get_text(strip=True) for tr in page.select("#flagged-cases tbody tr")]
    assert [name.split()[-1] for name in names] == ["Ahmed", "Nowak", "Cole", "Baker"]  # ME14, ME15, TN9, TN23
    warning = page.select_one(".govuk-warning-text").get_text(" ", strip=True)
    assert "1 of them has no address held and will be skipped" in warning and "Nowak" in warning
    assert page.select_one("form[action$='/letters'] button").get_text(strip=True) == "Print 3 letters (PDF)"

    text = _pdf_pages(client.post(f"/people/letters-and-visits/{patch.id}/letters", data=_csrf(page)))

    assert len(text) == 3
    for page_text, surname in zip(text, ("Ahmed", "Cole", "Baker"), strict=True):
        person = cases[surname].young_person
        assert f"{person.forename} {surname} {person.address.replace(',', '')} {person.postcode}" in page_text
        assert long_date(clock.today()) in page_text
    for surname in ("Ahmed", "Cole", "Baker"):
        assert _attempts(db, cases[surname])[-1][::2] == ("letter", "letter_sent")
        assert not db.session.get(Case, cases[surname].id).needs_letter_or_visit
    assert _attempts(db, cases["Nowak"]) == [] and db.session.get(Case, cases["Nowak"].id).needs_letter_or_visit
    assert _attempts(db, quiet) == [] and _attempts(db, elsewhere) == []

    page = pages.page(f"/people/letters-and-visits/{patch.id}")
    nowak = cases["Nowak"].young_person.display_name
    assert _flash(page) == ("Success 3 letters printed for Oakwood Park Grammar, each logged on its case as a letter "
                            f"sent. 1 young person was skipped: no address is held for {nowak}")
    assert [tr.select_one("td a").get_text(strip=True) for tr in page.select("#flagged-cases tbody tr")] == [nowak]
    assert page.select_one("form[action$='/letters']") is None  # nobody left to write to


def test_the_visit_list_is_a_table_by_postcode_with_a_blank_outcome_column(pages, client, login, make, db):
    officer = login("officer")
    patch, cases, _quiet, _elsewhere = _patch_with_cases(make, db, officer)
    add_phone(db, cases["Cole"].young_person, "07700900999", kind="parent_phone")
    db.session.add(ContactAttempt(case_id=cases["Cole"].id, channel="phone", used_value="07700900999",
                                  outcome="voicemail", at=clock.now()))
    db.session.commit()
    before = db.session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) or 0

    text = " ".join(_pdf_pages(client.get(f"/people/letters-and-visits/{patch.id}/visits.pdf")))

    assert text.startswith("Page 1 Visit list: Oakwood Park Grammar")
    assert "Name Date of birth Address Postcode Phone numbers held Last attempt Outcome" in text
    order = [text.index(cases[s].young_person.display_name) for s in ("Ahmed", "Nowak", "Cole", "Baker")]
    assert order == sorted(order)
    cole = cases["Cole"].young_person
    assert short_date(cole.date_of_birth) in text and "3 Mill Lane, Tonbridge TN9 1AA" in text
    assert "07700900999 (parent or carer)" in text
    assert f"Phone call, {short_date(clock.now())}: Left a voicemail" in text
    assert "No address held ME15 6AA" in text and "Quiet" not in text and "Elsewhere" not in text
    exported = set(db.session.scalars(select(AuditEvent.object_id).where(
        AuditEvent.id > before, AuditEvent.action == "export", AuditEvent.object_type == "young_person")))
    assert exported == {str(case.young_person_id) for case in cases.values()}
    assert _attempts(db, cases["Cole"]) == [("phone", "07700900999", "voicemail")]  # a visit list logs no visit


def test_a_district_patch_leaves_out_schools_with_their_own_patch(pages, client, login, make, db):
    login("manager")
    other = make.staff()
    district = make.district("Swale")
    school, own = make.establishment(district_id=district.id), make.establishment(district_id=district.id)
    patch = Patch(officer_id=other.id, district_id=district.id)
    db.session.add_all([patch, Patch(officer_id=other.id, establishment_id=own.id)])
    in_district = _flagged_case(make, db, other, school, surname="Inside")
    _flagged_case(make, db, other, own, surname="Ownpatch")

    page = pages.page(f"/people/letters-and-visits/{patch.id}")

    assert page.h1.get_text(strip=True) == "Letters and visits: Swale (district)"
    assert [tr["data-case"] for tr in page.select("#flagged-cases tbody tr")] == [str(in_district.id)]
    assert client.get("/people/letters-and-visits/2147483647/visits.pdf").status_code == 404


def test_the_young_persons_page_leads_officers_to_their_letter(pages, login, make, db):
    officer = login("officer")
    case = _flagged_case(make, db, officer, forename="Idris", surname="Fenn")

    link = pages.page(f"/people/{case.young_person_id}").select_one("#letter-link a")

    assert link.get_text(strip=True) == "Print a letter to Idris Fenn"
    assert pages.page(link["href"]).h1.get_text(strip=True) == "Letter to Idris Fenn"


# Every font the list could be printed in here: each pair of font files this machine has, and
# Helvetica, which needs none.
FONTS_HERE = [files for files in pdf.FONT_FILES if all(Path(path).is_file() for path in files)] + [None]


@pytest.mark.parametrize("font_files", FONTS_HERE, ids=lambda files: Path(files[0]).stem if files else "Helvetica")
def test_each_visit_list_heading_word_and_a_long_postcode_fit_their_column_in_every_font(font_files):
    # The list is printed in the first font the server has: in any of them no heading word is
    # broken, and a postcode stays on one line.
    regular, bold = ("Helvetica", "Helvetica-Bold") if font_files is None else ("Check", "Check-Bold")
    for name, path in zip((regular, bold), font_files or (), strict=False):
        pdfmetrics.registerFont(TTFont(name, path))
    padding = 12  # points: a table cell's left and right padding together
    too_narrow = []
    for heading, width in zip(pdf.VISIT_COLUMNS, pdf._WIDTHS, strict=True):
        words = heading.split() + (["WW99 9WW"] if heading == "Postcode" else [])
        for word in words:
            font = bold if word in heading.split() else regular
            if pdfmetrics.stringWidth(word, font, 9) + padding > width * mm:
                too_narrow.append((heading, word))
    assert too_narrow == []
