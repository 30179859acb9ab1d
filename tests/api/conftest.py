"""The API through its ASGI application (Starlette's test client), on the full database."""
from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="module")
def client(built_db):
    from starlette.testclient import TestClient

    import api

    old = os.environ.get("MC2CM_DB")
    os.environ["MC2CM_DB"] = str(built_db)
    with TestClient(api.asgi_app()) as test_client:
        yield test_client
    if old is None:
        os.environ.pop("MC2CM_DB", None)
    else:
        os.environ["MC2CM_DB"] = old
