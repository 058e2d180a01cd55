"""Parse an upload in a short-lived child process with a memory cap and a time limit.

The child is a fresh Python process (`python -m tep_app.spreadsheets.sandbox`) that caps its own
address space (RLIMIT_AS) and CPU time before it reads the file from its standard input; the
parent waits at most the time limit and then kills it. A file that would need more memory or time
than that costs one child, never the web worker or the command that asked: the caller gets a
SpreadsheetError with a message for the user. The child's answer comes back pickled on its
standard output: the parent trusts it as it trusts its own code, since it started that code.
"""
import logging
import pickle
import resource
import subprocess
import sys
import time
from pathlib import Path

from tep_app.spreadsheets.parse import SpreadsheetError, Table, parse_table
from tep_app.validation import clean_text

logger = logging.getLogger(__name__)
# The folder `python -m tep_app.spreadsheets.sandbox` runs from. The child imports no more than it
# needs to parse (not Flask, not the settings): its start-up is part of every file's reading.
PROJECT_ROOT = Path(__file__).resolve().parents[2]

DEFAULT_MEMORY_MB = 1536
DEFAULT_SECONDS = 120
MAX_ANSWER_BYTES = 256 * 1024 * 1024  # what the child may hand back
MSG_TOO_BIG = ("The file needs more memory to open than a spreadsheet of this size should. Save it again as "
               ".xlsx or .csv, with only the rows and columns you need, and try again.")
MSG_TOO_SLOW = ("The file took too long to read. Save it again as .xlsx or .csv, with only the rows and "
                "columns you need, and try again.")
MSG_UNREADABLE = "{filename} is not a spreadsheet we can read. Save it as .xlsx or .csv and try again."


def parse_limits() -> tuple[int, int]:
    """The child's memory cap (MB) and time limit (s): the app's settings, or the defaults."""
    from flask import current_app, has_app_context  # noqa: PLC0415 -- the child never needs Flask

    if has_app_context():
        config = current_app.config
        return (int(config.get("UPLOAD_PARSE_MEMORY_MB", DEFAULT_MEMORY_MB)),
                int(config.get("UPLOAD_PARSE_SECONDS", DEFAULT_SECONDS)))
    return DEFAULT_MEMORY_MB, DEFAULT_SECONDS


def parse_in_child(data: bytes, filename: str, *, max_rows: int, max_columns: int,
                   limits: tuple[int, int] | None = None) -> Table:
    """`limits` (memory MB, seconds) are read from the app's settings when not given: a thread
    without the app context must be given them."""
    memory_mb, seconds = limits or parse_limits()
    request = pickle.dumps((data, filename, max_rows, max_columns, memory_mb, seconds),
                           protocol=pickle.HIGHEST_PROTOCOL)
    started = time.monotonic()
    child = subprocess.Popen([sys.executable, "-m", "tep_app.spreadsheets.sandbox"], cwd=str(PROJECT_ROOT),
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        answer, errors = child.communicate(request, timeout=seconds + 5)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        logger.warning("upload parse stopped after %ss: %s", seconds, filename,
                       extra={"upload_filename": filename, "parse_seconds": seconds})
        raise SpreadsheetError(MSG_TOO_SLOW) from None
    elapsed = time.monotonic() - started
    if child.returncode != 0 or not answer or len(answer) > MAX_ANSWER_BYTES:
        logger.warning("upload parse child ended with %s after %.1fs: %s", child.returncode, elapsed, filename,
                       extra={"upload_filename": filename, "exit_code": child.returncode,
                              "stderr": errors[-2000:].decode("utf-8", "replace")})
        # Killed for CPU time (SIGXCPU) or out of memory (an abort, or MemoryError on the way out).
        raise SpreadsheetError(MSG_TOO_SLOW if child.returncode == -24 else MSG_TOO_BIG)
    outcome, value = pickle.loads(answer)
    logger.info("upload parsed in %.2fs: %s", elapsed, filename,
                extra={"upload_filename": filename, "outcome": outcome})
    if outcome == "ok":
        return value
    message, row, column = value
    raise SpreadsheetError(message, row, column)


def cleaned(table: Table) -> Table:
    """The table with every text cell as clean as a form field (`validation.clean_text`): done here,
    in the child, so the process that asked gets rows it need not go over again."""
    def clean(values: list) -> list:
        texts = "".join(value for value in values if isinstance(value, str))
        if clean_text(texts) == texts:
            return values
        return [clean_text(value) if isinstance(value, str) else value for value in values]

    table.headers = clean(table.headers)
    table.rows = [(number, clean(values)) for number, values in table.rows]
    return table


def _answer(payload) -> None:
    answer = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    if len(answer) > MAX_ANSWER_BYTES:
        answer = pickle.dumps(("error", (MSG_TOO_BIG, None, None)))
    sys.stdout.buffer.write(answer)
    sys.stdout.buffer.flush()


def main() -> None:  # runs in the child
    data, filename, max_rows, max_columns, memory_mb, seconds = pickle.loads(sys.stdin.buffer.read())
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 5))
    try:
        table = cleaned(parse_table(data, filename, max_rows=max_rows, max_columns=max_columns))
    except SpreadsheetError as error:
        _answer(("error", (error.message, error.row, error.column)))
    except MemoryError:
        _answer(("error", (MSG_TOO_BIG, None, None)))
    except Exception:
        _answer(("error", (MSG_UNREADABLE.format(filename=filename), None, None)))
    else:
        del data
        _answer(("ok", table))


if __name__ == "__main__":
    main()
