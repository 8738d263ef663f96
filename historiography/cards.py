"""Argument cards from a fragment cache shared by every page and every reader.

A card is the same wherever it shows (question, lists, historian, school, work and tag
pages, a student's assignment page), so its HTML is kept in the shared cache under
(cache generation, argument, whether it names its question, the level of its heading)
and a page reads all its
cards in one `get_many`. The generation is the page cache's (historiography/cache.py):
every committed write to the scholarship replaces it, so a change to the argument, its
historian, school, work, source, tags or relations is never served from an older card.
A card holds nothing that depends on the reader: controls such as a student's "add to
my evidence" stay outside it, in the page's own template.

Like the page cache it is on only with a shared cache (`CARD_CACHE_SECONDS`, see
settings): with a per-process cache a write would invalidate one process's cards only.

A student's assignment page shows a page of its sides' columns to every student of the
class, the same for all of them; `sides_page()` keeps that page whole in the same cache,
under the same generation (the sides, the page number and the cards' heading level
complete its key): the counts per side, and per card its HTML and the few fields the
page's own controls need, so that a warm page builds no argument and runs no query for
its columns. What a student sees of their own (cited marks, "add" buttons) is no part
of it.
"""

import logging
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import quote

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from .cache import GENERATION_KEY, _current_generation, _settled
from .models.arguments import Argument, card_prefetches
from .validators import whole_number

logger = logging.getLogger(__name__)

CARD_TEMPLATE = "includes/_argument_card.html"
# Side-by-side columns (a question's positions) show this many cards each at a time (the
# real dataset's longest column has 16; a large scholarship has hundreds).
CARDS_PER_COLUMN = 20
# A new prefix when the card's markup changes, since during a rolling deploy old and new
# app servers share the cache.
CARD_KEY_PREFIX = "cards:v1:"
# The same for the pages of columns (`sides_page()`), and when ColumnPage or ColumnCard change.
COLUMN_PAGE_KEY_PREFIX = "column-pages:v1:"
# A search's card marks the matching words in its claim, quotation and passage: it is
# cached with these placeholders where those texts go, and filled in for each search.
MARKED = {"marked_claim": "claim", "marked_words": "words", "marked_passage": "passage"}
PLACEHOLDERS = {name: mark_safe(f"\ue000{name}\ue000") for name in MARKED}


def render_card(argument, *, show_question=False, heading_level=3, marks_drafts=False, **marked) -> str:
    """One card's HTML; `marked` the search's texts with the matching words in <mark>
    (marked_claim, marked_passage, marked_words), shown in place of the argument's own."""
    return render_to_string(
        CARD_TEMPLATE,
        {
            "argument": argument,
            "show_question": show_question,
            "heading_level": heading_level,
            "marks_drafts": marks_drafts,
            **marked,
        },
    )


def _key(generation, argument, show_question, heading_level, marked=False) -> str:
    variant = "m:" if marked else ""
    return f"{CARD_KEY_PREFIX}{generation}:{int(bool(show_question))}:{int(heading_level)}:{variant}{argument.pk}"


def _fill(html, argument, marked) -> str:
    """A search's card: the placeholders filled with `marked` (the texts with the
    matching words in <mark>, escaped), or the argument's own text, escaped."""
    for name, field in MARKED.items():
        html = html.replace(PLACEHOLDERS[name], conditional_escape(marked.get(name) or getattr(argument, field)))
    return html


