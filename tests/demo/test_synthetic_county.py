"""The synthetic county: deterministic, valid identifiers, the right scale, consistent truth."""
import csv
from datetime import date

import pytest
from python_calamine import CalamineWorkbook

from tep_app.demo.files import write_files
from tep_app.demo.generator import generate_county
from tep_app.demo.noise import dob_digit_typo, swap_day_month, typo
from tep_app.services.calendar import current_academic_year
from tep_app.validation import check_laestab, check_ukprn, check_uln, check_upn
from tep_app.validation import check_phone as normalise_phone
from tep_app.validation import check_postcode as normalise_postcode

YEAR = 2022
DISTRICTS = {"Ashford", "Canterbury", "Dartford", "Dover", "Folkestone and Hythe", "Gravesham", "Maidstone",
             "Sevenoaks", "Swale", "Thanet", "Tonbridge and Malling", "Tunbridge Wells"}


@pytest.fixture(scope="module")
def county():
    return generate_county(7, YEAR, scale=0.05)


def test_same_seed_gives_the_same_county_and_another_seed_does_not(county):
    again = generate_county(7, YEAR, scale=0.05)
    other = generate_county(8, YEAR, scale=0.05)
    assert again.leavers == county.leavers and again.enrolments == county.enrolments
    assert again.offers == county.offers and again.truth == county.truth
    assert other.leavers != county.leavers


def test_establishments_are_130_schools_and_12_campuses_in_the_kent_districts(county):
    schools = [e for e in county.establishments if e.type != "college"]
    colleges = [e for e in county.establishments if e.type == "college"]
    assert len(schools) == 130 and len(colleges) == 12
    assert {e.district for e in county.establishments} == DISTRICTS
    assert len({e.laestab for e in county.establishments}) == 142
    assert sum(e.laestab.startswith("886") for e in schools) >= 120
    assert len({e.name.split(",")[0] for e in colleges}) == 3
    for e in county.establishments:
        check_laestab(e.laestab)
        assert normalise_phone(e.phone).startswith("01632960")
        assert 1 <= len(e.contacts) <= 3
        assert all(email.endswith(("@school.example", "@college.example")) for _, email in e.contacts)
    assert all(check_ukprn(c.ukprn) for c in colleges)


def test_every_identifier_passes_the_checks(county):
    for rows in (county.leavers[YEAR], county.roll[YEAR], county.enrolments[YEAR], county.offers[YEAR]):
        for row in rows:
            if row.get("upn"):
                check_upn(row["upn"])
            if row.get("uln"):
                check_uln(row["uln"])
            if row["postcode"]:
                normalise_postcode(row["postcode"])
            for phone in ("phone", "parent_phone"):
                if row.get(phone):
                    normalise_phone(row[phone])
    assert all(row["upn"] for row in county.leavers[YEAR] + county.roll[YEAR])


def test_dates_of_birth_fit_the_year_group(county):
    for row in county.leavers[YEAR]:  # left Year 11 or 12 in the summer of 2022
        start = date(YEAR - 17 - (row["year_group"] - 11), 9, 1)
        assert start <= row["dob"] < start.replace(year=start.year + 1)
    for row in county.roll[YEAR]:  # in Year 11 or 12 in 2022-23
        start = date(YEAR - 16 - (row["year_group"] - 11), 9, 1)
        assert start <= row["dob"] < start.replace(year=start.year + 1)


def test_scale_and_proportions_at_one_hundredth():
    small = generate_county(3, YEAR, scale=0.01)
    stayed = sum(1 for row in small.roll[YEAR] if row["year_group"] == 12)
    assert len(small.leavers[YEAR]) == 350 and len(small.roll[YEAR]) == 175 + stayed
    assert 0.2 <= stayed / 175 <= 0.5  # half of those whose school has a sixth form stay on
    assert 540 <= len(small.enrolments[YEAR]) <= 660
    assert 0.9 * len(small.roll[YEAR]) <= len(small.offers[YEAR]) <= 1.35 * len(small.roll[YEAR])
    assert 0.015 <= len(small.truth[YEAR].not_enrolled) / 350 <= 0.07
    assert 0.04 <= len(small.truth[YEAR].no_offer) / len(small.roll[YEAR]) <= 0.12


