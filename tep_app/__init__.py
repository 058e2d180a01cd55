"""TEP Follow-up. Importing tep_app loads nothing else: every module of the app imports this package
first, and so does the upload sandbox's child process (tep_app/spreadsheets/sandbox.py), which must
stay small. The app itself is built by tep_app/factory.py."""


def create_app(config_name: str | None = None, **overrides):
    """The Flask app for `config_name` (config.py), with `overrides` on top of its settings."""
    from tep_app.factory import create_app as build  # noqa: PLC0415 -- the whole app only when one is built

    return build(config_name, **overrides)


def create_cli_app():
    """The app the `flask` command builds: see tep_app/factory.py.

    What a command loads as it starts (the libraries, the models, the app) lives as long as the
    process. The garbage collector is kept off while it loads, then told to leave it be
    (tep_app/collector.py): otherwise it walks all of it several times while it loads, again at
    every full collection during the command, and takes it apart object by object on exit,
    together a third of a command's start-up. The modules of the command itself are set aside the
    same way when loaded (tep_app/cli/__init__.py)."""
    from tep_app.collector import paused  # noqa: PLC0415 -- importing tep_app loads nothing

    with paused(set_aside=True):
        from tep_app.factory import create_cli_app as build  # noqa: PLC0415 -- the whole app only when one is built

        return build()
