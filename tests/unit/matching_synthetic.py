"""A small synthetic population with known truth, for checking the matcher's accuracy.

People leave school; most appear on one or two provider rows carrying the noise of real returns
(missing identifiers, typos, nicknames, preferred forenames, swapped names, shortened and changed
surnames, day/month swaps and digit typos in dates of birth, moved postcodes, someone else's UPN).
Twins (same surname, date of birth and postcode) are often enrolled one without the other, and
namesakes (same name, another date of birth, elsewhere) are common. Deterministic for a seed.
"""
import random
import string
from dataclasses import dataclass
from datetime import date, timedelta

from faker.providers.person.en_GB import Provider as Names

from tep_app.identifiers import make_uln, make_upn
from tep_app.matching import PersonRecord
from tep_app.matching.nicknames import GROUPS, are_equivalent

FEMALE = sorted(set(Names.first_names_female))
MALE = sorted(set(Names.first_names_male))
SURNAMES = sorted(set(Names.last_names))
SHORT_FORMS = {full.title(): [s.title() for s in shorts if len(s) > 2] for full, shorts in GROUPS.items()}
DISTRICTS = ("ME14", "ME15", "CT1", "CT2", "TN23", "TN24", "DA1", "DA11", "ME10", "CT9", "TN1", "TN9")


@dataclass
class Truth:
    records: list[PersonRecord]
    candidates: list[PersonRecord]
    owner: dict[int, int]  # candidate id -> person number (the record id of that person)


def _postcode(rng: random.Random) -> str:
    return f"{rng.choice(DISTRICTS)} {rng.randrange(1, 10)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"


def typo(rng: random.Random, name: str) -> str:
    if len(name) < 3:
        return name
    i = rng.randrange(1, len(name))
    kind = rng.randrange(4)
    if kind == 0:
        return name[:i] + rng.choice(string.ascii_lowercase.replace(name[i].lower(), "")) + name[i + 1:]
    if kind == 1:
        return name[:i] + name[i + 1:]
    if kind == 2:
        return name[:i] + name[i] + name[i:]
    if i + 1 < len(name) and name[i + 1] != name[i]:
        return name[:i] + name[i + 1] + name[i] + name[i + 2:]
    return name[:i] + name[i + 1:]


def digit_typo(rng: random.Random, value: date) -> date:
    for _ in range(20):
        text = list(value.strftime("%d%m%Y"))
        position = rng.choice((0, 1, 2, 3, 7))
        text[position] = str((int(text[position]) + rng.randrange(1, 10)) % 10)
        try:
            changed = date(int("".join(text[4:])), int("".join(text[2:4])), int("".join(text[0:2])))
        except ValueError:
            continue
        if changed != value:
            return changed
    return value + timedelta(days=1)


def _person(rng, number: int, dob: date | None = None, surname: str | None = None, postcode=None, avoid=None):
    gender = rng.choice("FM")
    pool = FEMALE if gender == "F" else MALE
    forename = rng.choice(pool)
    while avoid and are_equivalent(forename.lower(), avoid.lower()):
        forename = rng.choice(pool)
    if surname is None:
        surname = rng.choice(SURNAMES)
        if rng.random() < 0.04:
            surname = f"{surname}-{rng.choice(SURNAMES)}"
    former = rng.choice(SURNAMES) if rng.random() < 0.03 else None
    preferred = None
    if rng.random() < 0.08 and SHORT_FORMS.get(forename):
        preferred = rng.choice(SHORT_FORMS[forename])
    dob = dob or date(2006, 9, 1) + timedelta(days=rng.randrange(365))
    return PersonRecord(
        id=number, key=None, upn=make_upn(886, 4000 + number % 5000, 22, number % 997), uln=make_uln(number),
        forename=forename, middle=rng.choice(pool) if rng.random() < 0.4 else None, surname=surname,
        preferred=preferred, former_surname=former, dob=dob, gender=gender, postcode=postcode or _postcode(rng),
    )


