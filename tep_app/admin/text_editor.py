"""The one edit page of a text with ((placeholders)): an email text (admin/messaging.py) or a letter
text (admin/letters.py). Preview shows it with sample values; Save stores it (audited by the
service) and goes back to the list; a refused text keeps what was typed, with the message by its
field (services/placeholders.py)."""
from collections.abc import Callable

from flask import flash, redirect, render_template, url_for

from tep_app.services.placeholders import TextError


def edit_text(form, stored, *, heading: str, save: Callable[[str, str], object],
              preview: Callable[[str, str], tuple[str, str]], saved: str, back: str, page: str, **context):
    """The `page` for `form` (its `heading` field and `body`), first with the `stored` text's preview:
    `save(heading, body)` and `preview(heading, body)` are the service's; `saved` is the banner after
    a save, `back` the endpoint it returns to."""
    shown = None
    if form.validate_on_submit():
        try:
            if form.save.data:
                save(form[heading].data, form.body.data)
                flash(saved, "success")
                return redirect(url_for(back))
            shown = preview(form[heading].data, form.body.data)
        except TextError as error:
            getattr(form, error.field, form.body).errors.append(error.message)
    elif not form.is_submitted():
        shown = preview(getattr(stored, heading), stored.body)
    return render_template(page, form=form, preview=shown, **context)
