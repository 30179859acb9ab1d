"""One question, one answer: the City profile and Compare pages and their PDF, HTML and PPTX
briefs give the same section titles in the same order, the same headline numbers and the same
gap statements; a city without a figure is never a 0 (issue 19).

The page is run through the router (AppTest); the briefs are built by ``briefs.make``. The PDF
is read back with ``pdftotext`` (slow: charts are drawn by kaleido + Chromium).
"""
from __future__ import annotations

import html as html_lib
import io
import re
import shutil
import subprocess

import pytest

import briefs
from briefs.content import city_brief_content, comparison_brief_content
from briefs.images import find_browser
from tests.app.apptest import run_page

CASES = [("lyon", "fr"), ("amman", "ar"), ("vienna", "en")]
# Compare with cities that have no headline figure (Beirut, Tunis) and cities whose figure is of
# another territory (Amman, Tangier: governorate; Lyon: unité urbaine)
COMPARED = ["lyon", "amman", "vienna", "tangier", "beirut", "tunis"]
NO_FIGURE = {"beirut", "tunis"}

needs_browser = pytest.mark.skipif(find_browser() is None, reason="Chromium not installed (make e2e-deps)")
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u200e\u200f\u202a-\u202e\u2066-\u2069]+")


def norm(text: str) -> str:
    """Every kind of space (narrow no-break spaces of French numbers) and bidi mark folded."""
    return _SPACES.sub(" ", str(text)).strip()


@pytest.fixture(autouse=True)
def database(built_db, monkeypatch):
    monkeypatch.setenv("MC2CM_DB", str(built_db))


# --------------------------------------------------------------------------- what each medium shows

def page_view(kind: str, city: str, lang: str):
    """Run the page; return (section titles, every text on it, the view's query parameters)."""
    if kind == "city":
        at = run_page("city", {"city": city, "lang": lang})
    else:
        at = run_page("compare", {"cities": ",".join(COMPARED), "lang": lang})
    assert not at.exception, [e.message for e in at.exception]
    titles = [h.value for h in at.header]
    texts = [m.value for m in at.metric] + [i.value for i in at.info] + [w.value for w in at.warning]
    texts += [c.value for c in at.caption] + [m.value for m in at.markdown]
    for frame in at.dataframe:
        value = frame.value
        texts += [str(v) for v in value.to_numpy().ravel()]
    return titles, [norm(x.replace("\\", "")) for x in texts], dict(at.query_params)


def brief_of(con, kind: str, city: str, lang: str, params: dict):
    if kind == "city":
        return city_brief_content(con, city, lang, trend=params.get("trend"))
    year = params.get("year")
    return comparison_brief_content(con, COMPARED, params.get("indicator", "headline_share"), lang,
                                    year=None if year in (None, "latest") else int(year), series=params.get("series"),
                                    x=params.get("x"), y=params.get("y"))


def make(con, kind, city, lang, fmt, params) -> bytes:
    target = {"city_id": city, "trend": params.get("trend")} if kind == "city" else {
        "city_ids": COMPARED, "indicator": params.get("indicator"), "series": params.get("series"),
        "x": params.get("x"), "y": params.get("y")}
    return briefs.make(con, kind, fmt=fmt, lang=lang, **target)


def html_view(data: bytes):
    text = data.decode("utf-8")
    titles = [norm(html_lib.unescape(re.sub("<[^>]+>", "", t))) for t in re.findall(r"<h2>(.*?)</h2>", text, re.S)]
    body = norm(html_lib.unescape(re.sub(r"<script.*?</script>", " ", text, flags=re.S)))
    return titles, body


def pptx_view(data: bytes):
    from pptx import Presentation

    deck = Presentation(io.BytesIO(data))
    titles, texts = [], []
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
                if shape.name == "section-title":
                    titles.append(norm(shape.text_frame.text))
            if shape.has_chart:
                texts += [str(c) for c in shape.chart.plots[0].categories]
    return titles, norm(" ".join(texts)), deck


def check_same(brief, titles, shown_text, medium: str) -> None:
    assert titles == [norm(s.title) for s in brief.sections], f"{medium}: section titles or order differ"
    for number in brief.headline_numbers():
        assert norm(number) in shown_text, f"{medium}: headline number {number!r} missing"
    for section in brief.sections:
        for gap in section.gaps:
            assert norm(gap) in shown_text, f"{medium}: gap statement {gap!r} of {section.key} missing"


