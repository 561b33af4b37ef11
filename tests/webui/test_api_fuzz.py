"""Property-based fuzz of /api/v1 against its own OpenAPI document (schemathesis): no 5xx, no response
that breaks the schema. Kept small for `make test`; `make soak` is the place for long runs."""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from schemathesis.specs.openapi.checks import content_type_conformance
from schemathesis.specs.openapi.checks import response_schema_conformance
from schemathesis.specs.openapi.checks import status_code_conformance

from engine.accounts import create_api_token
from tests.support.samples import REPORT
from tests.support.samples import actor_for
from webui import create_app
from workflows.child_protection.process import open_case


@pytest.fixture
def fuzz_app(sqlite_engine):
    open_case(sqlite_engine, REPORT, actor_for(sqlite_engine, "tongdai111"))
    app = create_app({"SECRET_KEY": "k", "DATABASE_URL": sqlite_engine.db.url}, engine=sqlite_engine)
    app.config["FUZZ_TOKEN"] = create_api_token(sqlite_engine, "canbo.x01", "fuzz")
    return app


def not_a_server_error(ctx, response, case):
    assert response.status_code < 500, f"server error {response.status_code}: {response.text[:300]}"


def test_api_never_fails_and_matches_its_schema(fuzz_app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzz_app)
    headers = {"Authorization": f"Bearer {fuzz_app.config['FUZZ_TOKEN']}"}
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 7

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=500 if os.environ.get("BVTE_SOAK") else 25, deadline=None,
                  suppress_health_check=list(HealthCheck), database=None,
                  derandomize=not os.environ.get("BVTE_SOAK"))   # CI: the same examples every run
        def run(case):
            case.call_and_validate(headers=headers, checks=checks)

        run()
