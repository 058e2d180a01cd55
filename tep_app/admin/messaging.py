"""Admin views for messaging: the email texts (with a preview), the outbox, the mail caught by the
local mail catcher, and the academic year's calendar."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from tep_app.admin.blueprint import bp
from tep_app.admin.messaging_forms import CalendarDateForm, CalendarSettingForm, EmailTextForm, SchoolHolidayForm
from tep_app.admin.text_editor import edit_text
from tep_app.auth.roles import ADMIN, MANAGER, roles
from tep_app.dates import long_date
from tep_app.inputs import requested_year
from tep_app.pagination import pagination, requested_page
from tep_app.services import calendar as school_calendar
from tep_app.services.messaging import email_texts, mail_catcher, outbox, outbox_review
from tep_app.services.school_holidays import HOLIDAY_LABELS

STATUS_TAGS = {"queued": "govuk-tag--blue", "sending": "govuk-tag--yellow", "sent": "govuk-tag--green",
               "failed": "govuk-tag--red"}


@bp.get("/email-texts")
@roles(ADMIN, MANAGER)
def email_templates():
    """The emails schools receive."""
    return render_template("admin/messaging/email_templates.html", texts=email_texts.list_templates())


@bp.route("/email-texts/<key>", methods=["GET", "POST"])
@roles(ADMIN)
def edit_email_template(key: str):
    definition = email_texts.DEFAULTS.get(key)
    if definition is None:
        abort(404)
    template = email_texts.get_template(key)
    return edit_text(EmailTextForm(obj=template), template, heading="subject",
                     save=lambda subject, body: email_texts.update_template(key, subject, body, current_user.id),
                     preview=lambda subject, body: email_texts.preview_email(key, subject, body),
                     saved=f"The {definition.name.lower()} email is saved", back="admin.email_templates",
                     page="admin/messaging/edit_email_template.html", definition=definition)


@bp.get("/outbox", endpoint="outbox")
@roles(ADMIN, MANAGER)
def outbox_page():
    """Every email queued, sent or failed."""
    status = request.args.get("status") or None
    if status not in (None, *outbox.STATUSES):
        status = None
    messages, pages = outbox_review.list_messages(status, requested_page())
    stuck_count, stuck = outbox.list_stuck(limit=20)
    return render_template("admin/messaging/outbox.html", messages=messages, pages=pages,
                           pager=pagination(min(requested_page(), pages), pages, "admin.outbox", status=status),
                           status=status, counts=outbox_review.count_by_status(), statuses=outbox.STATUSES,
                           tags=STATUS_TAGS, stuck=stuck, stuck_count=stuck_count,
                           hold_minutes=outbox.RECLAIM_AFTER_MINUTES, shown=email_texts.shown)



@bp.post("/outbox/<int:message_id>/retry")
@roles(ADMIN)
def retry_outbox_message(message_id: int):
    try:
        message = outbox_review.retry_message(message_id)
    except outbox.OutboxError as error:
        flash(error.message, "info")
    else:
        flash(f"The email to {message.to_address} is queued again", "success")
    return redirect(url_for("admin.outbox", status=request.form.get("status") or None))


@bp.get("/mail")
@roles(ADMIN)
def caught_mail():
    """Emails caught by the local mail catcher, newest first: all, or one kind (?kind=invitations)."""
    kind = request.args.get("kind") if request.args.get("kind") in {k for k, _w, _ in mail_catcher.KIND_FILTERS} \
        else None
    messages, pages = mail_catcher.list_caught(current_app.config["MAIL_CATCHER_DIR"], requested_page(), kind=kind)
    return render_template("admin/messaging/caught_mail.html", messages=messages, pages=pages,
                           pager=pagination(min(requested_page(), pages), pages, "admin.caught_mail", kind=kind),
                           kind=kind, kinds=mail_catcher.KIND_FILTERS)


@bp.get("/mail/<name>")
@roles(ADMIN)
def caught_message(name: str):
    message = mail_catcher.read_caught(current_app.config["MAIL_CATCHER_DIR"], name)
    if message is None:
        abort(404)
    return render_template("admin/messaging/caught_message.html", message=message)


@bp.get("/calendar")
@roles(ADMIN)
def calendar():
    """Send and due dates for each academic year."""
    year = requested_year(school_calendar.current_academic_year)
    school_calendar.ensure_calendar(year)
    dates = school_calendar.get_calendar(year)
    return render_template("admin/messaging/calendar.html", year=year, dates=dates,
                           send_day=school_calendar.send_day, settings=school_calendar.list_settings(year),
                           warnings=school_calendar.list_date_warnings(dates),
                           holidays=school_calendar.get_holidays(year))


@bp.route("/calendar/<int:year>/holidays/<key>", methods=["GET", "POST"])
@roles(ADMIN)
def edit_school_holiday(year: int, key: str):
    if not 2000 <= year <= 2100 or key not in HOLIDAY_LABELS:
        abort(404)
    _key, label, first_day, last_day = next(row for row in school_calendar.get_holidays(year) if row[0] == key)
    form = SchoolHolidayForm(data={"first_day": first_day, "last_day": last_day})

    def save():
        school_calendar.set_holiday(year, key, form.first_day.data, form.last_day.data)
        return f"{label} is now {long_date(form.first_day.data)} to {long_date(form.last_day.data)}"

    return _saved(year, form, form.last_day, save) or render_template(
        "admin/messaging/edit_school_holiday.html", form=form, label=label, year=year)


@bp.route("/calendar/<int:year>/settings/<key>", methods=["GET", "POST"])
@roles(ADMIN)
def edit_calendar_setting(year: int, key: str):
    settings = school_calendar.list_settings(year) if 2000 <= year <= 2100 else []
    setting = next((row for row in settings if row[0] == key), None)
    if setting is None:
        abort(404)
    _key, label, value = setting
    form = CalendarSettingForm(data={"value": str(value)})
    form.value.label.text = label

    def save():
        number = form.number()
        if number is None:
            raise school_calendar.CalendarError("Enter a whole number of school days, like 15")
        school_calendar.set_setting(year, key, number)
        return f"{label} is now {number}"

    return _saved(year, form, form.value, save) or render_template(
        "admin/messaging/edit_calendar_setting.html", form=form, label=label, year=year)


def _saved(year: int, form, field, save):
    """A valid submitted calendar form saved (`save` does it and returns the words that say so), then
    back to the year's calendar; None to show the form, again with the calendar's refusal on `field`."""
    if not form.validate_on_submit():
        return None
    try:
        message = save()
    except school_calendar.CalendarError as error:
        field.errors = [*field.errors, error.message]
        return None
    flash(message, "success")
    return redirect(url_for("admin.calendar", year=year))


def _calendar_row(year: int, key: str):
    if not 2000 <= year <= 2100:
        abort(404)
    school_calendar.ensure_calendar(year)
    row = next((d for d in school_calendar.get_calendar(year) if d.key == key), None)
    if row is None:
        abort(404)
    return row


@bp.route("/calendar/<int:year>/<key>", methods=["GET", "POST"])
@roles(ADMIN)
def edit_calendar_date(year: int, key: str):
    row = _calendar_row(year, key)
    form = CalendarDateForm(data={"on": row.on})
    form.on.label.text = row.label

    def save():
        school_calendar.set_date(year, key, form.on.data, current_user.id)
        return f"{row.label} is now {long_date(form.on.data)}"

    return _saved(year, form, form.on, save) or render_template(
        "admin/messaging/edit_calendar_date.html", form=form, row=row, year=year)
