"""Concurrent sessions against the real server (the client of `make bench`, benchmarks/sessions.py):
a small smoke of 4 sessions over 5 pages with a filter change each: no error, every step answered,
and every session saw the same charts and metrics (shared caches must not leak between sessions)."""
from __future__ import annotations

import asyncio
import concurrent.futures
from urllib.parse import urlparse

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _run(coroutine):
    """Run the client on its own event loop in a worker thread (Playwright's sync API, used by the
    other end-to-end tests, keeps an event loop running in the main thread)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_concurrent_sessions_see_the_same_numbers(server):
    from benchmarks.pages import CONCURRENT_PAGES
    from benchmarks.sessions import concurrent_sessions

    port = urlparse(server).port
    result = _run(concurrent_sessions(port, 4, CONCURRENT_PAGES, timeout=120))
    assert result["errors"] == []
    assert len(result["times"]) == 4 * 2 * len(CONCURRENT_PAGES)  # a load and a filter change per page
    assert result["identical"], result["differing"]
    assert result["steps_compared"] == 2 * len(CONCURRENT_PAGES)


def test_a_filter_change_changes_what_is_shown(server):
    """The session client's filter change is a real change (the digest differs from the load)."""
    from benchmarks.sessions import SESSION_FILTERS, Session

    async def run():
        session = Session(urlparse(server).port)
        await session.open()
        try:
            _, before, _ = await session.run("compare")
            key, kind = SESSION_FILTERS["compare"]
            _, after, exceptions = await session.run("compare", widget_states=session.changed(key, kind, 0))
            return before, after, exceptions
        finally:
            await session.close()

    before, after, exceptions = _run(run())
    assert exceptions == 0 and before != after
