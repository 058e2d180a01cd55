"""The five imports of docs/design.md section 6: establishments, leavers, roll, enrolments, offers.

`check_file` reads and checks a file without writing. `import_file` checks it and writes it all
(flushing; the caller commits), or nothing: any error raises ImportFailed. A warning does not stop
the file: its row is written without the value, and the warning is kept with the import batch.
Rows are written while later ones are still checked, inside a savepoint that a file with an
error is rolled back to.
"""
import hashlib
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app, has_app_context
from sqlalchemy import select

from tep_app.collector import paused
from tep_app.extensions import db
from tep_app.models import ImportBatch, ImportWarning
from tep_app.services.audit import record_audit
from tep_app.services.calendar import current_academic_year
from tep_app.services.imports import load
from tep_app.services.imports.columns import IMPORT_KINDS, KIND_LABELS, match_headers
from tep_app.services.imports.fields import year_label
from tep_app.services.imports.validate import (
    ERROR,
    WARNING,
    Problem,
    check_rows,
    iter_checked,
    missing_columns,
    people_outline,
    preview_rows,
)
from tep_app.spreadsheets.reader import SpreadsheetError, Table, read_table
from tep_app.spreadsheets.sandbox import parse_limits

__all__ = ["ERROR", "IMPORT_KINDS", "WARNING", "CheckResult", "ImportFailed", "Problem", "check_file", "import_file",
           "list_warnings", "plural", "read_soon", "summary_line"]

logger = logging.getLogger(__name__)
DEFAULT_MAX_ROWS = 200_000


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


class ImportFailed(Exception):
    """The file has errors; nothing was written. `problems` lists every error, `warnings` every
    warning found on the way."""

    def __init__(self, problems: list[Problem], warnings: list[Problem] = ()):
        self.problems = list(problems)
        self.warnings = list(warnings)
        count = len(self.problems)
        if count == 1 and self.problems[0].row is None:
            message = f"{self.problems[0].message}: nothing was imported"
        else:
            also = f" and {plural(len(self.warnings), 'warning')}" if self.warnings else ""
            message = f"The file has {plural(count, 'error')}{also}: nothing was imported"
        super().__init__(message)
        self.message = message


@dataclass
class CheckResult:
    kind: str
    academic_year: int | None
    row_count: int = 0
    problems: list[Problem] = field(default_factory=list)  # the errors: any one stops the file
    warnings: list[Problem] = field(default_factory=list)  # values that would be left out
    preview: list[dict] = field(default_factory=list)
    columns_found: list[tuple[str, str]] = field(default_factory=list)  # (file's header, column it fills)
    columns_ignored: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _source_bytes(source) -> bytes:
    if isinstance(source, (bytes, bytearray)):
        return bytes(source)
    if isinstance(source, (str, Path)):
        path = Path(source)
        if path.is_dir():
            raise SpreadsheetError(f"{path} is a folder, not a file")
        if not path.is_file():
            raise SpreadsheetError(f"There is no file at {path}")
        return path.read_bytes()
    if hasattr(source, "seek"):
        source.seek(0)
    return source.read()


def _max_rows(max_rows: int | None) -> int:
    if max_rows is not None:
        return max_rows
    return current_app.config.get("IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS) if has_app_context() else DEFAULT_MAX_ROWS


def read_soon(source, filename: str, max_rows: int | None = None) -> "Future[Table]":
    """Start reading a file now, in its sandboxed child, for `import_file(..., reading=)` later: a
    refresh reads the next file on the other core while it checks and writes this one."""
    max_rows, limits = _max_rows(max_rows), parse_limits()
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="read-soon")
    reading = pool.submit(lambda: read_table(_source_bytes(source), filename, max_rows=max_rows, limits=limits))
    pool.shutdown(wait=False)  # the thread ends when the file is read
    return reading


def _read(data, filename, max_rows, reading: "Future[Table] | None") -> Table:
    return reading.result() if reading is not None else read_table(data, filename, max_rows=_max_rows(max_rows))


def _check(kind, data, filename, academic_year, max_rows, progress=None, reading=None):
    if kind not in IMPORT_KINDS:
        raise ValueError(f"Unknown import kind {kind!r}: choose one of {', '.join(IMPORT_KINDS)}")
    result = CheckResult(kind, None if kind == "establishments" else academic_year)
    try:
        table = _read(data, filename, max_rows, reading)
    except SpreadsheetError as error:
        result.problems.append(Problem(error.row, error.column, error.message))
        return result, None
    result.row_count = len(table.rows)
    start = getattr(progress, "start", None)
    if start is not None:
        start(len(table.rows))
    checked = check_rows(kind, table, academic_year, load.load_lookups(), progress)
    result.problems, result.warnings = checked.problems, checked.warnings
    result.columns_found, result.columns_ignored = checked.match.found, checked.match.ignored
    if not checked.match.missing:
        result.preview = preview_rows(kind, table, checked.match)
    return result, checked


def check_file(kind: str, source, filename: str, academic_year: int | None = None,
               max_rows: int | None = None) -> CheckResult:
    """Read and check a file; writes nothing."""
    academic_year = academic_year or current_academic_year()
    try:
        data = _source_bytes(source)
    except SpreadsheetError as error:
        return CheckResult(kind, academic_year, problems=[Problem(None, None, error.message)])
    with paused():
        return _check(kind, data, filename, academic_year, max_rows)[0]


