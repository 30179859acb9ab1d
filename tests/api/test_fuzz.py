"""A property-based fuzz of the OpenAPI description (schemathesis): no request the description
allows, nor the malformed ones it generates from it, gets a server error (5xx)."""
from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

import api

_APP = api.asgi_app()
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", _APP)


@pytest.fixture(autouse=True)
def _database(monkeypatch, built_db):
    monkeypatch.setenv("MC2CM_DB", str(built_db))


@schema.exclude(path="/chart/{view}.{ext}").parametrize()
@settings(max_examples=int(os.environ.get("MC2CM_FUZZ_EXAMPLES", 40)), deadline=None,
          suppress_health_check=list(HealthCheck))
def test_no_request_gets_a_server_error(case):
    response = case.call()
    assert response.status_code < 500, (case.as_curl_command(), response.status_code, response.text[:300])
    if response.status_code >= 400:  # every refusal is a JSON message
        assert response.json()["error"]["message"], case.as_curl_command()


@schema.include(path="/chart/{view}.{ext}").parametrize()
@settings(max_examples=int(os.environ.get("MC2CM_FUZZ_CHART_EXAMPLES", 25)), deadline=None,
          suppress_health_check=list(HealthCheck))
def test_no_chart_request_gets_a_server_error(case):
    response = case.call()
    assert response.status_code < 500 or response.status_code == 503, (case.as_curl_command(), response.text[:300])
    if response.status_code >= 400:
        assert response.json()["error"]["message"], case.as_curl_command()
