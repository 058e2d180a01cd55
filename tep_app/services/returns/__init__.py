"""Reporting to the DfE: month-end snapshots of the cohort, the NEET + Not Known measure read from
them, and (built on the snapshots) the monthly NCCIS return and the Annual Activity Survey.

requirement.py holds every detail of the NCCIS management information requirement the product
relies on that is not confirmed from the published document, as named data in one place
(docs/returns.md). guarantee.py gives a young person's September Guarantee status on a date;
snapshots.py takes a month's snapshot; measure.py computes the headline measure from snapshots.
"""
