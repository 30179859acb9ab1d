"""End-to-end: an embedded chart of every kind in the suggested 960x600 iframe
(``figures.cite.embed_snippet``) shows its source line and a link back to the full view inside
the frame (screenshot and element boxes in headless Chromium; screenshots in tests/e2e/screenshots)."""
from __future__ import annotations

import pytest

from figures.cite import EMBED_HEIGHT, EMBED_WIDTH
from i18n import t
from tests.e2e import kit

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

COMPARED = "madrid,vienna,lyon,amman,tunis"
CASES = [  # (kind, page and view, chart key, language)
    ("bar", f"compare?cities={COMPARED}", "bars", "en"),
    ("bar", f"compare?cities={COMPARED}", "bars", "ar"),
    ("line", f"compare?cities={COMPARED}", "ts", "ar"),
    ("scatter", f"compare?cities={COMPARED}", "scatter", "fr"),
    ("map", "city?city=vienna", "dmap", "en"),
    ("map", "?", "network_map", "fr"),  # the default page (Overview)
    ("heatmap", "coverage?", "matrix", "en"),
]

# the bottom of every text of the source line, and of the link back, in page pixels
BOXES_JS = r"""(prefix) => {
  const out = {source: null, link: null, charts: document.querySelectorAll('.js-plotly-plot').length};
  for (const g of document.querySelectorAll('.js-plotly-plot g.annotation')) {
    if (!(g.textContent || '').trim().startsWith(prefix)) continue;
    const r = g.getBoundingClientRect();
    out.source = {top: r.top, bottom: r.bottom, left: r.left, right: r.right};
  }
  const a = document.querySelector('.mc2cm-embed-back a');
  if (a && a.checkVisibility()) {
    const r = a.getBoundingClientRect();
    out.link = {top: r.top, bottom: r.bottom, left: r.left, right: r.right, href: a.href};
  }
  return out;
}"""


@pytest.mark.parametrize("kind,view,key,lang", CASES, ids=[f"{c[0]}-{c[2]}-{c[3]}" for c in CASES])
def test_an_embed_shows_its_source_line_and_a_link_back_inside_the_frame(server, browser, kind, view, key, lang):
    context = browser.new_context(viewport={"width": EMBED_WIDTH, "height": EMBED_HEIGHT})
    try:
        page = context.new_page()
        sep = "&" if "=" in view else ""
        page.goto(f"{server}/{view}{sep}lang={lang}&embed=true&chart={key}")
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=90000)
        page.wait_for_selector(".mc2cm-embed-back a", timeout=30000)
        prefix = t("source_is", lang, publisher="").strip()
        boxes = None
        for _ in range(40):  # until the chart has been laid out (annotations drawn)
            page.wait_for_timeout(500)
            boxes = page.evaluate(BOXES_JS, prefix)
            if boxes["source"] and boxes["link"]:
                break
        kit.SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(kit.SHOTS / f"embed-{kind}-{key}-{lang}.png"))
        scroll = page.evaluate("() => [document.scrollingElement.scrollHeight, window.innerHeight]")
        dialogs = page.evaluate("() => [...document.querySelectorAll('[data-testid=stDialog]')].map(d => d.innerText)")
    finally:
        context.close()
    assert not dialogs, dialogs
    assert boxes["charts"] == 1, "one chart alone"
    source, link = boxes["source"], boxes["link"]
    assert source, "no source line drawn"
    assert 0 <= source["top"] and source["bottom"] <= EMBED_HEIGHT, f"source line outside the frame: {source}"
    assert 0 <= source["left"] and source["right"] <= EMBED_WIDTH, f"source line cut at a side: {source}"
    assert link, "no link back to the full view"
    assert link["bottom"] <= EMBED_HEIGHT and link["top"] >= source["bottom"] - 40, f"link back outside the frame: {link}"
    assert "chart=" not in link["href"] and "embed=" not in link["href"] and f"lang={lang}" in link["href"]
    assert scroll[0] <= scroll[1] + 2, f"the embed scrolls: {scroll}"
