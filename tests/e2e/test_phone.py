"""Phones (issue 25): Overview, City, Compare and Spatial at 390x844 in English, French and
Arabic. No title, caption, source line or chart text runs past the right edge (every element's
``scrollWidth`` fits its ``clientWidth``, every text of a chart stays inside the chart), the
year labels of time axes do not overlap, each chart has at most 3 keyboard stops, and the
sidebar menu closes after a tap on one of its links. A screenshot of each page is saved under
tests/e2e/screenshots/phone/."""
from __future__ import annotations

import pytest

from tests.e2e import kit
from tests.e2e.test_languages import LANGS, PAGES

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}
PHONE_PAGES = ["overview", "city", "compare", "spatial"]
MAX_CHART_STOPS = 3

# What runs past its box on the page: text elements wider than their box, elements past the
# viewport's edges, chart texts outside their chart, overlapping tick labels of year axes,
# and the keyboard stops of each chart (the chart's own element, before its expanders).
MEASURE_JS = r"""() => {
  const vw = document.documentElement.clientWidth;
  const main = document.querySelector('[data-testid=stMain]');
  const clean = s => (s || '').replace(/\s+/g, ' ').trim().slice(0, 80);
  const wide = [];
  const texts = 'h1, h2, h3, [data-testid=stCaptionContainer], [data-testid=stMarkdownContainer], [data-testid=stMetricLabel], [data-testid=stPageLink]';
  for (const el of main.querySelectorAll(texts)) {
    if (!el.checkVisibility() || el.closest('[data-testid=stDataFrame], [data-testid=stCode]')) continue;
    const r = el.getBoundingClientRect();
    if (el.scrollWidth > el.clientWidth + 1 || r.right > vw + 1 || r.left < -1) wide.push(clean(el.innerText));
  }
  const charts = [];
  for (const gd of main.querySelectorAll('.js-plotly-plot')) {
    const box = gd.getBoundingClientRect();
    const outside = [];
    for (const t of gd.querySelectorAll('.infolayer text, .annotation-text, .xtick text, .ytick text, .legendtext, .bartext, .textpoint text')) {
      if (!t.textContent.trim()) continue;
      const r = t.getBoundingClientRect();
      if (r.width === 0) continue;
      if (r.left < box.left - 2 || r.right > box.right + 2 || r.right > vw + 1) outside.push(clean(t.textContent));
    }
    const ticks = [...gd.querySelectorAll('.xtick text')].map(t => t.getBoundingClientRect()).filter(r => r.width)
      .sort((a, b) => a.left - b.left);
    let overlaps = 0;
    for (let i = 1; i < ticks.length; i++) if (ticks[i].left < ticks[i - 1].right - 1 && Math.abs(ticks[i].top - ticks[i - 1].top) < 4) overlaps++;
    const element = gd.closest('[data-testid=stElementContainer]') || gd;
    const stops = [...element.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')]
      .filter(e => e.tabIndex >= 0 && !e.disabled).length;
    charts.push({title: clean((gd.querySelector('.gtitle') || {}).textContent), width: Math.round(box.width), outside, overlaps, stops});
  }
  return {vw, page: document.scrollingElement.scrollWidth, main: [main.scrollWidth, main.clientWidth], wide, charts};
}"""


def _phone_context(browser, server: str | None = None):
    """A phone's browser; with ``server``, one that has visited the app before (its narrow-screen
    cookie is set: the first visit draws the page once more, see test_the_first_visit_is_redrawn_for_a_phone)."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=1)
    if server:
        from ui.render import NARROW_COOKIE

        context.add_cookies([{"name": NARROW_COOKIE, "value": "1", "url": server}])
    return context


def _sidebar_open(page) -> bool:
    box = page.locator("[data-testid=stSidebar]").bounding_box()
    return bool(box and box["width"] > 50 and box["x"] + box["width"] > 50 and box["x"] < PHONE["width"] - 50)


def _screenshot(page, path) -> None:
    height = page.evaluate("Math.max(document.querySelector('[data-testid=stMain]').scrollHeight, 844)")
    page.set_viewport_size({"width": PHONE["width"], "height": min(int(height) + 40, 16000)})
    page.wait_for_timeout(1000)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(PHONE)


@pytest.fixture(scope="module")
def phone(browser, server):
    context = _phone_context(browser, server)
    yield context
    context.close()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", PHONE_PAGES)
def test_nothing_runs_past_the_right_edge_at_390(server, phone, lang, name):
    page = phone.new_page()
    try:
        page.goto(f"{server}/{PAGES[name]}?lang={lang}")
        page.wait_for_selector("[data-testid='stAppViewContainer'] h1", timeout=60000)
        view = kit.settle(page)
        assert view["errors"] == 0
        measured = page.evaluate(MEASURE_JS)
        _screenshot(page, kit.SHOTS / "phone" / f"{lang}-{name}.png")
    finally:
        page.close()
    assert measured["vw"] == PHONE["width"]
    assert measured["page"] <= PHONE["width"] and measured["main"][0] <= measured["main"][1], measured["main"]
    assert measured["wide"] == [], f"texts wider than their box: {measured['wide']}"
    assert measured["charts"], "no chart drawn"
    for chart in measured["charts"]:
        assert chart["width"] <= PHONE["width"], chart
        assert chart["outside"] == [], f"chart texts past the chart's edge in {chart['title']!r}: {chart['outside']}"
        assert chart["overlaps"] == 0, f"overlapping axis labels in {chart['title']!r}"
        assert chart["stops"] <= MAX_CHART_STOPS, f"{chart['stops']} keyboard stops in {chart['title']!r}"


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_menu_closes_after_a_tap(server, browser, lang):
    context = _phone_context(browser, server)
    try:
        page = context.new_page()
        page.goto(f"{server}/city?lang={lang}")
        page.wait_for_selector("[data-testid='stAppViewContainer'] h1", timeout=60000)
        kit.settle(page)
        assert not _sidebar_open(page)
        page.locator("[data-testid=stExpandSidebarButton]").first.tap()
        link = page.locator("[data-testid=stSidebar] a[data-testid=stPageLink-NavLink][href^='compare']")
        link.wait_for(state="visible", timeout=10000)
        page.wait_for_timeout(600)  # the sidebar slides in
        assert _sidebar_open(page)
        link.tap()
        page.wait_for_url("**/compare**", timeout=30000)
        kit.settle(page)
        page.wait_for_timeout(600)
        assert not _sidebar_open(page), page.locator("[data-testid=stSidebar]").bounding_box()
    finally:
        context.close()


def test_the_first_visit_is_redrawn_for_a_phone(server, browser):
    """A phone that has never seen the app: the page sets its narrow-screen cookie and is drawn
    once more, with the charts' titles wrapped for the phone."""
    context = _phone_context(browser)
    try:
        page = context.new_page()
        page.goto(f"{server}/?lang=fr")
        page.wait_for_function("performance.getEntriesByType('navigation')[0].type === 'reload'", timeout=60000)
        page.wait_for_selector("[data-testid='stAppViewContainer'] h1", timeout=60000)
        kit.settle(page)
        assert "mc2cm_narrow=1" in page.evaluate("document.cookie")
        measured = page.evaluate(MEASURE_JS)
        assert measured["charts"] and all(c["outside"] == [] for c in measured["charts"]), measured["charts"]
    finally:
        context.close()
