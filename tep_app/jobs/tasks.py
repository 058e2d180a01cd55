"""Thin scheduled jobs: an app context, one service call, commit or roll back, and a log line
for the start, the finish and any failure. Each is safe to run twice and from two processes."""
import logging
import time
from datetime import date

from flask import current_app, has_app_context

from tep_app import create_app
from tep_app.extensions import db
from tep_app.services.cases import open_nightly_cases
from tep_app.services.messaging.outbox import deliver_outbox
from tep_app.services.people import retention
from tep_app.services.returns.snapshots import take_month_end_snapshot
from tep_app.services.school_requests.followup import send_chasers, send_reminders
from tep_app.services.school_requests.sending import send_due_collections

logger = logging.getLogger(__name__)


def _app(app=None):
    if app is not None:
        return app
    if has_app_context():
        return current_app._get_current_object()
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


def run_send_due_collections(app=None, today: date | None = None) -> dict:
    return run_job("send_due_collections", lambda: send_due_collections(today), app)


def run_reminders(app=None, today: date | None = None) -> int:
    return run_job("reminders", lambda: send_reminders(today), app)


def run_chasers(app=None, today: date | None = None) -> int:
    return run_job("chasers", lambda: send_chasers(today), app)


def run_deliver_outbox(app=None, limit: int = 100) -> dict:
    return run_job("deliver_outbox", lambda: deliver_outbox(limit=limit), app)


def run_open_lapsed_cases(app=None, today: date | None = None):
    """The nightly job: lists past their reply-by date and lapsed activities become cases."""
    return run_job("open_cases", lambda: open_nightly_cases(today), app)


def run_retention(app=None, dry_run: bool = False) -> dict:
    """The nightly job: the retention schedule applied (services/people/retention.py); its counts."""
    return run_job("retention", lambda: retention.run_retention(dry_run=dry_run).counts(), app)


def run_month_end_snapshot(app=None, today: date | None = None) -> str | None:
    """Each night before midnight: the snapshot of the newest month end, if not yet taken (at a
    month end, that day's; after a night the scheduler missed, the one it missed). Its date, or None."""
    def work():
        snapshot = take_month_end_snapshot(today)
        return snapshot.as_of.isoformat() if snapshot is not None else None
    return run_job("month_end_snapshot", work, app)
