"""UK given names and their usual short forms, both ways.

Each group is a full name with the short forms people use for it. Two forenames are equivalent
when they share a group: Bill and William, Bill and Billy, Charlie and Charles, Charlie and
Charlotte; but not Charles and Charlotte, which are in different groups.
"""
from functools import cache

GROUPS: dict[str, tuple[str, ...]] = {
    # Boys' names
    "alexander": ("alex", "alec", "alexi", "sandy", "xander", "al", "ali"),
    "alfred": ("alfie", "alf", "fred", "freddie"),
    "andrew": ("andy", "drew"),
    "anthony": ("tony", "ant", "antony"),
    "archibald": ("archie", "arch"),
    "arthur": ("art", "artie"),
    "benjamin": ("ben", "benji", "benny", "benjy"),
    "bradley": ("brad",),
    "callum": ("cal", "calum"),
    "cameron": ("cam",),
    "charles": ("charlie", "chas", "chaz", "chuck", "charley"),
    "christopher": ("chris", "kit", "topher", "christy"),
    "daniel": ("dan", "danny", "dani"),
    "david": ("dave", "davey", "davy", "dai"),
    "dominic": ("dom", "dominik"),
    "donald": ("don", "donny"),
    "edward": ("ed", "eddie", "eddy", "ted", "teddy", "ned"),
    "edmund": ("ed", "eddie", "ned"),
    "elliot": ("eli", "elliott"),
    "ethan": ("eth",),
    "frederick": ("fred", "freddie", "freddy", "frederic"),
    "francis": ("frank", "frankie", "fran"),
    "gabriel": ("gabe", "gabby"),
    "george": ("georgie", "geordie"),
    "gregory": ("greg",),
    "harrison": ("harry", "harris"),
    "henry": ("harry", "hal", "hank", "hen"),
    "isaac": ("ike", "zac", "izaac"),
    "jacob": ("jake", "jack", "jakob", "jay"),
    "james": ("jim", "jimmy", "jamie", "jimbo", "jem"),
    "jonathan": ("jon", "jonny", "johnny", "jonty", "nathan"),
    "john": ("jack", "johnny", "jonny", "jon", "ian", "sean", "shaun"),
    "joseph": ("joe", "joey", "jos", "jo"),
    "joshua": ("josh",),
    "kenneth": ("ken", "kenny"),
    "lawrence": ("laurie", "larry", "laurence", "lol"),
    "leonardo": ("leo", "leon", "len", "lenny"),
    "leonard": ("leo", "len", "lenny"),
    "lewis": ("lew", "louis", "lou"),
    "matthew": ("matt", "matty", "mat"),
    "maximilian": ("max", "maxi", "milan"),
    "maxwell": ("max",),
    "michael": ("mike", "mikey", "mick", "micky", "mickey", "mich"),
    "mohammed": ("mohammad", "muhammad", "mohamed", "mo", "moe", "mohamad", "muhammed", "muhamad",
                 "mohamud", "mahomed", "mohd", "md"),
    "nathaniel": ("nat", "nathan", "nate"),
    "nicholas": ("nick", "nicky", "nico", "nicolas", "niko", "nik"),
    "oliver": ("ollie", "olly", "oli", "noll"),
    "patrick": ("pat", "paddy", "patsy"),
    "peter": ("pete", "pip"),
    "philip": ("phil", "pip", "phillip", "flip"),
    "raymond": ("ray",),
    "reuben": ("reu", "ruben", "rube"),
    "richard": ("rich", "richie", "rick", "ricky", "dick", "rico"),
    "robert": ("rob", "robbie", "bob", "bobby", "bert", "robin"),
    "ronald": ("ron", "ronnie"),
    "samuel": ("sam", "sammy", "sammie"),
    "sebastian": ("seb", "bastian", "sebby"),
    "stephen": ("steve", "stevie", "steph", "steven"),
    "stanley": ("stan",),
    "terence": ("terry", "tel"),
    "theodore": ("theo", "ted", "teddy"),
    "thomas": ("tom", "tommy", "thom", "tommie"),
    "timothy": ("tim", "timmy"),
    "tobias": ("toby", "tobi"),
    "vincent": ("vince", "vinnie", "vin"),
    "william": ("will", "willie", "willy", "bill", "billy", "liam", "wills"),
    "zachary": ("zac", "zach", "zack", "zak"),
    # Spellings of one name across languages and transliterations
    "ahmed": ("ahmad", "ahmet", "ahmud"),
    "hussain": ("hussein", "husain", "husein", "hossain"),
    "yusuf": ("yousef", "yusef", "youssef", "yousuf", "yosef"),
    "ibrahim": ("ebrahim", "ibraheem"),
    "omar": ("umar", "omer"),
    "abdullah": ("abdulla", "abdallah"),
    "mustafa": ("mustapha", "mostafa"),
    "jayden": ("jaden", "jaiden", "jaydon", "jadon"),
    "aiden": ("aidan", "ayden", "aden"),
    "connor": ("conor", "conner"),
    "krzysztof": ("christopher", "kristopher", "chris"),
    "jakub": ("jacob", "kuba"),
    "mateusz": ("matthew", "matt"),
    "piotr": ("peter",),
    "aleksander": ("alexander", "olek", "alex"),
    # Girls' names
    "aisha": ("ayesha", "aysha", "aishah", "ayisha"),
    "fatima": ("fatimah", "fatema", "fatma"),
    "zainab": ("zaynab", "zeinab"),
    "aaliyah": ("aliyah", "aliya", "aleah"),
    "niamh": ("neve", "neave", "nieve"),
    "siobhan": ("shivaun", "shevaun"),
    "oliwia": ("olivia",),
    "wiktoria": ("victoria",),
    "katarzyna": ("kasia", "katherine", "catherine"),
    "zuzanna": ("susanna", "zuza"),
    "abigail": ("abi", "abby", "abbie", "gail"),
    "alexandra": ("alex", "lexi", "lexie", "sandra", "sasha", "ali", "alexa", "xandra"),
    "alice": ("ali", "allie", "ally"),
    "amelia": ("millie", "milly", "mia", "amy", "mel"),
    "angela": ("angie", "ange"),
    "annabelle": ("anna", "annie", "belle", "bella", "annabel"),
    "anne": ("ann", "annie", "nan", "nancy", "anna"),
    "barbara": ("barb", "babs", "barbie"),
    "beatrice": ("bea", "bee", "trixie", "beattie"),
    "bethany": ("beth",),
    "caroline": ("carrie", "caro", "carol", "lina"),
    "catherine": ("cath", "cathy", "kate", "katie", "kat", "cat", "kitty", "katy", "kathryn", "katherine"),
    "charlotte": ("charlie", "lottie", "lotte", "lotty", "char", "charley"),
    "christina": ("chrissie", "tina", "chris", "christine", "kirsty", "kirstie", "christie"),
    "deborah": ("debbie", "deb", "debs", "debra"),
    "dorothy": ("dot", "dotty", "dolly", "dora"),
    "eleanor": ("ellie", "nell", "nellie", "elle", "ella", "nora", "elinor", "elenor"),
    "elizabeth": ("liz", "lizzie", "lizzy", "beth", "betty", "bess", "bessie", "eliza", "libby", "ella",
                  "elsie", "lisa", "liza", "bettie", "betsy", "elspeth"),
    "emily": ("em", "emmy", "milly", "millie", "emmie"),
    "emma": ("em", "emmy", "emmie"),
    "evelyn": ("evie", "eve", "evelina", "lyn"),
    "florence": ("flo", "florrie", "flossie", "floss"),
    "frances": ("fran", "frankie", "fanny", "francesca", "franny"),
    "gabriella": ("gabby", "gabi", "ella", "gabrielle", "brie"),
    "georgina": ("georgie", "gina", "georgia"),
    "gillian": ("gill", "jill", "gilly"),
    "grace": ("gracie",),
    "harriet": ("hattie", "harry", "hetty", "hatty"),
    "helen": ("nell", "nellie", "lena", "ellie", "helena"),
    "imogen": ("immy", "imi", "mo"),
    "isabelle": ("izzy", "isabel", "isabella", "bella", "issy", "belle", "izzie", "isobel", "izabella"),
    "jacqueline": ("jackie", "jacqui", "jacky"),
    "jennifer": ("jen", "jenny", "jenni", "jenna"),
    "jessica": ("jess", "jessie", "jessy"),
    "joanne": ("jo", "joanna", "jojo", "joan"),
    "josephine": ("jo", "josie", "jojo", "josey"),
    "judith": ("judy", "jude"),
    "julia": ("jules", "julie", "juliet"),
    "katherine": ("kate", "katie", "kath", "kathy", "kat", "kay", "katy", "kitty"),
    "kimberley": ("kim", "kimmy", "kimberly"),
    "laura": ("laurie", "lori"),
    "lillian": ("lily", "lil", "lilly", "lillie"),
    "louise": ("lou", "lulu", "louisa", "lou-lou"),
    "lucinda": ("lucy", "cindy"),
    "lucy": ("lu", "luce"),
    "madeleine": ("maddie", "maddy", "madeline", "madeline", "madelyn", "madison"),
    "margaret": ("maggie", "meg", "megan", "peggy", "peg", "maisie", "marge", "margie", "greta", "daisy",
                 "mags", "rita"),
    "mary": ("molly", "polly", "mae", "may", "maria", "marie", "mamie"),
    "matilda": ("tilly", "tillie", "mattie", "tilda", "maud"),
    "melissa": ("mel", "missy", "lissa"),
    "michelle": ("shelly", "shell", "chelle", "mich"),
    "natalie": ("nat", "tali", "nattie", "natalia"),
    "nicola": ("nicky", "nikki", "nic", "nicole", "cola"),
    "olivia": ("liv", "livvy", "livvie", "ollie", "olive", "livia"),
    "patricia": ("pat", "patty", "trish", "tricia", "patsy"),
    "penelope": ("penny", "pen", "nell"),
    "phoebe": ("phebe", "bee"),
    "rebecca": ("becky", "becca", "bex", "becki", "beckie", "reba"),
    "rosemary": ("rose", "rosie", "romy"),
    "rosalind": ("ros", "roz", "rosie", "linda"),
    "samantha": ("sam", "sammy", "sammie"),
    "sarah": ("sally", "sadie", "sara", "sal"),
    "sophia": ("sophie", "soph", "sofia", "sophy"),
    "stephanie": ("steph", "stevie", "steff", "steffi"),
    "susan": ("sue", "susie", "suzy", "suzanne", "susannah"),
    "theresa": ("tess", "tessa", "terri", "terry", "tracy", "teresa"),
    "valerie": ("val",),
    "victoria": ("vicky", "vicki", "tori", "vic", "torie", "vikki"),
    "veronica": ("ronnie", "nica", "vera"),
    "wilhelmina": ("mina", "willa", "billie", "minnie"),
    "winifred": ("winnie", "freda", "win"),
    "zoe": ("zoey", "zoë"),
}


