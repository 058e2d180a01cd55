"""A `flask tep ...` command starts in a fraction of a second because it loads only what it uses:
the app the `flask` command builds for it has no pages, its command's module is the only one
imported, and the big libraries wait until something needs them (Alembic for `flask db`, ReportLab
for a PDF, openpyxl for a spreadsheet, zxcvbn for a new password, the matching for a match, Faker
for the demo, APScheduler for the scheduler, phonenumbers and email-validator for a phone number or
an email address to check). The bank holidays are the app's own (services/bank_holidays.py): the
`holidays` package, which loads every country's, is never imported. Each check runs in a new
interpreter, as `flask` does."""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("alembic", "flask_migrate", "reportlab", "openpyxl", "zxcvbn", "tep_app.matching", "faker", "apscheduler",
         "argon2", "holidays", "phonenumbers", "email_validator")
PAGES = ("tep_app.admin.routes", "tep_app.people.routes", "tep_app.templating")

SCRIPT = """
import gc, json, sys
sys.argv = ["flask", *ARGUMENTS]
from tep_app import create_cli_app
from tep_app.extensions import db

app = create_cli_app()
loaded = {"after create_app": sorted(sys.modules), "collecting": gc.isenabled(),
          "set aside": gc.get_freeze_count(), "still collected": len(gc.get_objects())}
with app.app_context():
    db.create_all()
result = app.test_cli_runner().invoke(args=ARGUMENTS)
loaded["after the command"] = sorted(sys.modules)
loaded["exit"] = result.exit_code
loaded["output"] = result.output
loaded["rules"] = len(list(app.url_map.iter_rules()))
print(json.dumps(loaded))
"""


def _run(*arguments: str, **settings: str) -> dict:
    script = SCRIPT.replace("ARGUMENTS", repr(list(arguments)))
    env = {**os.environ, "TEP_ENV": "test", "TEP_TEST_DATABASE_URL": "sqlite://", **settings}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_plain_command_loads_no_big_library_and_no_page():
    loaded = _run("tep", "calendar", "show")

    assert loaded["exit"] == 0, loaded["output"]
    assert loaded["output"].startswith("Calendar ")
    for stage in ("after create_app", "after the command"):
        assert [name for name in HEAVY if name in loaded[stage]] == [], stage
        assert [name for name in PAGES if name in loaded[stage]] == [], stage
    assert "tep_app.cli.imports" not in loaded["after the command"]
    assert loaded["rules"] == 1  # the static files only


def test_a_command_leaves_the_rate_limits_and_their_store_alone():
    # As in production, where the counts are in Redis: the limits guard pages, and a command serves none.
    loaded = _run("tep", "calendar", "show", TEP_ENV="development", TEP_DATABASE_URL="sqlite://",
                  TEP_RATELIMIT_STORAGE_URL="redis://127.0.0.1:1/0")

    assert loaded["exit"] == 0, loaded["output"]
    assert "redis" not in loaded["after the command"]


def test_the_list_of_commands_still_names_them_all():
    loaded = _run("tep", "--help")

    assert loaded["exit"] == 0
    for command in ("calendar", "create-user", "demo", "import", "match", "refresh", "scheduler", "send"):
        assert f"  {command} " in loaded["output"]
    assert "apscheduler" not in loaded["after the command"]
    assert "faker" not in loaded["after the command"]
    assert "holidays" not in loaded["after the command"]


def test_what_the_start_loaded_is_set_aside_and_the_command_collects_garbage():
    # The start's objects live as long as the process: the garbage collector leaves them be (a third
    # of the start-up was spent walking them), and is on again for whatever the command makes.
    loaded = _run("tep", "calendar", "show")

    assert loaded["collecting"] is True
    assert loaded["set aside"] > 50 * loaded["still collected"]


def test_the_migration_commands_load_alembic_when_run():
    loaded = _run("db", "--help")

    assert "alembic" not in loaded["after create_app"]
    assert loaded["exit"] == 0
    assert "upgrade" in loaded["output"] and "downgrade" in loaded["output"]
    assert "alembic" in loaded["after the command"]


def test_any_other_flask_command_gets_the_whole_app():
    loaded = _run("routes")  # Flask's own command, not the app's: only the app it builds is checked

    assert "tep_app.admin.routes" in loaded["after create_app"]
    assert loaded["rules"] > 100


def test_the_table_of_commands_names_each_command_and_the_module_that_registers_it():
    from tep_app.cli import COMMANDS, import_all, tep

    import_all()
    registered = {name: command.callback.__module__ for name, command in tep.commands.items()}

    assert registered == COMMANDS
