"""`flask tep ...`: the command line other tools drive (docs/design.md section 7).

Each feature keeps its commands in its own module here and registers them on the `tep` group.
Commands print a one-line reason and exit non-zero on bad input; they never show a traceback.
"""
import importlib

from flask.cli import AppGroup

tep = AppGroup("tep", help="TEP Follow-up commands.")

COMMAND_MODULES = (
    "tep_app.cli.users",
    "tep_app.cli.imports",
    "tep_app.cli.refresh",
    "tep_app.cli.matching",
    "tep_app.cli.lists",
    "tep_app.cli.demo",
    "tep_app.cli.schools",
    "tep_app.cli.cases",
    "tep_app.cli.retention",
    "tep_app.cli.returns",
    "tep_app.cli.snapshots",
)

for _name in COMMAND_MODULES:
    try:
        importlib.import_module(_name)
    except ModuleNotFoundError as error:
        if error.name != _name:
            raise
