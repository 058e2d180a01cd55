"""The one-home checks' way through the code (tests/code/test_one_*.py and the templates' roles):
every file of the app or its templates read with a check that finds the lines doing again what one
module does, the module itself left out."""
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "tep_app"
TEMPLATES = ROOT / "templates"


def found_outside(paths: Iterable[Path], check: Callable[[str], list], home: Path | None = None) -> dict[str, list]:
    """{path from the project's root: what `check` found in it}, for every path but `home` in which
    it found something."""
    found = {}
    for path in sorted(paths):
        if path != home and (lines := check(path.read_text(encoding="utf-8"))):
            found[str(path.relative_to(ROOT))] = lines
    return found
