"""The destinations a school may choose: the NCCIS activities offered to schools, in plain words,
grouped and ordered as the reference data says (a new specification is a data change)."""
from datetime import date

from sqlalchemy import select

from tep_app.extensions import db
from tep_app.models.reference import ActivityCode, GuaranteeStatus
from tep_app.reference_data import GROUP_LABELS, GUARANTEE_GROUP_LABELS
from tep_app.services.answer_fields import OUTCOME_FIELDS

EET_GROUPS = ("education", "employment", "training", "re-engagement")


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


# What a school answers for one young person: for leavers a destination, for the no-offer list a
# September Guarantee status ("sg:<code>"), and for either a move out of the county
# ("moved:other_la", "moved:abroad"). One value per choice, the same in the form and the spreadsheet.

MOVED_CHOICES = (
    ("moved:other_la", "Moved out of Kent to another part of the UK"),
    ("moved:abroad", "Moved to another country"),
)
MOVED_GROUP = "Moved away"
STATUS_PREFIX, MOVED_PREFIX = "sg:", "moved:"


def guarantee_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """[(group label, [("sg:<code>", plain words)])] of the statuses a school may choose."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for row in db.session.scalars(select(GuaranteeStatus).where(GuaranteeStatus.offered_to_schools.is_(True))
                                  .order_by(GuaranteeStatus.sort_order, GuaranteeStatus.code)):
        label = GUARANTEE_GROUP_LABELS.get(row.group, row.group)
        groups.setdefault(label, []).append((f"{STATUS_PREFIX}{row.code}", row.plain_words))
    return list(groups.items())


def outcome_choices(kind: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """The grouped choices of a collection's answer: destinations or statuses, then moves."""
    groups = guarantee_choices() if kind == "no-offer" else destination_choices()
    return groups + [(MOVED_GROUP, list(MOVED_CHOICES))]


def outcome_words(kind: str) -> dict[str, str]:
    """Choice value -> plain words."""
    return {value: words for _group, options in outcome_choices(kind) for value, words in options}


def words_to_outcome(kind: str) -> dict[str, str]:
    """Plain words (any case and spacing) and the values themselves (and bare codes) -> value."""
    mapping: dict[str, str] = {}
    for value, words in outcome_words(kind).items():
        mapping[normalise_words(words)] = value
        mapping[value] = value
        mapping.setdefault(value.removeprefix(STATUS_PREFIX), value)
    return mapping


def outcome_value(response) -> str | None:
    """The choice value of a saved answer."""
    if response is None:
        return None
    if response.moved:
        return f"{MOVED_PREFIX}{response.moved}"
    if response.guarantee_code:
        return f"{STATUS_PREFIX}{response.guarantee_code}"
    return response.activity_code


def outcome_fields(value: str | None) -> dict:
    """A choice value split into the answer's fields: activity_code, guarantee_code and moved."""
    fields = dict.fromkeys(OUTCOME_FIELDS)
    if not value:
        return fields
    if value.startswith(MOVED_PREFIX):
        fields["moved"] = value.removeprefix(MOVED_PREFIX)
    elif value.startswith(STATUS_PREFIX):
        fields["guarantee_code"] = value.removeprefix(STATUS_PREFIX)
    else:
        fields["activity_code"] = value
    return fields


def lapse_date(ascertained_on: date, group: str) -> date:
    """When an activity ascertained on that day lapses to Not Known unless confirmed: a year for
    education, employment and training, three months for anything else."""
    if group in EET_GROUPS:
        try:
            return ascertained_on.replace(year=ascertained_on.year + 1)
        except ValueError:  # 29 February
            return ascertained_on.replace(year=ascertained_on.year + 1, day=28)
    month = ascertained_on.month + 3
    year = ascertained_on.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for day in (ascertained_on.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")
