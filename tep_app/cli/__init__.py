"""`flask tep ...`: the command line other tools drive (docs/design.md section 7).

Each feature keeps its commands in its own module here and registers them on the `tep` group.
Commands print a one-line reason and exit non-zero on bad input; they never show a traceback.

A module is imported when one of its commands is run (`flask tep calendar show` imports lists.py and
what it needs, nothing else), or when the commands are listed (`flask tep --help`): which module has
which command is read from their source, `@tep.command("name")` or `@tep.group("name")`.
"""
import importlib
import re
from functools import cache
from pathlib import Path

from flask.cli import AppGroup

# A decorator that declares a command: @tep.command("name") or @tep.group("name").
_DECLARED = re.compile(
    r"""^@tep\.(?:command|group)\(\s*["']([^"']+)["']""", re.MULTILINE)


class CommandModules(AppGroup):
    """A group whose commands' modules are imported when needed."""

    def get_command(self, ctx, name):
        if name not in self.commands:
            module = declared_commands().get(name)
            if module:
                _import(module)
            else:
                import_all()
        return super().get_command(ctx, name)

    def list_commands(self, ctx):
        import_all()
        return super().list_commands(ctx)


tep = CommandModules("tep", help="TEP Follow-up commands.")

COMMAND_MODULES = (
    "tep_app.cli.users",
    "tep_app.cli.imports",
    "tep_app.cli.refresh",
    "tep_app.cli.matching",
    "tep_app.cli.lists",
    "tep_app.cli.calendar",
    "tep_app.cli.demo",
    "tep_app.cli.schools",
    "tep_app.cli.cases",
    "tep_app.cli.retention",
    "tep_app.cli.returns",
    "tep_app.cli.snapshots",
)



@cache
def declared_commands() -> dict[str, str]:
    """{command name: the module that declares it}, from the modules' source."""
    found = {}
    for module in COMMAND_MODULES:
        path = Path(__file__).with_name(module.rsplit(".", 1)[1] + ".py")
        if path.is_file():
            for name in _DECLARED.findall(path.read_text(encoding="utf-8")):
                found.setdefault(name, module)
    return found


def import_all() -> None:
    for module in COMMAND_MODULES:
        _import(module)


def _import(module: str) -> None:
    try:
        importlib.import_module(module)
    except ModuleNotFoundError as error:
        if error.name != module:
            raise
