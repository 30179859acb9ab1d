"""Helpers of the end-to-end tests: open a page and wait until Streamlit has settled, read the
view (selected widget values and the numbers shown), operate widgets as a person would."""
from __future__ import annotations

import json
import time
from pathlib import Path

VIEWPORT = {"width": 1440, "height": 900}
SHOTS = Path(__file__).resolve().parent / "screenshots"

# What a person sees of the view, read from the DOM: every widget's label and selected value,
# every chart's text (titles, ticks, legends, source lines) and the values of its traces,
# every metric, every data frame's row count and every markdown text.
SNAPSHOT_JS = r"""() => {
  const main = document.querySelector('[data-testid=stMain]');
  if (!main || !main.querySelector('h1')) return null;
  const app = document.querySelector('[data-testid=stApp]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return null;  // Streamlit's own run state
  if (document.querySelector('[data-testid=stStatusWidget]')) return null;
  if (main.querySelector('[data-stale=true], [data-testid=stSkeleton]')) return null;
  for (const c of main.querySelectorAll('[data-testid=stPlotlyChart]')) if (!c.querySelector('.main-svg')) return null;
  const clean = s => (s || '').replace(/\s+/g, ' ').trim();
  const widgets = [];
  main.querySelectorAll('[data-testid=stSelectbox],[data-testid=stMultiSelect],[data-testid=stSlider],[data-testid=stButtonGroup],[data-testid=stRadio]').forEach(e => {
    const kind = e.getAttribute('data-testid');
    const label = clean((e.querySelector('[data-testid=stWidgetLabel]') || {}).innerText);
    let value;
    if (kind === 'stSelectbox') value = e.querySelector('input').value;
    else if (kind === 'stMultiSelect') value = [...e.querySelectorAll('[data-tag]')].map(t => t.getAttribute('aria-label')).join(',');
    else if (kind === 'stSlider') value = [...e.querySelectorAll('input[type=range]')].map(i => i.value).join('-');
    else if (kind === 'stRadio') value = [...e.querySelectorAll('input:checked')].map(i => clean(i.closest('label').innerText)).join(',');
    else value = [...e.querySelectorAll('[role=radio][aria-checked=true], [role=checkbox][aria-checked=true], button[aria-pressed=true]')].map(b => clean(b.innerText)).join(',');
    widgets.push(label + '=' + value);
  });
  const charts = [...main.querySelectorAll('.js-plotly-plot')].map(gd => ({
    text: clean([...gd.querySelectorAll('svg.main-svg')].map(s => s.textContent).join(' ')),
    traces: (gd.data || []).map(tr => JSON.stringify([tr.type, tr.name, tr.x, tr.y, tr.z, tr.locations, tr.lat, tr.lon, tr.text, tr.customdata])),
  }));
  const metrics = [...main.querySelectorAll('[data-testid=stMetric]')].map(m => clean(m.innerText));
  const frames = [];
  for (const d of main.querySelectorAll('[data-testid=stDataFrame]')) {
    if (!d.checkVisibility()) continue;  // inside a closed expander: not drawn yet
    const g = d.querySelector('table[aria-rowcount]');
    if (!g) return null;
    frames.push(Number(g.getAttribute('aria-rowcount')) - 1);
  }
  const text = [...main.querySelectorAll('[data-testid=stMarkdownContainer], [data-testid=stAlert]')]
    .filter(m => !m.closest('[data-testid=stWidgetLabel], [data-testid=stTooltipContent], [data-testid=stSliderThumbValue], [data-testid=stSliderTickBar], [data-testid=stButtonGroup], [data-testid=stPageLink]'))
    .map(m => clean(m.innerText)).filter(Boolean);
  const errors = main.querySelectorAll('[data-testid=stException]').length;
  const dialogs = [...document.querySelectorAll('[data-testid=stDialog]')].map(d => clean(d.innerText));
  return {widgets, charts, metrics, frames, text, errors, dialogs};
}"""


