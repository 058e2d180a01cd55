"""The fixed vocabulary of the synthetic county: districts, places, postcodes and name parts.

Place names are Kent towns and villages; the schools and colleges built from them are invented.
Postcodes are built from each district's real postcode districts with a synthetic inward code.
"""

# district -> (places, postcode districts, weight by population)
DISTRICTS: dict[str, tuple[tuple[str, ...], tuple[str, ...], int]] = {
    "Ashford": (("Ashford", "Tenterden", "Charing", "Wye", "Hamstreet", "Kingsnorth"),
                ("TN23", "TN24", "TN25", "TN26", "TN27"), 8),
    "Canterbury": (("Canterbury", "Whitstable", "Herne Bay", "Sturry", "Chartham", "Bridge"),
                   ("CT1", "CT2", "CT3", "CT4", "CT5", "CT6"), 10),
    "Dartford": (("Dartford", "Swanscombe", "Greenhithe", "Wilmington", "Stone", "Joydens Wood"),
                 ("DA1", "DA2", "DA4", "DA9", "DA10"), 7),
    "Dover": (("Dover", "Deal", "Sandwich", "Aylesham", "Eastry", "River"),
              ("CT13", "CT14", "CT15", "CT16", "CT17"), 7),
    "Folkestone and Hythe": (("Folkestone", "Hythe", "New Romney", "Lydd", "Sandgate", "Cheriton"),
                             ("CT18", "CT19", "CT20", "CT21", "TN28", "TN29"), 7),
    "Gravesham": (("Gravesend", "Northfleet", "Meopham", "Higham", "Istead Rise", "Cobham"),
                  ("DA11", "DA12", "DA13"), 6),
    "Maidstone": (("Maidstone", "Bearsted", "Headcorn", "Marden", "Lenham", "Coxheath"),
                  ("ME14", "ME15", "ME16", "ME17", "TN12"), 12),
    "Sevenoaks": (("Sevenoaks", "Swanley", "Edenbridge", "Westerham", "Otford", "Hextable"),
                  ("TN13", "TN14", "TN15", "TN8", "BR8"), 8),
    "Swale": (("Sittingbourne", "Faversham", "Sheerness", "Minster", "Teynham", "Iwade"),
              ("ME9", "ME10", "ME11", "ME12", "ME13"), 10),
    "Thanet": (("Margate", "Ramsgate", "Broadstairs", "Birchington", "Westgate", "Minster-in-Thanet"),
               ("CT7", "CT8", "CT9", "CT10", "CT11", "CT12"), 9),
    "Tonbridge and Malling": (("Tonbridge", "West Malling", "Snodland", "Kings Hill", "Aylesford", "Borough Green"),
                              ("TN9", "TN10", "TN11", "ME6", "ME19", "ME20"), 9),
    "Tunbridge Wells": (("Tunbridge Wells", "Southborough", "Paddock Wood", "Cranbrook", "Hawkhurst", "Rusthall"),
                        ("TN1", "TN2", "TN3", "TN4", "TN17", "TN18"), 7),
}

SCHOOL_FEATURES = ("Orchard", "Chalk Hill", "Riverside", "Hopfield", "Oast", "Saxon Way", "Beacon", "Greensand",
                   "Marshside", "Harbourside", "Castle Mount", "Priory Fields", "Meadowbank", "Cliff Top",
                   "Forest Edge", "Abbey Gate", "Downsview", "Medway Bank", "Stour Vale", "Wealden Ridge")
SCHOOL_KINDS = ("Grammar School", "Academy", "High School", "School", "Community College", "Girls' Grammar School",
                "Boys' Grammar School", "Free School")
SPECIAL_KINDS = ("Special School", "School for Communication and Interaction")
COLLEGE_GROUPS = ("Stour Valley College Group", "Medway Downs College", "Weald Coast College")

POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # letters allowed in the inward code

COURSES = ("A levels", "BTEC Level 3 Extended Diploma", "T Level", "Level 2 Diploma", "Apprenticeship",
           "Level 1 Study Programme", "Access course", "GCSE resits and vocational", "Supported Internship")

