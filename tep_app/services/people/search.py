"""Finding anyone: young people by name (with a slip, a nickname or in any order, and perhaps a
year or date of birth), UPN, ULN, date of birth, postcode, phone number or email address.

Exact kinds are one indexed query. A name is looked for in two steps: candidates from the
database (every word of the query like a word of the name: trigram word similarity on PostgreSQL
through the pg_trgm indexes, LIKE on SQLite), then each candidate scored in Python with the
matching library's rules (nicknames, typing slips, names that sound alike). When no one is found
that way, a looser second look lets in anyone with one word of the query, or a fragment of each
word, so two slips in a short name still find them.
"""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import String, and_, func, literal, or_, select, text

from tep_app import clock
from tep_app.extensions import db
from tep_app.matching.compare import is_similar, is_typo
from tep_app.matching.nicknames import are_equivalent, forms_of
from tep_app.matching.normalise import norm_name
from tep_app.models import Activity, ContactDetail, Establishment, SchoolRecord, YoungPerson
from tep_app.models.merges import merged_ids
from tep_app.models.people import NAME_COLUMNS
from tep_app.pagination import PEOPLE_PER_PAGE, Page
from tep_app.services.labels import activity_words
from tep_app.services.people.query import QueryProblem, SearchQuery, read_query

# The most candidates a name search scores: a common name with a year finds far fewer.
CANDIDATE_LIMIT = 2_000
FORENAME_COLUMNS = ("forename", "preferred_forename")


@dataclass
class PersonRow:
    """One young person in the results: enough to tell two people of one name apart."""

    id: int
    name: str
    date_of_birth: date
    upn: str | None
    postcode: str | None
    school: str | None = None
    year_group: int | None = None
    activity: str | None = None
    moved: str | None = None


@dataclass
class SearchResult:
    query: SearchQuery | None
    message: str | None = None
    rows: list[PersonRow] = field(default_factory=list)
    page: Page = field(default_factory=lambda: Page(1, PEOPLE_PER_PAGE, 0))

    @property
    def total(self) -> int:
        return self.page.total


def search_people(raw: str | None, requested_page: int = 1) -> SearchResult:
    """The young people a query finds, one page of them, best first (a name) or by name."""
    try:
        query = read_query(raw)
    except QueryProblem as problem:
        return SearchResult(None, problem.message)
    if query.kind == "name":
        ids = _name_ids(query)
    else:
        ids = list(db.session.scalars(_exact(query).order_by(YoungPerson.surname, YoungPerson.forename,
                                                               YoungPerson.date_of_birth, YoungPerson.id)
                                      .limit(CANDIDATE_LIMIT)))
    page = Page.of(requested_page, len(ids), PEOPLE_PER_PAGE)
    return SearchResult(query, None, _rows(page.rows(ids)), page)


def _exact(query: SearchQuery):
    """The ids of everyone with this identifier, date of birth, postcode or contact detail (a record
    merged into another is left out)."""
    ids = select(YoungPerson.id).where(YoungPerson.id.not_in(merged_ids()))
    if query.kind == "upn":
        return ids.where(YoungPerson.upn == query.value)
    if query.kind == "uln":
        return ids.where(YoungPerson.uln == query.value)
    if query.kind == "postcode":
        return ids.where(YoungPerson.postcode == query.value)
    if query.kind == "district":
        return ids.where(YoungPerson.postcode.like(f"{query.value} %"))
    if query.kind == "dob":
        return ids.where(YoungPerson.date_of_birth == query.born_on)
    kinds = ("email", "parent_email") if query.kind == "email" else ("phone", "parent_phone")
    held = select(ContactDetail.young_person_id).where(ContactDetail.value == query.value,
                                                       ContactDetail.kind.in_(kinds))
    return ids.where(YoungPerson.id.in_(held))


# A name: candidates from the database, then scored.

def _postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _column(name: str):
    return getattr(YoungPerson, name)


