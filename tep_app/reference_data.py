"""The NCCIS activity codes and September Guarantee statuses, as seeded by migration 0002.

These lists are the seed only: the app reads the codes from the database, so a new DfE
specification is a data migration, not a code change.
"""

# code, description, words a school sees, group
ACTIVITY_CODES = [
    ("110", "Registered at a school", "Still at a school (compulsory age)", "compulsory"),
    ("120", "Educated at home", "Educated at home", "compulsory"),
    ("130", "Custodial institution (compulsory age)", "In custody (compulsory age)", "compulsory"),
    ("140", "Not registered at a school in the area", "Not at a school in Kent", "compulsory"),
    ("150", "Current situation not known (compulsory age)", "Not known (compulsory age)", "compulsory"),
    ("210", "Full-time education: school sixth form", "School sixth form", "education"),
    ("220", "Full-time education: sixth-form college", "Sixth-form college", "education"),
    ("230", "Full-time education: further education", "Further education college", "education"),
    ("240", "Full-time education: higher education", "University or higher education", "education"),
    ("250", "Part-time education", "Part-time education", "education"),
    ("260", "Gap year students", "Gap year", "education"),
    ("270", "Full-time education: other", "Other full-time education", "education"),
    ("280", "Special post-16 institution", "Special post-16 institution (SEND)", "education"),
    ("290", "Full-time education: custodial institution", "Education in custody", "education"),
    ("310", "Apprenticeship", "Apprenticeship", "employment"),
    ("320", "Full-time employment with study (regulated qualification)", "Job with study towards a qualification",
     "employment"),
    ("330", "Employment without training", "Job without training", "employment"),
    ("340", "Employment with training (other)", "Job with other training", "employment"),
    ("350", "Temporary employment", "Temporary job", "employment"),
    ("360", "Part-time employment", "Part-time job", "employment"),
    ("380", "Self-employment", "Self-employed", "employment"),
    ("381", "Self-employment with study", "Self-employed and studying", "employment"),
    ("550", "Work not for reward with study", "Volunteering with study", "employment"),
    ("410", "Work-based learning (funded)", "Funded work-based learning", "training"),
    ("430", "Other training", "Other training course", "training"),
    ("440", "DWP training and support programme", "DWP training programme (not for 16 and 17 year olds)", "training"),
    ("450", "Traineeship", "Traineeship", "training"),
    ("460", "Supported internship", "Supported internship (SEND)", "training"),
    ("530", "Re-engagement provision", "Re-engagement programme", "re-engagement"),
    ("540", "Working not for reward", "Volunteering without study", "neet"),
    ("610", "Not yet ready for work or learning", "Not ready for work or learning", "neet"),
    ("615", "Start date agreed (other)", "Start date agreed (other)", "neet"),
    ("616", "Start date agreed (RPA compliant)", "Start date agreed for education or training", "neet"),
    ("619", "Seeking employment, education or training", "Looking for work, education or training", "neet"),
    ("620", "Not available: young carer", "Not available: young carer", "neet"),
    ("630", "Not available: teenage parent", "Not available: teenage parent", "neet"),
    ("640", "Not available: illness", "Not available: illness", "neet"),
    ("650", "Not available: pregnancy", "Not available: pregnancy", "neet"),
    ("660", "Not available: religious grounds", "Not available: religious grounds", "neet"),
    ("670", "Not available: unlikely to be economically active", "Not available: unlikely to work or study", "neet"),
    ("680", "Not available: other reason", "Not available: other reason", "neet"),
    ("710", "Custody (young adult offender)", "In custody", "other"),
    ("810", "Current situation not known", "Not known to us", "not-known"),
    ("820", "Cannot be contacted: no current address", "Cannot be contacted: no current address", "not-known"),
    ("830", "Refused to disclose activity", "Refused to say what they are doing", "not-known"),
]

