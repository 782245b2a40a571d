"""schemathesis: every API operation, called with data generated from the OpenAPI schema (valid
and, separately, invalid), answers as the schema says: no server error, documented status codes
and content types, bodies that match the documented shapes, invalid input refused. In-process
through the WSGI application.

schemathesis's own pytest plugin does not run under pytest 9 (it sets a private attribute that
pytest 9 removed), so each operation's Hypothesis strategy is driven here directly.
"""

from datetime import date

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from rest_framework.throttling import AnonRateThrottle
from schemathesis import GenerationMode

from tests.factories import make_response, policing_body

from .conftest import publish

pytestmark = pytest.mark.django_db

EXAMPLES = 25


@pytest.fixture
def api_schema(db, monkeypatch):
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from config.wsgi import application

    # As Django's test client does: the real WSGI handler would close the test's database
    # connection (and its transaction) at the end of every request.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        # Hundreds of calls in a few seconds: throttling has its own test (test_api.py).
        monkeypatch.setitem(AnonRateThrottle.THROTTLE_RATES, "anon", "1000000/minute")
        publish(recommendations=2, afis=1)
        publish(
            body=policing_body("suffolk-pcc"),
            report_published_on=date(2016, 5, 1),
            published_on=date(2016, 8, 1),
        )
        make_response(body=policing_body("essex-pfcc"))
        yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


def operations(schema):
    found = [result.ok() for result in schema.get_all_operations()]
    assert len(found) == 8
    return found


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_conforms_to_its_schema(api_schema, mode):
    for operation in operations(api_schema):

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            # The same examples on every run, so CI cannot fail by chance; raise EXAMPLES or
            # drop this locally to explore further.
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            case.call_and_validate()

        check()
