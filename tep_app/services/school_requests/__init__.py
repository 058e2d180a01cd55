"""School requests: one collection for one school, from the emailed link to the school's answers.

- `sending`: build the requests and email each school its link, once.
- `contacts`: a school's active contacts, main contact first.
- `followup`: reminders before the reply-by date, chasers after it, a manager's chase, and the
  numbers they run on.
- `links`: the secure link and the 6-digit codes that confirm it.
- `answers`: the school's list, its answers, drafts and submission.
- `outcomes`: what the answers mean for young people and the caseload.
- `upload`: the school's filled-in spreadsheet, checked like the form.
- `request_admin`: what a manager does to one request (revoke, new link, history).

Their emails are queued and delivered by tep_app.services.messaging.
"""
