"""A school's or an admin's hostile spreadsheet costs a short-lived child process, never the web
worker: sparse sheets (A1 + XFD1048576, A1 + ZZ200000) and zip bombs are refused with a clear
message, the worker's memory stays under 300 MB, and the site answers while the file is read."""
import threading
import time

import psutil
import pytest

from tep_app.spreadsheets.reader import SpreadsheetError, read_table
from tests.security.http_client import Browser
from tests.support.hostile_files import rows_bomb_xlsx, sparse_xlsx, zip_bomb_xlsx

ADMIN_PASSWORD = "granite osprey lantern meadow"
TOO_MANY_ROWS = "rows: the most one import takes is"
WORKER_LIMIT_MB = 300


@pytest.fixture(scope="module")
def hostile():
    return {
        "sparse A1 + XFD1048576": (sparse_xlsx("XFD1048576"), TOO_MANY_ROWS),
        "sparse A1 + XFD1048576, no dimension": (sparse_xlsx("XFD1048576", declare=False), "column XFD"),
        "sparse A1 + ZZ200000": (sparse_xlsx("ZZ200000"), (TOO_MANY_ROWS, "column ZZ")),
        "zip bomb, 1 GB of XML": (zip_bomb_xlsx(1024), "would expand to more than"),
        "zip bomb of rows": (rows_bomb_xlsx(), TOO_MANY_ROWS),
        "one cell of 250 MB": (zip_bomb_xlsx(250), "more than 32,767 characters"),
    }


@pytest.mark.parametrize("name", ["sparse A1 + XFD1048576", "sparse A1 + ZZ200000", "zip bomb, 1 GB of XML",
                                  "zip bomb of rows", "one cell of 250 MB"])
def test_the_reader_refuses_each_hostile_file_with_a_clear_message(hostile, name):
    data, message = hostile[name]
    with pytest.raises(SpreadsheetError) as error:
        read_table(data, "list.xlsx", max_rows=5000)
    assert any(part in error.value.message for part in _alternatives(message))


def _alternatives(message) -> tuple:
    return message if isinstance(message, tuple) else (message,)


def _peak_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) / 1024


def _seed(live):
    """An admin account and a school with a signed-in session, committed for the server to see."""
    from tep_app.auth.sessions import SCHOOL_KEY, record_session
    from tep_app.extensions import db
    from tep_app.services.school_requests.links import link_fingerprint
    from tep_app.services.staff import create_user
    from tests.support.factories import Factory
    from tests.support.portal_support import seed_request

    with live.app.app_context():
        admin = create_user("admin.security@tep.example", "Admin Security", "admin", ADMIN_PASSWORD)
        seeded = seed_request(Factory(db), db)
        contact = seeded.establishment.contacts[0].email
        data = {"school_request_id": seeded.request.id, "school_contact_email": contact,
                "school_link": link_fingerprint(seeded.request),
                SCHOOL_KEY: record_session("school", school_request_id=seeded.request.id, contact_email=contact)}
        db.session.commit()
        cookie = live.app.session_interface.get_signing_serializer(live.app).dumps(data)
        return admin.email, cookie


def test_hostile_uploads_are_refused_while_the_worker_stays_small_and_answers(server, hostile):
    admin_email, school_cookie = _seed(server.live)
    admin = Browser(server.base)
    signed_in = admin.post("/sign-in", {"email": admin_email, "password": ADMIN_PASSWORD})
    assert signed_in.status == 302, signed_in.text[:500]
    school = Browser(server.base)
    school.set_session_cookie(school_cookie)
    assert school.open("/school/young-people").status == 200

    worker = psutil.Process(server.master.pid).children()[0]
    with open(f"/proc/{worker.pid}/clear_refs", "w") as clear:
        clear.write("5")  # start the peak (VmHWM) from here
    answers, health, in_flight = [], [], threading.Event()

    def upload_all():
        in_flight.set()
        try:
            for name, (data, message) in hostile.items():
                imported = admin.post("/admin/imports/new", {"kind": "leavers", "academic_year": "2022"},
                                      {"file": (f"{name}.xlsx", data)})
                preview = admin.open(imported.headers.get("Location", "/admin/imports/new"))
                answers.append((name, "admin", message, imported.status, preview.text))
                uploaded = school.post("/school/upload", {}, {"file": (f"{name}.xlsx", data)})
                answers.append((name, "school", message, uploaded.status, uploaded.text))
        finally:
            in_flight.clear()

    uploader = threading.Thread(target=upload_all)
    uploader.start()
    in_flight.wait(5)
    watcher = Browser(server.base)
    while in_flight.is_set():
        started = time.monotonic()
        status = watcher.open("/healthz", timeout=10).status
        health.append((status, time.monotonic() - started))
        time.sleep(0.05)
    uploader.join(timeout=300)

    peak = _peak_mb(worker.pid)
    print(f"\nweb worker peak memory while refusing {len(answers)} hostile uploads: {peak:.0f} MB; "
          f"{len(health)} health checks during them, slowest {max(s for _, s in health):.2f} s")
    for name, where, message, status, text in answers:
        assert status in (200, 302), (name, where, status)
        assert any(part in text for part in _alternatives(message)), (name, where, text[:3000])
    assert peak < WORKER_LIMIT_MB
    # The worker went on answering while it refused them: every health check during the uploads was
    # answered (each had ten seconds), and none was refused. How fast is the bench's to measure.
    assert health and all(status == 200 for status, _ in health)
    kept = [path.name for path in (server.live.tmp / "uploads").glob("*") if not path.name.endswith(".json")] \
        if (server.live.tmp / "uploads").exists() else []
    assert kept == []
