"""Load the synthetic county into the app through the real services, one transaction per stage.

Writes the import files to a temporary folder, imports them, matches, builds both lists, creates
the staff accounts (random passwords, shown once and written to instance/demo-logins.txt), then
gives officers their patches, sends the leavers lists, records
some schools' answers and opens cases. Never real data: everything comes from the generator.
"""
import logging
import os
import secrets
import tempfile
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
from tep_app.models import Establishment, ListEntry, StaffUser, UserSession
from tep_app.models.base import Base
from tep_app.services.audit import record_audit
from tep_app.services.calendar import current_academic_year
from tep_app.services.imports import import_file
from tep_app.services.lists import build_lists
from tep_app.services.match_runs import run_matching
from tep_app.services.sign_in import clear_throttles
from tep_app.services.staff import create_user, get_user_by_email, hash_password, sign_out_everywhere

logger = logging.getLogger(__name__)
IMPORT_KINDS = ("leavers", "roll", "enrolments", "offers")
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


def create_staff(seed: int, logins_path: Path | None, out=print) -> list[StaffUser]:
    """1 admin, 5 managers and 20 officers with random passwords, printed once and kept in a
    git-ignored file readable only by its owner. A demo account that is already there (after a
    reset) keeps its row and history: it gets a new password, and its open sessions end."""
    accounts = [("admin@tep.example", "admin")]
    accounts += [(f"manager{n:02d}@tep.example", "manager") for n in range(1, MANAGERS + 1)]
    accounts += [(f"officer{n:02d}@tep.example", "officer") for n in range(1, OFFICERS + 1)]
    users, lines = [], []
    for (email, role), name in zip(accounts, _staff_names(seed), strict=True):
        password = secrets.token_urlsafe(12)
        user = get_user_by_email(email)
        if user is None:
            user = create_user(email, name, role, password)
        else:
            _renew_demo_account(user, role, password)
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


def _renew_demo_account(user: StaffUser, role: str, password: str) -> None:
    sign_out_everywhere(user)
    user.password_hash = hash_password(password)
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


def import_county_files(files: dict[str, Path], years: list[int], out=print) -> dict[str, int]:
    """Import the five kinds of file, each in its own transaction; returns rows per file key."""
    counts = {}
    order = [("establishments", "establishments", years[-1])]
    order += [(f"{kind}_{year}", kind, year) for year in years for kind in IMPORT_KINDS]
    for key, kind, year in order:
        with _timed(out, f"import {key}"):
            batch = import_file(kind, files[key], files[key].name, year)
            db.session.commit()
        counts[key] = batch.row_count
    return counts


def match_and_build(years: list[int], out=print) -> dict:
    with _timed(out, "matching"):
        outcome = run_matching(academic_year=None)
        db.session.commit()
    lists = {}
    for year in years:
        for kind in ("leavers", "no-offer"):
            with _timed(out, f"build {kind} lists {year}"):
                collection = build_lists(kind, year)
                db.session.commit()
            lists[f"{kind}_{year}"] = db.session.scalar(
                select(func.count(ListEntry.id)).where(ListEntry.collection_id == collection.id))
    return {"matching": outcome, "lists": lists}


def load_demo(seed: int = 2022, academic_year: int | None = None, years: int = 1, scale: float = 1.0,
              out=print, logins_path: Path | None = None) -> dict:
    """Generate the county and load it; returns a summary of what was loaded."""
    # The county's latest year is the one its collection in progress was sent in.
    academic_year = academic_year or current_academic_year(demo_send_day(clock.today()))
    if logins_path is None:
        logins_path = Path(current_app.config.get("DEMO_LOGINS_PATH")
                           or Path(current_app.instance_path) / "demo-logins.txt")
    out(f"Generating the synthetic county (seed {seed}, {years} year(s) to {academic_year}-"
        f"{(academic_year + 1) % 100:02d}, scale {scale})")
    with _timed(out, "generate the county"):
        county = generate_county(seed, academic_year, years=years, scale=scale)
    summary: dict = {"academic_years": county.academic_years, "establishments": len(county.establishments)}
    with tempfile.TemporaryDirectory(prefix="tep-demo-") as folder:
        with _timed(out, "write the files"):
            files = write_files(county, folder)
        summary["rows"] = import_county_files(files, county.academic_years, out)
    summary.update(match_and_build(county.academic_years, out))
    started = time.perf_counter()
    users = create_staff(seed, logins_path, out)
    out(f"  staff accounts: {time.perf_counter() - started:.1f} s")
    summary["staff"] = len(users)
    summary["logins_path"] = str(logins_path)
    summary["activity"] = activity.run_optional_stages(county, users, out)
    logger.info("demo county loaded", extra={"seed": seed, "years": years, "scale": scale})
    return summary
