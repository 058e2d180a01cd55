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
HOME = SOURCE / "services" / "request_states.py"


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
