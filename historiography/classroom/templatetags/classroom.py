"""`{{ when|deadline }}`: a deadline in the reader's time zone, with the zone named, so a
student in Tokyo and an instructor in London read the same moment the same way."""

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html

register = template.Library()


@register.filter
def deadline(value, style="long"):
    """`<time>` with the local date and time and the zone's name; a moment the zone cannot
    show (out of the calendar's range) is printed in UTC rather than breaking the page."""
    if not value:
        return ""
    try:
        local = timezone.localtime(value)
    except (OverflowError, ValueError):
        local = value
    pattern = "D j M Y, H:i" if style == "short" else "l j F Y, H:i"
    return format_html(
        '<time datetime="{}">{}</time> <span class="zone">({})</span>',
        local.isoformat(timespec="minutes"),
        date_format(local, pattern),
        timezone.get_current_timezone_name(),
    )