# A small table of formal forenames and the shorter forms people go by.
NICKNAMES: dict[str, tuple[str, ...]] = {
    "Alexander": ("Alex", "Xander"), "Alexandra": ("Alex", "Lexi"), "Benjamin": ("Ben",), "Charles": ("Charlie",),
    "Charlotte": ("Lottie", "Charlie"), "Christopher": ("Chris",), "Daniel": ("Dan", "Danny"),
    "Edward": ("Ed", "Eddie"), "Elizabeth": ("Beth", "Lizzie", "Libby"), "Eleanor": ("Ellie", "Nell"),
    "Frederick": ("Freddie", "Fred"), "Gabriella": ("Gabby",), "Harrison": ("Harry",), "Henry": ("Harry",),
    "Isabella": ("Bella", "Izzy"), "Isabelle": ("Izzy",), "Jacob": ("Jake",), "James": ("Jamie", "Jim"),
    "Jessica": ("Jess",), "Jonathan": ("Jon", "Jonny"), "Joseph": ("Joe",), "Katherine": ("Kate", "Katie"),
    "Matthew": ("Matt",), "Michael": ("Mike", "Mikey"), "Nicholas": ("Nick",), "Olivia": ("Liv", "Livvy"),
    "Rebecca": ("Becky", "Becca"), "Robert": ("Rob", "Bobby"), "Samuel": ("Sam",), "Samantha": ("Sam",),
    "Thomas": ("Tom", "Tommy"), "Victoria": ("Tori", "Vicky"), "William": ("Will", "Billy"),
    "Zachary": ("Zach",), "Abigail": ("Abbie", "Abi"), "Amelia": ("Millie",), "Anthony": ("Tony",),
    "Jennifer": ("Jenny", "Jen"), "Margaret": ("Maggie",), "Nathaniel": ("Nate", "Nat"),
}

# Forenames spelt several ways across languages and transliterations, and what providers type.
# Deliberately not the matcher's own table: some of these spellings it has never seen.
SPELLINGS: dict[str, tuple[str, ...]] = {
    "Muhammad": ("Mohammed", "Mohammad", "Mohamed", "Muhammed", "Mohamad", "Mohd", "Mahammad"),
    "Aisha": ("Ayesha", "Aysha", "Aishah", "Ayeesha"), "Fatima": ("Fatimah", "Fatma", "Fatema"),
    "Yusuf": ("Yousef", "Yusef", "Youssef", "Yousif"), "Hussain": ("Hussein", "Husain", "Hossain"),
    "Ibrahim": ("Ebrahim", "Ibraheem"), "Zainab": ("Zaynab", "Zeinab"), "Amir": ("Ameer", "Emir"),
    "Jakub": ("Jacob", "Kuba"), "Mateusz": ("Matthew", "Mateus"), "Aleksander": ("Alexander", "Aleksandr"),
    "Oliwia": ("Olivia", "Oliva"), "Zuzanna": ("Susanna", "Zuzana"), "Wiktoria": ("Victoria", "Viktoria"),
    "Krzysztof": ("Christopher", "Kristof"), "Siobhan": ("Shivaun", "Chevonne"), "Niamh": ("Neve", "Neave"),
    "Jayden": ("Jaden", "Jaiden", "Jaydon"), "Aiden": ("Aidan", "Ayden"), "Connor": ("Conor", "Conner"),
    "Leah": ("Lea", "Leia"), "Sophia": ("Sofia", "Sophie"), "Catherine": ("Katherine", "Kathryn"),
    "Stephen": ("Steven", "Stefan"), "Gurpreet": ("Gurprit",), "Harpreet": ("Harprit",),
    "Priya": ("Pria",), "Arjun": ("Arjan",), "Chidi": ("Chidiebere",), "Oluwaseun": ("Seun", "Oluseun"),
}
# Surnames of Kent's many families, besides Faker's English ones.
SURNAMES = ("Khan", "Begum", "Patel", "Singh", "Kaur", "Ahmed", "Hussain", "Ali", "Rahman", "Islam", "Uddin",
            "Kowalski", "Nowak", "Wisniewski", "Kaminska", "Lewandowski", "Okafor", "Adeyemi", "Mensah",
            "Osei", "Nguyen", "Chen", "Wong", "Gurung", "Rai", "Tamang", "Murphy", "O'Brien", "McCarthy",
            "Ozturk", "Yilmaz", "Popescu", "Ionescu", "Horvath", "Nagy", "Petrov", "Kaya", "Da Silva")
# Postcode districts just over the county border, for young people who live outside Kent.
OUTSIDE_POSTCODES = ("SE9", "SE12", "BR6", "BR5", "RH19", "TN22", "TN31", "TN6", "ME4", "ME7", "RM17", "CR0")
