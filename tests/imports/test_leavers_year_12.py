"""Year 12 leavers are on the leavers list as much as Year 11 leavers: imported, matched, built into
the school's list and shown with their year group."""
from tep_app.services.imports import import_file
from tep_app.services.lists import build_lists
from tep_app.services.match_runs import run_matching
from tests.support.imports_support import LEAVER_HEADERS, SCHOOL, csv_bytes, establishments_csv, leaver_rows


def test_a_year_12_leaver_is_on_the_built_leavers_list_with_the_year_11_leavers(db, pages, login):
    import_file("establishments", establishments_csv(), "establishments.csv")
    rows = leaver_rows(3)
    rows[2][5] = "12"  # the third left after Year 12
    rows[2][4] = "01/03/2005"
    import_file("leavers", csv_bytes(LEAVER_HEADERS, rows), "leavers.csv", 2022)
    run_matching(2022, kinds=("leaver_enrolment",))  # no enrolments: no one is found

    build_lists("leavers", 2022)

    login("officer")
    page = pages.page(f"/schools/{SCHOOL}?year=2022&list=leavers")
    assert page.select_one('[data-count="leavers"]').get_text(strip=True) == "3"
    table = [[cell.get_text(strip=True) for cell in row.select("td")] for row in page.select("#entries-table tbody tr")]
    assert sorted((name, year) for name, _upn, year, _why in table) == [
        ("Surname1, Forename1", "11"), ("Surname2, Forename2", "11"), ("Surname3, Forename3", "12")]
