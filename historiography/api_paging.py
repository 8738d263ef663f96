"""Pages of the API's lists without an exact COUNT over a big table.

An exact `COUNT(*)` of 100,000 published arguments took 37–95 ms a page, more than the
page itself. Here a list page costs its rows and one bounded count:

- the rows of the page and one more: whether there is a next page comes from the rows,
  never from a count, so `next` links walk through every row reliably, however the
  count was arrived at (and a page past the last is a 404, as before);
- the count, exact up to EXACT_COUNT_LIMIT rows (`SELECT COUNT(*)` over at most that many
  plus one: a few milliseconds at most);
- past that, on PostgreSQL, the planner's estimate of the list's rows (an EXPLAIN, one
  more query, planning only), never less than what is known to be there; elsewhere an
  exact count. The response says which: `count_is_estimate`.

`?page=` works as before; `?page=last` is gone (it would need the exact count).

A list ordered by id alone (the arguments, new ones last) also takes `?after=<id>`: the
rows after that one, found through the primary key's index however deep, where an
`OFFSET` reads and drops every row before the page (page 1,000 of 100,000 arguments:
~300 ms). Its `next` links use it, so a harvester following them never pays an
offset; `previous` is then not given (follow `next` from the start, or use `?page=`).
"""

import json

from django.db import connections
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from .validators import whole_number

EXACT_COUNT_LIMIT = 1_000
# Beyond any list's last page; keeps the OFFSET within what a database takes.
MAX_PAGE = 10**9
MAX_ID = 2**63 - 1  # a bigint


def ordered_by_id(queryset) -> bool:
    return tuple(queryset.query.order_by) in {("pk",), ("id",)}


def planned_rows(queryset) -> int | None:
    """The planner's estimate of how many rows `queryset` has (PostgreSQL), else None."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):  # a driver that does not decode json
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def bounded_count(queryset, *, limit=None) -> tuple[int, bool]:
    """(count, is_estimate): exact up to `limit` rows, the planner's estimate beyond."""
    limit = EXACT_COUNT_LIMIT if limit is None else limit
    rows = queryset.order_by().values("pk")
    count = rows[: limit + 1].count()
    if count <= limit:
        return count, False
    estimate = planned_rows(queryset)
    if estimate is None:
        return rows.count(), False
    return max(estimate, count), True


class EstimatedCountPagination(PageNumberPagination):
    """Page numbers, 50 rows a page, with a count that is exact when cheap and says when it
    is an estimate (see the module docstring)."""

    cursor_query_param = "after"

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        size = self.get_page_size(request)
        self.by_id = ordered_by_id(queryset)
        after = request.query_params.get(self.cursor_query_param) if self.by_id else None
        if after is not None:
            after = whole_number(after, below=MAX_ID + 1)
            if after is None:
                raise ValidationError({self.cursor_query_param: ["Enter the id of a row: a whole number."]})
            self.number, offset = None, 0
            rows = list(queryset.filter(pk__gt=after)[: size + 1])
        else:
            self.number = whole_number(request.query_params.get(self.page_query_param, "1"), below=MAX_PAGE + 1)
            if not self.number:  # not a whole number, 0 or past MAX_PAGE
                raise NotFound(self.invalid_page_message)
            offset = (self.number - 1) * size
            rows = list(queryset[offset : offset + size + 1])
            if not rows and self.number > 1:
                raise NotFound(self.invalid_page_message)
        self.has_next = len(rows) > size
        self.page_rows = rows[:size]
        count, self.count_is_estimate = bounded_count(queryset)
        self.count = max(count, offset + len(rows))  # never fewer than the rows seen
        return self.page_rows

    def get_next_link(self):
        if not self.has_next:
            return None
        url = self.request.build_absolute_uri()
        if self.by_id:
            url = remove_query_param(url, self.page_query_param)
            return replace_query_param(url, self.cursor_query_param, self.page_rows[-1].pk)
        return replace_query_param(url, self.page_query_param, self.number + 1)

    def get_previous_link(self):
        if self.number in (None, 1):
            return None
        url = self.request.build_absolute_uri()
        if self.number == 2:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, self.number - 1)

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.count,
                "count_is_estimate": self.count_is_estimate,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["count"]["description"] = (
            f"How many rows the list has: exact up to {EXACT_COUNT_LIMIT:,}, beyond that possibly "
            "the database's estimate (see count_is_estimate). Follow `next` to the end for every row."
        )
        paginated["properties"]["count_is_estimate"] = {
            "type": "boolean",
            "description": "Whether `count` is an estimate rather than an exact count.",
        }
        paginated["required"] = [*paginated.get("required", []), "count_is_estimate"]
        return paginated

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}
        if ordered_by_id(view.get_queryset()):
            parameters.append(
                {
                    "name": self.cursor_query_param,
                    "required": False,
                    "in": "query",
                    "description": "The rows after the one with this id (what `next` links use).",
                    "schema": {"type": "integer", "minimum": 0, "maximum": MAX_ID},
                }
            )
        return parameters
