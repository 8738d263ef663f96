"""Snippets: the matching words marked in an escaped text cut around the first match."""

from functools import lru_cache

from django.utils.html import escape
from django.utils.safestring import mark_safe

from .words import WORD, fold

SUFFIXES = ("ization", "isation", "ations", "ation", "ings", "ing", "ies", "ied", "ed", "es", "s", "ism", "ist", "y")


@lru_cache(maxsize=4096)
def _stem(word):
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def highlight(text, words, length=240):
    """`text` escaped, cut to about `length` characters around the first match, with the
    words that match (by the same folding and a rough stem) in <mark>."""
    stems = {_stem(word) for word in words}
    length = length or len(text)

    long_stems = [s for s in stems if len(s) > 3]
    seen = {}  # token: whether it matches (a card's passage repeats its words)

    def matches(token):
        if token not in seen:
            folded = fold(token)
            seen[token] = _stem(folded) in stems or any(s in folded for s in long_stems)
        return seen[token]

    tokens = list(WORD.finditer(text))
    hits = [t for t in tokens if matches(t.group())]
    start = 0
    if len(text) > length and hits:
        start = max(0, hits[0].start() - length // 3)
        start = text.rfind(" ", 0, start) + 1 if start else 0
    end = min(len(text), start + length)
    if end < len(text):
        end = text.rfind(" ", start, end) if text.rfind(" ", start, end) > start else end
    out, cursor = [], start
    for token in tokens:
        if token.start() < start or token.end() > end:
            continue
        if matches(token.group()):
            out += [escape(text[cursor : token.start()]), "<mark>", escape(token.group()), "</mark>"]
            cursor = token.end()
    out.append(escape(text[cursor:end]))
    return mark_safe(("…" if start else "") + "".join(out) + ("…" if end < len(text) else ""))