def rendered(
    arguments, *, show_question=False, heading_level=3, cards=None, marks_drafts=False, marks=None, rows=None
) -> dict:
    """{(argument pk, show_question, heading_level): card HTML} for `arguments` (loaded
    with `for_card_rows()` or `for_cards()`), from the cache where it has them, rendered and
    stored otherwise; what a card shows beyond its row is fetched for the cards rendered
    only (a fixed number of queries, none when the cache holds every card).
    `heading_level`: the claim's heading, under the page's heading the cards sit in.
    `cards`: a dict to add to (a page showing cards two ways).
    `marks`: a search's {argument pk: {"marked_claim": …, "marked_words": …,
    "marked_passage": …}}, the texts with the matching words in <mark> (see MARKED).
    `rows`: where to read the rows of the cards the cache does not hold (`for_card_rows()`,
    one query, none when it holds them all), for `arguments` loaded with their own fields
    only: a search's ten cards, whose seven-table row costs more to plan than to run."""
    cards = {} if cards is None else cards
    arguments = list(arguments)
    found, keys = {}, {}
    if marks_drafts:
        pass  # an editor's preview, each draft card marked: rendered for them, never cached
    elif settings.CARD_CACHE_SECONDS and arguments:
        try:
            generation = _current_generation(cache.get_many([GENERATION_KEY]))
            keys = {
                argument.pk: _key(generation, argument, show_question, heading_level, marks is not None)
                for argument in arguments
            }
            found = cache.get_many(list(keys.values()))
        except Exception:  # render the cards rather than fail while the cache is down
            logger.exception("Card cache unavailable")
            keys = {}
    html = {argument.pk: found.get(keys.get(argument.pk)) for argument in arguments}
    to_render = [argument for argument in arguments if html[argument.pk] is None]
    if rows is not None and to_render:
        loaded = rows.in_bulk([argument.pk for argument in to_render])
        to_render = [loaded.get(argument.pk, argument) for argument in to_render]
    prefetch_related_objects(to_render, *card_prefetches())  # nothing for those already prefetched
    missing = {}
    for argument in to_render:
        html[argument.pk] = render_card(
            argument,
            show_question=show_question,
            heading_level=heading_level,
            marks_drafts=marks_drafts,
            **(PLACEHOLDERS if marks is not None else {}),
        )
        if keys:
            missing[keys[argument.pk]] = html[argument.pk]
    for argument in arguments:
        card = html[argument.pk] if marks is None else _fill(html[argument.pk], argument, marks.get(argument.pk, {}))
        cards[argument.pk, bool(show_question), int(heading_level)] = mark_safe(card)
    if missing:
        try:
            cache.set_many(missing, timeout=settings.CARD_CACHE_SECONDS)
        except Exception:
            logger.exception("Card cache unavailable")
    return cards


def _columns_paginator(counts, per_column) -> Paginator:
    """Columns are paged together: as many pages as the longest column needs."""
    return Paginator(range(max(counts.values(), default=0)), per_column)


def column_page(arguments, number, per_column=CARDS_PER_COLUMN, counts=None):
    """One page of side-by-side columns, paged together: page 2 shows the 21st to 40th
    argument of each position. `arguments`: a queryset over the columns' positions,
    `number`: the asked page (anything; a bad one gives the first or last page), `counts`:
    the arguments' per_position_counts() when already counted. Returns ({position id:
    arguments in all}, the Page, the place of its first card, the page's arguments as a
    queryset): two queries however long the columns (one with `counts`)."""
    if counts is None:
        counts = arguments.per_position_counts()
    page = _columns_paginator(counts, per_column).get_page(number)
    first = (page.number - 1) * per_column + 1
    return counts, page, first, arguments.places_in_position(first, first + per_column - 1)


class ColumnCard(NamedTuple):
    """What a page of columns shows of an argument outside its card (`ColumnPage.cards`
    has the card): its place, its button's value and the button's hidden label."""

    pk: int
    slug: str
    position_id: int
    speaker_name: str

    @classmethod
    def of(cls, argument):
        return cls(argument.pk, argument.slug, argument.position_id, argument.speaker.name)


