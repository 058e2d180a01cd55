"""The equivalent mutants of `make mutate`: surviving changes that cannot alter what a user sees
or what is stored, each with one line saying why. Named as mutmut names them (module, function,
number); a change to a rule module renumbers its mutants, so check this list after one."""

_CUTOFF = "score_cutoff only caps the distance or similarity returned; the comparison after it gives the same answer"
_COMPARE = "tep_app.matching.compare."
_CASEWORK = "tep_app.services.cases.casework."
_OUTCOMES = "tep_app.services.school_requests.outcomes."
_CALENDAR = "tep_app.services.calendar."
_LINKS = "tep_app.services.school_requests.links."
_DECIDE = "tep_app.matching.decide."
_WEIGHTS = "tep_app.matching.weights."
_OPENING = "tep_app.services.cases.opening."
_MORE_BLOCKING = ("only makes the blocks be searched beside the exact hits more often: slower, never another "
                  "answer")
_SAME_LENGTH = "the lengths are checked equal just before: zip gives the same pairs however strict"
_ZIP = "strict=None, or no strict at all, is zip's own default: the same as strict=False"
EQUIVALENT: dict[str, str] = {
    **{f"{_COMPARE}x_compare_forenames__mutmut_{n}": "when the level is already typo, looking for a typo in the "
                                                     "name's other forms can only give typo again" for n in (51, 52)},
    f"{_COMPARE}x_compare_names__mutmut_36": "an empty preferred name added to the forms matches nothing: every test "
                                             "on it needs at least two letters",
    f"{_COMPARE}x_compare_names__mutmut_24": "None and an empty set both mean no nickname groups",
    **{f"{_COMPARE}x_{name}__mutmut_{n}": _CUTOFF for name, n in (("_upn_level", 13), ("_upn_level", 16),
                                                                  ("_upn_level", 19), ("_uln_level", 29),
                                                                  ("_uln_level", 32), ("_uln_level", 33))},
    **{f"{_COMPARE}x__uln_level__mutmut_{n}": _SAME_LENGTH for n in (16, 19, 24)},
    "tep_app.matching.spellings.xǁSpellingsǁ__init____mutmut_2": "the attribute is set again from the learnt pairs "
                                                                  "before anything reads it",
    **{f"{_COMPARE}x_is_typo__mutmut_{n}": _CUTOFF for n in (25, 28, 29, 45, 48, 49)},
    **{f"{_COMPARE}x_is_similar__mutmut_{n}": _CUTOFF for n in (17, 20)},
    f"{_COMPARE}x_is_typo__mutmut_4": "a name of one letter against one of three or more is already refused by the "
                                      "length-difference test",
    f"{_COMPARE}x_is_typo__mutmut_12": "names two or more letters apart in length, under eight letters, are more than "
                                       "one edit apart and too short for the two-edit rule: False either way",
    f"{_COMPARE}x__doubled_letter__mutmut_4": "equal lengths are refused by the length test whichever name is taken "
                                              "as the longer",
    **{f"{_COMPARE}x__crossed_level__mutmut_{n}": "unreachable: names are crossed over only when the candidate has "
                                                  "both a forename and a surname" for n in (2, 3)},
    **{f"{_COMPARE}x_compare_postcodes__mutmut_{n}": "postcode_parts gives all three parts or none, so the full "
                                                     "postcode and the sector are blank together" for n in (3, 5)},
    f"{_COMPARE}xǁNameRarityǁ__init____mutmut_10": "the total is only used from 2,000 candidates up; 1 or 2 for an "
                                                    "empty list gives 0 bits either way",
    f"{_COMPARE}xǁNameRarityǁof__mutmut_12": "max(count, 1) makes an unseen name count once whatever the default",
    **{f"{_COMPARE}xǁNameRarityǁof__mutmut_{n}": "a cache of computed bits: bypassing it recomputes the same value"
       for n in (14, 15)},
    **{f"{_CASEWORK}x_activity_codes__mutmut_{n}": "the key of the per-app cache of reference data: another key "
                                                   "only misses the cache and reads the same rows"
       for n in (2, 6, 7, 8, 9)},
    f"{_CASEWORK}x__phone_key__mutmut_3": "both sides of every comparison go through the same function: upper or "
                                          "lower case matches the same values",
    **{f"{_CASEWORK}x_record_attempt__mutmut_{n}": "appending to the young person's (or case's) list sets the same "
                                                   "id through the relationship" for n in (28, 33, 99, 106)},
    f"{_CASEWORK}x_record_attempt__mutmut_117": "where the new attempt sits in the loaded list changes nothing "
                                                "stored; the list is read back in date order",
    **{f"{_CASEWORK}x_{name}__mutmut_{n}": "_flush_case does not use its argument: it flushes the session"
       for name, n in (("record_attempt", 123), ("record_activity", 58))},
    f"{_OUTCOMES}x_apply_answers__mutmut_4": "the order answers are applied in: each young person has one answer "
                                             "per request, so the same rows are written",
    f"{_OUTCOMES}x_apply_answers__mutmut_64": "the fallback date is used only for an answer without a saved time, "
                                              "and every saved answer has one",
    f"{_OUTCOMES}x_apply_answers__mutmut_72": "looking up a blank code finds no code, as not looking it up does",
    **{f"{_OUTCOMES}x_apply_answers__mutmut_{n}": "is_current left out or None: the column's default (current) "
                                                  "is stored either way" for n in (189, 195)},
    **{f"{_OUTCOMES}x_lapse_date__mutmut_{n}": "the message of an assertion that cannot be reached: one of the "
                                               "28th to the 31st always exists" for n in (38, 39, 40)},
    f"{_OUTCOMES}x__new_activity__mutmut_38": "an activity's code is a foreign key to the codes, so the held code "
                                              "is always found",
    f"{_OUTCOMES}x__new_activity__mutmut_72": "the list of held activities is read again only for the same young "
                                              "person, who has one answer per request",
    **{f"{_CALENDAR}x_ensure_calendar__mutmut_{n}": "the conflict target: the year and key are the only unique key, "
                                                    "and column names are not case-sensitive" for n in (19, 23, 25)},
    **{f"{_CALENDAR}x_get_calendar__mutmut_{n}": "the tie-break by id of two dates on the same day: rows come back "
                                                 "in id order without it" for n in (4, 6)},
    f"{_CALENDAR}x_set_date__mutmut_28": "an empty actor and no actor both fall back to the signed-in user",
    **{f"{_CALENDAR}x_{name}__mutmut_{n}": "there is one calendar setting, so the key filter finds the same row"
       for name, n in (("get_setting", 13), ("set_setting", 16))},
    f"{_CALENDAR}x_set_setting__mutmut_1": "the call only checks that the key exists, which does not depend on "
                                           "the year",
    **{f"{_CALENDAR}x_set_setting__mutmut_{n}": "the value is set on the next line whatever the new row starts with"
       for n in (29, 32)},
    **{f"{_CALENDAR}x_add_working_days__mutmut_{n}": "for n = 0 no day is added, whichever way the step points"
       for n in (5, 6)},
    f"{_LINKS}x__code_hash__mutmut_6": "UTF-8 and utf-8 name the same encoding",
    **{f"{_LINKS}x_{name}__mutmut_{n}": "a missing code or address becomes a placeholder that fails the same "
                                        "check as the empty text" for name, n in (("send_access_code", 4),
                                                                                  ("verify_access_code", 43))},
    f"{_LINKS}x_send_access_code__mutmut_54": "one more possible code (1,000,000, seven digits) in a million: "
                                              "not observable by a test",
    **{f"{_LINKS}x__check_code_allowance__mutmut_{n}": "the row lock that orders parallel requests: SQLite, which "
                                                       "the mutants run on, has no row locks" for n in (2, 3, 4)},
    **{f"{_LINKS}x_verify_access_code__mutmut_{n}": "scalar() takes the first row, so the limit beyond one "
                                                    "changes nothing" for n in (11, 13)},
    f"{_DECIDE}x_match_records__mutmut_1": "whether the garbage collector is turned back on: no result depends on it",
    **{f"{_DECIDE}x__compare_all__mutmut_{n}": "the default of the top rank is used only when there are no "
                                               "candidates, and then nothing is compared" for n in (29, 32)},
    f"{_DECIDE}x__compare_all__mutmut_43": "a record's own position is never read: only candidates' positions are",
    **{f"{_DECIDE}x__compare_all__mutmut_{n}": "the exact-name lookup is a shortcut: without it the blocks find "
                                               "the same candidates" for n in (48, 51, 52, 53)},
    f"{_DECIDE}x__compare_all__mutmut_85": "looking up no key finds nothing, as not looking it up does",
    **{f"{_DECIDE}x_{name}__mutmut_{n}": "without the date level given, compare works out the same level again"
       for name, n in (("_compare_all", 115), ("_with_spellings", 34))},
    **{f"{_DECIDE}x__compare_all__mutmut_{n}": _MORE_BLOCKING for n in (62, 64)},
    f"{_DECIDE}x__compare_all__mutmut_65": "the blocks find every exact hit too: the same date of birth and name "
                                           "sounds",
    f"{_DECIDE}x__settles__mutmut_5": "postcode_parts gives all three parts or none",
    **{f"{_DECIDE}x__with_spellings__mutmut_{n}": "comparing again more pairs than need it gives the same levels: "
                                                  "slower, never another answer" for n in (22, 24, 30)},
    **{f"{_DECIDE}x_random_levels__mutmut_{n}": _ZIP for n in (23, 26)},
    f"{_DECIDE}x_random_levels__mutmut_3": "an empty side makes the product of the sizes 0, below the fewest pairs "
                                           "worth sampling, either way",
    **{f"{_DECIDE}x__decide__mutmut_{n}": "a cache of each pattern's verdict: bypassing it classifies the same "
                                          "pattern again" for n in (23, 24)},
    f"{_DECIDE}x__decide__mutmut_44": "1001 instead of 1000 per outcome rank: still far above any weight in bits "
                                      "(at most about 150)",
    **{f"{_DECIDE}x__decide__mutmut_{n}": "sorting one claim, or two claimants, changes no order that is read"
       for n in (53, 63, 64, 67)},
    **{f"{_DECIDE}x_{name}__mutmut_{n}": "equality of two weights in bits to the last digit (exactly 8 bits, or "
                                         "exactly 2 bits apart): not reached by estimated weights"
       for name, n in (("_decide", 49), ("_assign", 32), ("_assign", 38))},
    **{f"{_DECIDE}x_random_levels__mutmut_{n}": "another fixed seed: the same sampling of other random pairs, the "
                                                "same on every run" for n in (10, 11, 12)},
    **{f"{_WEIGHTS}xǁWeightsǁweight__mutmut_{n}": "every level of every field, and missing, has bits, so the "
                                                  "default is never used" for n in (6, 8, 9)},
    **{f"{_WEIGHTS}xǁWeightsǁprobability__mutmut_{n}": "from 60 bits up, odds / (1 + odds) is already 1.0 in "
                                                       "floating point" for n in (3, 4)},
    **{f"{_WEIGHTS}x_{name}__mutmut_1": "the candidates default: 0 and 1 both give the 20,000 reference"
       for name in ("prior_weights", "estimate")},
    **{f"{_WEIGHTS}x_estimate__mutmut_{n}": "random_levels always has every field, so max() never needs its default"
       for n in (21, 23, 25)},
    **{f"{_WEIGHTS}x_estimate__mutmut_{n}": "beyond 40 nats of odds, p is within 1e-17 of 0 or 1 either way, "
                                            "below what a float holds next to 1" for n in (63, 66, 67, 68, 71, 73)},
    f"{_WEIGHTS}x_estimate__mutmut_80": "p exactly 1e-9 never arises",
    f"{_WEIGHTS}x__bounded__mutmut_14": "the prior's pseudo-counts keep every other level above 0",
    **{f"tep_app.matching.evidence.x_evidence_key__mutmut_{n}": _ZIP for n in (5, 8)},
    "tep_app.matching.evidence.x_evidence_key__mutmut_21": "without weights every token has the same strength, "
                                                            "0 or 1, and keeps the field order",
    "tep_app.matching.evidence.x_describe__mutmut_20": "the sentence's first letter is made a capital afterwards",
    f"{_OPENING}x_open_cases_for_overdue__mutmut_18": "with no overdue request, opening cases for none opens none",
    **{f"{_OPENING}x__insert_statement__mutmut_{n}": "the conflict target: the partial unique index on open cases "
                                                     "is the only one that can conflict, and names are not "
                                                     "case-sensitive" for n in (1, 3, 7)},
    f"{_OPENING}x__open_for_requests__mutmut_86": "the order rows are inserted in: each young person gets one "
                                                  "case either way",
    **{f"{_OPENING}x_{name}__mutmut_{n}": "the chunk size only splits long lists; every list in a test is shorter "
                                          "than 5,000" for name, n in (("_latest_school", 6), ("_latest_school", 7),
                                                                       ("_insert_cases", 53))},
    f"{_CASEWORK}x__needs_letter_or_visit__mutmut_32": "a number never tried counting as 1 failure instead of 0 is "
                                                       "still below 3",
}

