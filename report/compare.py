"""The Compare page, defined once: ranking, over time, two indicators, city versus country.

Every comparison goes through ``analytics.compare`` (and so through the one comparability
rule, ``analytics.rules.comparability``); a city without a figure is a labelled gap in every
medium, never a 0.
"""
from __future__ import annotations

from dataclasses import dataclass

from analytics import compare, reference
from analytics.rules import HEADLINE, HEADLINE_SHARES
from figures.compare import city_and_country, lines_over_time, ranked_bars, two_indicators
from figures.context import Context
from report.city import SectionSpec
from report.common import fact, finish_page, ids
from report.editorial import gap_section, plain
from report.model import Page, Section


@dataclass(frozen=True)
class CompareView:
    """The ids of a Compare view (what the URL holds)."""

    cities: tuple[str, ...]
    indicator: str = HEADLINE
    year: int | None = None  # None: each city's latest
    series: str | None = None  # indicator over time (default: the first of ``indicator``)
    x: str | None = "population_total"
    y: str | None = "foreign_citizens_share"


def indicator_name(ctx: Context, indicator: str) -> str:
    return ctx.t("headline_share_label") if indicator == HEADLINE else ctx.label("indicators", indicator)


def indicator_ids(indicator: str):
    return list(HEADLINE_SHARES) if indicator == HEADLINE else indicator


def series_indicator(view: CompareView) -> str:
    ids_ = indicator_ids(view.indicator)
    return view.series or (ids_[0] if isinstance(ids_, list) else ids_)


def ranking(con, ctx: Context, view: CompareView) -> Section:
    """Ranked bars among comparable values; every selected city has a row, a city without a
    figure says "no figure"."""
    name = indicator_name(ctx, view.indicator)
    sec = Section("ranking", "question_ranking", ctx.t("brief_ranking"), paragraphs=[plain(ctx.t("compare_intro"))])
    table = compare.network_position(con, indicator_ids(view.indicator), view.year, list(view.cities))
    sec.source_ids = ids(table, "source_id")
    sec.facts = [fact({**row, "year": row.get("year_used")}, ctx, role="bar", label=ctx.city(row["city_id"]))
                 for row in table.to_dict("records")]
    missing = [f.label for f in sec.facts if f.value is None]
    if missing:
        sec.gaps.append(ctx.t("alt_missing_cities", cities=", ".join(missing)))
    if table.value.notna().any():
        sec.charts.append(ranked_bars(table, ctx, name))
    else:
        return gap_section(sec, ctx.t("no_values_for_selection"))
    return sec


def over_time(con, ctx: Context, view: CompareView) -> Section:
    sec = Section("over_time", "question_over_time", ctx.t("over_time"))
    series_id = series_indicator(view)
    series = compare.timeseries(con, series_id, list(view.cities))
    if series.empty:
        return gap_section(sec, ctx.t("no_data"))
    sec.source_ids = ids(series, "source_id")
    sec.charts.append(lines_over_time(series, ctx, ctx.t("over_time_title", indicator=ctx.label("indicators", series_id)),
                                      cities_order=ctx.city_order))
    return sec


def two_indicators_section(con, ctx: Context, view: CompareView) -> Section:
    sec = Section("two_indicators", "question_two_indicators", ctx.t("two_indicators"))
    if not (view.x and view.y):
        return gap_section(sec, ctx.t("no_city_has_both"))
    xs = compare.compare_cities(con, view.x, None, None, list(view.cities))
    ys = compare.compare_cities(con, view.y, None, None, list(view.cities))
    both = xs.merge(ys, on=["city_id", "city"], suffixes=("_x", "_y")).dropna(subset=["value_x", "value_y"])
    if both.empty:
        return gap_section(sec, ctx.t("no_city_has_both"))
    sec.source_ids = ids(both, "source_id_x", "source_id_y")
    sec.charts.append(two_indicators(both, ctx, view.x, view.y))
    return sec


def city_vs_country(con, ctx: Context, view: CompareView) -> Section:
    sec = Section("city_vs_country", "question_city_vs_country", ctx.t("city_vs_country"))
    vs = compare.city_vs_country(con, list(view.cities))
    if "city_share" not in vs or vs.dropna(subset=["city_share"]).empty:
        return gap_section(sec, ctx.t("no_data"))
    sec.source_ids = ids(vs, "city_source_id", "national_source_id")
    sec.charts.append(city_and_country(vs, ctx))
    missing = [ctx.city(c) for c in vs[vs.city_share.isna()].city_id]
    if missing:
        sec.gaps.append(ctx.t("no_city_share", cities=", ".join(missing)))
    return sec


SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec("ranking", ranking),
    SectionSpec("over_time", over_time),
    SectionSpec("two_indicators", two_indicators_section),
    SectionSpec("city_vs_country", city_vs_country),
)
CLOSING = ("caveats", "sources", "citation")
SECTION_KEYS = tuple(s.key for s in SECTIONS) + CLOSING


def check_view(con, view: CompareView) -> None:
    """Raise KeyError for an unknown city or indicator (a message, not a traceback, upstream)."""
    known = set(reference.cities(con).city_id)
    unknown = [c for c in view.cities if c not in known]
    if unknown or not view.cities:
        raise KeyError(f"unknown city {', '.join(unknown) or '(none given)'}; known: {', '.join(sorted(known))}")
    known_ind = set(reference.indicators(con).indicator_id) | {HEADLINE}
    for indicator in (view.indicator, view.series, view.x, view.y):
        if indicator is not None and indicator not in known_ind:
            raise KeyError(f"unknown indicator {indicator!r}; e.g. {HEADLINE}, foreign_citizens_share, foreign_born_share")


def comparison(con, ctx: Context, view: CompareView) -> Page:
    """The Compare page for ``view`` in ``ctx.lang`` and ``ctx.mode``."""
    view = CompareView(tuple(dict.fromkeys(view.cities)), view.indicator, view.year, view.series, view.x, view.y)
    check_view(con, view)
    sections = [spec.build(con, ctx, view) for spec in SECTIONS]
    names = ", ".join(ctx.city(c) for c in view.cities)
    params = {"cities": ",".join(view.cities), "indicator": view.indicator, "year": view.year or "latest",
              "series": series_indicator(view), "x": view.x, "y": view.y}
    return finish_page(con, ctx, "comparison", ctx.t("brief_comparison_title", indicator=indicator_name(ctx, view.indicator)),
                       names, sections, list(view.cities), f"compare-{'-'.join(view.cities)[:60]}-{ctx.lang}",
                       {k: v for k, v in params.items() if v is not None})
