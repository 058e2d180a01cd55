"""Reporting to the DfE: month-end snapshots of the cohort, the NEET + Not Known measure read from
them, and (built on the snapshots) the monthly NCCIS return and the Annual Activity Survey.

requirement.py holds every detail of the NCCIS management information requirement the product
relies on that is not confirmed from the published document, as named data in one place
(docs/returns.md). snapshots.py takes a month's snapshot (with each young person's September
Guarantee status, services/guarantee_status.py); measure.py computes the headline measure from
snapshots.
"""
