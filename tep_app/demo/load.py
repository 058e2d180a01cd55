"""Load the synthetic county into the app through the real services.

Writes the import files to a temporary folder and runs the county refresh on them (`flask tep
refresh`: the five imports, matching and both sets of lists, one transaction per year), creates
the staff accounts (random passwords, shown once and written to instance/demo-logins.txt), then
gives officers their patches, sends the leavers lists, records some schools' answers and opens
cases. Never real data: everything comes from the generator.
"""
import logging
import os
import secrets
import sys
import tempfile
import threading
import time
from pathlib import Path

from faker import Faker
from flask import current_app
from sqlalchemy import delete, func, select

from tep_app import clock
from tep_app.demo import activity
from tep_app.demo.activity import demo_send_day
from tep_app.demo.files import write_files
from tep_app.demo.generator import generate_county
from tep_app.extensions import db
from tep_app.models import Collection, Establishment, ImportBatch, ListEntry, StaffUser, UserSession
from tep_app.models.base import Base
from tep_app.services.audit import record_audit
from tep_app.services.calendar import current_academic_year
from tep_app.services.refresh import LIST_KINDS, Stage, refresh_county
from tep_app.services.sign_in import clear_throttles
from tep_app.services.staff import (
    create_user,
    get_user_by_email,
    hash_password,
    password_problem,
    sign_out_everywhere,
)

logger = logging.getLogger(__name__)
REFERENCE_TABLES = {"activity_code", "guarantee_status"}
# Never emptied by a reset: staff accounts, their sessions and the audit trail outlive any demo county.
KEPT_TABLES = REFERENCE_TABLES | {"staff_user", "user_session", "audit_event"}
OFFICERS, MANAGERS = 20, 5


def has_data() -> bool:
    return bool(db.session.scalar(select(func.count(Establishment.id))))


def reset_data() -> None:
    """Empty the data tables. What stays: the reference codes (activity codes, guarantee statuses),
    the staff accounts, their sessions and the audit trail. Schools' sessions go with their requests."""
    db.session.execute(delete(UserSession).where(UserSession.school_request_id.is_not(None)))
    for table in reversed(Base.metadata.sorted_tables):
        if table.name not in KEPT_TABLES:
            db.session.execute(delete(table))
    db.session.commit()


def _staff_names(seed: int) -> list[str]:
    fake = Faker("en_GB")
    fake.seed_instance(seed + 1)
    return [f"{fake.first_name()} {fake.last_name()}" for _ in range(1 + MANAGERS + OFFICERS)]


def demo_accounts() -> list[tuple[str, str]]:
    """(email, role) of each demo account: 1 admin, 5 managers and 20 officers."""
    accounts = [("admin@tep.example", "admin")]
    accounts += [(f"manager{n:02d}@tep.example", "manager") for n in range(1, MANAGERS + 1)]
    accounts += [(f"officer{n:02d}@tep.example", "officer") for n in range(1, OFFICERS + 1)]
    return accounts


def _demo_password(email: str) -> str:
    """A random password the policy accepts: a random one may, rarely, look guessable."""
    while True:
        password = secrets.token_urlsafe(12)
        if password_problem(password, email) is None:
            return password


LOWEST_PRIORITY = 19


class DemoPasswords:
    """Each demo account's random password, and its argon2 hash (the production settings). A
    thread at the lowest priority hashes them while the county loads, on a core the loading leaves
    idle; whichever it has not finished when the accounts are made are hashed then, at the loading's
    own priority (a hash the thread finishes later is not used: both would do)."""

    def __init__(self, passwords: list[str]):
        self.passwords = passwords
        self._hashes: list[str | None] = [None] * len(passwords)
        self._lock = threading.Lock()
        self._wanted = threading.Event()
        self.beforehand = 0  # how many of the hashes kept the thread made
        threading.Thread(target=self._hash_beforehand, name="demo-passwords", daemon=True).start()

    def _keep(self, number: int, password_hash: str) -> bool:
        with self._lock:
            if self._hashes[number] is not None:
                return False
            self._hashes[number] = password_hash
            return True

    def _hash_beforehand(self) -> None:
        if sys.platform.startswith("linux"):  # a thread's own niceness, which the hasher's threads inherit
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), LOWEST_PRIORITY)
        for number, password in enumerate(self.passwords):
            if self._wanted.is_set():
                return
            if self._keep(number, hash_password(password)):
                self.beforehand += 1

    def hashes(self) -> list[str]:
        self._wanted.set()
        for number in reversed(range(len(self.passwords))):  # from the end: the thread works from the start
            if self._hashes[number] is None:
                self._keep(number, hash_password(self.passwords[number]))
        return list(self._hashes)


def hash_soon(accounts: list[tuple[str, str]]) -> DemoPasswords:
    return DemoPasswords([_demo_password(email) for email, _role in accounts])


