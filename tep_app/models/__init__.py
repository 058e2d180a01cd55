"""All models, imported here so that Alembic and the app see every table."""
from tep_app.models.audit import AuditEvent
from tep_app.models.base import Base
from tep_app.models.cases import Case, ContactAttempt, Patch
from tep_app.models.collections import CalendarDate, CalendarSetting, Collection, ListEntry, SchoolHoliday
from tep_app.models.establishments import District, Establishment, EstablishmentContact
from tep_app.models.letters import LetterTemplate
from tep_app.models.matching import MatchDecision, MatchResult
from tep_app.models.merges import PersonMerge, PersonMergeRow
from tep_app.models.notes import PersonNote
from tep_app.models.people import Activity, ContactDetail, SchoolRecord, YoungPerson
from tep_app.models.reference import ActivityCode, GuaranteeStatus
from tep_app.models.requests import (
    AccessCode,
    EmailTemplate,
    OutboxMessage,
    ReplacedLink,
    RequestEvent,
    SchoolRequest,
    SchoolResponse,
)
from tep_app.models.retention import RetentionRule
from tep_app.models.returns import Snapshot, SnapshotRow
from tep_app.models.sessions import UserSession
from tep_app.models.sources import Enrolment, ImportBatch, ImportWarning, Offer
from tep_app.models.staff import SignInThrottle, SignInUnlock, StaffUser

__all__ = [
    "AccessCode", "Case", "ContactAttempt", "EmailTemplate", "OutboxMessage", "Patch", "ReplacedLink", "RequestEvent",
    "SchoolHoliday", "SchoolRequest", "SchoolResponse",
    "Activity", "ActivityCode", "AuditEvent", "Base", "CalendarDate", "CalendarSetting", "Collection", "ContactDetail",
    "District", "Enrolment", "Establishment", "EstablishmentContact", "GuaranteeStatus",
    "ImportBatch", "ImportWarning", "LetterTemplate", "ListEntry", "MatchDecision", "MatchResult", "Offer",
    "PersonMerge", "PersonMergeRow", "PersonNote", "SchoolRecord", "SignInThrottle", "SignInUnlock", "StaffUser",
    "RetentionRule", "Snapshot", "SnapshotRow", "UserSession", "YoungPerson",
]
