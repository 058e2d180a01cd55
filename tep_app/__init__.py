"""TEP Follow-up. Importing tep_app loads nothing else: every module of the app imports this package
first, and so does the upload sandbox's child process (tep_app/spreadsheets/sandbox.py), which must
stay small. The app itself is built by tep_app/factory.py."""


def create_app(config_name: str | None = None, **overrides):
    """The Flask app for `config_name` (config.py), with `overrides` on top of its settings."""
    from tep_app.factory import create_app as build  # noqa: PLC0415 -- the whole app only when one is built

    return build(config_name, **overrides)


def create_cli_app():
    """The app the `flask` command builds: see tep_app/factory.py."""
    from tep_app.factory import create_cli_app as build  # noqa: PLC0415 -- the whole app only when one is built

    return build()
