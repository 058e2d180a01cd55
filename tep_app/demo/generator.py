"""A synthetic Kent-sized county with known truth: establishments, leavers, roll, enrolments, offers.

Pure and deterministic: the same seed gives the same county. No Flask, no database. Each young
person belongs to an age cohort (the academic year of their birth) and a school, and keeps their
UPN, ULN and names from year to year. For academic year Y:

- leavers: last summer's Year 11 (born Sep Y-17 .. Aug Y-16) and Year 12 (born a year earlier);
- roll: this year's Year 11 (born Sep Y-16 .. Aug Y-15) and Year 12 (last summer's Year 11 who
  stayed on in their school's sixth form: those whose enrolment is at their own school);
- enrolments: a row or two for about 96% of leavers, plus Year 13s and others on no leaver list;
- offers: a recorded offer (status 110, 114 or 115) for about 92% of the roll.

The county has twins (same surname, date of birth and address), namesakes, names from many
languages, and young people living outside Kent; the providers' rows carry the noise of real
returns at `noise` level (noise.py: 1 is the usual county, 2 a messy one).

`County.truth[Y]` says who truly belongs on each list, keyed by (LAESTAB, UPN). Each enrolment
and offer row also says whose it is (`person`: their true UPN), which no file carries.
"""
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from faker import Faker

from tep_app.demo import names
from tep_app.demo.noise import noisy_identity, postcode
from tep_app.identifiers import make_uln, make_upn

PER_YEAR_GROUP = 17_500
ENROLMENT_ROWS = 60_000
NOT_ENROLLED_RATE = 0.04
NO_OFFER_RATE = 0.08
NON_OFFER_STATUSES = ("120", "122", "123", "124", "140", "150", "151", "153", "154", "159")
FEMALE_FORMAL = {"Alexandra", "Charlotte", "Elizabeth", "Eleanor", "Gabriella", "Isabella", "Isabelle", "Jessica",
                 "Katherine", "Olivia", "Rebecca", "Samantha", "Victoria", "Abigail", "Amelia", "Jennifer", "Margaret"}
STREETS = ("High Street", "Church Lane", "Station Road", "Mill Lane", "London Road", "Orchard Close",
           "The Street", "School Lane", "Hop Garden Way", "Oast View", "Marsh Road", "Downs Road")


@dataclass(slots=True)
class Person:
    upn: str
    uln: str
    forename: str
    middle_names: str | None
    surname: str
    preferred: str | None
    former_surname: str | None
    dob: date
    gender: str
    postcode: str
    address: str
    phone: str | None
    parent_phone: str | None
    ehcp: bool
    laestab: str | None
    district: str
    twin: "Person | None" = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.laestab, self.upn)


@dataclass(slots=True)
class EstablishmentSpec:
    laestab: str
    name: str
    type: str
    district: str
    ukprn: str | None
    contacts: list[tuple[str, str]]
    phone: str
    sixth_form: bool


@dataclass
class YearTruth:
    """Who truly belongs on each list in one academic year: sets of (LAESTAB, UPN)."""

    not_enrolled: set[tuple[str, str]] = field(default_factory=set)
    no_offer: set[tuple[str, str]] = field(default_factory=set)

    def per_school(self, kind: str) -> dict[str, set[str]]:
        keys = self.not_enrolled if kind == "leavers" else self.no_offer
        schools: dict[str, set[str]] = {}
        for laestab, upn in keys:
            schools.setdefault(laestab, set()).add(upn)
        return schools


@dataclass
class County:
    seed: int
    academic_years: list[int]
    scale: float
    establishments: list[EstablishmentSpec]
    leavers: dict[int, list[dict]] = field(default_factory=dict)
    roll: dict[int, list[dict]] = field(default_factory=dict)
    enrolments: dict[int, list[dict]] = field(default_factory=dict)
    offers: dict[int, list[dict]] = field(default_factory=dict)
    truth: dict[int, YearTruth] = field(default_factory=dict)
    noise: float = 1.0


