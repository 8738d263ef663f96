"""Validators shared by the models' fields."""

from datetime import UTC, datetime

from django.core.exceptions import ValidationError

EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(3000, 1, 1, tzinfo=UTC)


def validate_plausible_datetime(value):
    """A date a person could mean, 1900 to 2999. Python's datetimes end at the year 9999,
    so a date in its last hours, saved, could not be shown in a zone east of UTC (nor the
    first hours of the year 1 west of it): every page that showed it was a 500."""
    if value is not None and not EARLIEST <= value < LATEST:
        raise ValidationError("Enter a date between 1900 and 2999.", code="date_out_of_range")


def whole_number(value, *, below=2**31) -> int | None:
    """A value sent by hand (a hidden or per-row field, a query parameter, a platform's
    claim) as the id or number it should be, or None: ASCII digits only ("²" passes
    str.isdigit() but not int()) and below `below` (a database integer unless told), as a
    hand-made request can send anything."""
    value = (value or "").strip()
    if value.isascii() and value.isdigit() and int(value) < below:
        return int(value)
    return None
