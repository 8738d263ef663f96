from django import template
from django.utils.formats import number_format

from ..citations import chicago_note_html, highwire_tags

register = template.Library()


@register.filter
def figure(value):
    """A count as people say it: 20000000 -> '20 million', 1500000 -> '1.5 million',
    681692 -> '681,692'."""
    if value is None:
        return ""
    value = int(value)
    if value >= 1_000_000:
        millions = value / 1_000_000
        text = f"{millions:.2f}".rstrip("0").rstrip(".")
        return f"{text} million"
    return number_format(value, force_grouping=True)


@register.filter
def figure_range(estimate):
    """'3.5–5 million' for a range, '1.5 million' for a single figure."""
    if estimate.low == estimate.high:
        return figure(estimate.low)
    low, high = figure(estimate.low), figure(estimate.high)
    if low.endswith(" million") and high.endswith(" million"):
        return f"{low.removesuffix(' million')}–{high}"
    return f"{low}–{high}"


@register.filter
def chicago(source):
    """A Chicago-style note for a Work or an Argument, the title in <cite>, escaped."""
    return chicago_note_html(source)


@register.inclusion_tag("includes/_highwire.html")
def highwire(source):
    """Highwire Press <meta name="citation_*"> tags, which Zotero's connector detects."""
    return {"tags": highwire_tags(source)}