NEEDS_SEND = {"280", "460"}
NEET_GROUP = "neet"
# 540-680 need a NEET start date.
NEEDS_NEET_START = {code for code, _d, _w, group in ACTIVITY_CODES if group == "neet"}
# Compulsory-age codes are not something a school reports for a post-16 leaver.
NOT_OFFERED_TO_SCHOOLS = {"110", "130", "150"}

GROUP_LABELS = {
    "compulsory": "Compulsory school age",
    "education": "Education",
    "employment": "Employment",
    "training": "Training",
    "re-engagement": "Re-engagement",
    "neet": "Not in education, employment or training",
    "other": "Other",
    "not-known": "Not known",
}

# code, description, is_offer, year_12_only
GUARANTEE_STATUSES = [
    ("110", "Offer made", True, False),
    ("114", "Already in learning: continuing in education", True, True),
    ("115", "Already in learning: employment with training", True, True),
    ("120", "Offer not appropriate: employment without training", False, False),
    ("122", "Offer not appropriate: personal circumstances", False, False),
    ("123", "Offer not appropriate: other reason", False, False),
    ("124", "Offer not appropriate: personal development", False, False),
    ("140", "No offer: applied and awaiting outcome", False, False),
    ("150", "No offer: no appropriate provision", False, False),
    ("151", "No offer: has not applied", False, False),
    ("153", "No offer: moved away", False, False),
    ("154", "No offer: unable to contact", False, False),
    ("159", "Not yet recorded", False, False),
]


GUARANTEE_GROUP_LABELS = {
    "offer": "Offer made",
    "in-learning": "Already in learning",
    "not-appropriate": "Offer not appropriate",
    "no-offer": "No offer yet",
    "not-recorded": "Not yet recorded",
}

# code: (group, plain words a school sees). 153 is not offered: a school says "moved out of Kent".
GUARANTEE_PLAIN_WORDS = {
    "110": ("offer", "Has an offer of a place (school, college, apprenticeship or training)"),
    "114": ("in-learning", "Already in learning: continuing in education"),
    "115": ("in-learning", "Already in learning: employment with training"),
    "120": ("not-appropriate", "Offer not appropriate: in a job without training"),
    "122": ("not-appropriate", "Offer not appropriate: personal circumstances"),
    "123": ("not-appropriate", "Offer not appropriate: another reason"),
    "124": ("not-appropriate", "Offer not appropriate: personal development (for example a gap year)"),
    "140": ("no-offer", "Applied and waiting for an outcome"),
    "150": ("no-offer", "No suitable place or course available"),
    "151": ("no-offer", "Has not applied anywhere"),
    "153": ("no-offer", "Moved away"),
    "154": ("no-offer", "We cannot contact them"),
    "159": ("not-recorded", "Not yet recorded"),
}
GUARANTEE_NOT_OFFERED_TO_SCHOOLS = {"153", "159"}


def activity_rows() -> list[dict]:
    return [
        {
            "code": code, "description": description, "plain_words": words, "group": group,
            "is_not_known": group == "not-known", "is_neet": group == NEET_GROUP,
            "needs_neet_start": code in NEEDS_NEET_START, "needs_send": code in NEEDS_SEND,
            "offered_to_schools": code not in NOT_OFFERED_TO_SCHOOLS, "sort_order": position,
        }
        for position, (code, description, words, group) in enumerate(ACTIVITY_CODES)
    ]


def guarantee_rows() -> list[dict]:
    return [
        {"code": code, "description": description, "is_offer": is_offer, "year_12_only": y12,
         "group": GUARANTEE_PLAIN_WORDS[code][0], "plain_words": GUARANTEE_PLAIN_WORDS[code][1],
         "offered_to_schools": code not in GUARANTEE_NOT_OFFERED_TO_SCHOOLS, "sort_order": position}
        for position, (code, description, is_offer, y12) in enumerate(GUARANTEE_STATUSES)
    ]
