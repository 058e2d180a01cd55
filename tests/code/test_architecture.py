"""The layers check themselves: `make lint` runs import-linter with the contracts in .importlinter.
The real code keeps every contract; a copy of it with one wrong import breaks the one it should."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", "--no-logo"], cwd=root, env={"PYTHONPATH": str(root)},
                          capture_output=True, text=True, timeout=120)


def _copy_with(tmp_path: Path, module: str, line: str) -> Path:
    """A copy of tep_app and its contracts, with `line` added to the end of `module`."""
    shutil.copytree(ROOT / "tep_app", tmp_path / "tep_app",
                    ignore=shutil.ignore_patterns("__pycache__", "static", "*.pyc"))
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    path = tmp_path / (module.replace(".", "/") + ".py")
    path.write_text(path.read_text() + f"\n{line}\n")
    return tmp_path


def test_the_code_keeps_every_import_contract():
    result = _lint(ROOT)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


SERVICES = "Services import no blueprints"
MODELS = "Models and matching import no services"
ROUTES = "Blueprints import no other blueprint's routes"
SERVICE_CYCLES = "No cycles between the packages of tep_app.services"
CYCLES = "No cycles between the packages of tep_app, nor inside one"


def _broken(output: str) -> set[str]:
    return {line.removesuffix(" BROKEN") for line in output.splitlines() if line.endswith(" BROKEN")}


@pytest.mark.parametrize("module, line, broken", [
    # blueprints import services, so a service importing a blueprint is also a cycle, and every
    # route that records an audit event would now reach the dashboard's routes through it
    ("tep_app.services.audit", "from tep_app.dashboard import routes", {SERVICES, CYCLES, ROUTES}),
    ("tep_app.services.school_requests.contacts", "from tep_app.portal import forms", {SERVICES, CYCLES}),
    ("tep_app.models.people", "from tep_app.services import audit", {MODELS, CYCLES}),
    ("tep_app.matching.decide", "from tep_app.services.match_runs import run_matching", {MODELS, CYCLES}),
    ("tep_app.schools.routes", "from tep_app.cases import routes", {ROUTES}),
    ("tep_app.services.cases.queue", "from tep_app.services.school_requests import outcomes",
     {SERVICE_CYCLES, CYCLES}),
    ("tep_app.spreadsheets.limits", "from tep_app.services import lists", {CYCLES}),
])
def test_one_wrong_import_breaks_its_contract_and_fails_the_lint(tmp_path, module, line, broken):
    result = _lint(_copy_with(tmp_path, module, line))

    assert result.returncode == 1, result.stdout + result.stderr
    assert _broken(result.stdout) == broken