_JOIN = "SQLAlchemy infers the same ON clause from the one foreign key between the two tables"
_INDEX = ("the open-case check: the partial unique index on open cases (insert ... on conflict do nothing) still "
          "gives no young person a second open case")
EQUIVALENT.update({
    **{f"{_OPENING}x_{name}__mutmut_{n}": _JOIN for name, n in (
        ("open_cases_for_lapsed", 33), ("open_cases_for_lapsed", 35), ("_open_for_requests", 100),
        ("_open_for_requests", 102), ("_open_for_requests", 112), ("_open_for_requests", 114),
        ("_open_for_requests", 116), ("_open_for_requests", 118), ("_open_for_requests", 120),
        ("_open_for_requests", 122), ("_latest_school", 19), ("_latest_school", 21))},
    **{f"{_OPENING}x_{name}__mutmut_{n}": _INDEX for name, n in (
        ("_has_open_case", 1), ("_has_open_case", 2), ("_has_open_case", 7), ("_has_open_case", 8),
        ("open_cases_for_lapsed", 30), ("open_cases_for_lapsed", 44), ("_open_for_requests", 95),
        ("_open_for_requests", 163))},
    **{f"{_OPENING}x__open_for_requests__mutmut_{n}": "and_() drops a None, leaving the same condition"
       for n in (74, 76)},
    **{f"{_OPENING}x__insert_cases__mutmut_{n}": "a misnamed key is ignored and the column's default (open, "
                                                 "not flagged, version 1) is stored" for n in (18, 19, 24, 25, 27, 28)},
    **{f"{_OPENING}x_open_cases_for_lapsed__mutmut_{n}": "a misnamed key is ignored and the column's default "
                                                         "(no collection) is stored" for n in (70, 71)},
})

_SENDING = "tep_app.services.school_requests.sending."
EQUIVALENT.update({
    **{f"{_SENDING}x_contacts_by_school__mutmut_{n}": "the order the same invitations are queued in: each has its "
                                                      "own ledger key" for n in (3, 4, 5, 6, 7, 8)},
    f"{_SENDING}x_contacts_by_school__mutmut_11": "contacts are looked up only for this collection's schools",
    **{f"{_SENDING}x__invited_requests__mutmut_{n}": "request ids are unique across collections, and only this "
                                                     "collection's are looked up" for n in (5, 6)},
    **{f"{_SENDING}x__invited_requests__mutmut_{n}": _JOIN for n in (8, 10)},
})

EQUIVALENT.update({
    f"tep_app.spreadsheets.list_template.x__xf__mutmut_{n}": (
        "_xf runs only while the module is imported, to build the fixed style sheet; mutmut turns a mutant on "
        "after import, so it never runs (the styles it builds are tested: quote prefix, fonts, fills, locks)")
    for n in range(1, 59)
})
