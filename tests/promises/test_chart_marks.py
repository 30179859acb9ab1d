"""Promise: in the ranked bars a reader sees which values are not comparable (grey bar, ⚠ in
the label) and which are more than the allowed gap from the reference year (hatched bar),
read from the plotly figure itself (figures.compare.ranked_bars)."""
import pandas as pd
import pytest

from tests.promises import snapshot

from figures import compare as fc
from figures.context import Context
from figures.style import CATEGORICAL, EMPTY, NOT_COMPARABLE


def _row(city_id, value, comparable=True, year_used=2023, year_gap_flag=False, **extra):
    row = {"city_id": city_id, "value": value, "comparable": comparable, "unit": "percent", "year_used": year_used,
           "reference_year": 2023, "year_gap_flag": year_gap_flag, "source_type": "official_statistics",
           "is_estimate": False, "indicator_id": "foreign_citizens_share", "concept": "foreign_citizenship",
           "geo_unit": f"{city_id} unit", "geo_level": "municipality", "caveat_codes": () if comparable else ("territory:governorate",),
           "publisher": f"Publisher of {city_id}", "n_alternatives": 0, "reference_concept": "foreign_citizenship",
           "reference_geo_level": "municipality"}
    row.update(extra)
    return row


TABLE = pd.DataFrame([
    _row("vienna", 34.2),
    _row("lisbon", 20.0, year_used=2011, year_gap_flag=True),
    _row("amman", 36.3, comparable=False, year_used=2015, year_gap_flag=True),
    _row("lyon", 9.9, comparable=False, year_used=2022),
    {**_row("tunis", float("nan")), "comparable": False},
])


CTX = Context(labels={"cities": {c: c.title() for c in TABLE.city_id}})


def _bars(table=TABLE):
    chart = fc.ranked_bars(table, CTX, "Migrant share")
    bar = chart.figure.data[0]
    return chart, {label.replace(" ⚠", ""): (label, colour, pattern, text, value)
                   for label, colour, pattern, text, value in zip(bar.y, bar.marker.color, bar.marker.pattern.shape,
                                                                   bar.text, bar.x)}


def test_non_comparable_bars_are_grey_and_marked_comparable_ones_coloured():
    _, bars = _bars()
    assert bars["Vienna"][1] == bars["Lisbon"][1] == CATEGORICAL[0]
    assert bars["Amman"][1] == bars["Lyon"][1] == NOT_COMPARABLE != CATEGORICAL[0]
    assert bars["Amman"][0].endswith(" ⚠") and bars["Lyon"][0].endswith(" ⚠") and not bars["Vienna"][0].endswith("⚠")


def test_year_gap_bars_are_hatched_the_others_plain():
    _, bars = _bars()
    assert bars["Lisbon"][2] == bars["Amman"][2] == "/"
    assert bars["Vienna"][2] == bars["Lyon"][2] == ""
    assert "(-12 " in bars["Lisbon"][3] and "2023 ·" in bars["Vienna"][3] and "(" not in bars["Vienna"][3].split("·")[1]


def test_non_comparable_and_year_gap_bars_are_distinct_in_colour_and_pattern():
    _, bars = _bars()
    marks = {city: (colour, pattern) for city, (_, colour, pattern, _, _) in bars.items()}
    assert len({marks["Vienna"], marks["Lisbon"], marks["Amman"], marks["Lyon"]}) == 4


def test_city_without_a_figure_has_a_labelled_empty_row_last_never_a_zero_bar_with_a_value():
    chart, bars = _bars()
    label, colour, pattern, text, value = bars["Tunis"]
    assert colour == EMPTY and pattern == "" and text == CTX.t("no_figure") and list(chart.figure.data[0].y)[-1] == "Tunis"
    assert "Tunis" in chart.alt


def test_bars_are_ranked_comparable_first_then_by_value():
    chart, _ = _bars()
    assert [y.replace(" ⚠", "") for y in chart.figure.data[0].y] == ["Vienna", "Lisbon", "Amman", "Lyon", "Tunis"]
    assert list(chart.figure.data[0].x) == [34.2, 20.0, 36.3, 9.9, None]  # no figure: no bar, never a 0
    assert chart.figure.layout.yaxis.autorange == "reversed"


def test_notes_name_every_non_comparable_city_with_its_caveat():
    chart, _ = _bars()
    assert chart.notes == ["Amman: " + CTX.caveat(("territory:governorate",)),
                           "Lyon: " + CTX.caveat(("territory:governorate",))]


def test_standing_mark_shows_source_kind_and_estimate():
    ctx = CTX
    assert fc.standing_mark("official_statistics", False, ctx) == ctx.t("mark_official_statistics")
    assert fc.standing_mark("research", True, ctx) == ctx.t("mark_research") + " · " + ctx.t("estimate_short")
    assert fc.standing_mark("unknown", False, ctx) == "?"