def noisy_row(rng: random.Random, person: PersonRecord, row_id: int, all_upns: list[str]) -> PersonRecord:
    forename, surname, dob, code = person.forename, person.surname, person.dob, person.postcode
    if person.preferred and rng.random() < 0.6:
        forename = person.preferred
    elif SHORT_FORMS.get(forename) and rng.random() < 0.05:
        forename = rng.choice(SHORT_FORMS[forename])
    if person.former_surname and rng.random() < 0.5:
        surname = person.former_surname
    elif "-" in surname and rng.random() < 0.4:
        surname = rng.choice(surname.split("-"))
    roll = rng.random()
    if roll < 0.03:
        forename = typo(rng, forename)
    elif roll < 0.06:
        surname = typo(rng, surname)
    elif roll < 0.07:
        forename, surname = surname, forename
    roll = rng.random()
    if roll < 0.01:
        swapped = dob.replace(month=dob.day, day=dob.month) if dob.day <= 12 and dob.day != dob.month else None
        dob = swapped or digit_typo(rng, dob)
    elif roll < 0.02:
        dob = digit_typo(rng, dob)
    if rng.random() < 0.08:
        code = _postcode(rng)
    upn = person.upn if rng.random() < 0.7 else None
    if rng.random() < 0.003:
        upn = rng.choice(all_upns)
    uln = person.uln if rng.random() < 0.5 else None
    return PersonRecord(row_id, f"row-{row_id}", upn, uln, forename, None, surname, None, None, dob,
                        person.gender, code)


def build(people: int = 3000, seed: int = 7, enrolled_share: float = 0.9, strangers: float = 0.6) -> Truth:
    """`people` leavers (with twins and namesakes among them), their rows, and rows of strangers."""
    rng = random.Random(seed)
    records: list[PersonRecord] = []
    number = 1
    while len(records) < people:
        person = _person(rng, number)
        records.append(person)
        number += 1
        if rng.random() < 0.02:  # a twin: same surname, dob and postcode, another forename
            records.append(_person(rng, number, person.dob, person.surname, person.postcode, avoid=person.forename))
            number += 1
        if rng.random() < 0.02:  # a namesake elsewhere, born on another day
            namesake = _person(rng, number)._replace(forename=person.forename, surname=person.surname,
                                                     gender=person.gender)
            records.append(namesake)
            number += 1
    all_upns = [r.upn for r in records]
    candidates, owner = [], {}
    row_id = 100_000
    for person in records:
        if rng.random() >= enrolled_share:
            continue
        for _ in range(1 if rng.random() < 0.8 else 2):
            row_id += 1
            candidates.append(noisy_row(rng, person, row_id, all_upns))
            owner[row_id] = person.id
    for _ in range(int(people * strangers)):  # rows of young people not on these lists
        row_id += 1
        stranger = _person(rng, 900_000 + row_id, dob=date(rng.choice((2005, 2006, 2007)), 9, 1)
                           + timedelta(days=rng.randrange(365)))
        candidates.append(noisy_row(rng, stranger, row_id, all_upns))
        owner[row_id] = stranger.id
    rng.shuffle(candidates)
    return Truth(records, candidates, owner)


def list_figures(truth: Truth, outcomes) -> dict:
    """Precision and recall of "the list" (records not matched as certain) against the truth."""
    enrolled = set(truth.owner.values())
    on_list = {o.record_id for o in outcomes if o.outcome != "certain"}
    belongs = {r.id for r in truth.records if r.id not in enrolled}
    wrong_certain = [o for o in outcomes if o.outcome == "certain" and truth.owner[o.candidate_id] != o.record_id]
    hits = len(on_list & belongs)
    return {
        "records": len(truth.records), "candidates": len(truth.candidates),
        "belong": len(belongs), "on_list": len(on_list),
        "recall": hits / len(belongs) if belongs else 1.0,
        "precision": hits / len(on_list) if on_list else 1.0,
        "wrong_certain": len(wrong_certain),
        "possible": sum(1 for o in outcomes if o.outcome == "possible"),
    }
