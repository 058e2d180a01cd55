"""The numbers the school follow-up runs on, each in one place."""

REMINDER_DAYS = (7, 2)  # school days before the reply-by date: reminder 1, reminder 2
CHASER_EVERY = 5  # school days between chasers after the reply-by date
SECOND_CONTACT_FROM_CHASER = 3  # from the third chaser, the school's second contact is chased too
MAX_CHASERS = 6  # about six weeks of chasing; after that the young people are in officers' queues
LINK_KINDS = ("new_link", "chaser_link")  # emails that carry a working link after the invitation
