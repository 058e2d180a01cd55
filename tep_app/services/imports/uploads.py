"""Uploaded import files awaiting confirmation, kept in instance/uploads/<random id>.

The file and a JSON note of its check (kind, year, problems, preview) sit side by side; the
session holds nothing. Confirming claims the file by renaming it, so a second confirm of the
same upload finds nothing to import. A refused file (one with any problem) is never kept: only
the note of its problems is, for the preview page and the problems report.
"""
import json
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from tep_app import clock
from tep_app.extensions import db
from tep_app.models import ImportBatch, StaffUser
from tep_app.pagination import IMPORTS_PER_PAGE, Page
from tep_app.services.imports import CheckResult, Problem

KEEP_SECONDS = 24 * 60 * 60
_ID = re.compile(r"^[A-Za-z0-9_-]{20,40}$")


@dataclass
class Upload:
    id: str
    kind: str
    academic_year: int | None
    filename: str
    user_id: int | None
    row_count: int
    problems: list[Problem]
    preview: list[dict]
    columns_found: list[tuple[str, str]]
    columns_ignored: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def _folder() -> Path:
    folder = Path(current_app.config.get("IMPORT_UPLOAD_DIR") or Path(current_app.instance_path) / "uploads")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _paths(upload_id: str) -> tuple[Path, Path]:
    folder = _folder()
    return folder / upload_id, folder / f"{upload_id}.json"


def _remove_old(folder: Path) -> None:
    cutoff = clock.server_now().timestamp() - KEEP_SECONDS  # file times are the server's own
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:
            pass


def save_upload(data: bytes, filename: str, academic_year: int | None, user_id: int | None,
                result: CheckResult) -> Upload:
    _remove_old(_folder())
    upload_id = secrets.token_urlsafe(18)
    data_path, note_path = _paths(upload_id)
    if result.ok:
        data_path.write_bytes(data)
    note = {"kind": result.kind, "academic_year": academic_year, "filename": filename, "user_id": user_id,
            "row_count": result.row_count, "problems": [[p.row, p.column, p.message] for p in result.problems],
            "preview": result.preview, "columns_found": result.columns_found,
            "columns_ignored": result.columns_ignored}
    note_path.write_text(json.dumps(note), encoding="utf-8")
    return get_upload(upload_id)


def get_upload(upload_id: str) -> Upload | None:
    """The upload's check, or None for an unknown, expired or already imported upload."""
    if not _ID.match(upload_id or ""):
        return None
    _, note_path = _paths(upload_id)
    try:
        note = json.loads(note_path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    return Upload(upload_id, note["kind"], note["academic_year"], note["filename"], note["user_id"],
                  note["row_count"], [Problem(*p) for p in note["problems"]], note["preview"],
                  [tuple(c) for c in note["columns_found"]], note["columns_ignored"])


def claim_upload(upload_id: str) -> bytes | None:
    """Take the file for importing; None when it has gone (imported already, or expired)."""
    if not _ID.match(upload_id or ""):
        return None
    data_path, _ = _paths(upload_id)
    claimed = data_path.with_name(f"{upload_id}.claimed")
    try:
        os.rename(data_path, claimed)
    except FileNotFoundError:
        return None
    data = claimed.read_bytes()
    return data


def finish_upload(upload_id: str, imported: bool) -> None:
    """After a confirm: forget an imported upload; delete the file of one that failed at once,
    keeping only the note, whose problems the preview then shows."""
    data_path, note_path = _paths(upload_id)
    data_path.with_name(f"{upload_id}.claimed").unlink(missing_ok=True)
    if imported:
        note_path.unlink(missing_ok=True)


def record_problems(upload_id: str, problems: list[Problem]) -> None:
    _, note_path = _paths(upload_id)
    note = json.loads(note_path.read_text(encoding="utf-8"))
    note["problems"] = [[p.row, p.column, p.message] for p in problems]
    note_path.write_text(json.dumps(note), encoding="utf-8")


def list_import_batches(page: int = 1) -> tuple[list[tuple], int]:
    """Recent batches, newest first, with who imported each: ([(batch, staff name)], pages)."""
    total = db.session.scalar(select(func.count(ImportBatch.id))) or 0
    shown = Page.of(page, total, IMPORTS_PER_PAGE)
    rows = db.session.execute(
        select(ImportBatch, StaffUser.name).outerjoin(StaffUser, StaffUser.id == ImportBatch.created_by_id)
        .order_by(ImportBatch.created_at.desc(), ImportBatch.id.desc())
        .limit(shown.size).offset(shown.offset)).all()
    return [tuple(row) for row in rows], shown.pages
