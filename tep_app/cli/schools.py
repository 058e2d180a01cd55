"""School request commands: send the lists, remind, chase, deliver email, run the scheduler and
the local mail catcher. Every scheduled job is also a command here."""
import time
from datetime import date

import click
from flask import current_app

from tep_app.cli import tep
from tep_app.cli.options import fail, year_option
from tep_app.extensions import db
from tep_app.services.messaging.mail_catcher import start_catcher
from tep_app.services.messaging.outbox import deliver_outbox, list_stuck
from tep_app.services.messaging.outbox_review import count_by_status
from tep_app.services.school_requests.followup import send_chasers, send_reminders
from tep_app.services.school_requests.sending import SendError, send_collection

KINDS = ("leavers", "no-offer")


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"--today must be a date like 2022-10-07, not {value!r}")


today_option = click.option("--today", "today", metavar="YYYY-MM-DD",
                            help="Act as if today were this date (to check a calendar).")


@tep.command("send")
@click.argument("kind")
@year_option()
@click.option("--force", is_flag=True, help="Send before the calendar's send date.")
@today_option
def send_command(kind, year, force, today):
    """Send each school its list for a collection: leavers or no-offer. Exactly once."""
    if kind not in KINDS:
        fail(f"Unknown collection {kind!r}: use leavers or no-offer")
    try:
        result = send_collection(kind, year, today=_day(today), force=force)
    except SendError as error:
        fail(error.message)
    except LookupError as error:  # e.g. no calendar for the year
        fail(str(error.args[0] if error.args else error))
    db.session.commit()
    click.echo(f"Sent {result['sent']} school requests ({result['emails']} emails queued); "
               f"{result['already']} already sent.")
    if result["no_contact"]:
        click.echo(f"Not sent, no active contact: {', '.join(result['no_contact'])}", err=True)


@tep.command("remind")
@today_option
def remind_command(today):
    """Queue reminders 7 and 2 school days before the deadline."""
    queued = send_reminders(_day(today))
    db.session.commit()
    click.echo(f"Queued {queued} reminders.")


@tep.command("chase")
@today_option
def chase_command(today):
    """Queue chasers every 5 school days after the deadline."""
    queued = send_chasers(_day(today))
    db.session.commit()
    click.echo(f"Queued {queued} chasers.")


@tep.command("deliver")
@click.option("--limit", type=click.IntRange(1, 10000), default=100, show_default=True,
              help="Emails claimed per round.")
@click.option("--reclaim-after", type=click.FloatRange(0), default=10, show_default=True,
              help="Minutes after which an email left 'sending' by a stopped sender is sent again.")
def deliver_command(limit, reclaim_after):
    """Send the queued emails now. Emails left 'sending' by a stopped sender are named, then sent
    again with the same Message-ID."""
    stuck, rows = list_stuck(after_minutes=reclaim_after, limit=20)
    if stuck:
        click.echo(stuck_report(stuck, rows, reclaim_after))
    totals = {"sent": 0, "failed": 0, "retried": 0}
    while True:
        counts = deliver_outbox(limit=limit, reclaim_after_minutes=reclaim_after)
        for key in totals:
            totals[key] += counts[key]
        if counts["retried"] or not any(counts.values()):
            break
    remaining = count_by_status()["queued"]
    if totals["retried"]:
        config = current_app.config
        fail(f"Could not send to the mail server at {config['SMTP_HOST']}:{config['SMTP_PORT']}: "
             f"{remaining} emails remain queued and will be retried ({totals['sent']} sent)")
    click.echo(f"Sent {totals['sent']} emails; {totals['failed']} failed; {remaining} still queued.")


def stuck_report(count: int, rows, minutes: float) -> str:
    """What `deliver` says about emails left 'sending': how many, and which (the first 20)."""
    noun = "email was" if count == 1 else "emails were"
    lines = [f"{count} {noun} left sending for more than {minutes:g} minutes by a sender that stopped. "
             "The mail server may already have had them: they are sent again with the same Message-ID."]
    for row in rows:
        claimed = f"{row.next_attempt_at:%Y-%m-%d %H:%M}" if row.next_attempt_at else "unknown"
        lines.append(f"  {row.ledger_key} to {row.to_address}, claimed {claimed} UTC, "
                     f"Message-ID {row.message_id or '-'}")
    if count > len(rows):
        lines.append(f"  and {count - len(rows)} more")
    return "\n".join(lines)


@tep.command("scheduler")
def scheduler_command():
    """Run the scheduler in this process (Europe/London) until stopped."""
    from tep_app.jobs.scheduler import run_scheduler  # noqa: PLC0415 -- APScheduler only for this command

    click.echo("Scheduler running: lists at 07:00, reminders and chasers at 08:00, email every 30 seconds.")
    run_scheduler(current_app._get_current_object())


@tep.command("mailcatcher")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=1025, show_default=True)
def mailcatcher_command(host, port):
    """Catch outgoing mail on a local SMTP server and keep it for the admin pages."""
    directory = current_app.config["MAIL_CATCHER_DIR"]
    try:
        controller = start_catcher(directory, host, port)
    except (OSError, RuntimeError) as error:
        fail(f"Cannot listen on {host}:{port}: {getattr(error, 'strerror', None) or error}")
    click.echo(f"Catching mail on {host}:{port}; messages are kept in {directory}")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()
