"""The scheduler: APScheduler in its own process (`flask tep scheduler`), never in a web worker.

Every gunicorn worker would run every job, and a job store cannot be shared between processes;
the jobs themselves are safe to run twice anyway (ledger keys and row locks).
"""
import logging

from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from tep_app import clock
from tep_app.jobs import tasks

logger = logging.getLogger(__name__)

JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 60 * 60}


def build_scheduler(app, deliver_every_seconds: int = 30) -> BlockingScheduler:
    """The jobs at their times of day in the service's time zone (config's TIMEZONE, as the clock)."""
    with app.app_context():
        zone = clock.zone()
    scheduler = BlockingScheduler(timezone=zone, job_defaults=JOB_DEFAULTS)
    scheduler.add_job(tasks.run_send_due_collections, CronTrigger(hour=7, minute=0, timezone=zone),
                      id="send_due_collections", name="Send the lists on their send date", kwargs={"app": app})
    scheduler.add_job(tasks.run_reminders, CronTrigger(hour=8, minute=0, timezone=zone),
                      id="reminders", name="Reminders before the deadline", kwargs={"app": app})
    scheduler.add_job(tasks.run_chasers, CronTrigger(hour=8, minute=0, timezone=zone),
                      id="chasers", name="Chasers after the deadline", kwargs={"app": app})
    scheduler.add_job(tasks.run_deliver_outbox, IntervalTrigger(seconds=deliver_every_seconds, timezone=zone),
                      id="deliver_outbox", name="Deliver queued emails", kwargs={"app": app},
                      misfire_grace_time=deliver_every_seconds)
    scheduler.add_job(tasks.run_open_lapsed_cases, CronTrigger(hour=1, minute=0, timezone=zone),
                      id="open_lapsed_cases", name="Open cases for lapsed activities", kwargs={"app": app})
    scheduler.add_job(tasks.run_retention, CronTrigger(hour=2, minute=0, timezone=zone),
                      id="retention", name="Apply the retention schedule", kwargs={"app": app})
    scheduler.add_job(tasks.run_month_end_snapshot, CronTrigger(hour=23, minute=45, timezone=zone),
                      id="month_end_snapshot", name="Snapshot the cohort at the month end", kwargs={"app": app})
    return scheduler


def run_scheduler(app) -> None:
    scheduler = build_scheduler(app)
    for job in scheduler.get_jobs():
        logger.info("scheduled %s", job.id, extra={"job": job.id, "trigger": str(job.trigger)})
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        logger.info("scheduler stopped")
