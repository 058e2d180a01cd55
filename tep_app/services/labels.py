"""Labels: the words a user reads for a code, a rule or a stored value.

No page shows a bare NCCIS activity code, September Guarantee status, Python value or rule name:
an activity reads "Further education (230)", a status "Offer made (110)", a match rule "matched on
UPN and date of birth". The reference data is read once per app (a web worker) and kept.
"""
from flask import current_app
from sqlalchemy import select

from tep_app.extensions import db
from tep_app.matching import describe
from tep_app.models import District, Establishment, StaffUser
from tep_app.models.reference import ActivityCode, GuaranteeStatus
from tep_app.validation import optional_id

MATCH_OUTCOMES = {"certain": "a certain match", "possible": "a possible match, for review",
                  "none": "no match", "accepted": "accepted on review", "rejected": "rejected on review"}
MATCH_KINDS = {"leaver_enrolment": "Leaver checked against enrolments",
               "roll_offer": "Pupil checked against September Guarantee offers"}
_KEY_WORDS = {"officer_id": "officer", "establishment_id": "school", "district_id": "district", "staff_id": "by",
              "case_id": "case", "young_person_id": "young person", "code": "activity", "activity": "activity",
              "guarantee_status": "September Guarantee status",
              "guarantee_code": "September Guarantee status", "activity_code": "destination",
              "contacts": "contact details", "needs_review": "needs an officer's check", "moved": "moved away"}
_KIND_WORDS = {"phone": "young person's phone", "parent_phone": "parent or carer's phone", "email": "email",
               "parent_email": "parent or carer's email"}
REASON_WORDS = {"school_not_known": "the school did not know their destination",
                "no_school_answer": "the school gave no answer", "lapsed": "their activity lapsed",
                "conflict": "the school's answer differs from what we hold",
                "officer_opened": "an officer opened it from their page",
                "activity_found": "an officer recorded their activity",
                "school_answer": "their school told us their destination", "moved_away": "they moved out of Kent",
                "school_roll": "they are on a school's Year 12 roll (in its sixth form)",
                "match_accepted": "their match was accepted on review",
                "match_found": "matching found their enrolment",
                "school_guarantee": "their school told us their September Guarantee status",
                "officer_guarantee": "an officer recorded their September Guarantee status",
                "anonymised": "the retention schedule anonymised their record"}
_MOVED_WORDS = {"other_la": "to another part of the UK", "abroad": "to another country"}


def _reference() -> dict:
    kept = current_app.extensions.setdefault("tep_reference_data", {})
    if "words" not in kept:
        kept["words"] = {
            "activity": dict(db.session.execute(select(ActivityCode.code, ActivityCode.description)).all()),
            "guarantee": dict(db.session.execute(select(GuaranteeStatus.code, GuaranteeStatus.description)).all()),
        }
    return kept["words"]


def activity_words(code: str | None) -> str:
    """"Full-time education: further education (230)"; "" for no code."""
    if not code:
        return ""
    description = _reference()["activity"].get(code)
    return f"{description} ({code})" if description else f"Activity {code}"


def guarantee_words(code: str | None) -> str:
    """"Offer made (110)"; "" for no code."""
    if not code:
        return ""
    description = _reference()["guarantee"].get(code)
    return f"{description} ({code})" if description else f"Status {code}"


def rule_words(rule: str | None) -> str:
    """A match's stored evidence key in words: "Matched on UPN and date of birth; ..."."""
    return describe(rule or "")


def value_words(key: str, value) -> str:
    """One stored value, from an audit record or a change, in words."""
    if value is None or value == "":
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if key in ("code", "activity", "activity_code"):
        return activity_words(str(value))
    if key in ("guarantee_status", "guarantee_code"):
        return guarantee_words(str(value))
    if key in ("officer_id", "staff_id", "recorded_by_id"):
        return staff_name(value)
    if key in ("establishment_id", "district_id"):
        return _named(key, value)
    if key == "moved":
        return _MOVED_WORDS.get(value, str(value))
    if key == "reason" and isinstance(value, str):
        return REASON_WORDS.get(value, value.replace("_", " "))
    if isinstance(value, (list, tuple)):
        return ", ".join(_KIND_WORDS.get(str(item), str(item)) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key_words(k)}: {value_words(k, v)}" for k, v in value.items())
    return str(value)


def key_words(key: str) -> str:
    return _KEY_WORDS.get(key, key.replace("_", " "))


def changes_words(before: dict | None, after: dict | None) -> str | None:
    """What an audited change changed, in words."""
    before, after = before or {}, after or {}
    if not before:
        return "; ".join(f"{key_words(k)}: {value_words(k, v)}" for k, v in after.items()) or None
    changed = [f"{key_words(k)}: {value_words(k, before.get(k))} to {value_words(k, after.get(k))}"
               for k in before if k in after and before.get(k) != after.get(k)]
    return "; ".join(changed) or None


def staff_name(staff_id) -> str:
    user = db.session.get(StaffUser, number) if (number := optional_id(staff_id)) else None
    return user.name if user else "someone no longer on the staff list"


_OBJECT_WORDS = {"young_person": "Young person", "school_request": "School request", "staff_user": "Staff account",
                 "import_batch": "Import", "case_queue": "Case queue", "audit_log": "Audit log",
                 "school_list": "School list", "calendar_setting": "Calendar setting", "case": "Case",
                 "contact_detail": "Contact details", "contact_attempt": "Contact attempt", "activity": "Activity",
                 "email_template": "Email text", "match_result": "Match", "patch": "Patch", "dashboard": "Dashboard",
                 "outbox_message": "Email", "import_preview": "Import preview", "audit_event": "Audit log",
                 "case_manage": "Reassigning cases", "school_upload_problems": "Problems in a school's upload"}


def object_type_words(object_type: str | None) -> str:
    if not object_type:
        return ""
    return _OBJECT_WORDS.get(object_type, object_type.replace("_", " ").capitalize())


def _named(key: str, value) -> str:
    model = Establishment if key == "establishment_id" else District
    row = db.session.get(model, number) if (number := optional_id(value)) else None
    return row.name if row is not None else "none"