def _word_like(word: str, loose: bool):
    """The database's test that one of the name columns holds something like `word`."""
    postgresql = _postgresql()
    if loose and postgresql:
        # Trigram word similarity: a word with a slip, or only the start of a name.
        tests = [literal(word, String).op("<%")(_column(name)) for name in NAME_COLUMNS]
    elif loose:
        # One slip leaves one of three pieces of a word whole (a swap across two pieces, one of them).
        third = max(1, len(word) // 3)
        pieces = {word[:third], word[third:2 * third], word[2 * third:]} - {""}
        tests = [func.lower(_column(name)).like(f"%{piece}%") for name in NAME_COLUMNS for piece in pieces]
    else:
        # The word within a name, as typed: the trigram indexes answer ILIKE on PostgreSQL.
        tests = [_column(name).ilike(f"%{word}%") if postgresql else func.lower(_column(name)).like(f"%{word}%")
                 for name in NAME_COLUMNS]
    for form in forms_of(word)[1:]:
        tests += [_column(name).ilike(form) if postgresql else func.lower(_column(name)) == form
                  for name in FORENAME_COLUMNS]
    return or_(*tests)


def _born(query: SearchQuery) -> list:
    if query.born_on is not None:
        return [YoungPerson.date_of_birth == query.born_on]
    if query.born_in is not None:
        return [YoungPerson.date_of_birth.between(date(query.born_in, 1, 1), date(query.born_in, 12, 31))]
    return []


def _candidates(query: SearchQuery, loose: bool) -> list:
    words = [_word_like(word, loose) for word in query.names]
    # Strict: every word somewhere in the name. Loose: on PostgreSQL, any one word (the rest are
    # scored); on SQLite, a fragment of every word.
    names = or_(*words) if loose and _postgresql() else and_(*words)
    statement = (select(YoungPerson.id, *(_column(name) for name in NAME_COLUMNS), YoungPerson.date_of_birth)
                 .where(names, *_born(query), YoungPerson.id.not_in(merged_ids())).limit(CANDIDATE_LIMIT))
    if not (loose and _postgresql()):
        return db.session.execute(statement).all()
    # PostgreSQL's planner prices a trigram similarity test as cheap and would read every young
    # person; through the indexes it is many times faster. Only for this one statement.
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    try:
        return db.session.execute(statement).all()
    finally:
        db.session.execute(text("RESET enable_seqscan"))


def _word_score(word: str, held: str) -> float:
    if word == held:
        return 3.0
    if are_equivalent(word, held):
        return 2.5
    if held.startswith(word):
        return 2.0
    if is_typo(word, held) or any(is_typo(word, form) for form in forms_of(held)[1:] if len(form) >= 3):
        return 1.5
    if is_similar(word, held):
        return 1.0
    return 0.0


def score(query: SearchQuery, forenames: tuple[str, ...], surnames: tuple[str, ...]) -> float:
    """How well a young person's names answer the query's words (0: not at all). Every word must
    be like one of their names; an initial must start one of their forenames. The usual order
    (forename first, surname last) counts a little."""
    held = forenames + surnames
    if not held:
        return 0.0
    total = 0.0
    for position, word in enumerate(query.names):
        best, where = max((_word_score(word, name), index) for index, name in enumerate(held))
        if not best:
            return 0.0
        total += best
        in_forenames = where < len(forenames)
        if (position == 0 and in_forenames) or (position == len(query.names) - 1 and not in_forenames):
            total += 0.1
    for initial in query.initials:
        if not any(name.startswith(initial) for name in forenames):
            return 0.0
        total += 0.5
    return total


def _parts(*values: str | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(part for value in values for part in norm_name(value).split()))


def _name_ids(query: SearchQuery) -> list[int]:
    for loose in (False, True):
        scored = []
        for person_id, forename, preferred, middle, surname, former, born in _candidates(query, loose):
            forenames, surnames = _parts(forename, preferred, middle), _parts(surname, former)
            value = score(query, forenames, surnames)
            if value:
                scored.append((-value, surnames, forenames, born, person_id))
        if scored:
            scored.sort()
            return [row[-1] for row in scored]
    return []


# The rows of one page.

def _rows(ids: list[int]) -> list[PersonRow]:
    """Each young person of a page with their latest school and their current activity (three queries)."""
    if not ids:
        return []
    rows = {person.id: PersonRow(person.id, f"{person.display_name}", person.date_of_birth, person.upn,
                                 person.postcode, moved=person.moved)
            for person in db.session.scalars(select(YoungPerson).where(YoungPerson.id.in_(ids)))}
    for person_id, school, year_group in db.session.execute(
            select(SchoolRecord.young_person_id, Establishment.name, SchoolRecord.year_group)
            .join(Establishment, Establishment.id == SchoolRecord.establishment_id)
            .where(SchoolRecord.young_person_id.in_(ids))
            .order_by(SchoolRecord.academic_year, SchoolRecord.id)):
        rows[person_id].school, rows[person_id].year_group = school, year_group  # the newest last
    today = clock.today()
    for person_id, code, lapses in db.session.execute(
            select(Activity.young_person_id, Activity.code, Activity.due_to_lapse_on)
            .where(Activity.young_person_id.in_(ids)).order_by(Activity.ascertained_on, Activity.id)):
        lapsed = lapses is not None and lapses < today
        rows[person_id].activity = activity_words(code) + (" (lapsed)" if lapsed else "")
    return [rows[person_id] for person_id in ids if person_id in rows]
