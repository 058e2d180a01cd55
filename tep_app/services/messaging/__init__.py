"""Email: what the service sends and how, apart from why it sends it.

- `email_texts`: the texts of every email, editable by admins, and how they are filled in.
- `email_secrets`: the link and code an email carries, made only at the moment it is sent.
- `outbox`: every email queued in the database and delivered once, with retries.
- `outbox_review`: the outbox as admins see it (counts by state, a page of emails, a failed one
  queued again).
- `mail_catcher`: the local SMTP server that keeps what it catches, for development and tests.

School requests and sign-in queue their emails here; nothing here imports them.
"""
