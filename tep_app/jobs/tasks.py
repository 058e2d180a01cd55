"""Thin scheduled jobs: an app context, one service call, commit or roll back, and a log line
for the start, the finish and any failure. Each is safe to run twice and from two processes."""
import logging
import time
from datetime import date

from tep_app import clock
from tep_app.extensions import db

logger = logging.getLogger(__name__)


def _app(app=None):
    if app is not None:
        return app
    from flask import current_app, has_app_context

    if has_app_context():
        return current_app._get_current_object()
    from tep_app import create_app

    return create_app()


def run_job(name: str, work, app=None):
    """Run `work()` inside an app context as job `name`; commit on success, roll back on failure."""
    app = _app(app)
    with app.app_context():
        started = time.monotonic()
        logger.info("job %s started", name, extra={"job": name})
        try:
            result = work()
            db.session.commit()
        except Exception:
            db.session.rollback()
            logger.exception("job %s failed", name, extra={"job": name})
            raise
        logger.info("job %s finished", name,
                    extra={"job": name, "result": result, "seconds": round(time.monotonic() - started, 3)})
        return result


def send_due_collections(today: date | None = None) -> dict:
    """Send each collection of the current academic year whose send date has come and whose
    deadline has not passed (a send date on a weekend or bank holiday moves to the working day before)."""
    from tep_app.services import calendar
    from tep_app.services.school_requests.sending import (
        SendError,
        calendar_prefix,
        find_collection,
        send_collection,
    )

    today = today or clock.today()
    year = calendar.current_academic_year(today)
    results = {}
    for kind in ("leavers", "no-offer"):
        collection = find_collection(kind, year)
        if collection is not None:
            send_on, due_on = collection.send_on, collection.due_on
        else:
            prefix = calendar_prefix(kind)
            send_on, due_on = calendar.get_date(year, f"{prefix}_send"), calendar.get_date(year, f"{prefix}_due")
        send_on = calendar.working_day_on_or_before(send_on)
        if today < send_on:
            continue
        # After the deadline a list still goes out (late, with a reply-by date of its own) once it
        # has been built; an unbuilt one is not built late by the scheduler.
        if today > due_on and (collection is None or collection.built_at is None):
            continue
        try:
            with db.session.begin_nested():
                results[kind] = send_collection(kind, year, today=today)
        except SendError as error:
            logger.warning("collection %s %s not sent: %s", kind, year, error.message,
                           extra={"kind": kind, "academic_year": year})
            results[kind] = {"error": error.message}
    return results


def run_send_due_collections(app=None, today: date | None = None) -> dict:
    return run_job("send_due_collections", lambda: send_due_collections(today), app)


def run_reminders(app=None, today: date | None = None) -> int:
    from tep_app.services.school_requests.followup import send_reminders

    return run_job("reminders", lambda: send_reminders(today), app)


def run_chasers(app=None, today: date | None = None) -> int:
    from tep_app.services.school_requests.followup import send_chasers

    return run_job("chasers", lambda: send_chasers(today), app)


def run_deliver_outbox(app=None, limit: int = 100) -> dict:
    from tep_app.services.school_requests.outbox import deliver_outbox

    return run_job("deliver_outbox", lambda: deliver_outbox(limit=limit), app)


def open_nightly_cases(today: date | None = None) -> dict:
    """Young people still Not Known become cases: on lists past their reply-by date and not
    submitted, and with an activity past its due-to-lapse date."""
    from tep_app.services.cases import open_cases_for_lapsed, open_cases_for_overdue

    return {"overdue": open_cases_for_overdue(today), "lapsed": open_cases_for_lapsed(today)}


def run_open_lapsed_cases(app=None, today: date | None = None):
    """The nightly job: lists past their reply-by date and lapsed activities become cases."""
    return run_job("open_cases", lambda: open_nightly_cases(today), app)
