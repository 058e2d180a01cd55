"""The school's list as the pre-populated .xlsx, with the answers saved so far filled in."""
from io import BytesIO

from tep_app.services.list_sheets import write_school_list


def list_workbook(school_request) -> tuple[BytesIO, str]:
    """(file, download name) of the school's own list."""
    filename = f"{school_request.establishment.laestab}-{school_request.collection.kind}-list.xlsx"
    return BytesIO(write_school_list(school_request)), filename
