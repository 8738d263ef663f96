"""Snippets: the matching words marked in an escaped text cut around the first match."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

from .words import WORD, fold

SUFFIXES = ("ization", "isation", "ations", "ation", "ings", "ing", "ies", "ied", "ed", "es", "s", "ism", "ist", "y")


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

    def matches(token):
        folded = fold(token)
        return _stem(folded) in stems or any(len(s) > 3 and s in folded for s in stems)

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
