"""The child process that reads an upload (tep_app/spreadsheets/sandbox.py) starts for every file
read, so its start-up is part of every import: it loads the parser and the text cleaning and no
more, not Flask, not the settings, not the database. Checked in a new interpreter, as the child starts."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOT_FOR_THE_CHILD = ("flask", "config", "dotenv", "sqlalchemy", "tep_app.extensions", "tep_app.models",
                     "openpyxl", "phonenumbers", "email_validator")
SCRIPT = "import json, sys; import tep_app.spreadsheets.sandbox; print(json.dumps(sorted(sys.modules)))"


def test_the_reading_child_loads_only_the_parser():
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout)

    assert "tep_app.spreadsheets.parse" in loaded and "python_calamine" in loaded
    assert "tep_app.validation" in loaded  # to clean every text cell before the rows go back
    assert [name for name in NOT_FOR_THE_CHILD if name in loaded] == []
