"""The public, read-only data API on the Streamlit server (``serve.py``: ``st.App("app.py",
routes=api.routes(), middleware=api.middleware())``).

- ``/api/v1/...``: JSON and CSV of the catalog, the observations, a city profile and a
  comparison (the content layer's sections: the same facts, caveats and gaps as the pages),
  district counts and boundaries, segregation indices, citations, an Atom feed
  (:mod:`api.resources`; described at ``/api/v1/openapi.json``, docs/api.md);
- ``/chart/<view>.png|svg``: the page's chart as an image (:mod:`api.charts`);
- Open Graph and Twitter meta tags on every page (:mod:`api.meta`).

Every answer carries the data version (``X-Data-Version``), an ``ETag`` and ``Cache-Control``;
a URL with ``v=<data version>`` is immutable. Errors are JSON with a 4xx status, never a traceback.
"""
from __future__ import annotations


def routes() -> list:
    """The Starlette routes of the API and the chart images (for ``st.App(routes=...)``)."""
    from api.server import all_routes

    return all_routes()


def middleware() -> list:
    """The Starlette middleware that puts Open Graph / Twitter meta tags into the pages' HTML."""
    from starlette.middleware import Middleware

    from api.meta import MetaTags

    return [Middleware(MetaTags)]


def asgi_app():
    """The API alone as a Starlette application (tests, benchmarks): the same routes and
    middleware as the served app, without the Streamlit runtime."""
    from starlette.applications import Starlette

    return Starlette(routes=routes(), middleware=middleware())