# --------------------------------------------------------------------------- the acceptance tests

@pytest.mark.parametrize("kind", ["city", "comparison"])
@pytest.mark.parametrize("city,lang", CASES)
def test_page_html_and_slides_give_the_same_sections_numbers_and_gaps(con, kind, city, lang):
    titles, texts, params = page_view(kind, city, lang)
    brief = brief_of(con, kind, city, lang, params)
    assert brief.headline_numbers(), "a page with headline numbers"
    # the page: same titles in the same order, every headline number and gap statement shown
    assert [norm(t) for t in titles] == [norm(s.title) for s in brief.sections], "page: section titles or order differ"
    page_text = " ".join(texts)
    for number in brief.headline_numbers():
        assert norm(number) in texts or norm(number) in page_text, f"page: headline number {number!r} missing"
    for section in brief.sections:
        for gap in section.gaps:
            assert norm(plain_md(gap)) in norm(plain_md(page_text)), f"page: gap {gap!r} missing"
    check_same(brief, *html_view(make(con, kind, city, lang, "html", params)), "HTML")
    pptx_titles, pptx_text, _ = pptx_view(make(con, kind, city, lang, "pptx", params))
    check_same(brief, pptx_titles, pptx_text, "PPTX")


def plain_md(text: str) -> str:
    """Markdown escapes and HTML entities of the page's text removed (the page shows data text inert)."""
    return html_lib.unescape(text.replace("\\", ""))


@needs_browser
@needs_poppler
@pytest.mark.slow
@pytest.mark.parametrize("kind", ["city", "comparison"])
@pytest.mark.parametrize("city,lang", CASES)
def test_pdf_gives_the_same_sections_numbers_and_gaps(con, kind, city, lang, tmp_path):
    _, _, params = page_view(kind, city, lang)
    brief = brief_of(con, kind, city, lang, params)
    pdf = tmp_path / "brief.pdf"
    pdf.write_bytes(make(con, kind, city, lang, "pdf", params))
    text = norm(subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout)
    if lang == "ar":  # pdftotext writes Arabic shaped text in visual runs: check the Latin-script numbers only
        for number in brief.headline_numbers():
            digits = re.sub(r"\D", "", number)
            if digits:  # "no figure" is words: checked on the HTML of the same layout
                assert digits in re.sub(r"\D", "", text), f"PDF: number {number!r} missing"
        return
    position = -1
    for section in brief.sections:  # titles in order
        found = text.find(norm(section.title), position + 1)
        assert found > position, f"PDF: section {section.title!r} missing or out of order"
        position = found
    for number in brief.headline_numbers():
        assert norm(number) in text, f"PDF: headline number {number!r} missing"
    for section in brief.sections:
        for gap in section.gaps:
            assert norm(gap)[:60] in text, f"PDF: gap statement {gap!r} missing"
    assert "hover" not in text.lower() and "survol" not in text.lower(), "print never says hover"


def test_a_city_without_a_figure_is_never_a_zero(con):
    """Tunis has no headline share: "no figure" in the facts, no bar, no 0 anywhere (Beirut has had the
    Beirut caza's 2026 estimate since issue 20, CORRECTIONS.md item 5)."""
    from pptx.util import Emu  # noqa: F401 - python-pptx present

    brief = comparison_brief_content(con, COMPARED, "headline_share", "en")
    ranking = brief.section("ranking")
    missing = {f.label: f for f in ranking.facts if f.value is None}
    assert set(missing) == {"Tunis"}
    assert all(f.text == "no figure" and f.text != "0" for f in missing.values())
    bars = ranking.charts[0].figure.data[0]
    for name, value in zip(bars.y, bars.x):
        if name in missing:
            assert value is None, f"{name}: drawn as {value}"
    _, text, deck = pptx_view(briefs.make(con, "comparison", city_ids=COMPARED, fmt="pptx", lang="en"))
    chart = next(s.chart for slide in deck.slides for s in slide.shapes if s.has_chart)
    for category, value in zip(chart.plots[0].categories, chart.plots[0].series[0].values):
        if category.split(" — ")[0] in missing:
            assert value is None and "no figure" in category, f"{category}: {value}"
    assert not re.search(r"(Beirut|Tunis)[^\n]{0,20}0[.,]0\s?%", text)
    html = briefs.make(con, "comparison", city_ids=COMPARED, fmt="html", lang="en").decode()
    assert not re.search(r"(Beirut|Tunis)</td><td>0[.,]0", html)


