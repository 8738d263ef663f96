"""PostgreSQL: each kind's tsvector (the expression its GIN index holds) and the query."""

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db.models import Expression

from .index import CONFIG, postgresql_document
from .words import spellings


class Document(Expression):
    """A kind's tsvector, the very expression its GIN index holds (an argument's is the
    stored column `search_document`)."""

    output_field = SearchVectorField()

    def __init__(self, kind):
        super().__init__()
        self.kind = kind

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        if self.kind == "argument":
            return f"{table}.search_document", []
        return postgresql_document(self.kind, table.strip('"')), []


def postgresql_query(words, any_word):
    terms = ["(" + " | ".join(spellings(word)) + ")" for word in words]
    return SearchQuery((" | " if any_word else " & ").join(terms), search_type="raw", config=CONFIG)
