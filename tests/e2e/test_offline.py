"""Nothing leaves the machine (issue 25): every page in English, French and Arabic is opened in
headless Chromium while every request the page makes is recorded; any request to a host other
than the app's own fails the test (the favicon is ui/assets/favicon.png, maps use MapLibre's
"white-bg" style with no tiles, fonts or glyphs)."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.e2e import kit
from tests.e2e.test_languages import LANGS, PAGES

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

LOCAL_SCHEMES = ("data", "blob", "about", "chrome-extension")


def outside(url: str, app_host: str) -> bool:
    """Whether ``url`` goes to another host than the app's (data:, blob: and about: stay inside)."""
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return False
    return parts.hostname != app_host


def test_outside_is_told_apart():
    """The rule of the test (broken once: a font host is outside, the app's own host is not)."""
    assert outside("https://fonts.gstatic.com/s/materialsymbols.woff2", "127.0.0.1")
    assert outside("http://localhost:8501/x", "127.0.0.1")  # another name is another host
    assert not outside("http://127.0.0.1:8525/_stcore/health", "127.0.0.1")
    assert not outside("data:image/png;base64,AAAA", "127.0.0.1")


@pytest.mark.parametrize("lang", LANGS)
def test_no_request_leaves_the_machine(server, browser, lang):
    app_host = urlsplit(server).hostname
    context = browser.new_context()
    requests: list[tuple[str, str]] = []
    icons: list[str] = []
    context.on("request", lambda request: requests.append((request.url, request.frame.url if request.frame else "")))
    try:
        for name, path in PAGES.items():
            page, view = kit.open_page(context, f"{server}/{path}?lang={lang}")
            assert view["errors"] == 0, name
            # the favicon is asked for once the page has loaded
            page.wait_for_timeout(500)
            icons += page.evaluate("[...document.querySelectorAll('link[rel*=icon]')].map(l => l.href)")
            page.close()
    finally:
        context.close()
    assert len(requests) > 20  # the recording works: every page loaded its scripts
    assert icons and all(not outside(href, app_host) for href in icons), icons  # the favicon is the app's own file
    leaving = sorted({url for url, _ in requests if outside(url, app_host)})
    assert leaving == [], f"requests to other hosts in {lang}: {leaving}"
