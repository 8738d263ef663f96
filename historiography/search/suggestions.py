"""Typo tolerance for names where there is no trigram index, and "did you mean"."""

import difflib

from .words import STOP_WORDS, WORD, fold


def similar_names(names, words, cutoff=0.8):
    """The ids of `names` ((id, name) pairs) with a word close to one of `words`: the
    typo tolerance for names where there is no trigram index (SQLite)."""
    by_word = {}
    for pk, name in names:
        for word in WORD.findall(fold(name)):
            by_word.setdefault(word, set()).add(pk)
    found = []
    for word in words:
        if len(word) < 4:
            continue
        for close in difflib.get_close_matches(word, by_word, n=3, cutoff=cutoff):
            found += [pk for pk in sorted(by_word[close]) if pk not in found]
    return found


def suggestion(text, vocabulary):
    """ "Did you mean": `text` with each word replaced by the nearest of `vocabulary`, or
    None when no word changes."""
    vocabulary = {fold(word) for entry in vocabulary for word in WORD.findall(entry) if len(word) > 2}
    changed, out = False, []
    for word in WORD.findall(text):
        folded = fold(word)
        if folded in STOP_WORDS or folded in vocabulary:
            out.append(word)
            continue
        close = difflib.get_close_matches(folded, vocabulary, n=1, cutoff=0.7)
        out.append(close[0] if close else word)
        changed |= bool(close)
    return " ".join(out) if changed else None