def test_print_media_never_say_hover(con):
    for brief in (city_brief_content(con, "lyon", "fr"), comparison_brief_content(con, COMPARED, lang="en")):
        for chart in brief.charts:
            for text in (chart.title, chart.subtitle, chart.alt, *chart.notes):
                assert not re.search("hover|survol|مرّر", text, re.I), text


# --------------------------------------------------------------------------- adding a section

def test_a_new_section_function_appears_on_the_page_and_in_every_brief(con, monkeypatch):
    """The promise of docs/sections.md: one section function in report.city.SECTIONS and its
    catalogue keys, and the section is on the page, in the HTML and PDF layout and on a slide.
    (Fails when a medium renders a fixed list of sections instead of the page's.)"""
    import report.city as city_report
    from report.model import Section

    def housing(con, ctx, view):
        return Section("housing", "question_gaps", "Housing test section", paragraphs=["Housing paragraph 42"])

    monkeypatch.setattr(city_report, "SECTIONS", (*city_report.SECTIONS, city_report.SectionSpec("housing", housing)))
    monkeypatch.setattr(city_report, "SECTION_KEYS", (*city_report.SECTION_KEYS, "housing"))
    brief = city_brief_content(con, "vienna", "en")
    assert "housing" in [s.key for s in brief.sections]
    html_titles, html_text = html_view(briefs.make(con, "city", city_id="vienna", fmt="html", lang="en"))
    assert "Housing test section" in html_titles and "Housing paragraph 42" in html_text
    pptx_titles, pptx_text, _ = pptx_view(briefs.make(con, "city", city_id="vienna", fmt="pptx", lang="en"))
    assert "Housing test section" in pptx_titles and "Housing paragraph 42" in pptx_text
    from briefs.layout import brief_html

    assert "Housing test section" in brief_html(brief, ["" for _ in brief.charts], css="")  # the PDF's HTML
    from ui.render import _built_views

    _built_views.clear()  # built pages are cached per view and data version, not per code version
    at = run_page("city", {"city": "vienna"})
    _built_views.clear()
    assert "Housing test section" in [h.value for h in at.header]


def test_every_section_of_a_page_is_in_every_brief(con):
    """The section keys of each page are exactly those every brief lays out, in order."""
    from report.city import SECTION_KEYS as CITY_KEYS
    from report.compare import SECTION_KEYS as COMPARE_KEYS

    city = city_brief_content(con, "amman", "ar")
    assert tuple(s.key for s in city.sections) == CITY_KEYS
    compare = comparison_brief_content(con, COMPARED, lang="fr")
    assert tuple(s.key for s in compare.sections) == COMPARE_KEYS
    for brief, kind, target in ((city, "city", {"city_id": "amman"}), (compare, "comparison", {"city_ids": COMPARED})):
        html = briefs.make(con, kind, fmt="html", lang=brief.lang, **target).decode()
        assert re.findall(r'<section class="[^"]+" id="([^"]+)"', html) == [s.key for s in brief.sections]
        titles, _, _ = pptx_view(briefs.make(con, kind, fmt="pptx", lang=brief.lang, **target))
        assert titles == [norm(s.title) for s in brief.sections]


def test_facts_keep_every_further_column_of_key_figures(con, monkeypatch):
    """Columns the data layer adds to key figures (age_flag, break_flag, release_due,
    territory_id) pass through to every medium's facts unchanged (Fact.extra, Fact.territory_id)."""
    from analytics import profile
    from briefs.context import brief_context
    from report.city import CityView, key_figures

    real = profile.key_figures

    def with_marks(con, city_id):
        return real(con, city_id).assign(age_flag="old", release_due="2027-01", territory_id="at-wien")

    monkeypatch.setattr(profile, "key_figures", with_marks)
    section = key_figures(con, brief_context(con, "en"), CityView("vienna"))
    assert section.facts and all(f.extra["age_flag"] == "old" and f.extra["release_due"] == "2027-01" for f in section.facts)
    assert all(f.territory_id == "at-wien" for f in section.facts)
