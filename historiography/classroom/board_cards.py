"""The board's cards (a student's case in a side's column, a group's consensus), kept as
HTML in the cache under a digest of everything the card shows.

A `Card` holds all a card shows — the name shown (a classmate's alias on an anonymous
board), the submission's status, statement, evidence count, time of submission and
feedback, whether the reader teaches (an excerpt and the way to feedback, or the whole
statement), the excerpt's length, and the time zone and language the time is written in —
and the card is rendered from the `Card` alone. So an edit (a statement saved, even through
`QuerySet.update()`, a grade returned, a name changed) makes a new key rather than a stale
card, nothing needs invalidating, and a card reaches another reader only when it would show
them exactly the same thing: which is also why any cache will do, a per-process one too.
Which cards a reader may see (classmates: submitted cases only) the view decides before.
"""

import hashlib
import logging
from datetime import datetime
from typing import NamedTuple

from django.core.cache import cache
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

logger = logging.getLogger(__name__)

TEMPLATE = "classroom/_board_card.html"
# A new prefix when the card's markup changes: during a rolling deploy old and new app
# servers share the cache.
KEY_PREFIX = "board-card:v1:"
# Content-addressed, so never stale: the timeout only returns the memory of old versions.
CARD_SECONDS = 24 * 3600


class Card(NamedTuple):
    """Everything one card shows, and its cache key."""

    title: str  # the name shown, or the group
    members: tuple  # a consensus: ((name shown, side label), ...); None for a student's case
    progress: str  # Submission.progress, or "not started"
    submission_id: int | None
    statement: str
    citation_count: int
    word_count: int  # Submission.word_count
    submitted_at: datetime | None
    feedback: tuple | None  # (returned, grade) once the instructor has written feedback
    teaches: bool
    words: int  # the instructor's excerpt, in words
    zone: str
    language: str

    @classmethod
    def of(cls, title, submission, *, teaches, words, members=None, zone="", language=""):
        """The card of `submission` (or None: nothing started yet), loaded by
        `selectors.board_rows()` or `group_rows()`."""
        if submission is None:
            return cls(title, members, "not started", None, "", 0, 0, None, None, teaches, words, zone, language)
        feedback = getattr(submission, "feedback", None)
        return cls(
            title,
            members,
            submission.progress,
            submission.pk,
            submission.statement,
            submission.citation_count,
            submission.word_count,
            submission.submitted_at,
            (feedback.is_returned, feedback.grade) if feedback else None,
            teaches,
            words,
            zone,
            language,
        )

    @property
    def key(self) -> str:
        return KEY_PREFIX + hashlib.blake2b(repr(tuple(self)).encode(), digest_size=20).hexdigest()


def reader_locale() -> dict:
    """The reader's time zone and language, which the card's time is written in."""
    return {"zone": timezone.get_current_timezone_name(), "language": translation.get_language() or ""}


def render(card: Card) -> str:
    with timezone.override(card.zone or None), translation.override(card.language or None):
        return get_template(TEMPLATE).render(
            {
                "card": card,
                "url": reverse("classroom:submission-detail", args=[card.submission_id]) if card.submission_id else "",
            }
        )


def rendered(cards: list[Card]) -> list[str]:
    """The HTML of `cards`, in order: from the cache where it has them, rendered and stored
    otherwise (one round trip each way; rendered all the same while the cache is down)."""
    keys = [card.key for card in cards]
    try:
        found = cache.get_many(keys) if keys else {}
    except Exception:
        logger.exception("Board card cache unavailable")
        found, keys = {}, []
    html, missing = [], {}
    for index, card in enumerate(cards):
        key = keys[index] if keys else None
        text = found.get(key)
        if text is None:
            text = render(card)
            if key:
                missing[key] = text
        html.append(mark_safe(text))
    if missing:
        try:
            cache.set_many(missing, timeout=CARD_SECONDS)
        except Exception:
            logger.exception("Board card cache unavailable")
    return html
