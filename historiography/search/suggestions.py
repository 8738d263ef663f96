"""Typo tolerance for names where there is no trigram index, and "did you mean"."""

import difflib

from .words import STOP_WORDS, WORD, fold


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


# Where "did you mean" takes its words: (model, column); each column has a trigram index
# on PostgreSQL (migrations 0014 and 0015).
VOCABULARY = (
    ("Historian", "name"),
    ("School", "name"),
    ("Work", "title"),
    ("Topic", "title"),
    ("Question", "title"),
)


# Kinds with drafts, whose drafts' titles are never offered.
PUBLISHED = {"Question", "Topic", "Historian", "Work"}


def vocabulary(words):
    """The names and titles "did you mean" may draw from. SQLite: all of them (a small
    dataset). PostgreSQL: those with a word near one of `words` (trigram word similarity
    through each column's trigram index), in one query."""
    from django.apps import apps
    from django.db import connection

    models = [(apps.get_model("historiography", model), column) for model, column in VOCABULARY]
    if connection.vendor == "sqlite":
        for model, column in models:
            rows = model.objects.published() if model.__name__ in PUBLISHED else model.objects.all()
            yield from rows.values_list(column, flat=True)
        return
    words = [word for word in words if len(word) > 2][:6]
    if not words:
        return
    parts, params = [], []
    for model, column in models:
        for word in words:
            published = " AND status = 'published'" if model.__name__ in PUBLISHED else ""
            # No LIMIT: with one the planner reads the table in order, testing every title.
            parts.append(f"(SELECT DISTINCT {column} FROM {model._meta.db_table} WHERE {column} %%> %s{published})")
            params.append(word)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        yield from (row[0] for row in cursor.fetchall())