def test_noise_rates_are_near_the_design(county):
    rows = county.enrolments[YEAR] + county.offers[YEAR]
    with_upn = sum(bool(r["upn"]) for r in rows) / len(rows)
    with_uln = sum(bool(r["uln"]) for r in rows) / len(rows)
    assert 0.6 <= with_upn <= 0.8 and 0.4 <= with_uln <= 0.6
    people = {r["upn"]: r for r in county.leavers[YEAR] + county.roll[YEAR]}
    exact = sum(1 for r in rows if r["upn"] in people and r["forename"] == people[r["upn"]]["forename"]
                and r["surname"] == people[r["upn"]]["surname"] and r["dob"] == people[r["upn"]]["dob"])
    matched = sum(1 for r in rows if r["upn"] in people)
    assert 0.7 <= exact / matched <= 0.9  # nicknames, spellings, typos, swaps, upper case, surnames, dates


def test_truth_is_what_was_generated(county):
    truth = county.truth[YEAR]
    leavers = {(r["laestab"], r["upn"]) for r in county.leavers[YEAR]}
    enrolled = {r["person"] for r in county.enrolments[YEAR]}
    assert truth.not_enrolled <= leavers
    assert not {upn for _, upn in truth.not_enrolled} & enrolled  # no enrolment row is theirs
    assert {upn for _, upn in leavers - truth.not_enrolled} <= enrolled  # everyone else has one
    roll = {(r["laestab"], r["upn"]) for r in county.roll[YEAR]}
    offered = {r["person"] for r in county.offers[YEAR] if r["status"] in ("110", "114", "115")}
    assert truth.no_offer <= roll
    assert not {upn for _, upn in truth.no_offer} & offered
    assert {upn for _, upn in roll - truth.no_offer} <= offered
    # a row's identifiers are its person's, except the rare row carrying someone else's UPN
    ulns = {r["upn"]: r["uln"] for r in county.leavers[YEAR] + county.roll[YEAR]}
    rows = county.enrolments[YEAR] + county.offers[YEAR]
    strangers = sum(1 for r in rows if r["upn"] and r["upn"] != r["person"])
    assert strangers <= 0.004 * len(rows)
    with_uln = [r for r in rows if r["uln"] and ulns.get(r["person"])]
    assert sum(r["uln"] != ulns[r["person"]] for r in with_uln) <= 0.01 * len(with_uln)  # mistyped ULNs
    assert sum(len(v) for v in truth.per_school("leavers").values()) == len(truth.not_enrolled)


def test_twins_share_surname_dob_and_postcode_but_not_forename():
    big = generate_county(11, YEAR, scale=0.2)
    rows = big.leavers[YEAR]
    seen = {}
    twins = 0
    for row in rows:
        key = (row["laestab"], row["surname"], row["dob"], row["postcode"])
        if key in seen:
            assert seen[key]["forename"] != row["forename"]
            twins += 1
        seen[key] = row
    assert twins >= 10


def test_several_years_share_establishments_and_keep_each_persons_upn():
    three = generate_county(5, YEAR, years=3, scale=0.01)
    assert three.academic_years == [2020, 2021, 2022]
    assert set(three.truth) == {2020, 2021, 2022}
    # this year's Year 12 on roll left Year 11 last summer and stayed on at their own school: the
    # same people, the same UPNs, and exactly those whose enrolment is at the school they left
    roll_y12 = {(r["laestab"], r["upn"]) for r in three.roll[2022] if r["year_group"] == 12}
    leavers_y11 = {r["upn"] for r in three.leavers[2022] if r["year_group"] == 11}
    codes = {e.laestab: {e.laestab, e.ukprn} for e in three.establishments}
    home = {r["upn"]: r["laestab"] for r in three.leavers[2022]}
    at_own_school = {(home[r["person"]], r["person"]) for r in three.enrolments[2022]
                     if r["person"] in leavers_y11 and r["provider"] in codes[home[r["person"]]]}
    assert roll_y12 == at_own_school
    assert 0 < len(roll_y12) < len(leavers_y11)
    last_year_y11 = {r["upn"] for r in three.roll[2021] if r["year_group"] == 11}
    assert last_year_y11 == leavers_y11


