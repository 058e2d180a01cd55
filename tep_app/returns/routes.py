"""The returns' pages. Views live in one module per return and register on the blueprint."""
from tep_app.returns import activity_survey, measure, nccis, scorecard  # noqa: F401  (each registers its views)
from tep_app.returns.blueprint import bp

__all__ = ["bp"]