def create_staff(seed: int, logins_path: Path | None, out=print, made: DemoPasswords | None = None) -> list[StaffUser]:
    """1 admin, 5 managers and 20 officers with random passwords, printed once and kept in a
    git-ignored file readable only by its owner. A demo account that is already there (after a
    reset) keeps its row and history: it gets a new password, and its open sessions end."""
    accounts = demo_accounts()
    made = made or hash_soon(accounts)
    users, lines = [], []
    for (email, role), name, password, password_hash in zip(
            accounts, _staff_names(seed), made.passwords, made.hashes(), strict=True):
        user = get_user_by_email(email)
        if user is None:
            user = create_user(email, name, role, password, password_hash=password_hash)
        else:
            _renew_demo_account(user, role, password_hash)
        users.append(user)
        lines.append(f"{role:8} {email:28} {password}")
    db.session.commit()
    text = "Demo sign-ins (synthetic staff; passwords made at load time)\n" + "\n".join(lines) + "\n"
    if logins_path is not None:
        logins_path.parent.mkdir(parents=True, exist_ok=True)
        logins_path.write_text(text, encoding="utf-8")
        os.chmod(logins_path, 0o600)
    out(text.rstrip())
    return users


def _renew_demo_account(user: StaffUser, role: str, password_hash: str) -> None:
    sign_out_everywhere(user)
    user.password_hash = password_hash
    user.role, user.active = role, True
    user.must_change_password = False
    clear_throttles(user)
    record_audit("reset-password", "staff_user", user.id, after={"demo": True})


def _timed(out, label: str):
    class _Stage:
        def __enter__(self):
            self.start = time.perf_counter()
            return self

        def __exit__(self, kind, value, tb):
            if kind is None:
                out(f"  {label}: {time.perf_counter() - self.start:.1f} s")
    return _Stage()


def refresh_years(folder: Path, years: list[int], out=print) -> dict[int, list[Stage]]:
    """Each year's files through the county refresh, oldest year first, each year committed on
    its own: the five imports (each file read on the other core while the one before is checked
    and written), matching both ways, both sets of lists. Raises RefreshError, as the refresh does."""
    stages = {}
    for year in years:
        def report(stage: Stage, year=year) -> None:
            out(f"  {stage.name} {year}: {stage.seconds:.1f} s ({stage.outcome})")
        stages[year] = refresh_county(folder, year, report=report).stages
        db.session.commit()
    return stages


def _rows_imported(after_batch: int) -> dict[str, int]:
    """Rows per file imported since batch `after_batch`: 'establishments', '<kind>_<year>'."""
    rows = {}
    for kind, year, count in db.session.execute(
            select(ImportBatch.kind, ImportBatch.academic_year, ImportBatch.row_count)
            .where(ImportBatch.id > after_batch).order_by(ImportBatch.id)):
        rows.setdefault(kind if kind == "establishments" else f"{kind}_{year}", count)
    return rows


def _list_sizes(years: list[int]) -> dict[str, int]:
    return {f"{kind}_{year}": db.session.scalar(
        select(func.count(ListEntry.id)).join(Collection, Collection.id == ListEntry.collection_id)
        .where(Collection.kind == kind, Collection.academic_year == year))
        for year in years for kind in LIST_KINDS}


def load_demo(seed: int = 2022, academic_year: int | None = None, years: int = 1, scale: float = 1.0,
              out=print, logins_path: Path | None = None) -> dict:
    """Generate the county and load it; returns a summary of what was loaded."""
    # The county's latest year is the one its collection in progress was sent in.
    academic_year = academic_year or current_academic_year(demo_send_day(clock.today()))
    if logins_path is None:
        logins_path = Path(current_app.config.get("DEMO_LOGINS_PATH")
                           or Path(current_app.instance_path) / "demo-logins.txt")
    passwords = hash_soon(demo_accounts())
    out(f"Generating the synthetic county (seed {seed}, {years} year(s) to {academic_year}-"
        f"{(academic_year + 1) % 100:02d}, scale {scale})")
    with _timed(out, "generate the county"):
        county = generate_county(seed, academic_year, years=years, scale=scale)
    summary: dict = {"academic_years": county.academic_years, "establishments": len(county.establishments)}
    last_batch = db.session.scalar(select(func.max(ImportBatch.id))) or 0
    with tempfile.TemporaryDirectory(prefix="tep-demo-") as folder:
        with _timed(out, "write the files"):
            write_files(county, folder)
        stages = refresh_years(Path(folder), county.academic_years, out)
    summary["rows"] = _rows_imported(last_batch)
    summary["matching"] = {year: next(s.outcome for s in done if s.name == "match") for year, done in stages.items()}
    summary["lists"] = _list_sizes(county.academic_years)
    started = time.perf_counter()
    users = create_staff(seed, logins_path, out, passwords)
    out(f"  staff accounts: {time.perf_counter() - started:.1f} s ({passwords.beforehand} of {len(users)} "
        f"passwords hashed beside the county's loading)")
    summary["staff"] = len(users)
    summary["logins_path"] = str(logins_path)
    summary["activity"] = activity.run_optional_stages(county, users, out)
    logger.info("demo county loaded", extra={"seed": seed, "years": years, "scale": scale})
    return summary
