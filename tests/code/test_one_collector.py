"""Only tep_app/collector.py turns the garbage collector off, on or over: every big load, check and
match pauses it through `collector.paused`, which always puts it back as it was, even when the work
fails. A module with such a call added is caught, so the search cannot pass by finding nothing."""
import ast
import gc

import pytest

from tep_app.collector import paused
from tests.support.one_home import PACKAGE, found_outside

COLLECTOR = PACKAGE / "collector.py"
CALLS = {"disable", "enable", "freeze", "unfreeze", "set_threshold"}


def collector_calls(source: str) -> list[str]:
    return [f"{node.lineno}: calls gc.{node.func.attr}()" for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in CALLS
            and isinstance(node.func.value, ast.Name) and node.func.value.id == "gc"]


def test_only_the_collector_module_turns_the_collector():
    assert found_outside(PACKAGE.rglob("*.py"), collector_calls, COLLECTOR) == {}


def test_a_pause_written_again_in_a_module_is_found():
    module = PACKAGE / "services" / "match_runs.py"

    found = collector_calls(module.read_text() + "\ngc.disable()\n")

    assert len(found) == 1 and found[0].endswith("calls gc.disable()")


def test_a_pause_puts_the_collector_back_as_it_was_even_when_the_work_fails():
    assert gc.isenabled()
    with pytest.raises(RuntimeError), paused():
        assert not gc.isenabled()
        raise RuntimeError("the work failed")
    assert gc.isenabled()
    gc.disable()
    try:
        with paused():
            pass
        assert not gc.isenabled()  # off before, off after
    finally:
        gc.enable()


def test_what_a_pause_set_aside_made_is_left_out_of_every_collection():
    before = gc.get_freeze_count()
    try:
        with paused(set_aside=True):
            kept = [[n] for n in range(1000)]
        assert gc.get_freeze_count() >= before + len(kept)
        assert gc.isenabled()
    finally:
        gc.unfreeze()