@dataclass(frozen=True)
class ColumnPage:
    """One page of the columns of some positions, as `sides_page()` keeps it: no model
    instance in it, so that it pickles small and reads without a query."""

    counts: dict  # {position id: published arguments in all}
    number: int  # the page shown
    per_column: int
    rows: tuple  # ColumnCard per card, column after column, each in the cards' order
    cards: dict  # {(pk, show_question, heading_level): card HTML}, for the {% card %} tag

    @property
    def page(self):
        return _columns_paginator(self.counts, self.per_column).page(self.number)

    @property
    def first(self) -> int:
        """The place in its column of each column's first card on this page."""
        return (self.number - 1) * self.per_column + 1

    def column(self, position_id) -> list:
        return [row for row in self.rows if row.position_id == position_id]


def _on_sides(positions):
    return Argument.objects.published().filter(position__in=positions).for_card_rows()


def _built_page(arguments, counts, number, heading_level, per_column) -> ColumnPage:
    """`counts`: the arguments' per_position_counts(), when already counted."""
    counts, page, _first, shown = column_page(arguments, number, per_column, counts)
    shown = list(shown)
    return ColumnPage(
        counts=counts,
        number=page.number,
        per_column=per_column,
        rows=tuple(ColumnCard.of(argument) for argument in shown),
        cards=rendered(shown, heading_level=heading_level),
    )


def _page_key(generation, positions, number, heading_level, per_column) -> str:
    sides = ",".join(str(pk) for pk in sorted(position.pk for position in positions))
    return f"{COLUMN_PAGE_KEY_PREFIX}{generation}:{sides}:{int(heading_level)}:{per_column}:{number}"


def sides_page(positions, number, *, heading_level=3, per_column=CARDS_PER_COLUMN) -> ColumnPage:
    """Page `number` (as asked: anything, a bad one gives the first or last page, as
    `column_page()`) of the published arguments of `positions` in side-by-side columns,
    with their cards: from the shared cache when it has it (no query), else two queries
    and the cards (`rendered()`), then kept under the generation read before them, so that
    a page built from data a write has since replaced is never taken for current. Kept
    only under the page numbers that exist, whatever numbers are asked."""
    if not settings.CARD_CACHE_SECONDS or not positions:
        return _built_page(_on_sides(positions), None, number, heading_level, per_column)
    asked = 1 if number is None else whole_number(number)
    try:
        generation = _current_generation(cache.get_many([GENERATION_KEY]))
        found = cache.get(_page_key(generation, positions, asked, heading_level, per_column)) if asked else None
    except Exception:  # build the page rather than fail while the cache is down
        logger.exception("Card cache unavailable")
        return _built_page(_on_sides(positions), None, number, heading_level, per_column)
    if found is not None:
        return found
    arguments = _on_sides(positions)  # not on a hit: building the queryset costs more than the hit
    counts = arguments.per_position_counts()
    shown = _columns_paginator(counts, per_column).get_page(number).number
    key = _page_key(generation, positions, shown, heading_level, per_column)
    try:
        found = cache.get(key) if shown != asked else None  # asked for page 99 of 3: page 3
    except Exception:
        logger.exception("Card cache unavailable")
    if found is not None:
        return found
    built = _built_page(arguments, counts, shown, heading_level, per_column)
    if _settled(generation):
        try:
            cache.set(key, built, timeout=settings.CARD_CACHE_SECONDS)
        except Exception:
            logger.exception("Card cache unavailable")
    return built


_SLUG = "slug-placeholder"
_patterns: dict = {}


def slug_url(view_name: str, slug: str) -> str:
    """reverse(view_name, args=[slug]) without resolving the pattern for each link: the
    URL is reversed once per view and script prefix with a placeholder slug, then filled
    in (a card has up to a dozen links, a page hundreds), quoted as reverse() would."""
    pattern_key = (view_name, get_script_prefix())
    pattern = _patterns.get(pattern_key)
    if pattern is None:
        pattern = _patterns[pattern_key] = reverse(view_name, args=[_SLUG]).rsplit(_SLUG, 1)
    return f"{pattern[0]}{quote(str(slug), safe='')}{pattern[1]}"
