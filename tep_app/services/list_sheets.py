"""A school's list as a spreadsheet: the pre-populated .xlsx a school downloads (with its saved
answers when it comes from its request) and the export of every school's list to a folder."""
import logging
from collections import defaultdict
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tep_app.extensions import db
from tep_app.models import Establishment, ListEntry, SchoolRecord, SchoolRequest, SchoolResponse, YoungPerson
from tep_app.services.destinations import outcome_value, outcome_words
from tep_app.services.lists import ListsError, built_collection
from tep_app.spreadsheets.list_template import ListRow, ListSheet, write_list_workbook

logger = logging.getLogger(__name__)


def _row(entry: ListEntry, answer: SchoolResponse | None = None, words: dict | None = None) -> ListRow:
    person, record = entry.young_person, entry.school_record
    row = ListRow(entry.id, person.upn, person.uln, person.forename, person.surname, person.date_of_birth,
                  record.year_group if record else None, person.gender, person.postcode)
    if answer is not None:
        value = outcome_value(answer)
        row.destination = (words or {}).get(value) if value else None
        row.provider, row.start_date = answer.provider_name, answer.start_date
        row.phone, row.parent_phone, row.email = answer.phone, answer.parent_phone, answer.email
        row.what_you_know = answer.intelligence
    return row


def _entries_for(collection_id: int, establishment_ids=None):
    query = (select(ListEntry).join(YoungPerson, YoungPerson.id == ListEntry.young_person_id)
             .where(ListEntry.collection_id == collection_id)
             .options(selectinload(ListEntry.young_person), selectinload(ListEntry.school_record))
             .order_by(ListEntry.establishment_id, YoungPerson.surname, YoungPerson.forename, ListEntry.id))
    if establishment_ids is not None:
        query = query.where(ListEntry.establishment_id.in_(establishment_ids))
    return db.session.scalars(query)


def school_list_sheet(collection_or_request, establishment: Establishment | None = None) -> ListSheet:
    """The data of one school's spreadsheet; a SchoolRequest brings its saved answers too."""
    answers = {}
    if isinstance(collection_or_request, SchoolRequest):
        school_request = collection_or_request
        collection, establishment = school_request.collection, school_request.establishment
        due_on = school_request.due_on  # the school's own reply-by date
        answers = {r.list_entry_id: r for r in db.session.scalars(
            select(SchoolResponse).where(SchoolResponse.school_request_id == school_request.id))}
    else:
        collection = collection_or_request
        due_on = collection.due_on
    words = outcome_words(collection.kind)
    rows = [_row(entry, answers.get(entry.id), words) for entry in _entries_for(collection.id, [establishment.id])]
    return ListSheet(establishment.name, establishment.laestab, collection.title, due_on, rows,
                     list(words.values()), collection.kind)


def write_school_list(collection_or_request, establishment: Establishment | None = None) -> bytes:
    """One school's pre-populated .xlsx, for a web download: (collection, establishment), or a
    school request, whose saved answers are filled in."""
    return write_list_workbook(school_list_sheet(collection_or_request, establishment))


def export_lists(kind: str, academic_year: int, out_dir: Path) -> list[Path]:
    """Write DIR/<LAESTAB>.xlsx for every school with entries on the built lists; returns the paths."""
    collection = built_collection(kind, academic_year)
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ListsError(f"{out_dir} is a file, not a folder")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ListsError(f"Cannot create the folder {out_dir}: {error.strerror}") from None
    by_school: dict[int, list[ListRow]] = defaultdict(list)
    person, record = YoungPerson, SchoolRecord
    for school_id, *values in db.session.execute(
        select(ListEntry.establishment_id, ListEntry.id, person.upn, person.uln, person.forename, person.surname,
               person.date_of_birth, record.year_group, person.gender, person.postcode)
        .join(person, person.id == ListEntry.young_person_id)
        .outerjoin(record, record.id == ListEntry.school_record_id)
        .where(ListEntry.collection_id == collection.id)
        .order_by(ListEntry.establishment_id, person.surname, person.forename, ListEntry.id)
    ):
        by_school[school_id].append(ListRow(*values))
    schools = {e.id: e for e in db.session.scalars(
        select(Establishment).where(Establishment.id.in_(list(by_school))))} if by_school else {}
    destinations = list(outcome_words(collection.kind).values())
    paths = []
    for school_id, rows in sorted(by_school.items(), key=lambda item: schools[item[0]].laestab):
        school = schools[school_id]
        path = out_dir / f"{school.laestab}.xlsx"
        data = write_list_workbook(ListSheet(school.name, school.laestab, collection.title, collection.due_on,
                                             rows, destinations, collection.kind))
        try:
            path.write_bytes(data)
        except OSError as error:
            raise ListsError(f"Cannot write {path}: {error.strerror}") from None
        paths.append(path)
    logger.info("exported %s %s lists for %s to %s", len(paths), kind, academic_year, out_dir,
                extra={"kind": kind, "academic_year": academic_year, "files": len(paths)})
    return paths
