"""The young person's pages. Views live in one module per job and register on the blueprint."""
from tep_app.people import (  # noqa: F401  (each registers its views)
    actions,
    data_protection,
    letters,
    merge,
    search,
    show,
)
from tep_app.people.blueprint import bp

__all__ = ["bp"]
