"""The city deck is a talk (issue 21, second round), read back with python-pptx on Lyon (fr):

- the trend slide shows the headline share for ONE territory (the headline's), and its notes say so;
- a city without district counts gets a gap slide naming the official source that would have them;
- a one-point series is a point (a marker) under one labelled tick;
- share axes start at 0.

Lyon's deck has no picture (its boundary map without counts gets no slide): no browser needed.
"""
from __future__ import annotations

import pytest

from analytics import profile
from analytics.compare import best_figures
from analytics.rules import HEADLINE_SHARES
from briefs.pptx import GAP_TEXT
from i18n import t

_DECK: dict = {}


@pytest.fixture(scope="module")
def lyon(built_db):
    """(deck, brief) of Lyon in French, built once."""
    if not _DECK:
        from analytics.db import connect

        from test_decks import deck_and_brief  # the module pytest collected (prepend import mode): one build

        _DECK["deck"], _DECK["brief"] = deck_and_brief(built_db, "lyon-fr")  # built once for both modules
        con = connect(built_db)
        try:
            _DECK["head"] = best_figures(con, list(HEADLINE_SHARES), ["lyon"]).iloc[0]
            _DECK["releases"] = list(profile.city_releases(con, "lyon").name)
        finally:
            con.close()
    return _DECK


def _slides_after(deck, title: str):
    """The slides after the section slide titled ``title`` up to the next section slide."""
    slides, out, inside = list(deck.slides), [], False
    for slide in slides:
        is_section = any(s.name == "section-title" for s in slide.shapes)
        if is_section:
            if inside:
                break
            inside = slide.shapes.title.text_frame.text == title
            continue
        if inside:
            out.append(slide)
    return out


def test_the_trend_slide_of_a_talk_shows_the_headline_share_for_one_territory(lyon):
    brief, deck, head = lyon["brief"], lyon["deck"], lyon["head"]
    trends = next(s for s in brief.sections if s.key == "trends")
    slides = _slides_after(deck, trends.title)
    charts = [s.chart for slide in slides for s in slide.shapes if s.has_chart]
    assert len(charts) == 1, "one trend slide in a talk"
    series = list(charts[0].plots[0].series)
    assert len(series) == 1, f"the talk's trend mixes {len(series)} territories: {[s.name for s in series]}"
    talk = trends.extra["talk_chart"]
    assert talk.data.indicator_id.unique().tolist() == [head.indicator_id]
    notes = slides[0].notes_slide.notes_text_frame.text
    territory = talk.data.territory.iloc[0]
    assert t("talk_trend_note", "fr", territory=territory) in notes, "the notes say the slide shows one territory"
    # the page keeps its several lines: only the deck's talk slide is one territory
    assert len(trends.charts[0].figure.data) > 1


def test_a_city_without_district_counts_gets_a_gap_slide_naming_the_missing_source(lyon):
    brief, deck = lyon["brief"], lyon["deck"]
    districts = next(s for s in brief.sections if s.key == "districts")
    assert not any(c.shows_values for c in districts.charts), "Lyon has district counts now: pick another city"
    slide = next(s for s in deck.slides if s.shapes.title.text_frame.text == districts.title)
    gap = [s for s in slide.shapes if s.name == GAP_TEXT]
    assert gap, "no gap slide for the districts of a city without counts"
    text = gap[0].text_frame.text
    assert lyon["releases"] and all(name in text for name in lyon["releases"]), text
    assert not _slides_after(deck, districts.title) or not any(
        s.name == "chart" for slide in _slides_after(deck, districts.title) for s in slide.shapes)


def _xml(chart) -> str:
    from lxml import etree

    return etree.tostring(chart._chartSpace, encoding="unicode")


def test_a_one_point_series_is_drawn_as_a_point_with_one_tick(lyon):
    from pptx.enum.chart import XL_MARKER_STYLE

    deck = lyon["deck"]
    single = []
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_chart and shape.chart.chart_type is not None and "XY" in str(shape.chart.chart_type):
                chart = shape.chart
                points = [len(list(s.values)) for s in chart.plots[0].series]
                if points == [1]:
                    single.append(chart)
    assert single, "Lyon's talk trend is one point (2020): expected a one-point chart"
    for chart in single:
        series = chart.plots[0].series[0]
        assert series.marker.style == XL_MARKER_STYLE.CIRCLE, "a one-point series without a marker draws nothing"
        axis = chart.category_axis
        low, high, unit = axis.minimum_scale, axis.maximum_scale, axis.major_unit
        ticks = [low + i * unit for i in range(int(round((high - low) / unit)) + 1)]
        fmt = axis.tick_labels.number_format
        labelled = [x for x in ticks if fmt == "0" or fmt.startswith(f"[={int(x)}]")]
        assert len(labelled) == 1, f"ticks {ticks} with format {fmt!r}: {len(labelled)} labelled"


def test_share_axes_of_the_deck_start_at_0(lyon):
    for number, slide in enumerate(lyon["deck"].slides, 1):
        for shape in slide.shapes:
            if not shape.has_chart:
                continue
            axis = shape.chart.value_axis
            if axis.tick_labels.number_format.endswith('"%"'):
                assert axis.minimum_scale == 0, f"slide {number}: a share axis from {axis.minimum_scale}"


def test_counts_on_french_native_axes_group_thousands_as_the_page_does(lyon):
    """A format's "," is drawn with the viewer's locale ("2,000,000" in a French deck): the French
    deck's count axes group thousands with U+202F, as ``i18n.number`` does on the page."""
    from briefs.pptx import SHARE_FORMAT

    counts = [shape.chart.value_axis.tick_labels.number_format for slide in lyon["deck"].slides
              for shape in slide.shapes if shape.has_chart]
    counts = [f for f in counts if f != SHARE_FORMAT]
    assert counts, "Lyon's deck has a count chart (France's refugees)"
    for fmt in counts:
        assert "," not in fmt and "\u202f" in fmt, f"a French count axis formatted {fmt!r}"
