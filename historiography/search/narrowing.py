"""Two readings of what was typed that narrow what is found, on both databases:

- a person's name among other words ("Conquest famine"): that person's arguments and
  estimates that have the other words, first among their kind, whether or not their own
  text names the person;
- a word left out ("famine -ukraine") leaves out the debates whose own words have it,
  with their sides, arguments and estimates, not only the rows that say it themselves.
"""

import re
from functools import reduce
from operator import or_

from django.db import connection
from django.db.models import F, Q

from . import postgresql, sqlite
from .words import Query, Term, tokens

# People whose arguments a name among other words narrows to.
AUTHORS = 5
# The question each kind belongs to.
QUESTION = {"argument": "position__question_id", "estimate": "question_id"}


def _backend():
    return sqlite if connection.vendor == "sqlite" else postgresql


def named_people(people, words):
    """([id], rest): the people of `people` (at most AUTHORS) whose name has some of
    `words` but not all, and the words no such name has. One query, run only for two
    words or more. A word is matched as a case-insensitive regular expression of itself,
    which PostgreSQL's trigram index on names serves (`icontains` is UPPER(name) LIKE,
    which no index serves: a scan of every name, 6 ms over 5,000 people)."""
    if len(words) < 2:
        return [], list(words)
    rows = people.filter(reduce(or_, (Q(name__iregex=re.escape(word)) for word in words)))
    ids, named = [], set()
    for pk, name in rows.order_by().values_list("pk", "name")[:50]:
        has = set(words) & set(tokens(name))
        if has and has != set(words) and len(ids) < AUTHORS:
            ids.append(pk)
            named |= has
    return ids, [word for word in words if word not in named]


def by_named_people(querysets, query):
    """(people ids, {kind: [(pk, rank, question id)]}) of the arguments and estimates of
    the people named among the words typed that have the other words (and none left out),
    best first; (None, {}) when no person is named beside other words. Three queries,
    only then."""
    if len(query.groups) != 1:
        return None, {}
    ids, rest = named_people(querysets["person"], query.words)
    if not ids or not rest:
        return None, {}
    rest_query = Query(groups=[[Term((word,)) for word in rest]], excluded=query.excluded)
    found = {}
    for kind, question in QUESTION.items():
        theirs = querysets[kind].filter(historian__in=ids).order_by()
        kept = theirs.annotate(kept_id=F("pk"), kept_extra=F(question)).values_list("kept_id", "kept_extra")
        found[kind] = _backend().ranked_among(kind, rest_query, *kept.query.sql_with_params())
    return ids, found


def left_out_questions(query):
    """The ids of the questions whose own words have a term left out ("-ukraine"): one
    query, only when something is left out."""
    if not query.excluded:
        return set()
    return _backend().matching_ids("question", Query(groups=[list(query.excluded)]))
