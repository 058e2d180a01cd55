"""MI/admin pages. Views live in one module per job and register on the blueprint."""
from tep_app.admin import accounts, home, letters, messaging, retention  # noqa: F401  (each registers its views)
from tep_app.admin.blueprint import bp

__all__ = ["bp"]
