"""The young person's pages. Views live in one module per job and register on the blueprint."""
from tep_app.people import actions, data_protection, letters, search, show  # noqa: F401  (each registers its views)
from tep_app.people.blueprint import bp

__all__ = ["bp"]