def test_files_have_the_import_columns_and_formats(tmp_path, county):
    files = write_files(county, tmp_path)
    assert set(files) == {"establishments", f"leavers_{YEAR}", f"roll_{YEAR}", f"enrolments_{YEAR}", f"offers_{YEAR}"}
    with files[f"roll_{YEAR}"].open(encoding="utf-8") as handle:
        roll = list(csv.DictReader(handle))
    assert len(roll) == len(county.roll[YEAR])
    assert {"Legal Surname", "DOB", "LAESTAB", "Forename", "Year group"} <= set(roll[0])
    assert roll[0]["DOB"] == county.roll[YEAR][0]["dob"].strftime("%d/%m/%Y")
    sheet = CalamineWorkbook.from_path(str(files[f"leavers_{YEAR}"])).get_sheet_by_index(0).to_python()
    assert sheet[0][:4] == ["LAESTAB", "UPN", "ULN", "Forename"]
    assert sheet[1][9] == county.leavers[YEAR][0]["dob"]  # a real date cell
    assert len(sheet) == len(county.leavers[YEAR]) + 1


def test_noise_helpers():
    import random

    rng = random.Random(1)
    assert swap_day_month(date(2006, 3, 9)) == date(2006, 9, 3)
    assert swap_day_month(date(2006, 3, 19)) is None
    changed = dob_digit_typo(rng, date(2006, 3, 9))
    assert changed != date(2006, 3, 9) and 2000 <= changed.year <= 2009
    assert typo(rng, "Margaret") != "Margaret"


def test_a_date_of_birth_typo_stays_within_two_years_even_at_a_decade_boundary():
    import random

    rng = random.Random(3)
    for _ in range(500):
        changed = dob_digit_typo(rng, date(2010, 1, 31))
        assert changed != date(2010, 1, 31) and abs((changed - date(2010, 1, 31)).days) <= 2 * 366


def test_current_academic_year_turns_in_september():
    assert current_academic_year(date(2023, 8, 31)) == 2022
    assert current_academic_year(date(2023, 9, 1)) == 2023


def _rows_with_their_person(county):
    people = {r["upn"]: r for r in county.leavers[YEAR] + county.roll[YEAR]}
    return [(people[r["person"]], r) for r in county.enrolments[YEAR] + county.offers[YEAR] if r["person"] in people]


def test_the_noise_is_what_real_returns_do():
    pairs = _rows_with_their_person(generate_county(5, YEAR, scale=0.2))
    mistyped = [r["upn"] for p, r in pairs if r["upn"] and r["upn"] != p["upn"]]
    assert mistyped and all(check_upn(upn) for upn in mistyped)  # a mistyped UPN can pass its check
    assert any(p["forename"] == "Muhammad" and r["forename"] in ("Mohammed", "Mohamed", "Mohd") for p, r in pairs)
    assert any(r["forename"].isupper() and r["forename"].lower() == p["forename"].lower() for p, r in pairs)
    assert any(r["forename"] == p["surname"] and r["surname"] == p["forename"] for p, r in pairs)
    assert any(r["postcode"] is None for _p, r in pairs)
    assert any(r["postcode"] and r["postcode"].split()[0] in ("SE9", "RH19", "TN31", "CR0") for _p, r in pairs)
    near = [abs((r["dob"] - p["dob"]).days) for p, r in pairs if r["dob"] != p["dob"]]
    assert any(2 <= days <= 21 for days in near) and any(days > 21 for days in near)
    assert any(r["dob"] == date(p["dob"].year, p["dob"].day, p["dob"].month) for p, r in pairs if p["dob"].day <= 12
               and p["dob"].day != p["dob"].month)
    assert any("-" in p["surname"] and r["surname"] == " ".join(p["surname"].split("-")) for p, r in pairs)


def test_a_higher_noise_level_makes_messier_returns():
    def exact_share(noise):
        pairs = _rows_with_their_person(generate_county(5, YEAR, scale=0.05, noise=noise))
        return sum(1 for p, r in pairs if (r["forename"], r["surname"], r["dob"]) == (p["forename"], p["surname"],
                                                                                     p["dob"])) / len(pairs)

    assert exact_share(0) > exact_share(1) > exact_share(2)
