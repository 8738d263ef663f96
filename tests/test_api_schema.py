"""The API against its own OpenAPI schema, with schemathesis: for every operation, requests
generated from the schema (valid and invalid filters, slugs, pages) sent in-process to the
WSGI app; each answer must be no 5xx, a documented status code (the 400s and 404s
included), the documented content type, and a body the schema describes (nullable where a
row can hold null). Derandomized with a fixed number of examples, so CI is stable."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks

from config.wsgi import application

from .factories import ArgumentFactory, EstimateFactory, HistorianFactory, SchoolFactory, make_question

EXAMPLES = 25
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]


@pytest.fixture
def connections_kept():
    """Django closes the connection after each request, which would end the test's
    transaction on PostgreSQL; its test client unhooks that, and so does this for the WSGI
    calls."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def scholarship(db, connections_kept):
    """Rows of every kind, with the nullable links null: an argument without a work, an
    estimate without a historian or a work."""
    school = SchoolFactory(slug="revisionist")
    historian = HistorianFactory(slug="conquest", schools=[school], born=None, died=None)
    question = make_question(slug="famine")
    ArgumentFactory(slug="with-work", historian=historian, position=question.positions.first(), tags=["famine"])
    ArgumentFactory(slug="no-work", historian=historian, work=None, year=None, position=question.positions.last())
    EstimateFactory(slug="deaths", question=question, historian=None, work=None, year=None)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_to_its_schema(case, scholarship):
    case.call_and_validate(checks=CHECKS)
