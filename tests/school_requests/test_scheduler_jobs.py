"""The scheduler's jobs and the commands that run them: success, and a clear failure."""
import socket
from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlalchemy import func, select

from tep_app.jobs import tasks
from tep_app.jobs.scheduler import build_scheduler
from tep_app.models import OutboxMessage, SchoolRequest
from tests.support.messaging_support import SmtpServer, free_port, seed_county


@pytest.fixture
def cli(app, db):
    runner = app.test_cli_runner()

    def invoke(*args):
        return runner.invoke(args=["tep", *args])

    return invoke


@pytest.fixture
def smtp_port(app):
    old = app.config["SMTP_HOST"], app.config["SMTP_PORT"]
    port = free_port()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
    yield port
    app.config["SMTP_HOST"], app.config["SMTP_PORT"] = old


def _count(db, kind=None):
    query = select(func.count(OutboxMessage.id))
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return db.session.scalar(query)


def test_the_scheduler_runs_each_job_at_its_time_in_london(app):
    scheduler = build_scheduler(app)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert {"send_due_collections", "reminders", "chasers", "deliver_outbox"} <= set(jobs)
    assert str(scheduler.timezone) == "Europe/London"
    assert "hour='7', minute='0'" in str(jobs["send_due_collections"].trigger)
    assert "hour='8', minute='0'" in str(jobs["reminders"].trigger)
    assert "hour='8', minute='0'" in str(jobs["chasers"].trigger)
    assert jobs["deliver_outbox"].trigger.interval.total_seconds() == 30
    assert scheduler._job_defaults["coalesce"] is True
    assert scheduler._job_defaults["max_instances"] == 1
    assert scheduler._job_defaults["misfire_grace_time"] == 3600
    assert all(job.kwargs == {"app": app} for job in jobs.values())
    assert "hour='1', minute='0'" in str(jobs["open_lapsed_cases"].trigger)


def test_the_scheduler_keeps_the_time_zone_config_sets(app, monkeypatch):
    monkeypatch.setitem(app.config, "TIMEZONE", "Europe/Dublin")
    scheduler = build_scheduler(app)
    assert str(scheduler.timezone) == "Europe/Dublin"
    assert {str(job.trigger.timezone) for job in scheduler.get_jobs()} == {"Europe/Dublin"}


def test_the_daily_send_job_sends_on_the_send_date_and_not_before(db, app):
    seed_county(db.session, schools=2, contacts=1)
    assert tasks.run_send_due_collections(app, today=date(2022, 10, 6)) == {}
    assert _count(db) == 0
    result = tasks.run_send_due_collections(app, today=date(2022, 10, 7))
    assert result["leavers"]["sent"] == 2
    assert _count(db, "invite") == 2
    assert tasks.run_send_due_collections(app, today=date(2022, 10, 8))["leavers"]["sent"] == 0
    assert _count(db, "invite") == 2
    # After the deadline nothing goes twice.
    assert tasks.run_send_due_collections(app, today=date(2022, 11, 1))["leavers"]["sent"] == 0
    assert _count(db, "invite") == 2


def test_a_built_list_the_scheduler_missed_goes_out_late_with_its_own_reply_by_date(db, app):
    seed_county(db.session, schools=2, contacts=1)  # built, due 31 October 2022, never sent
    result = tasks.run_send_due_collections(app, today=date(2022, 11, 29))
    assert result["leavers"]["sent"] == 2
    # 15 school days: 30 November to 16 December, then after the Christmas holiday (19 to 30 December)
    # and the bank holiday of 2 January, 3 and 4 January.
    assert {r.due_on for r in db.session.scalars(select(SchoolRequest))} == {date(2023, 1, 4)}


def test_a_failing_job_rolls_back_and_reraises(db, app, caplog):
    def work():
        db.session.add(OutboxMessage(ledger_key="job:failure", kind="invite", to_address="a@school.example",
                                     subject="S", body="B"))
        db.session.flush()
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        tasks.run_job("failing", work, app)
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.ledger_key == "job:failure")) is None
    assert any("job failing failed" in record.getMessage() for record in caplog.records)


def test_send_command_sends_once_with_force_and_says_so(db, cli):
    seed_county(db.session, schools=3, contacts=2, year=2031, send_on=date(2031, 10, 7), due_on=date(2031, 10, 31))
    result = cli("send", "leavers", "--year", "2031", "--force")
    assert result.exit_code == 0, result.output
    assert "Sent 3 school requests (6 emails queued); 0 already sent." in result.output
    again = cli("send", "leavers", "--year", "2031", "--force")
    assert "Sent 0 school requests (0 emails queued); 3 already sent." in again.output
    assert _count(db, "invite") == 6


@pytest.mark.parametrize("args, message", [
    (("send", "leaver", "--year", "2022"), "Error: Unknown collection 'leaver': use leavers or no-offer"),
    (("send", "leavers", "--year", "2031", "--today", "2031-10-06"),
     "Error: The leavers lists for 2031 are not due to be sent until 7 October 2031: use --force"),
    (("remind", "--today", "31/10/2022"), "Error: --today must be a date like 2022-10-07"),
])
def test_commands_refuse_bad_input_with_one_line(db, cli, args, message):
    seed_county(db.session, schools=1, contacts=1, year=2031, send_on=date(2031, 10, 7), due_on=date(2031, 10, 31))
    result = cli(*args)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert _count(db) == 0


def test_send_command_builds_missing_lists_and_says_when_no_school_has_anyone(db, cli):
    result = cli("send", "no-offer", "--year", "2032", "--force")
    assert result.exit_code == 1
    assert "Error: No school has anyone on its no-offer list for 2032: nothing to send" in result.output
    assert _count(db) == 0


def test_remind_and_chase_commands_queue_on_their_days(db, cli):
    collection = seed_county(db.session, schools=2, contacts=1)
    with time_machine.travel(datetime(2022, 10, 7, 8, tzinfo=UTC), tick=False):
        cli("send", "leavers", "--year", "2022")
    assert {r.due_on for r in db.session.scalars(select(SchoolRequest).where(
        SchoolRequest.collection_id == collection.id))} == {date(2022, 10, 31)}
    # 7 school days before the 31st, the October half term (24 to 28 October) not counted
    assert "Queued 0 reminders." in cli("remind", "--today", "2022-10-12").output
    assert "Queued 2 reminders." in cli("remind", "--today", "2022-10-13").output
    assert "Queued 2 chasers." in cli("chase", "--today", "2022-11-07").output
    assert (_count(db, "reminder"), _count(db, "chaser")) == (2, 2)


def test_deliver_command_sends_and_reports_when_the_server_is_down(db, cli, smtp_port):
    seed_county(db.session, schools=2, contacts=1)
    cli("send", "leavers", "--year", "2022", "--force")
    down = cli("deliver")
    assert down.exit_code == 1
    assert f"Error: Could not send to the mail server at 127.0.0.1:{smtp_port}: 2 emails remain queued" in down.output
    for message in db.session.scalars(select(OutboxMessage)):
        message.next_attempt_at = None  # as if the back-off had passed
    db.session.flush()
    with SmtpServer(port=smtp_port) as server:
        up = cli("deliver")
    assert up.exit_code == 0, up.output
    assert "Sent 2 emails; 0 failed; 0 still queued." in up.output
    assert len(server.messages) == 2


def test_mailcatcher_command_refuses_a_port_in_use(db, cli):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        result = cli("mailcatcher", "--port", str(sock.getsockname()[1]))
    assert result.exit_code == 1
    assert "Error: Cannot listen on 127.0.0.1:" in result.output
