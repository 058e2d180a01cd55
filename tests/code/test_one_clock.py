"""Only tep_app/clock.py answers "now" and "today": a search of the source finds no other function
of that name, no alias of the clock's, and no call that reads the server's clock directly. A module
with one such line added is caught, so the search cannot pass by finding nothing."""
import ast
import re
from pathlib import Path

import pytest

from tests.support.one_home import PACKAGE, ROOT, found_outside

CLOCK = PACKAGE / "clock.py"

# now, _now, utcnow, now_utc, local_now, today, _today, local_today, today_london ...
CLOCK_NAME = re.compile(r"^_*(local_|utc_?)?(now|today)(_utc|_local|_london)?$")
# Reading the server's clock: datetime.now(), datetime.utcnow(), datetime.today(), date.today(),
# time.time(), time.time_ns(), and the same through `from time import time`.
DIRECT_CALLS = {("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"), ("date", "today"),
                ("time", "time"), ("time", "time_ns")}


def _dotted(node: ast.AST) -> tuple[str, ...]:
    """`a.b.c` as ("a", "b", "c"); anything else as ()."""
    if isinstance(node, ast.Name):
        return (node.id,)
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return (*inner, node.attr) if inner else ()
    return ()


def second_clocks(source: str) -> list[str]:
    """Each line of `source` that defines, aliases or bypasses the clock."""
    found = []
    for node in ast.walk(ast.parse(source)):
        line = getattr(node, "lineno", 0)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and CLOCK_NAME.match(node.name):
            found.append(f"{line}: defines {node.name}()")
        elif isinstance(node, ast.Call) and _dotted(node.func)[-2:] in DIRECT_CALLS:
            found.append(f"{line}: calls {'.'.join(_dotted(node.func))}()")
        elif isinstance(node, ast.ImportFrom) and node.module == "time" and \
                any(alias.name in ("time", "time_ns") for alias in node.names):
            found.append(f"{line}: imports the server's clock from time")
        elif isinstance(node, ast.ImportFrom):  # the clock's functions, or a copy's, under a local name
            for alias in node.names:
                if CLOCK_NAME.match(alias.name) or CLOCK_NAME.match(alias.asname or ""):
                    found.append(f"{line}: imports {alias.name} as {alias.asname or alias.name}")
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None and \
                _dotted(node.value)[-2:] in {("clock", "now"), ("clock", "today")}:
            found.append(f"{line}: aliases {'.'.join(_dotted(node.value))}")
    return found


def days_read_wrongly(source: str) -> list[str]:
    """Each line of a test that reads the day other than as the service does, when it is checked.

    The server's `date.today()` is the UTC date, a day out from London's for an hour every summer
    night; and a day worked out when a module is imported is stale by the time a test run that
    crosses midnight reaches the tests using it."""
    found = []
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _dotted(node.func)[-2:] in {("date", "today"), ("datetime", "today")}:
            found.append(f"{node.lineno}: calls {'.'.join(_dotted(node.func))}()")
    for statement in tree.body:
        if isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is not None:
            for node in ast.walk(statement.value):
                if isinstance(node, ast.Call) and _dotted(node.func)[-2:] in {("clock", "today"), ("clock", "now")}:
                    found.append(f"{statement.lineno}: works out the day on import")
    return found


def test_only_the_clock_answers_now_and_today():
    found = found_outside(PACKAGE.rglob("*.py"), second_clocks, CLOCK)

    assert found == {}


def test_the_clock_itself_defines_now_and_today():
    assert {"now", "today"} <= {line.split("defines ")[1].rstrip("()") for line in second_clocks(CLOCK.read_text())
                                if "defines" in line}


def test_tests_read_the_day_as_the_service_does_and_when_they_run():
    found = found_outside((ROOT / "tests").rglob("*.py"), days_read_wrongly, Path(__file__).resolve())

    assert found == {}


@pytest.mark.parametrize("source, finding", [
    ("def test_it():\n    due = date.today()\n", "2: calls date.today()"),
    ("def test_it():\n    due = datetime.datetime.today()\n", "2: calls datetime.datetime.today()"),
    ("TOMORROW = clock.today() + timedelta(days=1)\n", "1: works out the day on import"),
    ("STAMP = clock.now()\n", "1: works out the day on import"),
])
def test_a_test_reading_the_day_wrongly_is_found(source, finding):
    assert days_read_wrongly(source) == [finding]


def test_a_test_reading_the_day_when_it_runs_passes():
    assert days_read_wrongly("def test_it():\n    due = clock.today() + timedelta(days=1)\n") == []


@pytest.mark.parametrize("line, finding", [
    ("def utcnow():\n    return clock.now()", "defines utcnow()"),
    ("def _today():\n    return clock.today()", "defines _today()"),
    ("from tep_app.clock import now as now_utc", "imports now as now_utc"),
    ("from tep_app.services.school_requests.links import now_utc", "imports now_utc as now_utc"),
    ("now_utc = clock.now", "aliases clock.now"),
    ("stamp = datetime.now(UTC)", "calls datetime.now()"),
    ("stamp = datetime.datetime.utcnow()", "calls datetime.datetime.utcnow()"),
    ("day = date.today()", "calls date.today()"),
    ("seen = int(time.time())", "calls time.time()"),
    ("from time import time", "imports the server's clock from time"),
])
def test_a_second_clock_added_to_a_module_is_found(line, finding):
    module = PACKAGE / "services" / "school_requests" / "links.py"

    found = second_clocks(module.read_text() + f"\n{line}\n")

    assert len(found) == 1 and found[0].endswith(finding), found
