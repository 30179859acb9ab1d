"""Briefs (PDF, HTML, PPTX) for a city and for a comparison, from the real database.

Fast tests build the content, the offline HTML and a deck of native charts (no browser);
tests marked ``slow`` draw images with kaleido + Chromium and read PDFs back with poppler
(``pdftotext``, ``pdftoppm``); page images are kept under /tmp/briefs-shots for looking at.
"""
from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

import briefs
from briefs.content import CITY_SECTIONS, COMPARISON_SECTIONS, city_brief_content, comparison_brief_content
from briefs.images import find_browser
from i18n import t

SHOTS = Path("/tmp/briefs-shots")
CASES = [("tangier", "fr"), ("amman", "ar"), ("vienna", "en")]

needs_browser = pytest.mark.skipif(find_browser() is None, reason="Chromium not installed (make e2e-deps)")
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed (make e2e-deps)")


_BIDI_AND_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\u064b-\u065f\u0670]")


def _norm(text: str) -> str:
    """Whitespace folded, lower case, without bidi controls and Arabic diacritics (pdftotext
    writes a shadda as a glyph of its own, so "عمّان" comes out as "عمان" plus a loose mark)."""
    # A lam-alef is drawn as one ligature, which pdftotext writes back in either order or drops an alef
    # of: alefs are left out of the comparison (the other letters must all be there, in order).
    return " ".join(re.sub("[اأإآ]", "", _BIDI_AND_MARKS.sub("", text)).split()).lower()


# --------------------------------------------------------------------------- content

@pytest.mark.parametrize("city_id,lang", CASES)
def test_city_brief_has_every_section_with_charts_and_sources(con, city_id, lang):
    brief = city_brief_content(con, city_id, lang)
    assert [s.key for s in brief.sections] == list(CITY_SECTIONS)
    assert all(s.title.strip() for s in brief.sections)
    assert brief.direction == ("rtl" if lang == "ar" else "ltr")
    assert brief.charts, "a city brief has charts"
    for chart in brief.charts:
        assert chart.title and chart.source and chart.kind in ("bar", "line", "map")
        assert chart.figure.layout.height  # print-mode figures carry their height
    # every licence is stated and every source is a row of the sources table
    assert not brief.sources.empty and brief.sources.licence.notna().all()
    ids = set(con.execute("SELECT source_id FROM sources").df().source_id)
    assert set(brief.sources.source_id) <= ids
    assert brief.data_version in brief.citation


def test_key_figures_table_states_source_concept_territory_year(con):
    from figures.context import Context
    from report.common import facts_table

    brief = city_brief_content(con, "vienna", "en")
    table = facts_table(brief.sections[0].facts, Context(lang="en"))  # the table every brief prints
    for column in ("col_indicator", "col_value", "col_year", "col_concept", "col_territory", "source"):
        assert t(column, "en") in table.columns
    # Vienna's population (register: Stadt Wien, or Statistik Austria's 1 January 2026 release since issue 20)
    # is in the key figures with its year
    row = table[table[t("col_indicator", "en")] == "Total population"].iloc[0]
    assert int(row[t("col_year", "en")]) >= 2020 and row[t("source", "en")].startswith(("Stadt Wien", "Statistik Austria"))


def test_gaps_section_lists_missing_core_indicators(con):
    from analytics.coverage import missing_core_indicators

    brief = city_brief_content(con, "amman", "en")
    gaps = next(s for s in brief.sections if s.key == "gaps")
    assert len(gaps.bullets) == len(missing_core_indicators(con, ["amman"]))


def test_peers_section_says_when_peers_are_not_available(con):
    brief = city_brief_content(con, "vienna", "en")
    peers = next(s for s in brief.sections if s.key == "peers")
    try:
        import analytics.peers  # noqa: F401
    except ImportError:
        assert peers.paragraphs == [t("brief_peers_unavailable", "en")]
    else:
        assert peers.table is not None or peers.paragraphs


def test_comparison_brief_is_the_compare_view(con):
    brief = comparison_brief_content(con, ["madrid", "vienna"], "foreign_citizens_share", "en")
    assert [s.key for s in brief.sections] == list(COMPARISON_SECTIONS)
    kinds = [c.kind for c in brief.charts]
    assert kinds == ["bar", "line", "scatter", "bar"]  # ranked bars, lines over time, two indicators, city vs country
    ranked = brief.charts[0].data
    assert set(ranked.city_id) == {"madrid", "vienna"}


def test_unknown_city_or_indicator_is_refused(con):
    with pytest.raises(KeyError, match="unknown city"):
        city_brief_content(con, "atlantis", "en")
    with pytest.raises(KeyError, match="unknown indicator"):
        comparison_brief_content(con, ["madrid"], "no_such_indicator", "en")


def test_catalog_labels_match_the_reference_tables(con):
    labels = briefs.catalog_labels(con)
    assert set(labels) == {"cities", "indicators", "concepts", "geo_levels", "themes", "groups"}
    assert labels["cities"]["tangier"] == "Tangier"
    assert labels["indicators"]["foreign_citizens_share"]


