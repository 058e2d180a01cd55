"""Cases: opening them, assigning them, the officer's queue and the casework on one case."""
from tep_app.services.cases.assignment import (
    PatchError,
    assign_by_patch,
    list_officers,
    list_patches,
    open_caseloads,
    patch_labels,
    reassign_cases,
    rebalance,
    remove_patch,
    set_patch,
)
from tep_app.services.cases.opening import (
    count_open_cases,
    open_cases_for_lapsed,
    open_cases_for_overdue,
    open_cases_for_request,
    open_lapsed_cases,
    open_nightly_cases,
)

__all__ = [
    "PatchError", "assign_by_patch", "count_open_cases", "list_officers", "list_patches", "open_caseloads",
    "open_cases_for_lapsed", "open_cases_for_overdue", "open_cases_for_request", "open_lapsed_cases",
    "open_nightly_cases",
    "patch_labels", "reassign_cases", "rebalance", "remove_patch", "set_patch",
]

from tep_app.services.cases.casework import (  # noqa: E402
    STALE_MESSAGE,
    ActivityInput,
    AttemptInput,
    StaleCaseError,
    get_case,
    record_activity,
    record_attempt,
)
from tep_app.services.cases.queue import QueueFilters, list_queue  # noqa: E402

__all__ += [
    "STALE_MESSAGE", "ActivityInput", "AttemptInput", "QueueFilters", "StaleCaseError", "get_case", "list_queue",
    "record_activity", "record_attempt",
]