def import_file(kind: str, source, filename: str, academic_year: int | None = None, *,
                user_id: int | None = None, progress: Callable[[int], None] | None = None,
                max_rows: int | None = None, reading: "Future[Table] | None" = None) -> ImportBatch:
    """Check and write a whole file, or nothing. Raises ImportFailed listing every problem.

    `progress`, when given, is called with the number of rows just checked; if it has a
    `start(total)` method, that is called first with the number of rows in the file. `reading`,
    when given, is the same file already being read (`read_soon`).
    """
    academic_year = academic_year or current_academic_year()
    try:
        data = _source_bytes(source)
    except SpreadsheetError as error:
        raise ImportFailed([Problem(None, None, error.message)]) from None
    with paused():
        return _import(kind, data, filename, academic_year, user_id, progress, max_rows, reading)


def _import(kind, data, filename, academic_year, user_id, progress, max_rows, reading) -> ImportBatch:
    if kind != "establishments":
        return _import_while_checking(kind, data, filename, academic_year, user_id, progress, max_rows, reading)
    result, checked = _check(kind, data, filename, academic_year, max_rows, progress, reading)
    if result.problems:
        raise ImportFailed(result.problems, result.warnings)
    batch = _new_batch(kind, data, filename, result.academic_year, result.row_count, user_id)
    counts = load.load_establishments([record for _, record in checked.records], batch.id)
    return _finish(batch, counts, result.warnings, result.columns_ignored)


def _import_while_checking(kind, data, filename, academic_year, user_id, progress, max_rows,
                           reading) -> ImportBatch:
    """Each good row is written while later rows are still being checked, so the database stores
    rows while this process reads them. It happens inside a savepoint: a file with any error is
    rolled back to it, and writes nothing."""
    if kind not in IMPORT_KINDS:
        raise ValueError(f"Unknown import kind {kind!r}: choose one of {', '.join(IMPORT_KINDS)}")
    try:
        table = _read(data, filename, max_rows, reading)
    except SpreadsheetError as error:
        raise ImportFailed([Problem(error.row, error.column, error.message)]) from None
    match = match_headers(kind, table.headers)
    problems = missing_columns(match)
    if problems:
        raise ImportFailed(problems)
    start = getattr(progress, "start", None)
    if start is not None:
        start(len(table.rows))
    lookups = load.load_lookups()
    savepoint = db.session.begin_nested()
    try:
        batch = _new_batch(kind, data, filename, academic_year, len(table.rows), user_id)
        warnings: list[Problem] = []
        checked = iter_checked(kind, table, match, academic_year, lookups, problems, warnings, progress)
        # After the first error the rest are still checked, so every one is reported, but not written.
        good = (record for _, record in checked if not problems)
        if kind in ("leavers", "roll"):
            born, upns = people_outline(table, match)
            counts = load.load_people(kind, good, academic_year, batch.id,
                                      f"{kind} import {year_label(academic_year)}", born=born, upns=upns)
        else:
            counts = load.load_sources(kind, good, academic_year, batch.id)
        if problems:
            raise ImportFailed(problems, warnings)
        batch = _finish(batch, counts, warnings, match.ignored)
    except BaseException:
        savepoint.rollback()
        raise
    savepoint.commit()
    return batch


def _new_batch(kind, data, filename, academic_year, row_count, user_id) -> ImportBatch:
    batch = ImportBatch(kind=kind, filename=Path(filename).name[:255], sha256=hashlib.sha256(data).hexdigest(),
                        academic_year=academic_year, row_count=row_count, created_by_id=user_id)
    db.session.add(batch)
    db.session.flush()
    return batch


def _finish(batch: ImportBatch, counts: load.Counts, warnings: list[Problem], not_read: list[str]) -> ImportBatch:
    kind = batch.kind
    batch.created_count, batch.updated_count, batch.unchanged_count = counts.created, counts.updated, counts.unchanged
    batch.warning_count = len(warnings)
    batch.columns_not_read = list(not_read) or None
    batch.summary = summary_line(batch)
    load.load_warnings(batch.id, warnings)
    record_audit("import", "import_batch", batch.id, after={
        "kind": kind, "filename": batch.filename, "sha256": batch.sha256, "academic_year": batch.academic_year,
        "rows": batch.row_count, "created": counts.created, "updated": counts.updated,
        "unchanged": counts.unchanged, "warnings": len(warnings), "columns_not_read": list(not_read)})
    db.session.flush()
    logger.info("imported %s %s", batch.row_count, kind,
                extra={"import_batch_id": batch.id, "import_kind": kind, "rows_created": counts.created,
                       "rows_updated": counts.updated, "rows_unchanged": counts.unchanged,
                       "warnings": len(warnings)})
    return batch


def list_warnings(batch_id: int) -> list[Problem]:
    """The values an import left out, by row and column."""
    rows = db.session.execute(
        select(ImportWarning.row_number, ImportWarning.column_name, ImportWarning.message, ImportWarning.value)
        .where(ImportWarning.import_batch_id == batch_id).order_by(ImportWarning.id))
    return [Problem(row, column, message, WARNING, value) for row, column, message, value in rows]


def summary_line(batch: ImportBatch) -> str:
    """"Imported 35,012 leavers for 2022-23: 35,012 new, 0 updated, 0 unchanged." and, when values
    were left out, " 2 warnings: those values were not imported.", and when the file had columns the
    import does not take, " 1 column not read: Favourite colour." """
    year = f" for {year_label(batch.academic_year)}" if batch.academic_year and batch.kind != "establishments" else ""
    line = (f"Imported {batch.row_count:,} {KIND_LABELS[batch.kind]}{year}: {batch.created_count:,} new, "
            f"{batch.updated_count:,} updated, {batch.unchanged_count:,} unchanged.")
    if batch.warning_count:
        line += f" {plural(batch.warning_count, 'warning')}: those values were not imported."
    if batch.columns_not_read:
        line += f" {plural(len(batch.columns_not_read), 'column')} not read: {', '.join(batch.columns_not_read)}."
    return line
