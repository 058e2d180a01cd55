"""The cases in a patch that need a letter or a visit, and the visit list to print for them.

A patch is a school or a district given to an officer. A district's patch covers its schools
except those with a patch of their own (as when cases are assigned). A case is in the list while
it is open and flagged: every number held has failed three times since the last letter or visit
(services/cases/casework.py), so a letter printed or a visit logged takes it off.
"""
import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from tep_app.dates import long_date, short_date
from tep_app.extensions import db
from tep_app.models import Case, ContactAttempt, Establishment, Patch, YoungPerson
from tep_app.services.audit import record_audit
from tep_app.services.cases.assignment import patch_labels
from tep_app.services.cases.casework import CHANNEL_LABELS, OUTCOME_LABELS, PHONE_KINDS, address_held


@dataclass(frozen=True)
class PatchSummary:
    patch: Patch
    label: str
    flagged: int


def _in_area(patch: Patch):
    """The condition on Case for the cases in a patch's area."""
    if patch.establishment_id:
        return Case.establishment_id == patch.establishment_id
    patched = select(Patch.establishment_id).where(Patch.establishment_id.is_not(None))
    schools = select(Establishment.id).where(Establishment.district_id == patch.district_id,
                                            Establishment.id.not_in(patched))
    return Case.establishment_id.in_(schools)


def _flagged():
    return (Case.status == "open", Case.needs_letter_or_visit.is_(True))


def get_patch(patch_id: int) -> tuple[Patch, str] | None:
    patch = db.session.get(Patch, patch_id)
    return (patch, patch_labels([patch])[patch.id]) if patch is not None else None


def list_patches_with_counts() -> list[PatchSummary]:
    """Every patch with how many of its cases need a letter or a visit, by officer then area."""
    patches = list(db.session.scalars(select(Patch).options(selectinload(Patch.officer))))
    labels = patch_labels(patches)
    summaries = [PatchSummary(patch, labels[patch.id] or "", db.session.scalar(
        select(func.count(Case.id)).where(_in_area(patch), *_flagged()))) for patch in patches]
    return sorted(summaries, key=lambda s: (s.patch.officer.name.lower(), s.label.lower(), s.patch.id))


def postcode_order(postcode: str | None) -> tuple:
    """A postcode as streets are walked: by area, then district as a number (TN9 before TN23), then
    the rest; no postcode last."""
    compact = re.sub(r"\s+", "", (postcode or "").upper())
    found = re.match(r"([A-Z]+)(\d+)(.*)", compact)
    if not found:
        return (1, compact, 0, "")
    area, district, rest = found.groups()
    return (0, area, int(district), rest)


def flagged_cases(patch: Patch) -> list[Case]:
    """The patch's open cases flagged for a letter or a visit, by postcode, then address, then name
    (a young person with no postcode last)."""
    query = (
        select(Case).where(_in_area(patch), *_flagged())
        .options(joinedload(Case.young_person).selectinload(YoungPerson.contact_details),
                 joinedload(Case.establishment), joinedload(Case.officer))
    )
    cases = list(db.session.scalars(query).unique())
    return sorted(cases, key=lambda case: (
        postcode_order(case.young_person.postcode), (case.young_person.address or "").lower(),
        case.young_person.surname.lower(), case.young_person.forename.lower(), case.id))


def last_attempts(cases: list[Case]) -> dict[int, ContactAttempt]:
    """The newest attempt on each case, by case id (one query)."""
    if not cases:
        return {}
    newest = (select(func.max(ContactAttempt.id)).where(ContactAttempt.case_id.in_([c.id for c in cases]))
              .group_by(ContactAttempt.case_id))
    return {a.case_id: a for a in db.session.scalars(select(ContactAttempt).where(ContactAttempt.id.in_(newest)))}


def attempt_words(attempt: ContactAttempt | None) -> str:
    """"Phone call, 3 Dec 2026: No answer"; "None logged"."""
    if attempt is None:
        return "None logged"
    channel = CHANNEL_LABELS.get(attempt.channel, attempt.channel)
    return f"{channel}, {short_date(attempt.at)}: {OUTCOME_LABELS.get(attempt.outcome, attempt.outcome)}"


def phones_held(person: YoungPerson) -> list[str]:
    """The phone numbers held, young person's first, those marked wrong left out."""
    details = [d for d in person.contact_details if d.kind in PHONE_KINDS and d.is_current and not d.marked_wrong]
    details.sort(key=lambda d: (PHONE_KINDS.index(d.kind), d.value))
    return [d.value if d.kind == "phone" else f"{d.value} (parent or carer)" for d in details]


@dataclass(frozen=True)
class VisitRow:
    """One line of a visit list, in the words it prints."""

    name: str
    date_of_birth: str
    address: str
    postcode: str
    phones: str
    last_attempt: str


def visit_rows(cases: list[Case]) -> list[VisitRow]:
    latest = last_attempts(cases)
    rows = []
    for case in cases:
        person = case.young_person
        address = (person.address or "").strip() if address_held(person) else "No address held"
        rows.append(VisitRow(
            name=f"{person.preferred_forename or person.forename} {person.surname}",
            date_of_birth=short_date(person.date_of_birth), address=address, postcode=person.postcode or "",
            phones="\n".join(phones_held(person)) or "None held", last_attempt=attempt_words(latest.get(case.id)),
        ))
    return rows


def visit_list(patch: Patch, label: str, today) -> bytes:
    """The visit list of a patch as a PDF; each young person on it is audited as an export."""
    cases = flagged_cases(patch)
    for case in cases:
        record_audit("export", "young_person", case.young_person_id,
                     after={"printed": "visit list", "patch_id": patch.id, "case_id": case.id})
    record_audit("export", "visit_list", patch.id, after={"cases": len(cases)})
    noun = "case needs" if len(cases) == 1 else "cases need"
    subtitle = (f"{label}, {patch.officer.name}'s patch. {len(cases)} {noun} a letter or a visit, "
                f"by postcode. Printed {long_date(today)}.")
    from tep_app.services.people import pdf  # noqa: PLC0415 -- ReportLab only when a PDF is made

    return pdf.visit_list_pdf(f"Visit list: {label}", subtitle, visit_rows(cases))
