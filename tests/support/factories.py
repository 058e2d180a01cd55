"""Plain factories for models, reached through the `make` fixture. Each returns a flushed row."""
import itertools
import secrets
from datetime import date

from tep_app.identifiers import make_uln, make_upn
from tep_app.models import (
    District,
    Enrolment,
    Establishment,
    EstablishmentContact,
    Offer,
    SchoolRecord,
    StaffUser,
    YoungPerson,
)
from tep_app.services.staff import hash_password

_counter = itertools.count(1)
TEST_PASSWORD = "correct horse battery staple"
_PASSWORD_HASH = None


def _password_hash() -> str:
    global _PASSWORD_HASH
    if _PASSWORD_HASH is None:
        _PASSWORD_HASH = hash_password(TEST_PASSWORD)
    return _PASSWORD_HASH


class Factory:
    def __init__(self, db):
        self.db = db

    def _add(self, row):
        self.db.session.add(row)
        self.db.session.flush()
        return row

    def district(self, name: str | None = None) -> District:
        return self._add(District(name=name or f"District {next(_counter)}"))

    def establishment(self, type: str = "school", contacts: int = 1, **kwargs) -> Establishment:
        n = next(_counter)
        kwargs.setdefault("laestab", f"886{4000 + n % 6000:04d}")
        kwargs.setdefault("name", f"Test School {n}")
        if type == "college":
            kwargs.setdefault("ukprn", f"1{n:07d}")
        establishment = self._add(Establishment(type=type, **kwargs))
        for position in range(contacts):
            self._add(EstablishmentContact(
                establishment_id=establishment.id, name=f"Contact {position + 1}",
                email=f"contact{position + 1}.{establishment.laestab}@school.example", position=position,
            ))
        return establishment

    def young_person(self, **kwargs) -> YoungPerson:
        n = next(_counter)
        kwargs.setdefault("upn", make_upn(886, 4000 + n % 6000, 22, n % 1000))
        kwargs.setdefault("forename", f"Alex{n}")
        kwargs.setdefault("surname", f"Smith{n}")
        kwargs.setdefault("date_of_birth", date(2006, 1 + n % 12, 1 + n % 28))
        kwargs.setdefault("gender", "F")
        kwargs.setdefault("postcode", "ME14 1XX")
        return self._add(YoungPerson(**kwargs))

    def school_record(self, young_person=None, establishment=None, kind: str = "leaver",
                      academic_year: int = 2022, year_group: int = 11, **kwargs) -> SchoolRecord:
        young_person = young_person or self.young_person()
        establishment = establishment or self.establishment()
        return self._add(SchoolRecord(
            young_person_id=young_person.id, establishment_id=establishment.id, kind=kind,
            academic_year=academic_year, year_group=year_group, **kwargs,
        ))

    def enrolment(self, provider=None, young_person=None, academic_year: int = 2022, **kwargs) -> Enrolment:
        provider = provider or self.establishment(type="college", contacts=0)
        if young_person is not None:
            for field in ("upn", "uln", "forename", "surname", "date_of_birth", "gender", "postcode"):
                kwargs.setdefault(field, getattr(young_person, field))
        kwargs.setdefault("row_key", secrets.token_hex(16))
        return self._add(Enrolment(provider_id=provider.id, academic_year=academic_year, **kwargs))

    def offer(self, provider=None, young_person=None, academic_year: int = 2022, status: str = "110",
              **kwargs) -> Offer:
        provider = provider or self.establishment(type="college", contacts=0)
        if young_person is not None:
            for field in ("upn", "uln", "forename", "surname", "date_of_birth", "postcode"):
                kwargs.setdefault(field, getattr(young_person, field))
        kwargs.setdefault("row_key", secrets.token_hex(16))
        return self._add(Offer(provider_id=provider.id, academic_year=academic_year, status=status, **kwargs))

    def staff(self, role: str = "officer", **kwargs) -> StaffUser:
        n = next(_counter)
        kwargs.setdefault("email", f"{role}{n}@tep.example")
        kwargs.setdefault("name", f"{role.title()} {n}")
        kwargs.setdefault("password_hash", _password_hash())
        kwargs.setdefault("session_token", secrets.token_hex(16))
        return self._add(StaffUser(role=role, **kwargs))


__all__ = ["Factory", "TEST_PASSWORD", "make_uln", "make_upn"]
