"""The destinations a school may choose: the NCCIS activities offered to schools, in plain words,
grouped and ordered as the reference data says (a new specification is a data change)."""
from sqlalchemy import select

from tep_app.extensions import db
from tep_app.models.reference import ActivityCode
from tep_app.reference_data import GROUP_LABELS


def _offered() -> list[ActivityCode]:
    return list(db.session.scalars(
        select(ActivityCode).where(ActivityCode.offered_to_schools.is_(True))
        .order_by(ActivityCode.sort_order, ActivityCode.code)
    ))


def destination_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """[(group label, [(code, plain words)])], groups in the order their first code comes."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for row in _offered():
        groups.setdefault(GROUP_LABELS.get(row.group, row.group), []).append((row.code, row.plain_words))
    return list(groups.items())


def destination_words() -> list[str]:
    """The plain words in drop-down order (the spreadsheet's list)."""
    return [words for _group, options in destination_choices() for _code, words in options]


def plain_words_to_code() -> dict[str, str]:
    """Plain words (lower-cased, spaces squeezed) and the codes themselves, to the code."""
    mapping: dict[str, str] = {}
    for _group, options in destination_choices():
        for code, words in options:
            mapping[normalise_words(words)] = code
            mapping[code] = code
    return mapping


def normalise_words(text: str) -> str:
    return " ".join(str(text).split()).lower()
