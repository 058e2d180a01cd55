"""The measure pages' settings a manager sets: the target for the NEET + Not Known percentage, per
academic year (the line across the trend chart). Each change is checked (validation.check_percentage:
0 to 100, at most one decimal place) and audited."""
from sqlalchemy import select

from tep_app.extensions import db
from tep_app.models.returns import ReturnsSetting
from tep_app.services.audit import record_audit
from tep_app.validation import check_percentage

TARGET = "measure_target"


def _row(academic_year: int, key: str) -> ReturnsSetting | None:
    return db.session.scalar(select(ReturnsSetting).where(ReturnsSetting.academic_year == academic_year,
                                                          ReturnsSetting.key == key))


def get_target(academic_year: int) -> float | None:
    """The year's target for the NEET + Not Known percentage, or None when none is set."""
    row = _row(academic_year, TARGET)
    return float(row.value) if row is not None else None


def set_target(academic_year: int, typed, user_id: int | None) -> float:
    """Check and keep the year's target (raises validation.Invalid with the words to show)."""
    value = check_percentage(typed)
    row = _row(academic_year, TARGET)
    before = None if row is None else row.value
    if row is None:
        row = ReturnsSetting(academic_year=academic_year, key=TARGET, value=value)
        db.session.add(row)
    row.value, row.set_by_id = value, user_id
    record_audit("update", "returns_setting", f"{academic_year}:{TARGET}", before={"value": before},
                 after={"value": value})
    db.session.flush()
    return float(value)
