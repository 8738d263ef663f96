from django import template
from django.utils.formats import number_format

from ..cards import render_card, slug_url
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


@register.simple_tag(takes_context=True)
def page_query(context, number, param="page"):
    """The current query string with `param` set to page `number` (left out for page 1,
    so the first page has one address), for the pagination include."""
    params = context.request.GET.copy()
    if str(number) == "1":
        params.pop(param, None)
    else:
        params[param] = number
    return f"?{params.urlencode()}" if params else context.request.path


@register.simple_tag(takes_context=True)
def card(context, argument, show_question=False, heading_level=3):
    """An argument card: from the fragments the view read from the shared card cache
    (historiography/cards.py, `cards` in the context), else rendered here."""
    html = context.get("cards", {}).get((argument.pk, bool(show_question), int(heading_level)))
    if html is not None:
        return html
    return render_card(argument, show_question=show_question, heading_level=heading_level)


@register.filter
def url_of(slug, view_name):
    """`{{ historian.slug|url_of:"historiography:historian-detail" }}`: the page's URL
    without resolving its pattern again (cards.slug_url), for links repeated on every card."""
    return slug_url(view_name, slug)


@register.filter
def elided_pages(paginator, number):
    """The page numbers to link: the first, the last and two either side of `number`,
    with Paginator.ELLIPSIS for the gaps."""
    return paginator.get_elided_page_range(number, on_each_side=2, on_ends=1)
