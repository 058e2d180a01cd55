"""What counts as answered is the same for the school and for the manager: the school's list, the
request page an officer opens and the manager's chase-up table count the same young people."""
import pytest

from tests.support.portal_support import make_collection, seed_request, sign_school_in


def _answer(pages, entry, **fields):
    data = {"outcome": "", "provider_name": "", "start_date": ["", "", ""], "phone": "", "parent_phone": "",
            "email": "", "intelligence": "", "version": "0", "save": "Save answer"}
    data.update(fields)
    if data.pop("draft", False):
        data.pop("save")
        data["save_draft"] = "Save as draft"
    pages.post(f"/school/young-people/{entry.id}", data, 302)


@pytest.mark.parametrize("kind, answers, answered", [
    # A destination answers; contact details alone, a draft and nothing at all do not.
    ("leavers", [{"outcome": "220", "provider_name": "Mid Kent College"}, {"phone": "07700 900456"},
                 {"outcome": "330", "draft": True}, None], 1),
    # A move away answers; what the school knows, with no destination, does not.
    ("leavers", [{"intelligence": "Working with an uncle, we think"}, {"outcome": "moved:abroad"},
                 {"outcome": "540"}, None], 2),
    # In the no-offer collection a September Guarantee status answers.
    ("no-offer", [{"outcome": "sg:110"}, {"phone": "07700 900456"}, {"outcome": "sg:110", "draft": True}], 1),
])
def test_the_school_the_officer_and_the_manager_count_the_same_answers(pages, client, login, make, db,
                                                                        kind, answers, answered):
    seeded = seed_request(make, db, entries=len(answers), collection=make_collection(db, kind))
    sign_school_in(client, seeded)
    for entry, fields in zip(seeded.entries, answers, strict=True):
        if fields is not None:
            _answer(pages, entry, **fields)
    total = len(answers)
    school_list = pages.page("/school/young-people")
    assert school_list.select_one("#progress").get_text(strip=True).startswith(f"{answered} of {total} answered")

    with client.session_transaction() as session:
        session.clear()  # the school is done; a manager signs in on this browser
    login("manager")
    request_page = pages.page(f"/requests/{seeded.request.id}")
    assert f"{answered} of {total} young people answered" in request_page.get_text(" ", strip=True)
    dashboard = pages.page(f"/dashboard/?collection={seeded.collection.id}")
    [row] = dashboard.select("#chase-up-table tbody tr")
    assert row.th.a.get_text(strip=True) == seeded.establishment.name
    assert f"{answered} of {total}" in [cell.get_text(strip=True) for cell in row.select("td")]
