"""A small synthetic population with known truth, for checking the matcher's accuracy.

People leave school; most appear on one or two provider rows carrying the noise of real returns
at a noise level, made the way the demo county makes it (tep_app/demo/noise.py: missing and
mistyped identifiers, typos, nicknames, spellings across languages, swapped names, shortened and
changed surnames, upper case, day/month swaps, digit typos and near dates of birth, moved postcodes,
someone else's UPN).
Twins (same surname, date of birth and postcode) are often enrolled one without the other, and
namesakes (same name, another date of birth, elsewhere) are common. Deterministic for a seed.
"""
import random
from dataclasses import dataclass
from datetime import date, timedelta
from types import SimpleNamespace

from faker.providers.person.en_GB import Provider as Names

from tep_app.demo import names as demo_names
from tep_app.demo.noise import noisy_identity
from tep_app.identifiers import make_uln, make_upn
from tep_app.matching import PersonRecord
from tep_app.matching.nicknames import GROUPS, are_equivalent

FEMALE = sorted(set(Names.first_names_female) | {"Aisha", "Fatima", "Zainab", "Oliwia", "Siobhan", "Niamh"})
MALE = sorted(set(Names.first_names_male) | {"Muhammad", "Yusuf", "Hussain", "Jakub", "Krzysztof", "Mateusz"})
SURNAMES = sorted(set(Names.last_names) | set(demo_names.SURNAMES))
SHORT_FORMS = {full.title(): tuple(s.title() for s in shorts if len(s) > 2) for full, shorts in GROUPS.items()}
DISTRICTS = ("ME14", "ME15", "CT1", "CT2", "TN23", "TN24", "DA1", "DA11", "ME10", "CT9", "TN1", "TN9")


@dataclass
class Truth:
    records: list[PersonRecord]
    candidates: list[PersonRecord]
    owner: dict[int, int]  # candidate id -> person number (the record id of that person)


def _postcode(rng: random.Random) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return f"{rng.choice(DISTRICTS)} {rng.randrange(1, 10)}{rng.choice(letters)}{rng.choice(letters)}"


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


def noisy_row(rng: random.Random, person: PersonRecord, row_id: int, all_upns: list[str],
              noise: float = 1.0) -> PersonRecord:
    """A provider's row for `person`, with the demo county's noise of real returns at `noise` level."""
    identity = SimpleNamespace(upn=person.upn, uln=person.uln, forename=person.forename, surname=person.surname,
                               preferred=person.preferred, former_surname=person.former_surname,
                               middle_names=person.middle, dob=person.dob, gender=person.gender,
                               postcode=person.postcode)
    row = noisy_identity(rng, identity, DISTRICTS, lambda: rng.choice(all_upns), SHORT_FORMS, noise)
    return PersonRecord(row_id, f"row-{row_id}", row["upn"], row["uln"], row["forename"], None, row["surname"], None,
                        None, row["dob"], row["gender"], row["postcode"])


def build(people: int = 3000, seed: int = 7, enrolled_share: float = 0.9, strangers: float = 0.6,
          noise: float = 1.0) -> Truth:
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
            candidates.append(noisy_row(rng, person, row_id, all_upns, noise))
            owner[row_id] = person.id
    for _ in range(int(people * strangers)):  # rows of young people not on these lists
        row_id += 1
        stranger = _person(rng, 900_000 + row_id, dob=date(rng.choice((2005, 2006, 2007)), 9, 1)
                           + timedelta(days=rng.randrange(365)))
        candidates.append(noisy_row(rng, stranger, row_id, all_upns, noise))
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