FEMALE_SPELLED = {"Aisha", "Fatima", "Zainab", "Oliwia", "Zuzanna", "Wiktoria", "Siobhan", "Niamh", "Leah", "Sophia",
                  "Catherine", "Gurpreet", "Harpreet", "Priya"}


class _Pools:
    """Name pools drawn once from Faker('en_GB'), seeded, so no row calls Faker."""

    def __init__(self, seed: int):
        fake = Faker("en_GB")
        fake.seed_instance(seed)
        female = [fake.first_name_female() for _ in range(2000)]
        male = [fake.first_name_male() for _ in range(2000)]
        self.surnames = [fake.last_name() for _ in range(3600)] + list(names.SURNAMES) * 10
        formal_f = sorted(n for n in names.NICKNAMES if n in FEMALE_FORMAL)
        formal_m = sorted(n for n in names.NICKNAMES if n not in FEMALE_FORMAL)
        spelled_f = sorted(n for n in names.SPELLINGS if n in FEMALE_SPELLED)
        spelled_m = sorted(n for n in names.SPELLINGS if n not in FEMALE_SPELLED)
        self.female = female + formal_f * (400 // len(formal_f)) + spelled_f * (150 // len(spelled_f))
        self.male = male + formal_m * (400 // len(formal_m)) + spelled_m * (150 // len(spelled_m))


class _Builder:
    def __init__(self, seed: int, scale: float, noise: float = 1.0):
        self.rng = random.Random(seed)
        self.noise = noise
        self.nicknames = dict(names.NICKNAMES)
        self.pools = _Pools(seed)
        self.scale = scale
        self.ulns: set[str] = set()
        self.uln_seed = seed * 100_003 % 1_000_000_007
        self.serials: dict[tuple[str, int], int] = {}
        self.others = 0
        self.establishments = self._establishments()
        self.schools = [e for e in self.establishments if e.type != "college"]
        self.colleges = [e for e in self.establishments if e.type == "college"]
        self.by_laestab = {e.laestab: e for e in self.establishments}
        weights = [(0.15 if e.type == "special" else self.rng.uniform(0.5, 1.5)) for e in self.schools]
        total, self.school_cum = 0.0, []
        for weight in weights:
            total += weight
            self.school_cum.append(total)
        self.all_postcodes = tuple(pc for d in names.DISTRICTS.values() for pc in d[1])

    # establishments -------------------------------------------------------------------------
    def _establishments(self) -> list[EstablishmentSpec]:
        rng, districts = self.rng, list(names.DISTRICTS)
        total_weight = sum(d[2] for d in names.DISTRICTS.values())
        shares = [130 * names.DISTRICTS[d][2] / total_weight for d in districts]
        counts = [int(s) for s in shares]
        for i in sorted(range(len(shares)), key=lambda i: shares[i] - counts[i], reverse=True)[:130 - sum(counts)]:
            counts[i] += 1
        result, used_names, numbers = [], set(), rng.sample(range(4000, 7000), 122)
        specials = set(rng.sample(range(130), 8))
        n = 0
        for district, count in zip(districts, counts, strict=False):
            places = names.DISTRICTS[district][0]
            for i in range(count):
                special = n in specials
                while True:
                    kind = rng.choice(names.SPECIAL_KINDS if special else names.SCHOOL_KINDS)
                    name = f"{places[i % len(places)]} {rng.choice(names.SCHOOL_FEATURES)} {kind}"
                    if name not in used_names:
                        used_names.add(name)
                        break
                laestab = f"886{7000 + len([1 for s in result if s.type == 'special']):04d}" if special \
                    else f"886{numbers.pop():04d}"
                result.append(EstablishmentSpec(laestab, name, "special" if special else "school", district, None,
                                                self._contacts(laestab, "school"), f"01632 960{n:03d}",
                                                not special and rng.random() < 0.75))
                n += 1
        ukprns = rng.sample(range(10_000_000, 10_099_999), 12)
        college_districts = (("Canterbury", "Thanet", "Dover", "Folkestone and Hythe"),
                             ("Maidstone", "Swale", "Gravesham", "Dartford"),
                             ("Tunbridge Wells", "Tonbridge and Malling", "Sevenoaks", "Ashford"))
        for g, group in enumerate(names.COLLEGE_GROUPS):
            for c, district in enumerate(college_districts[g]):
                laestab = f"886{8001 + g * 4 + c:04d}"
                town = names.DISTRICTS[district][0][0]
                result.append(EstablishmentSpec(laestab, f"{group}, {town} Campus", "college", district,
                                                str(ukprns[g * 4 + c]), self._contacts(laestab, "college"),
                                                f"01632 960{n:03d}", True))
                n += 1
        return result

    def _contacts(self, laestab: str, domain: str) -> list[tuple[str, str]]:
        roles = ("tracking", "data", "careers")[: self.rng.randint(1, 3)]
        return [(f"{self.rng.choice(self.pools.female + self.pools.male)} {self.rng.choice(self.pools.surnames)}",
                 f"{role}.{laestab}@{domain}.example") for role in roles]

    # people ----------------------------------------------------------------------------------
    def _uln(self) -> str:
        while True:
            self.uln_seed += 1
            uln = make_uln(self.uln_seed)
            if uln not in self.ulns:
                self.ulns.add(uln)
                return uln

    def _upn(self, laestab: str | None, birth_year: int) -> str:
        if laestab is None:  # someone from outside the county
            self.others += 1
            return make_upn(919, (self.others // 1000) % 10000, birth_year + 5, self.others % 1000)
        serial = self.serials.get((laestab, birth_year), 0) + 1
        self.serials[(laestab, birth_year)] = serial
        return make_upn(int(laestab[:3]), int(laestab[3:]), birth_year + 5 + 50 * (serial // 1000), serial % 1000)

    def _forename(self, gender: str, avoid: str = "") -> str:
        pool = self.pools.female if gender == "F" else self.pools.male
        while True:
            name = self.rng.choice(pool)
            if name != avoid:
                return name

    def person(self, birth_year: int, school: EstablishmentSpec | None, twin_of: Person | None = None) -> Person:
        rng, pools = self.rng, self.pools
        gender = "F" if rng.random() < 0.49 else "M"
        district = school.district if school else rng.choice(list(names.DISTRICTS))
        if twin_of:
            surname, dob, code, address = twin_of.surname, twin_of.dob, twin_of.postcode, twin_of.address
            forename = self._forename(gender, avoid=twin_of.forename)
            former = twin_of.former_surname
        else:
            surname = rng.choice(pools.surnames)
            if rng.random() < 0.05:
                surname = f"{surname}-{rng.choice(pools.surnames)}"
            start = date(birth_year, 9, 1)
            dob = start + timedelta(days=rng.randrange((date(birth_year + 1, 9, 1) - start).days))
            home = district if rng.random() < 0.9 else rng.choice(list(names.DISTRICTS))
            # Some live just over the county border and go to school in Kent.
            code = postcode(rng, names.OUTSIDE_POSTCODES if rng.random() < 0.03 else names.DISTRICTS[home][1])
            address = f"{rng.randrange(1, 180)} {rng.choice(STREETS)}, {rng.choice(names.DISTRICTS[home][0])}"
            forename = self._forename(gender)
            former = rng.choice(pools.surnames) if rng.random() < 0.01 else None
        nicknames = names.NICKNAMES.get(forename)
        preferred = rng.choice(nicknames) if nicknames and rng.random() < 0.22 else None
        middle = self._forename(gender) if rng.random() < 0.4 else None
        phone = f"07700 900{rng.randrange(1000):03d}" if rng.random() < 0.85 else None
        parent = twin_of.parent_phone if twin_of else (
            f"07700 900{rng.randrange(1000):03d}" if rng.random() < 0.7 else None)
        laestab = school.laestab if school else None
        person = Person(self._upn(laestab, birth_year), self._uln(), forename, middle, surname, preferred, former,
                        dob, gender, code, address, phone, parent, rng.random() < 0.03, laestab, district)
        if twin_of:
            person.twin, twin_of.twin = twin_of, person
        return person

    def cohort(self, birth_year: int) -> list[Person]:
        size = max(1, round(PER_YEAR_GROUP * self.scale))
        people: list[Person] = []
        for school in self.rng.choices(self.schools, cum_weights=self.school_cum, k=size):
            if len(people) >= size:
                break
            people.append(self.person(birth_year, school))
            if self.rng.random() < 0.012 and len(people) < size:
                people.append(self.person(birth_year, school, twin_of=people[-1]))
        return people

    def stranger(self, birth_year: int, like: Person | None) -> Person:
        """Someone on no list here: a Year 13, a late starter, or someone from elsewhere."""
        person = self.person(birth_year, None)
        if like is not None:  # a namesake of someone on a list, living elsewhere
            person.forename, person.surname, person.preferred = like.forename, like.surname, None
        return person


def _school_record_row(person: Person, year_group: int, leaving: date | None) -> dict:
    uln = person.uln if int(person.upn[-3:]) % 5 < 2 else None  # schools hold a ULN for some pupils
    return {"laestab": person.laestab, "upn": person.upn, "uln": uln, "forename": person.forename,
            "middle_names": person.middle_names, "surname": person.surname, "preferred_forename": person.preferred,
            "former_surname": person.former_surname, "dob": person.dob, "gender": person.gender,
            "postcode": person.postcode, "address": person.address, "phone": person.phone,
            "parent_phone": person.parent_phone, "year_group": year_group, "leaving_date": leaving,
            "ehcp": person.ehcp}


def _provider(b: _Builder, person: Person, year_group: int) -> EstablishmentSpec:
    rng = b.rng
    home = b.by_laestab.get(person.laestab)
    if home and home.sixth_form and year_group == 11 and rng.random() < 0.5:
        return home
    if rng.random() < 0.12:
        return rng.choice(b.schools)
    near = [c for c in b.colleges if c.district == person.district]
    return rng.choice(near) if near and rng.random() < 0.7 else rng.choice(b.colleges)


def _provider_code(b: _Builder, provider: EstablishmentSpec) -> str:
    if provider.ukprn and b.rng.random() < 0.8:
        return provider.ukprn
    return provider.laestab


def _split_twins(rng: random.Random, people: list[Person], out: set[int]) -> None:
    """For some twin pairs, exactly one twin is missing from the returns."""
    position = {id(p): n for n, p in enumerate(people) if p.twin is not None}
    for person in people:
        if person.twin is not None and position[id(person)] < position.get(id(person.twin), -1) \
                and rng.random() < 0.3:
            keep, drop = (person, person.twin) if rng.random() < 0.5 else (person.twin, person)
            out.discard(id(keep))
            out.add(id(drop))


def _enrolments(b: _Builder, year: int, leavers: list[tuple[Person, int]], everyone: list[Person],
                truth: YearTruth) -> tuple[list[dict], set[int]]:
    """The providers' enrolment rows, and the ids of the Year 11 leavers who stayed on in their own
    school's sixth form (they are on its Year 12 roll)."""
    rng, rows, stayed = b.rng, [], set()
    missing = {id(p) for p, _ in leavers if rng.random() < NOT_ENROLLED_RATE}
    _split_twins(rng, [p for p, _ in leavers], missing)
    stranger_upn = lambda: rng.choice(everyone).upn  # noqa: E731

    def add(person: Person, year_group: int, provider: EstablishmentSpec) -> None:
        row = noisy_identity(rng, person, b.all_postcodes, stranger_upn, b.nicknames, b.noise)
        row.update(provider=_provider_code(b, provider), year_group=year_group, course=rng.choice(names.COURSES),
                   start_date=date(year, 9, rng.randint(1, 15)), person=person.upn)
        rows.append(row)

    for person, year_group in leavers:
        if id(person) in missing:
            truth.not_enrolled.add(person.key)
            continue
        new_group = 12 if year_group == 11 else (13 if rng.random() < 0.7 else 12)
        provider = _provider(b, person, year_group)
        if year_group == 11 and provider is b.by_laestab.get(person.laestab):
            stayed.add(id(person))
        add(person, new_group, provider)
        if rng.random() < 0.1:
            add(person, new_group, rng.choice(b.colleges))
    target = round(ENROLMENT_ROWS * b.scale)
    while len(rows) < target:
        like = rng.choice(leavers)[0] if rng.random() < 0.05 else None
        person = b.stranger(year - rng.choice((18, 18, 18, 17, 19)), like)
        add(person, 13 if rng.random() < 0.7 else 12, _provider(b, person, 12))
    rng.shuffle(rows)
    return rows, stayed


def _offers(b: _Builder, year: int, roll: list[tuple[Person, int]], everyone: list[Person],
            truth: YearTruth) -> list[dict]:
    rng, rows = b.rng, []
    missing = {id(p) for p, _ in roll if rng.random() < NO_OFFER_RATE}
    _split_twins(rng, [p for p, _ in roll], missing)
    stranger_upn = lambda: rng.choice(everyone).upn  # noqa: E731

    def add(person: Person, year_group: int, status: str) -> None:
        provider = _provider(b, person, year_group)
        row = noisy_identity(rng, person, b.all_postcodes, stranger_upn, b.nicknames, b.noise)
        row.pop("gender")
        source = "KentChoices" if rng.random() < 0.5 else ("college" if provider.type == "college" else "school")
        row.update(provider=_provider_code(b, provider), status=status, source=source,
                   offer_date=date(year + 1, rng.randint(1, 5), rng.randint(1, 28)), person=person.upn)
        rows.append(row)

    for person, year_group in roll:
        if id(person) in missing:
            truth.no_offer.add(person.key)
            if rng.random() < 0.6:
                add(person, year_group, rng.choice(NON_OFFER_STATUSES))
            continue
        if year_group == 12:
            roll_status = rng.random()
            status = "110" if roll_status < 0.7 else ("114" if roll_status < 0.92 else "115")
        else:
            status = "110"
        add(person, year_group, status)
        if rng.random() < 0.18:
            add(person, year_group, "110" if rng.random() < 0.5 else rng.choice(NON_OFFER_STATUSES))
    rng.shuffle(rows)
    return rows


def generate_county(seed: int, academic_year: int, years: int = 1, scale: float = 1.0,
                    noise: float = 1.0) -> County:
    """The county for `years` academic years ending with `academic_year` (2022 means 2022-23), its
    providers' rows carrying the noise of real returns at `noise` level."""
    if years < 1 or scale <= 0 or noise < 0:
        raise ValueError("years must be 1 or more, scale above 0 and noise not below 0")
    b = _Builder(seed, scale, noise)
    first = academic_year - years + 1
    cohorts = {birth: b.cohort(birth) for birth in range(first - 18, academic_year - 15)}
    county = County(seed, list(range(first, academic_year + 1)), scale, b.establishments, noise=noise)
    for year in county.academic_years:
        leavers = [(p, 11) for p in cohorts[year - 17]] + [(p, 12) for p in cohorts[year - 18]]
        everyone = [p for p, _ in leavers] + cohorts[year - 16]
        truth = county.truth[year] = YearTruth()
        leaving = date(year, 7, 21)
        county.leavers[year] = [_school_record_row(p, g, leaving) for p, g in leavers]
        county.enrolments[year], stayed = _enrolments(b, year, leavers, everyone, truth)
        # Year 12 on roll: only last summer's Year 11 who stayed on in their school's sixth form.
        roll = [(p, 11) for p in cohorts[year - 16]] + [(p, 12) for p in cohorts[year - 17] if id(p) in stayed]
        county.roll[year] = [_school_record_row(p, g, None) for p, g in roll]
        county.offers[year] = _offers(b, year, roll, everyone, truth)
    return county
