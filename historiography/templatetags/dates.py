"""Django's `date` and `time` filters, loaded into every template (TEMPLATES "builtins"),
that never overflow: Django converts a datetime to the reader's zone before these filters
see it, and a time in the last hours of the year 9999 has no local time east of UTC (nor
one in the year 1 west of it), an OverflowError that made every page showing it a 500.
Such a time is shown as stored, in UTC. Dates are bounded on input too
(historiography/validators.py); this keeps the pages up for any already stored."""

from datetime import datetime

from django import template
from django.template import defaultfilters
from django.utils import timezone

register = template.Library()


def _local(value):
    if isinstance(value, datetime) and timezone.is_aware(value):
        try:
            return timezone.localtime(value)
        except OverflowError:
            return value
    return value


@register.filter(is_safe=False)
def date(value, arg=None):
    return defaultfilters.date(_local(value), arg)


@register.filter(is_safe=False)
def time(value, arg=None):
    return defaultfilters.time(_local(value), arg)
