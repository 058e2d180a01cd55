"""What a school's answer holds is listed once, in tep_app/services/answer_fields.py: a search of the
product's source finds no second tuple, list or set naming three or more of the answer's fields
(the web form, the upload, the loader and submit read the one list). A list of them added to a
module is caught, so the search cannot pass by finding nothing."""
import ast

import pytest

from tep_app.services.answer_fields import ANSWER_FIELDS, OUTCOME_KEY
from tests.support.one_home import PACKAGE, found_outside

HOME = PACKAGE / "services" / "answer_fields.py"
NAMES = {*ANSWER_FIELDS, OUTCOME_KEY}


def second_lists(source: str) -> list[str]:
    """Each line of `source` with a tuple, list or set literal naming three or more answer fields."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            named = [item.value for item in node.elts
                     if isinstance(item, ast.Constant) and item.value in NAMES]
            if len(named) >= 3:
                found.append(f"{node.lineno}: {', '.join(named)}")
    return found


def test_the_answer_fields_are_listed_once():
    found = found_outside(PACKAGE.rglob("*.py"), second_lists, HOME)

    assert found == {}


@pytest.mark.parametrize("line", [
    'ANSWER_KEYS = ("outcome", "provider_name", "start_date", "phone", "parent_phone", "email", "intelligence")',
    'CONTACT_KINDS = ["phone", "parent_phone", "email", "parent_email"]',
    'DETAILS = {"intelligence", "provider_name", "start_date"}',
    'for name in ("activity_code", "guarantee_code", "moved"):\n    pass',
])
def test_a_second_list_added_to_a_module_is_found(line):
    module = PACKAGE / "services" / "school_requests" / "upload.py"

    found = second_lists(module.read_text(encoding="utf-8") + f"\n{line}\n")

    assert len(found) == 1, found


def test_the_home_lists_every_field_of_the_stored_answer():
    from tep_app.models import SchoolResponse

    columns = set(SchoolResponse.__table__.columns.keys())
    assert set(ANSWER_FIELDS) <= columns
    assert columns - set(ANSWER_FIELDS) <= {"id", "school_request_id", "list_entry_id", "answered", "source",
                                            "updated_by", "version", "created_at", "updated_at"}
