"""The import report: the warnings of a file, before it is imported (kept beside the upload) and
after (kept with its batch), as a page and as a spreadsheet."""
import json

from sqlalchemy import select

from tep_app.extensions import db
from tep_app.models import ImportBatch, StaffUser
from tep_app.services.imports import WARNING, Problem
from tep_app.services.imports.uploads import _ID, _folder
from tep_app.spreadsheets.tables import write_table

WARNING_HEADERS = ("Row", "Column", "Value left out", "Warning")


def _warnings_path(upload_id: str):
    return _folder() / f"{upload_id}.warnings.json"


def save_upload_warnings(upload_id: str, warnings: list[Problem]) -> None:
    """Keep a checked upload's warnings beside it until it is imported."""
    rows = [[w.row, w.column, w.value, w.message] for w in warnings]
    _warnings_path(upload_id).write_text(json.dumps(rows), encoding="utf-8")


def get_upload_warnings(upload_id: str) -> list[Problem]:
    if not _ID.match(upload_id or ""):
        return []
    try:
        rows = json.loads(_warnings_path(upload_id).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return []
    return [Problem(row, column, message, WARNING, value) for row, column, value, message in rows]


def forget_upload_warnings(upload_id: str) -> None:
    if _ID.match(upload_id or ""):
        _warnings_path(upload_id).unlink(missing_ok=True)


def get_batch(batch_id: int) -> tuple[ImportBatch, str | None] | None:
    """An import batch and the name of who imported it (None from the command line)."""
    row = db.session.execute(
        select(ImportBatch, StaffUser.name).outerjoin(StaffUser, StaffUser.id == ImportBatch.created_by_id)
        .where(ImportBatch.id == batch_id)).first()
    return tuple(row) if row else None


def warnings_workbook(warnings: list[Problem]) -> bytes:
    """The warnings as an .xlsx file: row, column, the value left out, and why."""
    return write_table(WARNING_HEADERS, ([w.row, w.column, w.value, w.message] for w in warnings), title="Warnings")
