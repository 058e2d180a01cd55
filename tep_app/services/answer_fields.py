"""What a school's answer about one young person holds: the one list of its fields, read by the
web form, the uploaded spreadsheet, the stored answer and what submit turns into contact details.

A field is part of the outcome (a destination, a September Guarantee status or a move: what makes
a row answered), a detail (something known on its own: a row with only details is given as contact
details), or neither (where they moved to, kept only beside a move). The spreadsheet gives the
outcome in one column (Destination, or September Guarantee status in June) and each detail in a
column of its own. A contact field is kept, at submit, as a contact detail of the same kind.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class AnswerField:
    name: str                 # the stored answer's column, the web form's field and the upload's key
    outcome: bool = False     # a destination, a status or a move
    detail: bool = False      # something known on its own
    contact: bool = False     # kept as a contact detail of the kind `name` at submit
    column: str | None = None  # the leavers spreadsheet's header for it; None: not a column of its own


FIELDS = (
    AnswerField("activity_code", outcome=True),
    AnswerField("guarantee_code", outcome=True),
    AnswerField("moved", outcome=True),
    AnswerField("moved_to"),
    AnswerField("provider_name", detail=True, column="Provider"),
    AnswerField("start_date", detail=True, column="Start date"),
    AnswerField("phone", detail=True, contact=True, column="Young person's phone"),
    AnswerField("parent_phone", detail=True, contact=True, column="Parent or carer's phone"),
    AnswerField("email", detail=True, contact=True, column="Email"),
    AnswerField("intelligence", detail=True, column="What you know"),
)

ANSWER_FIELDS = tuple(field.name for field in FIELDS)
OUTCOME_FIELDS = tuple(field.name for field in FIELDS if field.outcome)
DETAIL_FIELDS = tuple(field.name for field in FIELDS if field.detail)
# Everything but the outcome: the web form has a field of each name, the outcome is its one choice.
FORM_FIELDS = tuple(field.name for field in FIELDS if not field.outcome)
CONTACT_FIELDS = tuple(field.name for field in FIELDS if field.contact)
# The spreadsheet's answer columns by key: "outcome" (the one choice) and each detail.
OUTCOME_KEY = "outcome"
SHEET_KEYS = (OUTCOME_KEY, *(field.name for field in FIELDS if field.column))
# Every kind of contact detail held for a young person: a school's answer gives those above, an
# import a parent's email too.
CONTACT_KINDS = (*CONTACT_FIELDS, "parent_email")
