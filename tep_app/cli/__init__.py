"""`flask tep ...`: the command line other tools drive (docs/design.md section 7).

Each feature keeps its commands in its own module here and registers them on the `tep` group.
Commands print a one-line reason and exit non-zero on bad input; they never show a traceback.

A module is imported when one of its commands is run (`flask tep calendar show` imports calendar.py
and what it needs, nothing else), and every module when the commands are listed (`flask tep
--help`). COMMANDS says which module holds which command; a test fails when it and the modules'
own registrations disagree.
"""
import importlib

from flask.cli import AppGroup

from tep_app.collector import paused

# Each command (or group of commands) and the module that registers it on `tep`.
COMMANDS = {
    "create-user": "tep_app.cli.users",
    "import": "tep_app.cli.imports",
    "refresh": "tep_app.cli.refresh",
    "match": "tep_app.cli.matching",
    "lists": "tep_app.cli.lists",
    "calendar": "tep_app.cli.calendar",
    "demo": "tep_app.cli.demo",
    "send": "tep_app.cli.schools",
    "remind": "tep_app.cli.schools",
    "chase": "tep_app.cli.schools",
    "deliver": "tep_app.cli.schools",
    "scheduler": "tep_app.cli.schools",
    "mailcatcher": "tep_app.cli.schools",
    "cases": "tep_app.cli.cases",
    "retention": "tep_app.cli.retention",
    "return": "tep_app.cli.returns",
    "snapshot": "tep_app.cli.snapshots",
}
COMMAND_MODULES = tuple(dict.fromkeys(COMMANDS.values()))


class CommandModules(AppGroup):
    """A group whose commands' modules are imported when needed. Like the app before them
    (tep_app.create_cli_app), the modules a command loads live as long as the process, and are set
    aside from the garbage collector once loaded."""

    def get_command(self, ctx, name):
        if name not in self.commands and name in COMMANDS:
            with paused(set_aside=True):
                importlib.import_module(COMMANDS[name])
        return super().get_command(ctx, name)

    def list_commands(self, ctx):
        with paused(set_aside=True):
            import_all()
        return super().list_commands(ctx)


tep = CommandModules("tep", help="TEP Follow-up commands.")


def import_all() -> None:
    for module in COMMAND_MODULES:
        importlib.import_module(module)
