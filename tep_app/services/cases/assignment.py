"""Who works a case: patches (a school or a district given to an officer), the balanced
fallback when no patch covers a school, and a manager's reassignment of one case or many."""
import logging
from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tep_app.extensions import db
from tep_app.models import Case, District, Establishment, Patch, StaffUser
from tep_app.services.audit import record_audit

logger = logging.getLogger(__name__)


class PatchError(ValueError):
    """A patch a manager asked for that cannot be made; the message names the field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


# Officers and their caseloads.

def list_officers() -> list[StaffUser]:
    return list(db.session.scalars(
        select(StaffUser).where(StaffUser.role == "officer", StaffUser.active.is_(True)).order_by(StaffUser.name)
    ))


def open_caseloads() -> Counter:
    """Open cases per active officer (officers with none are present with 0)."""
    loads = Counter({officer.id: 0 for officer in list_officers()})
    rows = db.session.execute(
        select(Case.officer_id, func.count(Case.id)).where(Case.status == "open", Case.officer_id.is_not(None))
        .group_by(Case.officer_id)
    )
    for officer_id, count in rows:
        if officer_id in loads:
            loads[officer_id] = count
    return loads


class Assigner:
    """Chooses an officer for new cases: the school's patch, else its district's patch, else the
    active officer with the fewest open cases (counting the cases chosen so far in this run)."""

    def __init__(self):
        self.by_school: dict[int, int] = {}
        self.by_district: dict[int, int] = {}
        for patch in db.session.scalars(
            select(Patch).join(StaffUser, Patch.officer_id == StaffUser.id).where(StaffUser.active.is_(True))
        ):
            if patch.establishment_id:
                self.by_school[patch.establishment_id] = patch.officer_id
            if patch.district_id:
                self.by_district[patch.district_id] = patch.officer_id
        self.loads = open_caseloads()

    def officer_for(self, establishment_id: int | None, district_id: int | None) -> int | None:
        officer_id = self.by_school.get(establishment_id) or self.by_district.get(district_id)
        if officer_id is None and self.loads:
            officer_id = min(self.loads, key=lambda oid: (self.loads[oid], oid))
        if officer_id is not None:
            self.loads[officer_id] = self.loads.get(officer_id, 0) + 1
        return officer_id


def assign_by_patch(case: Case) -> int | None:
    """Give one case to its patch's officer (or the least-loaded officer); returns the officer id."""
    district_id = None
    if case.establishment_id:
        district_id = db.session.scalar(
            select(Establishment.district_id).where(Establishment.id == case.establishment_id))
    before = case.officer_id
    case.officer_id = Assigner().officer_for(case.establishment_id, district_id)
    if case.officer_id != before:
        record_audit("assign", "case", case.id, before={"officer_id": before}, after={"officer_id": case.officer_id})
    db.session.flush()
    return case.officer_id


# Reassigning.

def reassign_cases(case_ids: list[int], officer_id: int, user_id: int | None = None) -> int:
    """Move the given open cases to an officer; each move is audited. Returns how many moved."""
    officer = db.session.get(StaffUser, officer_id)
    if officer is None or officer.role != "officer" or not officer.active:
        raise PatchError("officer", "Select an officer")
    cases = list(db.session.scalars(
        select(Case).where(Case.id.in_(list(case_ids)), Case.status == "open").order_by(Case.id)
    )) if case_ids else []
    moved = 0
    for case in cases:
        if case.officer_id == officer_id:
            continue
        record_audit("reassign", "case", case.id, before={"officer_id": case.officer_id},
                     after={"officer_id": officer_id, "by": user_id})
        case.officer_id = officer_id
        moved += 1
    db.session.flush()
    logger.info("reassigned %s cases to officer %s", moved, officer_id, extra={"officer_id": officer_id})
    return moved


