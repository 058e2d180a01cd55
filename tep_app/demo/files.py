"""Write the synthetic county as the five import files, in the mixed shapes schools send.

Leavers and offers are `.xlsx` with real dates; roll and enrolments are `.csv` with DD/MM/YYYY
dates and some of the column names a school MIS export uses (`Legal Surname`, `DOB`, `First name`).
"""
import csv
from datetime import date
from pathlib import Path

from tep_app.dates import numeric_date
from tep_app.demo.generator import County
from tep_app.demo.xlsx import write_xlsx

ESTABLISHMENT_COLUMNS = ("LAESTAB", "Name", "Type", "UKPRN", "District", "Contact email", "Contact name", "Phone")
# (header, field) per import; the header is what the file says, the field what the row holds.
SCHOOL_RECORD_COLUMNS = (
    ("LAESTAB", "laestab"), ("UPN", "upn"), ("ULN", "uln"), ("Forename", "forename"),
    ("Middle names", "middle_names"), ("Surname", "surname"), ("Preferred forename", "preferred_forename"),
    ("Former surname", "former_surname"), ("Gender", "gender"), ("Date of birth", "dob"),
    ("Year group", "year_group"), ("Postcode", "postcode"), ("Address", "address"), ("Phone", "phone"),
    ("Parent phone", "parent_phone"), ("Leaving date", "leaving_date"), ("EHCP", "ehcp"),
)
ROLL_ALIASES = {"Surname": "Legal Surname", "Date of birth": "DOB"}
ENROLMENT_COLUMNS = (
    ("Provider", "provider"), ("UPN", "upn"), ("ULN", "uln"), ("First name", "forename"), ("Surname", "surname"),
    ("Date of Birth", "dob"), ("Gender", "gender"), ("Postcode", "postcode"), ("Year group", "year_group"),
    ("Course", "course"), ("Start date", "start_date"),
)
OFFER_COLUMNS = (
    ("Provider", "provider"), ("UPN", "upn"), ("ULN", "uln"), ("Forename", "forename"), ("Surname", "surname"),
    ("Date of birth", "dob"), ("Postcode", "postcode"), ("Status", "status"), ("Offer date", "offer_date"),
    ("Source", "source"),
)


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, date):
        return numeric_date(value)
    return str(value)


def _xlsx_value(value):
    if isinstance(value, bool):
        return "Y" if value else "N"
    return value


def _write_csv(path: Path, headers: list[str], rows) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def _table(rows: list[dict], columns, value, aliases: dict | None = None):
    aliases = aliases or {}
    headers = [aliases.get(header, header) for header, _ in columns]
    fields = [name for _, name in columns]
    return headers, ([value(row.get(name)) for name in fields] for row in rows)


def write_establishments(county: County, path: Path) -> Path:
    rows = ([e.laestab, e.name, e.type, e.ukprn or "", e.district, "; ".join(email for _, email in e.contacts),
             e.contacts[0][0], e.phone] for e in county.establishments)
    return _write_csv(path, list(ESTABLISHMENT_COLUMNS), rows)


def write_files(county: County, out_dir) -> dict[str, Path]:
    """Write every import file; keys are 'establishments' and '<kind>_<year>' (e.g. 'leavers_2022')."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files = {"establishments": write_establishments(county, out / "establishments.csv")}
    for year in county.academic_years:
        headers, rows = _table(county.leavers[year], SCHOOL_RECORD_COLUMNS, _xlsx_value)
        files[f"leavers_{year}"] = write_xlsx(out / f"leavers_{year}.xlsx", headers, rows)
        roll_columns = [c for c in SCHOOL_RECORD_COLUMNS if c[1] != "leaving_date"]
        headers, rows = _table(county.roll[year], roll_columns, _csv_value, ROLL_ALIASES)
        files[f"roll_{year}"] = _write_csv(out / f"roll_{year}.csv", headers, rows)
        headers, rows = _table(county.enrolments[year], ENROLMENT_COLUMNS, _csv_value)
        files[f"enrolments_{year}"] = _write_csv(out / f"enrolments_{year}.csv", headers, rows)
        headers, rows = _table(county.offers[year], OFFER_COLUMNS, _xlsx_value)
        files[f"offers_{year}"] = write_xlsx(out / f"offers_{year}.xlsx", headers, rows)
    return files