# --------------------------------------------------------------------------- HTML

@pytest.mark.parametrize("lang", ["en", "ar"])
def test_html_brief_is_offline_and_interactive(con, lang):
    steps = []
    data = briefs.make(con, "comparison", city_ids=["madrid", "vienna"], indicator="foreign_citizens_share",
                       fmt="html", lang=lang, progress=lambda text, f: steps.append((text, f)))
    html = data.decode("utf-8")
    assert f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">' in html
    # no outside script, style, font or image: every tag attribute and CSS url is local
    assert not re.search(r"""<(script|link|img|iframe|source|video|audio)\b[^>]*\b(src|href)\s*=\s*["']?https?://""", html, re.I)
    assert not re.search(r"""@import|url\(\s*["']?https?://""", html.split("<body>")[0].split("<script")[0], re.I)
    assert "Plotly.newPlot" in html and html.count('class="plotly-graph-div"') == 4
    assert steps[0][1] < steps[-1][1] == 1.0


# --------------------------------------------------------------------------- PPTX (native charts)

def _deck(data: bytes):
    from pptx import Presentation

    return Presentation(io.BytesIO(data))


def _check_deck(deck, brief):
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    assert deck.slide_width * 9 == deck.slide_height * 16  # 16:9
    from briefs.pptx import talk_charts

    slides = list(deck.slides)
    deck_charts = [c for section in brief.sections for c in talk_charts(section)]  # the talk's trend: one territory
    assert len(slides) >= 1 + len(brief.sections) + len(deck_charts)  # title, one per section and chart
    chart_slides = [s for s in slides[1:] if not any(x.name == "section-title" for x in s.shapes)]
    for chart in deck_charts:
        slide = next(s for s in chart_slides if s.shapes[0].text_frame.text.strip() == chart.title)
        texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        prefix = t("source_is", brief.lang, publisher="").strip()
        assert any(x.startswith(prefix) and len(x) > 12 for x in texts)
        notes = slide.notes_slide.notes_text_frame.text
        assert chart.source in notes
        if chart.kind in ("bar", "line", "scatter"):
            assert any(s.has_chart for s in slide.shapes), f"{chart.title}: no native chart"
        else:
            assert any(s.shape_type == MSO_SHAPE_TYPE.PICTURE for s in slide.shapes)
    assert t("brief_citation", brief.lang) in slides[-1].shapes[0].text_frame.text


def test_comparison_deck_has_native_bar_and_line_charts(con):
    from pptx.enum.chart import XL_CHART_TYPE

    data = briefs.make(con, "comparison", city_ids=["madrid", "vienna"], indicator="foreign_citizens_share",
                       fmt="pptx", lang="en")
    deck = _deck(data)
    brief = comparison_brief_content(con, ["madrid", "vienna"], "foreign_citizens_share", "en")
    _check_deck(deck, brief)
    types = [s.chart.chart_type for slide in deck.slides for s in slide.shapes if s.has_chart]
    assert types == [XL_CHART_TYPE.BAR_CLUSTERED, XL_CHART_TYPE.XY_SCATTER_LINES, XL_CHART_TYPE.XY_SCATTER,
                     XL_CHART_TYPE.COLUMN_CLUSTERED]
    # the native bar chart holds the figure's own values
    bar = next(s.chart for slide in deck.slides for s in slide.shapes if s.has_chart)
    values = list(bar.plots[0].series[0].values)
    assert sorted(v for v in values if v) == sorted(v for v in brief.charts[0].figure.data[0].x if v)


def test_arabic_slide_titles_run_right_to_left(con):
    data = briefs.make(con, "comparison", city_ids=["madrid", "vienna"], fmt="pptx", lang="ar")
    deck = _deck(data)
    title = deck.slides[1].shapes[0].text_frame.paragraphs[0]._p
    assert title.pPr.get("rtl") == "1" and title.pPr.get("algn") == "r"
    # every text run names its Latin and Arabic fonts (a viewer's per-run fallback drew boxes
    # for an Arabic subtitle holding an en dash)
    from pptx.oxml.ns import qn

    runs = [r for slide in deck.slides for shape in slide.shapes if shape.has_text_frame
            for p in shape.text_frame.paragraphs for r in p.runs]
    assert runs
    for run in runs:
        rpr = run._r.rPr
        assert rpr.find(qn("a:latin")).get("typeface") == "Noto Sans"
        assert rpr.find(qn("a:cs")).get("typeface") == "Noto Sans Arabic"


# --------------------------------------------------------------------------- command line

def test_cli_missing_browser_is_a_clear_message_not_a_traceback(monkeypatch, capsys, built_db, tmp_path):
    from mc2cm.__main__ import main

    monkeypatch.setenv("MC2CM_DB", str(built_db))
    monkeypatch.setattr("briefs.images.find_browser", lambda: None)
    rc = main(["brief", "--city", "tangier", "--lang", "fr", "--format", "pdf", "-o", str(tmp_path / "x.pdf"), "-q"])
    err = capsys.readouterr().err
    assert rc == 2 and "Chromium" in err and "apt-get install" in err and "Traceback" not in err
    assert not (tmp_path / "x.pdf").exists()