def rebalance(officer_ids: list[int] | None = None, user_id: int | None = None) -> int:
    """Spread the open cases no patch covers evenly across officers. Returns how many moved."""
    assigner = Assigner()
    officers = officer_ids or list(assigner.loads)
    if not officers:
        return 0
    loads = {oid: assigner.loads.get(oid, 0) for oid in officers}
    rows = db.session.execute(
        select(Case, Establishment.district_id).outerjoin(Establishment, Case.establishment_id == Establishment.id)
        .where(Case.status == "open").order_by(Case.not_known_since, Case.id)
    ).all()
    loose = [case for case, district_id in rows
             if not (assigner.by_school.get(case.establishment_id) or assigner.by_district.get(district_id))]
    target = -(-sum(loads.values()) // len(loads))
    moved = 0
    for case in loose:
        if case.officer_id in loads and loads[case.officer_id] <= target:
            continue
        least = min(loads, key=lambda oid: (loads[oid], oid))
        if case.officer_id in loads and loads[least] + 1 >= loads[case.officer_id]:
            continue
        record_audit("reassign", "case", case.id, before={"officer_id": case.officer_id},
                     after={"officer_id": least, "by": user_id, "rebalance": True})
        if case.officer_id in loads:
            loads[case.officer_id] -= 1
        loads[least] += 1
        case.officer_id = least
        moved += 1
    db.session.flush()
    return moved


# Patches.

def list_patches() -> list[Patch]:
    return list(db.session.scalars(
        select(Patch).options(selectinload(Patch.officer)).order_by(Patch.id)
    ))


def patch_labels(patches: list[Patch]) -> dict[int, str]:
    school_ids = [p.establishment_id for p in patches if p.establishment_id]
    district_ids = [p.district_id for p in patches if p.district_id]
    schools = dict(db.session.execute(
        select(Establishment.id, Establishment.name).where(Establishment.id.in_(school_ids))).all()) \
        if school_ids else {}
    districts = dict(db.session.execute(
        select(District.id, District.name).where(District.id.in_(district_ids))).all()) if district_ids else {}
    return {p.id: schools.get(p.establishment_id) if p.establishment_id
            else f"{districts.get(p.district_id)} (district)" for p in patches}


def set_patch(officer_id: int, establishment_id: int | None = None, district_id: int | None = None,
              move_open_cases: bool = False) -> tuple[Patch, int]:
    """Give a school or a district to an officer (changing its officer if it already has one).
    With move_open_cases, the area's open cases go to the officer too. Returns (patch, moved)."""
    if bool(establishment_id) == bool(district_id):
        raise PatchError("area", "Select a school or a district")
    officer = db.session.get(StaffUser, officer_id) if officer_id else None
    if officer is None or officer.role != "officer" or not officer.active:
        raise PatchError("officer", "Select an officer")
    if establishment_id and db.session.get(Establishment, establishment_id) is None:
        raise PatchError("establishment_id", "Select a school")
    if district_id and db.session.get(District, district_id) is None:
        raise PatchError("district_id", "Select a district")
    column = Patch.establishment_id if establishment_id else Patch.district_id
    patch = db.session.scalar(select(Patch).where(column == (establishment_id or district_id)))
    if patch is None:
        patch = Patch(officer_id=officer_id, establishment_id=establishment_id, district_id=district_id)
        db.session.add(patch)
        db.session.flush()
        record_audit("create", "patch", patch.id, after=_patch_dict(patch))
    elif patch.officer_id != officer_id:
        before = _patch_dict(patch)
        patch.officer_id = officer_id
        db.session.flush()
        record_audit("update", "patch", patch.id, before=before, after=_patch_dict(patch))
    moved = 0
    if move_open_cases:
        moved = reassign_cases(_open_case_ids_in_area(establishment_id, district_id), officer_id)
    return patch, moved


def remove_patch(patch_id: int) -> bool:
    patch = db.session.get(Patch, patch_id)
    if patch is None:
        return False
    record_audit("delete", "patch", patch.id, before=_patch_dict(patch))
    db.session.delete(patch)
    db.session.flush()
    return True


def _open_case_ids_in_area(establishment_id: int | None, district_id: int | None) -> list[int]:
    query = select(Case.id).where(Case.status == "open")
    if establishment_id:
        query = query.where(Case.establishment_id == establishment_id)
    else:
        # A school patch wins over its district's: those schools' cases stay where they are.
        patched = select(Patch.establishment_id).where(Patch.establishment_id.is_not(None))
        query = query.join(Establishment, Case.establishment_id == Establishment.id).where(
            Establishment.district_id == district_id, Establishment.id.not_in(patched))
    return list(db.session.scalars(query))


def _patch_dict(patch: Patch) -> dict:
    return {"officer_id": patch.officer_id, "establishment_id": patch.establishment_id,
            "district_id": patch.district_id}