def _build_index() -> dict[str, frozenset[int]]:
    index: dict[str, set[int]] = {}
    for number, (full, short_forms) in enumerate(GROUPS.items()):
        for name in (full, *short_forms):
            index.setdefault(name, set()).add(number)
    return {name: frozenset(groups) for name, groups in index.items()}


_INDEX = _build_index()
_FULL_NAMES = tuple(GROUPS)
KNOWN_NAMES = frozenset(_INDEX)


def pairs() -> list[tuple[str, str]]:
    """Every (full name, short form) pair in the table."""
    return [(full, short) for full, shorts in GROUPS.items() for short in shorts]


def groups_of(name: str) -> frozenset[int]:
    return _INDEX.get(name, frozenset())


def are_equivalent(first: str, second: str) -> bool:
    """True when two normalised forenames are the same name or share a nickname group."""
    if first == second:
        return True
    return bool(_INDEX.get(first, frozenset()) & _INDEX.get(second, frozenset()))


@cache
def full_forms(name: str) -> tuple[str, ...]:
    """The full names a normalised forename may stand for, itself first: "bill" -> ("bill", "william")."""
    return (name, *sorted(_FULL_NAMES[number] for number in _INDEX.get(name, ()) if _FULL_NAMES[number] != name))


@cache
def forms_of(name: str) -> tuple[str, ...]:
    """The name and every name that shares a group with it: chris -> chris, christopher, kit, ..."""
    forms = {name}
    for number in _INDEX.get(name, ()):
        full = _FULL_NAMES[number]
        forms.add(full)
        forms.update(GROUPS[full])
    return (name, *sorted(forms - {name}))
