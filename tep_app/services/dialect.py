"""The one place that chooses between PostgreSQL's and SQLite's INSERT ... ON CONFLICT."""
from sqlalchemy.dialects import postgresql, sqlite

from tep_app.extensions import db


def insert_for():
    """`insert` of the session's database dialect, which supports `on_conflict_do_nothing`."""
    return postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
