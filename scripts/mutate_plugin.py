"""A pytest plugin `make mutate` loads: the test database is migrated once per module, not once per mutant.

mutmut runs each mutant's tests in a fresh pytest session, and the `app` fixture would run every
migration each time. The first migration of a SQLite database is kept in a file; later sessions
copy it instead of migrating again.
"""
import os
import shutil

import flask_migrate

_migrate = flask_migrate.upgrade


def upgrade(*args, **kwargs):
    from flask import current_app
    from sqlalchemy.engine import make_url

    from tep_app.extensions import db

    kept = os.environ.get("TEP_MUTATE_MIGRATED_DB")
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if args or kwargs or not kept or url.get_backend_name() != "sqlite" or not url.database:
        return _migrate(*args, **kwargs)
    db.engine.dispose()
    if os.path.exists(kept):
        shutil.copyfile(kept, url.database)
        return None
    _migrate()
    db.engine.dispose()
    partial = f"{kept}.{os.getpid()}"
    shutil.copyfile(url.database, partial)
    os.replace(partial, kept)
    return None


flask_migrate.upgrade = upgrade