def settle(page, timeout: float = 90.0, quiet: float = 0.5) -> dict:
    """Wait until the script run has finished and every chart is drawn, and the view read
    twice ``quiet`` seconds apart is the same; return that view."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        page.wait_for_timeout(int(quiet * 1000))
        now = page.evaluate(SNAPSHOT_JS)
        if now is not None and now == last:
            return now
        last = now
    raise AssertionError(f"the page did not settle within {timeout:.0f} s: {page.url}")


def open_page(context_or_browser, url: str):
    """A new tab at ``url`` (1440x900), settled; returns (page, view)."""
    page = context_or_browser.new_page()
    page.set_viewport_size(VIEWPORT)
    page.goto(url)
    page.wait_for_selector("[data-testid='stAppViewContainer'] h1", timeout=60000)
    return page, settle(page)


class Tabs:
    """Tabs of one browser context opened ahead of need: while one page is read, the next
    ``ahead`` planned pages load (the server runs their scripts, the browser draws them), and
    the context's cache keeps Streamlit's and Plotly's scripts between pages."""

    def __init__(self, context, plan: list[str], ahead: int = 2):
        self.context = context
        self.plan = list(plan)
        self.ahead = ahead
        self.opened: dict[str, object] = {}

    def _start(self, url: str) -> None:
        if url not in self.opened:
            page = self.context.new_page()
            page.set_viewport_size(VIEWPORT)
            page.goto(url, wait_until="commit")
            self.opened[url] = page

    def open(self, url: str):
        """The settled page at ``url`` (and the next planned pages started); returns (page, view)."""
        self._start(url)
        if url in self.plan:
            i = self.plan.index(url)
            for nxt in self.plan[i + 1:i + 1 + self.ahead]:
                self._start(nxt)
        page = self.opened.pop(url)
        page.wait_for_selector("[data-testid='stAppViewContainer'] h1", timeout=60000)
        return page, settle(page)

    def close(self) -> None:
        for page in self.opened.values():
            page.close()
        self.opened.clear()


def widget(page, kind: str, label: str):
    """The widget of Streamlit test id ``kind`` (stSelectbox, stMultiSelect, ...) whose label is ``label``."""
    label_locator = page.locator("[data-testid=stWidgetLabel]", has_text=label)
    return page.locator(f"[data-testid=stMain] [data-testid={kind}]").filter(has=label_locator).first


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the selectbox labelled ``label``, as a person does (open, click)."""
    field = widget(page, "stSelectbox", label).locator("input")
    field.click()
    field.fill(option)  # the list is virtualised: typing brings the option into it
    page.get_by_role("option", name=option, exact=True).click()


def add_to(page, label: str, option: str) -> None:
    """Add ``option`` to the multiselect labelled ``label``."""
    field = widget(page, "stMultiSelect", label).locator("input")
    field.click()
    field.fill(option)
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")


def remove_from(page, label: str, option: str) -> None:
    """Remove ``option`` from the multiselect labelled ``label`` (its tag's remove button)."""
    widget(page, "stMultiSelect", label).get_by_role("button", name=f"Remove {option}").click()


def press_segment(page, label: str, option: str) -> None:
    """Press ``option`` in the segmented control labelled ``label``."""
    widget(page, "stButtonGroup", label).get_by_role("radio", name=option, exact=True).click()


def slide(page, label: str, thumb: str, key: str, times: int) -> None:
    """Move the ``thumb`` ("start" or "end") of the slider labelled ``label`` with the keyboard."""
    handle = widget(page, "stSlider", label).locator(f"input[aria-label$='{thumb}']")
    handle.focus()
    for _ in range(times):
        handle.press(key)


def wait_for_param(page, key: str, value: str, timeout: float = 30000) -> None:
    """Wait until the app has written ``key=value`` to the URL (after a widget change)."""
    page.wait_for_function("([k, v]) => new URLSearchParams(location.search).get(k) === v", arg=[key, value],
                           timeout=timeout)


def params(url: str) -> dict:
    from urllib.parse import parse_qsl, urlsplit

    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def full_page_screenshot(page, path: Path) -> None:
    """A screenshot of the whole page at 1440 px wide: Streamlit scrolls inside its main
    container, so the viewport is made as tall as the content, then set back."""
    height = page.evaluate("""() => {
      const els = [document.scrollingElement, document.querySelector('[data-testid=stMain]'),
                   document.querySelector('[data-testid=stAppViewContainer]'), document.querySelector('[data-testid=stSidebarContent]')];
      return Math.max(...els.filter(Boolean).map(e => e.scrollHeight));
    }""")
    page.set_viewport_size({"width": VIEWPORT["width"], "height": max(VIEWPORT["height"], min(int(height) + 40, 16000))})
    page.wait_for_timeout(700)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(VIEWPORT)


AXE_RUN_JS = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, count: v.nodes.length, help: v.help,
                                      target: v.nodes.length ? v.nodes[0].target.join(' ') : ''}));
}"""


def run_axe(page, axe_js: Path) -> list[dict]:
    """axe-core's violations on the page as it is now (every rule axe runs by default)."""
    page.add_script_tag(path=str(axe_js))
    return page.evaluate(AXE_RUN_JS)


def dump(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=1)