@pytest.mark.parametrize("lang, mode", [("en", "screen"), ("ar", "screen"), ("fr", "presenter")])
def test_ranked_bars_show_what_they_showed_golden(lang, mode):
    """Every mark, text, hover, axis and caption of the ranked bars, against a reviewed golden file."""
    ctx = Context(lang=lang, mode=mode, data_version="abc123", labels={"cities": {c: c.title() for c in TABLE.city_id}})
    chart = fc.ranked_bars(TABLE, ctx, "Migrant share")
    figure = chart.figure.to_plotly_json()
    snapshot.check(f"ranked_bars_{lang}_{mode}", {"data": figure["data"], "layout": figure["layout"], "title": chart.title,
                                                 "subtitle": chart.subtitle, "source": chart.source, "alt": chart.alt,
                                                 "notes": chart.notes, "kind": chart.kind})


def test_ranked_bars_of_an_empty_selection_golden():
    ctx = Context(labels={"cities": {"tunis": "Tunis"}})
    chart = fc.ranked_bars(TABLE[TABLE.city_id == "tunis"], ctx, "Migrant share")
    figure = chart.figure.to_plotly_json()
    snapshot.check("ranked_bars_empty", {"data": figure["data"], "layout": figure["layout"], "subtitle": chart.subtitle,
                                         "alt": chart.alt})


def test_hover_names_indicator_concept_territory_year_caveat_source_and_other_figures():
    table = TABLE.copy()
    table.loc[0, "n_alternatives"] = 2
    chart = fc.ranked_bars(table, CTX, "Migrant share")
    hover = chart.figure.data[0].hovertext[0]
    assert hover.startswith("<b>Vienna</b>: ") and CTX.label("indicators", "foreign_citizens_share") in hover
    assert CTX.label("concepts", "foreign_citizenship") in hover and "vienna unit · 2023" in hover
    assert CTX.t("source_is", publisher="Publisher of vienna") in hover and CTX.t("n_other_figures", n=2) in hover
    assert CTX.t("n_other_figures", n=0) not in chart.figure.data[0].hovertext[1]


def test_a_single_city_in_persons_has_a_persons_axis_and_its_own_reference():
    """One city with a figure, counted in persons: the axis says persons with grouped integers
    (never a % axis), the subtitle names that row's reference and its year."""
    table = pd.DataFrame([_row("vienna", 415000.0, unit="persons", reference_year=2022, year_used=2022)])
    chart = fc.ranked_bars(table, CTX, "Foreign citizens")
    axis = chart.figure.layout.xaxis
    assert axis.title.text == CTX.t("unit_persons") and axis.tickformat == ",.0f" and not axis.ticksuffix
    assert "2022" in chart.subtitle
    french = Context(lang="fr", labels=CTX.labels)
    assert fc.ranked_bars(table, french, "Foreign citizens").figure.layout.xaxis.title.text == french.t("unit_persons") != "persons"
    assert "(" not in chart.figure.data[0].text[0].split("·")[1]  # the reference year itself: no gap


def test_a_unit_without_a_catalogue_label_titles_the_axis_with_the_unit():
    table = pd.DataFrame([_row("vienna", 0.8, unit="ratio"), _row("lyon", 0.5, unit="ratio")])
    assert fc.ranked_bars(table, CTX, "Ratio").figure.layout.xaxis.title.text == "ratio"


@pytest.mark.parametrize("values, top", [([0.0, 0.0], 1), ([0.5, 0.25], 0.5), ([34.2, 9.9], 34.2)])
def test_the_value_axis_leaves_room_for_the_labels_even_for_zero_or_small_values(values, top):
    """The axis runs from 0 to 1.45 x the largest value (room for the label text), and to 1.45
    when every value is 0: the zero bars and their labels stay on a visible axis."""
    table = pd.DataFrame([_row("vienna", values[0]), _row("lyon", values[1])])
    assert list(fc.ranked_bars(table, CTX, "Share").figure.layout.xaxis.range) == pytest.approx([0, top * 1.45])


def test_every_city_without_a_figure_has_its_row_and_is_named_in_the_description():
    table = pd.DataFrame([_row("vienna", 34.2), {**_row("tunis", float("nan")), "comparable": False},
                          {**_row("lisbon", float("nan")), "comparable": False}])
    chart = fc.ranked_bars(table, CTX, "Migrant share")
    assert list(chart.figure.data[0].y) == ["Vienna", "Tunis", "Lisbon"]
    assert CTX.t("alt_missing_cities", cities="Tunis, Lisbon") in chart.alt


def test_an_estimate_says_so_on_its_bar():
    table = pd.DataFrame([_row("vienna", 34.2, is_estimate=True), _row("lyon", 20.0)])
    _, bars = _bars(table)
    assert bars["Vienna"][3].endswith(fc.standing_mark("official_statistics", True, CTX))
    assert CTX.t("estimate_short") in bars["Vienna"][3] and CTX.t("estimate_short") not in bars["Lyon"][3]


def test_without_a_reference_year_no_bar_claims_a_year_gap():
    table = pd.DataFrame([_row("vienna", 34.2, reference_year=None), _row("lyon", 20.0, year_used=2015, reference_year=None)])
    _, bars = _bars(table)
    assert "(" not in bars["Vienna"][3] and "(" not in bars["Lyon"][3] and "2015" in bars["Lyon"][3]


def test_the_chart_carries_its_file_name_and_the_table_it_draws():
    chart = fc.ranked_bars(TABLE, CTX, "Migrant share")
    assert chart.name == "compare-Migrant share" and chart.kind == "bar"
    assert list(chart.data.city_id) == ["vienna", "lisbon", "amman", "lyon", "tunis"]
