"""Typo tolerance for names where there is no trigram index, and "did you mean"."""

import difflib
import logging

from django.conf import settings
from django.core.cache import cache

from ..cache import GENERATION_KEY, _current_generation
from .words import STOP_WORDS, WORD, fold

logger = logging.getLogger(__name__)


def similar_names(names, words, cutoff=0.8):
    """The ids of `names` ((id, name) pairs) with a word close to one of `words`: the
    typo tolerance for names that trigrams miss ("Kruschev" for Khrushchev). Only the
    name words with the same first letter and about the same length are compared (a
    misspelling seldom changes the first letter), so 5,000 names cost milliseconds."""
    words = [word for word in words if len(word) > 3]
    initials = {word[0] for word in words}
    by_word = {}
    for pk, name in names:
        spaced = " " + name.lower()
        if name.isascii() and not any(f" {initial}" in spaced for initial in initials):
            continue  # (a name with accents is folded first: "Émile" starts with e)
        for word in WORD.findall(fold(name)):
            if word[0] in initials:
                by_word.setdefault(word, set()).add(pk)
    found = []
    for word in words:
        near = [other for other in by_word if other[0] == word[0] and abs(len(other) - len(word)) <= 3]
        for close in difflib.get_close_matches(word, near, n=3, cutoff=cutoff):
            found += [pk for pk in sorted(by_word[close]) if pk not in found]
    return found


def suggestion(text, vocabulary):
    """ "Did you mean": `text` with each word replaced by the nearest word of `vocabulary`
    ({first letter: words}, see vocabulary()) that begins with the same letter (a
    misspelling seldom changes the first letter) and is about as long, or None when no
    word changes."""
    changed, out = False, []
    for word in WORD.findall(text):
        folded = fold(word)
        near = vocabulary.get(folded[:1], frozenset())
        if folded in STOP_WORDS or folded in near:
            out.append(word)
            continue
        near = [other for other in near if abs(len(other) - len(folded)) <= 3]
        close = difflib.get_close_matches(folded, near, n=1, cutoff=0.7)
        out.append(close[0] if close else word)
        changed |= bool(close)
    return " ".join(out) if changed else None


# Where "did you mean" takes its words: (model, column).
VOCABULARY = (
    ("Historian", "name"),
    ("School", "name"),
    ("Work", "title"),
    ("Topic", "title"),
    ("Question", "title"),
)
# Kinds with drafts, whose drafts' titles are never offered.
PUBLISHED = {"Question", "Topic", "Historian", "Work"}
VOCABULARY_KEY_PREFIX = "search:vocabulary:v1:"


def vocabulary():
    """{first letter: frozenset of words}: the words (folded, three letters or more) of
    every published name and title, which "did you mean" draws from. With a shared cache
    (CARD_CACHE_SECONDS) it is kept there under the cache generation, which every
    committed write to the scholarship replaces: one read per misspelt search instead of a
    trigram match of each word against every title (10-30 ms over 12,000 works, and blind
    to "econmy" for "economy", which shares too few trigrams with it)."""
    if not settings.CARD_CACHE_SECONDS:
        return _read_vocabulary()
    try:
        key = VOCABULARY_KEY_PREFIX + _current_generation(cache.get_many([GENERATION_KEY]))
        found = cache.get(key)
    except Exception:  # the cache being down: read the words rather than fail
        logger.exception("Search vocabulary cache unavailable")
        return _read_vocabulary()
    if found is None:
        found = _read_vocabulary()
        try:
            cache.set(key, found, timeout=settings.CARD_CACHE_SECONDS)
        except Exception:
            logger.exception("Search vocabulary cache unavailable")
    return found


def _read_vocabulary():
    from django.apps import apps

    words = {}
    for model_name, column in VOCABULARY:
        model = apps.get_model("historiography", model_name)
        rows = model.objects.published() if model_name in PUBLISHED else model.objects.all()
        for value in rows.order_by().values_list(column, flat=True):
            for word in WORD.findall(fold(value)):
                if len(word) > 2:
                    words.setdefault(word[0], set()).add(word)
    return {letter: frozenset(found) for letter, found in words.items()}
