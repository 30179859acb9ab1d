"""Every page in English, French and Arabic in headless Chromium: it renders (charts drawn, no
exception), the document says its language, Arabic runs right to left, a full-page screenshot
(1440 px wide) is saved under tests/e2e/screenshots/{lang}/, and axe-core finds no critical
or serious violation.

Each page is opened once per language; the axe results are kept for the axe tests (and written
to screenshots/axe-report.json for the reviewer)."""
from __future__ import annotations

import json

import pytest

from tests.e2e import kit

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

LANGS = ["en", "fr", "ar"]
# page name -> URL path (the overview is the default page, served at the root)
PAGES = {"overview": "", "city": "city", "compare": "compare", "spatial": "spatial", "origins": "origins",
         "themes": "themes", "explorer": "explorer", "coverage": "coverage", "methods": "methods"}
CHART_PAGES = {"overview", "city", "compare", "spatial", "origins", "coverage"}
CASES = [(lang, name) for lang in LANGS for name in PAGES]
IDS = [f"{lang}-{name}" for lang, name in CASES]
BLOCKING = ("critical", "serious")

# axe-core 4.14 measured 1-19 serious violations per page before the fixes (caption opacity, the sidebar
# navigation's list markup, skipped heading levels); none remain, so every case is a plain assertion.
KNOWN_AXE: dict[tuple[str, str], str] = {}

_RESULTS: dict[tuple[str, str], dict] = {}


def _url(server: str, lang: str, name: str) -> str:
    return f"{server}/{PAGES[name]}?lang={lang}"


@pytest.fixture(scope="module")
def tabs(server, browser):
    """One context for the module's pages, each page loading while the one before is read."""
    context = browser.new_context()
    pool = kit.Tabs(context, [_url(server, lang, name) for lang, name in CASES], ahead=2)
    yield pool
    pool.close()
    context.close()


def _visit(server, tabs, axe_js, lang: str, name: str) -> dict:
    """Open the page in ``lang`` once: its view, attributes, screenshot and axe violations."""
    if (lang, name) in _RESULTS:
        return _RESULTS[(lang, name)]
    page, view = tabs.open(_url(server, lang, name))
    try:
        result = {
            "view": view,
            "html_lang": page.evaluate("document.documentElement.lang"),
            "main_dir": page.evaluate("document.querySelector('[data-testid=stMain]').getAttribute('dir')"),
            "main_direction": page.evaluate("getComputedStyle(document.querySelector('[data-testid=stMain]')).direction"),
            "violations": kit.run_axe(page, axe_js),
        }
        kit.full_page_screenshot(page, kit.SHOTS / lang / f"{name}.png")
    finally:
        page.close()
    _RESULTS[(lang, name)] = result
    report = kit.SHOTS / "axe-report.json"
    known = json.loads(report.read_text()) if report.exists() else {}
    known[f"{lang}-{name}"] = result["violations"]
    report.write_text(json.dumps(known, ensure_ascii=False, indent=1, sort_keys=True))
    return result


@pytest.mark.parametrize("lang,name", CASES, ids=IDS)
def test_page_renders_in_language_with_screenshot(server, tabs, axe_js, lang, name):
    result = _visit(server, tabs, axe_js, lang, name)
    view = result["view"]
    assert view["errors"] == 0, f"exception on {name} in {lang}"
    assert view["dialogs"] == [], view["dialogs"]
    if name in CHART_PAGES:
        assert view["charts"], f"no chart drawn on {name} in {lang}"
        assert all(c["text"] for c in view["charts"]), "a chart without any text"
    assert result["html_lang"] == lang
    assert (kit.SHOTS / lang / f"{name}.png").stat().st_size > 10_000


@pytest.mark.parametrize("name", list(PAGES))
def test_arabic_main_content_runs_right_to_left(server, tabs, axe_js, name):
    result = _visit(server, tabs, axe_js, "ar", name)
    assert result["main_dir"] == "rtl", "app.py should set dir='rtl' on [data-testid=stMain] for Arabic"
    assert result["main_direction"] == "rtl"


@pytest.mark.parametrize("name", ["compare", "city"])
def test_french_and_english_run_left_to_right(server, tabs, axe_js, name):
    for lang in ("en", "fr"):
        result = _visit(server, tabs, axe_js, lang, name)
        assert result["main_dir"] in (None, "ltr") and result["main_direction"] == "ltr"


def _axe_cases():
    for (lang, name), ident in zip(CASES, IDS):
        known = KNOWN_AXE.get((lang, name))
        marks = [pytest.mark.xfail(strict=False, reason=f"axe-core (measured): {known}")] if known else []
        yield pytest.param(lang, name, id=ident, marks=marks)


@pytest.mark.parametrize("lang,name", list(_axe_cases()))
def test_axe_no_critical_or_serious_violation(server, tabs, axe_js, lang, name):
    violations = _visit(server, tabs, axe_js, lang, name)["violations"]
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, "\n".join(f"{v['impact']} {v['id']} x{v['count']} e.g. {v['target']} ({v['help']})"
                                   for v in blocking)
