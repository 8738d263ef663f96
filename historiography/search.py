"""PostgreSQL full-text search over arguments, shaped so that every part of it uses an index.

Each text is searched on its own table through a GIN index of migration 0006: an
argument's claim and passage (a stored tsvector column), a historian's name, a work's
title (expression indexes, used only for the very same expression, hence the functions
here). Names and titles are matched in subqueries whose ids are OR'ed with the argument's
own match, so PostgreSQL answers the whole search with one BitmapOr of three index scans
instead of building a document across joins for every row.
"""

import re

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db.models import BooleanField, Expression, Func, IntegerField
from django.db.models.lookups import Exact

CONFIG = "english"
# websearch syntax: a "quoted phrase", -excluded, or.
OPERATORS = re.compile(r'"|(?:^|\s)-|\bor\b', re.IGNORECASE)


class ArgumentDocument(Expression):
    """An argument's claim and passage as a tsvector: the column PostgreSQL generates and
    stores (migration 0006). The model doesn't declare it, as SQLite has no tsvector."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f"{table}.search_document", []


def matching(queryset, field, query):
    """The ids of the rows whose `field` (a historian's name, a work's title) matches
    `query`, through the field's expression index."""
    return queryset.alias(document=SearchVector(field, config=CONFIG)).filter(document=query).order_by().values("pk")


def has_no_words(query):
    """True when `query` holds no word to look for (a stop word, punctuation). PostgreSQL
    evaluates it once while planning, so it costs nothing per row."""
    return Exact(Func(query, function="numnode", output_field=IntegerField()), 0)


def uses_operators(text):
    return bool(OPERATORS.search(text))


class InSubquery(Func):
    """`field = ANY(ARRAY(subquery))`. PostgreSQL runs the subquery once and can scan the
    field's index for the ids; `field IN (subquery)` under an OR becomes a filter applied
    to every row of the table instead."""

    output_field = BooleanField()

    def __init__(self, field, queryset):
        super().__init__(field, ArraySubquery(queryset))

    def as_sql(self, compiler, connection, **extra_context):
        field, array = self.get_source_expressions()
        field_sql, field_params = compiler.compile(field)
        array_sql, array_params = compiler.compile(array)
        return f"{field_sql} = ANY({array_sql})", (*field_params, *array_params)
