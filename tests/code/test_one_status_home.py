"""A school request's states have one home (tep_app/services/request_states.py): its rules, and no
second definition of them anywhere else in the code."""
import re
from datetime import date
from pathlib import Path

import pytest

from tep_app.services.request_states import (
    OPEN_STATUSES,
    STATUS_LABELS,
    STATUS_ORDER,
    is_overdue,
    shown_status,
)

DUE = date(2027, 1, 14)
SOURCE = Path(__file__).resolve().parents[2] / "tep_app"
TEMPLATES = SOURCE.parent / "templates"
HOME = SOURCE / "services" / "request_states.py"
MODEL = SOURCE / "models" / "requests.py"  # the column and its default
SHOWN = "not_sent|sent|opened|in_progress|submitted|overdue"


@pytest.mark.parametrize("status", OPEN_STATUSES)
def test_a_list_sent_and_not_submitted_is_overdue_from_the_day_after_its_reply_by_date(status):
    assert shown_status(status, DUE, date(2027, 1, 14)) == status
    assert shown_status(status, DUE, date(2027, 1, 15)) == "overdue"


@pytest.mark.parametrize("status", ["not_sent", "submitted"])
def test_a_list_never_sent_or_submitted_is_never_overdue(status):
    assert not is_overdue(status, DUE, date(2027, 6, 1))
    assert shown_status(status, DUE, date(2027, 6, 1)) == status


def test_every_status_shown_has_words_and_a_place_on_the_dashboard():
    assert set(STATUS_LABELS) == set(STATUS_ORDER) == {"overdue", "not_sent", "sent", "opened", "in_progress",
                                                       "submitted"}


def test_no_other_module_decides_what_open_or_overdue_means():
    second = re.compile(r"OPEN_STATUSES\s*=|def display_status|notin_\(\(\"submitted\", \"not_sent\"\)\)"
                        r"|not_in\(\(\"submitted\", \"not_sent\"\)\)|status\s*!=\s*\"submitted\"\s+and")
    found = [f"{path.relative_to(SOURCE)}:{number}" for path in SOURCE.rglob("*.py") if path != HOME
             for number, line in enumerate(path.read_text().splitlines(), start=1) if second.search(line)]
    assert found == []


def _lines_matching(pattern: re.Pattern, *, besides: tuple[Path, ...]) -> list[str]:
    files = [*SOURCE.rglob("*.py"), *TEMPLATES.rglob("*.html")]
    return [f"{path.relative_to(SOURCE.parent)}:{number}" for path in files if path not in besides
            for number, line in enumerate(path.read_text().splitlines(), start=1) if pattern.search(line)]


def test_no_other_module_or_page_spells_out_a_request_status():
    # A set of statuses ("sent", "opened"), a status only a request has ("submitted"), or a
    # comparison with one (status == 'submitted'): each is asked of request_states instead.
    second = re.compile(rf"[\"']({SHOWN})[\"']\s*,\s*[\"']({SHOWN})[\"']|[\"'](not_sent|in_progress|submitted)[\"']"
                        rf"|status\s*(==|!=)\s*[\"']({SHOWN})[\"']")
    assert _lines_matching(second, besides=(HOME, MODEL)) == []


def test_only_request_states_writes_a_request_history():
    second = re.compile(r"(?<!class )RequestEvent\(|insert\(RequestEvent\)|def (add_event|_event)\b")
    assert _lines_matching(second, besides=(HOME,)) == []
