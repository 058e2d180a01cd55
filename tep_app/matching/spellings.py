"""Forename spellings learnt from each run's own records.

No table of names knows every spelling a provider types: Siobhan may come back as Chevonne, Leah as
Leia, Oluwaseun as Seun. A run shows them: when a UPN or ULN joins a school record to a row, and
the surname and date of birth agree too, the pair is one young person, and if the forenames differ
they are two ways of writing one name. Seen so in at least MIN_SEEN young people, on the rows of at
least MIN_PROVIDERS providers, the two forenames count as the same name (an alias) in every pair of
the run, those no identifier joins included. Twins never teach it: they have two UPNs, and no
identifier joins one twin to the other's row. One provider's return never teaches it alone, so a
careless or crafted file cannot make two names one across the county.
"""
from collections import defaultdict
from collections.abc import Iterable

# The fewest young people who must show two forenames for one name before the run believes it:
# one could be a slip, or someone else's UPN on a row.
MIN_SEEN = 2
# The fewest providers whose rows must show it (a row whose provider is not known counts as one).
MIN_PROVIDERS = 2
# Group numbers for learnt spellings start here, above the nickname table's own (nicknames.py).
FIRST_GROUP = 1_000_000
# Levels of a pair that an identifier joins and that show it is one young person, forenames apart.
SAME_SURNAME = frozenset({"same", "part", "changed"})
SAME_BIRTH = frozenset({"exact", "swap"})
# Forename levels that a learnt spelling may raise to an alias.
UNLIKE = frozenset({"different", "similar", "initial"})


class Spellings:
    """The learnt spellings of one run: name -> the groups of names it was seen written as."""

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()):
        self.groups: dict[str, frozenset[int]] = {}
        partners: dict[str, set[str]] = defaultdict(set)
        for number, (first, second) in enumerate(sorted(pairs), start=FIRST_GROUP):
            for name, other in ((first, second), (second, first)):
                self.groups[name] = self.groups.get(name, frozenset()) | {number}
                partners[name].add(other)
        self.partners: dict[str, frozenset[str]] = {name: frozenset(others) for name, others in partners.items()}

    def __bool__(self) -> bool:
        return bool(self.groups)

    def __contains__(self, name: str) -> bool:
        return name in self.groups

    def groups_of(self, name: str) -> frozenset[int]:
        return self.groups.get(name, frozenset())

    def forms_of(self, name: str) -> frozenset[str]:
        return self.partners.get(name, frozenset())


NONE = Spellings()


def learn(seen: Iterable[tuple]) -> Spellings:
    """Spellings from the pairs of a run: each item is (record id, record forename, row forename,
    forename level, surname level, date-of-birth level, row's provider or None) of a pair an
    identifier joins."""
    people: dict[tuple[str, str], set] = defaultdict(set)
    providers: dict[tuple[str, str], set] = defaultdict(set)
    for record_id, mine, theirs, forename, surname, dob, provider in seen:
        if (mine and theirs and mine != theirs and forename in UNLIKE and surname in SAME_SURNAME
                and dob in SAME_BIRTH):
            pair = tuple(sorted((mine, theirs)))
            people[pair].add(record_id)
            providers[pair].add(provider)
    return Spellings(pair for pair, records in people.items()
                     if len(records) >= MIN_SEEN and len(providers[pair]) >= MIN_PROVIDERS)