def test_cli_missing_package_is_a_clear_message(monkeypatch, capsys, built_db, tmp_path):
    import builtins

    from mc2cm.__main__ import main

    real_import = builtins.__import__

    def no_weasyprint(name, *args, **kwargs):
        if name == "weasyprint":
            raise ImportError("No module named 'weasyprint'", name="weasyprint")
        return real_import(name, *args, **kwargs)

    monkeypatch.setenv("MC2CM_DB", str(built_db))
    monkeypatch.setattr(builtins, "__import__", no_weasyprint)
    rc = main(["brief", "--city", "vienna", "--format", "pdf", "-o", str(tmp_path / "x.pdf"), "-q"])
    err = capsys.readouterr().err
    assert rc == 2 and "weasyprint" in err and "pip install" in err


def test_cli_unknown_city_exit_2(monkeypatch, capsys, built_db, tmp_path):
    from mc2cm.__main__ import main

    monkeypatch.setenv("MC2CM_DB", str(built_db))
    rc = main(["brief", "--city", "atlantis", "--format", "html", "-o", str(tmp_path / "x.html"), "-q"])
    assert rc == 2 and "unknown city" in capsys.readouterr().err


# --------------------------------------------------------------------------- slow: PDF, pictures, PNG frame

@pytest.mark.slow
@needs_browser
@needs_poppler
@pytest.mark.parametrize("city_id,lang", CASES)
def test_pdf_brief_text_and_pages(con, city_id, lang, tmp_path):
    data = briefs.make(con, "city", city_id=city_id, fmt="pdf", lang=lang)
    assert data[:5] == b"%PDF-"
    path = tmp_path / f"{city_id}-{lang}.pdf"
    path.write_bytes(data)
    text = _norm(subprocess.run(["pdftotext", "-layout" if lang != "ar" else "-nopgbrk", str(path), "-"],
                                capture_output=True, text=True, check=True).stdout)
    brief = city_brief_content(con, city_id, lang)
    from figures.context import Context

    city = Context(lang=lang, labels=briefs.catalog_labels(con)).city(city_id)
    assert _norm(city) in text
    assert _norm(t("source", lang)) in text
    words = set(text.split()) | {w.strip(":،.") for w in text.split()}
    for title in brief.section_titles():
        if lang == "ar":  # pdftotext may give right-to-left words in visual order (a colon on either side):
            # every word must be there
            assert all(w.strip(":،.") in words or w in text for w in _norm(title).split()), f"section title {title!r} missing (ar)"
        else:
            assert _norm(title) in text, f"section title {title!r} missing from the {lang} PDF"
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout).group(1))
    assert pages >= len(brief.sections)  # a page break between sections
    SHOTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "70", "-png", str(path), str(SHOTS / f"pdf-{city_id}-{lang}")], check=True)
    assert len(list(SHOTS.glob(f"pdf-{city_id}-{lang}-*.png"))) == pages


@pytest.mark.slow
@needs_browser
def test_city_deck_has_map_picture_and_native_charts(con):
    data = briefs.make(con, "city", city_id="vienna", fmt="pptx", lang="fr")
    brief = city_brief_content(con, "vienna", "fr")
    assert any(c.kind == "map" for c in brief.charts)
    _check_deck(_deck(data), brief)


@pytest.mark.slow
@needs_browser
def test_png_export_keeps_the_source_line_inside_the_frame(con):
    """A 1920x1080 export: the last 10 pixel rows are background only (nothing cut at the
    edge) and the source line is drawn in the bottom 15% above them."""
    from PIL import Image

    from analytics.compare import network_position
    from analytics.rules import HEADLINE_SHARES
    from briefs.images import chart_png, image_server
    from figures.compare import ranked_bars
    from figures.style import EXPORT

    ctx = briefs.brief_context(con, "fr", mode="screen")
    table = network_position(con, list(HEADLINE_SHARES), None, ["madrid", "vienna", "tangier", "amman", "lisbon"])
    chart = ranked_bars(table, ctx, ctx.t("headline_share_label"))
    with image_server():
        png = chart_png(chart, EXPORT["width"], EXPORT["height"], EXPORT["scale"])
    image = Image.open(io.BytesIO(png)).convert("L")
    assert image.size == (1920, 1080)
    SHOTS.mkdir(exist_ok=True)
    image.save(SHOTS / "png-export-fr.png")
    pixels = np.asarray(image)
    assert (pixels[-10:] >= 250).all(), "text or marks touch the bottom edge"
    band = pixels[int(1080 * 0.85):-10]
    inked_rows = (band < 200).any(axis=1)
    assert inked_rows.sum() >= 8, "no source line in the bottom 15% of the frame"
