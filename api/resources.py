"""The endpoints of the public API, declared once: path, parameters, formats and the function
that builds the answer from analytics and the content layer (never SQL of its own beyond the
export module's queries). :mod:`api.server` turns them into Starlette routes,
:mod:`api.openapi` into the OpenAPI description.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd

from analytics import export, reference, spatial
from analytics.rules import HEADLINE, territory_key
from api.http import ApiError, Param, Payload, records
from i18n import LANGUAGES
from ui.data import cached  # analytics results once per data version, shared with the pages

SOURCE_TYPES = ("official_statistics", "un_agency", "city_administration", "research", "secondary", "estimate")
DEFAULT_LIMIT, MAX_LIMIT = 1000, 50_000
LANG = Param("lang", "Language of the texts (labels, sections, caveats, gap statements)", enum=tuple(LANGUAGES), default="en")
LIMIT = Param("limit", f"Rows per page (at most {MAX_LIMIT})", "integer", minimum=1, maximum=MAX_LIMIT, default=DEFAULT_LIMIT)
OFFSET = Param("offset", "Rows skipped before the page", "integer", minimum=0, maximum=10**9, default=0)
CITY_PATH = Param("city_id", "City id (see /api/v1/cities), e.g. vienna", where="path")


@dataclass(frozen=True)
class Endpoint:
    """One GET endpoint: ``path`` (Starlette syntax), what it answers and how."""

    path: str
    name: str
    summary: str
    formats: tuple[str, ...]
    build: Callable[..., Payload]
    params: tuple[Param, ...] = ()


def _known(con, sql: str) -> set[str]:
    return {r[0] for r in con.execute(sql).fetchall()}


def _check_city(con, city_id: str) -> None:
    if city_id not in _known(con, "SELECT city_id FROM cities"):
        raise ApiError(404, f"unknown city {city_id[:40]!r}; see /api/v1/cities for the ids")


def _paged(frame_of, total: int, limit: int, offset: int) -> Payload:
    frame = frame_of(limit, offset)
    meta = {"total": total, "limit": limit, "offset": offset, "returned": len(frame),
            "next_offset": offset + limit if offset + limit < total else None}
    return Payload(frame=frame, meta=meta, headers={"X-Total-Count": str(total)})  # JSON rows written only for JSON


# --------------------------------------------------------------------------- catalog

def cities(con, args) -> Payload:
    """Every city with its membership and the territories its figures are given for."""
    frame = reference.cities(con)
    terr = con.execute("""SELECT city_id, geo_level, geo_unit, count(*) AS n_figures FROM observations
                          GROUP BY ALL ORDER BY city_id, geo_level, geo_unit""").df()
    if not terr.empty:
        terr["territory_id"] = territory_key(terr).to_numpy()
    by_city = {c: records(g.drop(columns="city_id")) for c, g in terr.groupby("city_id")} if not terr.empty else {}
    keep = [c for c in ("city_id", "name", "country_iso3", "country", "lat", "lon", "membership", "membership_phase",
                        "membership_source_url", "membership_note", "pilot_project") if c in frame.columns]
    frame = frame[keep]
    rows = records(frame)
    for row in rows:
        row["territories"] = by_city.get(row["city_id"], [])
    csv = frame.assign(territories=[" | ".join(t["geo_unit"] for t in by_city.get(c, [])) for c in frame.city_id])
    return Payload(body={"rows": rows}, frame=csv)


def city(con, args) -> Payload:
    _check_city(con, args["city_id"])
    payload = cities(con, args)
    row = next(r for r in payload.body["rows"] if r["city_id"] == args["city_id"])
    return Payload(body=row, frame=payload.frame[payload.frame.city_id == args["city_id"]])


def indicators(con, args) -> Payload:
    frame = reference.indicators(con)
    if args.get("concept"):
        frame = frame[frame.concept.isin(args["concept"])]
    if args.get("theme"):
        frame = frame[frame.theme.isin(args["theme"])]
    return Payload(frame=frame.reset_index(drop=True))


def concepts(con, args) -> Payload:
    return Payload(frame=reference.concepts(con))


def sources(con, args) -> Payload:
    return Payload(frame=reference.sources(con))


def overview(con, args) -> Payload:
    """Every city with its headline share and population (the Overview page's table)."""
    from analytics import compare

    frame = cached(compare.every_city)
    frame = frame.assign(caveat_codes=[";".join(c) if isinstance(c, (list, tuple)) else ("" if c is None else str(c))
                                       for c in frame.get("caveat_codes", [None] * len(frame))])
    return Payload(frame=frame)


def coverage_(con, args) -> Payload:
    """Indicator x city cells (figures, years, latest year, best source type) and the core
    indicators each city lacks (the Coverage page)."""
    from analytics import coverage

    cities_ = args.get("city") or None
    if cities_:
        unknown = sorted(set(cities_) - _known(con, "SELECT city_id FROM cities"))
        if unknown:
            raise ApiError(404, f"unknown city {', '.join(u[:40] for u in unknown)}; see /api/v1/cities for the ids")
    matrix = cached(coverage.coverage_matrix, cities_)
    missing = cached(coverage.missing_core_indicators, cities_)
    return Payload(body={"rows": records(matrix), "missing_core_indicators": records(missing)}, frame=matrix)


def origins_(con, args) -> Payload:
    """A city's largest groups by country of origin or citizenship (the Origins page)."""
    from analytics import origins

    _check_city(con, args["city_id"])
    return Payload(frame=cached(origins.top_origins, args["city_id"], args["n"]))


def themes(con, args) -> Payload:
    """The network's themes and its peer-learning events and pilot projects (the Themes page)."""
    return Payload(body={"rows": records(reference.themes(con)), "activities": records(reference.network_activities(con))},
                   frame=reference.themes(con))


def excluded(con, args) -> Payload:
    """Figures left out of the database or replaced, each with its reason (the Methods page)."""
    return Payload(frame=reference.excluded_observations(con))


# --------------------------------------------------------------------------- observations

def _observation_filters(con, args) -> dict:
    filters = {"cities": args.get("city") or [], "indicators": args.get("indicator") or [],
               "concepts": args.get("concept") or [], "source_types": args.get("standing") or [],
               "geo_levels": args.get("geo_level") or []}
    start, end = args.get("from"), args.get("to")
    if start is not None or end is not None:
        start, end = start if start is not None else 1900, end if end is not None else 2100
        if start > end:
            raise ApiError(400, f"from={start} is after to={end}")
        filters["years"] = (start, end)
    try:
        export.validate_filters(con, {k: v for k, v in filters.items() if v}, "observations")
    except ValueError as error:
        raise ApiError(400, str(error)) from None
    return filters


def observations(con, args) -> Payload:
    """Figures filtered by city, indicator, concept, year range and standing (source type), paged;
    every row with its source, licence, territory, concept, standing and data version."""
    filters = _observation_filters(con, args)
    sql, params = export._observations_query(filters, ordered=False)
    total = int(con.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0])
    version = export.data_version(con)

    def frame_of(limit, offset):
        frame = export.observations_page(con, filters, limit, offset)
        frame.insert(frame.columns.get_loc("geo_unit") + 1, "territory_id",
                     territory_key(frame).to_numpy() if not frame.empty else [])
        frame["standing"] = [f"{s}{', estimate' if e else ''}" for s, e in zip(frame.source_type, frame.is_estimate)]
        frame["data_version"] = version
        return frame

    return _paged(frame_of, total, args["limit"], args["offset"])


# --------------------------------------------------------------------------- pages (content layer)

def _chart_url(kind: str, view: dict, lang: str):
    from urllib.parse import urlencode

    def url(section: str, index: int) -> str:
        params = {**{k: v for k, v in view.items() if v not in (None, "")}, "section": section, "lang": lang}
        if index:
            params["index"] = index
        return f"/chart/{'city' if kind == 'city' else 'compare'}.png?{urlencode(params)}"
    return url


def profile(con, args) -> Payload:
    """A city's profile: the sections of the City profile page (``report.city``)."""
    from api.pages import built_page, facts_frame, page_json
    from report.city import CityView

    _check_city(con, args["city_id"])
    trend = args.get("trend")
    if trend is not None and trend not in _known(con, "SELECT indicator_id FROM indicators"):
        raise ApiError(400, f"unknown indicator {trend[:40]!r} for trend; see /api/v1/indicators")
    page = built_page("city", CityView(args["city_id"], trend), args["lang"])
    body = page_json(page, _chart_url("city", {"city": args["city_id"], "trend": trend}, args["lang"]))
    return Payload(body=body, frame=facts_frame(page))


def comparison(con, args) -> Payload:
    """A comparison: the sections of the Compare page (``report.compare``)."""
    from api.pages import built_page, facts_frame, page_json
    from report.compare import CompareView

    cities_ = list(dict.fromkeys(args.get("cities") or []))
    if not cities_:
        raise ApiError(400, "parameter 'cities' is required: two or more city ids, comma-separated")
    known_cities = _known(con, "SELECT city_id FROM cities")
    unknown = [c for c in cities_ if c not in known_cities]
    if unknown:
        raise ApiError(404, f"unknown city {', '.join(u[:40] for u in unknown)}; see /api/v1/cities for the ids")
    known = _known(con, "SELECT indicator_id FROM indicators") | {HEADLINE}
    for name in ("indicator", "series", "x", "y"):
        if args.get(name) is not None and args[name] not in known:
            raise ApiError(400, f"unknown indicator {args[name][:40]!r} for {name}; see /api/v1/indicators")
    view = CompareView(tuple(cities_), args.get("indicator") or HEADLINE, args.get("year"), args.get("series"),
                       args.get("x") or "population_total", args.get("y") or "foreign_citizens_share")
    page = built_page("comparison", view, args["lang"])
    ids = {"cities": ",".join(cities_), "indicator": view.indicator, "year": view.year, "series": view.series,
           "x": view.x, "y": view.y}
    body = page_json(page, _chart_url("comparison", ids, args["lang"]))
    return Payload(body=body, frame=facts_frame(page))


# --------------------------------------------------------------------------- districts

def district_counts(con, args) -> Payload:
    """District counts of a city (every row with source, licence and data version), paged."""
    _check_city(con, args["city_id"])
    filters = {"cities": [args["city_id"]]}
    for key, name in (("years", "year"), ("groups", "group"), ("area_levels", "area_level")):
        if args.get(name):
            filters[key] = args[name]
    try:
        export.validate_filters(con, filters, "area_counts")
    except ValueError as error:
        raise ApiError(400, str(error)) from None
    sql, params = export._area_counts_query(filters, ordered=False)
    total = con.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]

    def frame_of(limit, offset):
        sql, params = export._area_counts_query(filters)
        return con.execute(f"SELECT * FROM ({sql}) LIMIT ? OFFSET ?", [*params, limit, offset]).df()[export.AREA_COUNT_COLUMNS]

    return _paged(frame_of, int(total), args["limit"], args["offset"])


def boundaries(con, args) -> Payload:
    """A city's district boundaries with the counts of one year, as GeoJSON (EPSG:4326)."""
    _check_city(con, args["city_id"])
    if not con.execute("SELECT count(*) FROM areas WHERE city_id = ?", [args["city_id"]]).fetchone()[0]:
        raise ApiError(404, f"no district boundaries for {args['city_id']}: this is a gap in the data, not an error of the request")
    year = args.get("year")
    if year is not None and year not in export.years_available(con, [args["city_id"]]):
        raise ApiError(400, f"no district counts for {args['city_id']} in {year}; years that exist: "
                            f"{export.format_years(export.years_available(con, [args['city_id']])) or 'none'}")
    return Payload(raw=export.areas_geojson_bytes(con, args["city_id"], year))


def segregation(con, args) -> Payload:
    """Segregation indices of a city for one group, year and area level (``analytics.spatial``)."""
    _check_city(con, args["city_id"])
    groups = set(spatial.group_options(con, args["city_id"]).get("group_id", pd.Series(dtype=str)))
    if not groups:
        raise ApiError(404, f"no district counts for {args['city_id']}: segregation indices cannot be computed (a gap)")
    if args.get("group") and args["group"] not in groups:
        raise ApiError(400, f"unknown group {args['group'][:40]!r} for {args['city_id']}; expected one of {', '.join(sorted(groups))}")
    if args.get("year") is not None and args["year"] not in export.years_available(con, [args["city_id"]]):
        raise ApiError(400, f"no district counts for {args['city_id']} in {args['year']}")
    frame = cached(spatial.segregation_indices, args["city_id"], args.get("group"), args.get("year"))
    frame = frame.assign(caveat_codes=[";".join(c) for c in frame.caveat_codes])
    return Payload(frame=frame)


# --------------------------------------------------------------------------- citation and feed

def citation(con, args) -> Payload:
    """The short citation and BibTeX of a view: a city profile (``city``) or a comparison (``cities``)."""
    from datetime import date

    from figures.cite import bibtex, short_citation

    if bool(args.get("city")) == bool(args.get("cities")):
        raise ApiError(400, "give either city=<id> (a city profile) or cities=<id>,<id> (a comparison)")
    if args.get("city"):
        payload = profile(con, {"city_id": args["city"], "lang": args["lang"], "trend": None})
    else:
        payload = comparison(con, {"cities": args["cities"], "lang": args["lang"], "indicator": args.get("indicator")})
    page = _page_of(args)  # the page just built (cached): its first chart is the view's chart
    chart = page.charts[0] if page.charts else None
    url = args.get("url") or ""
    body = {"view": payload.body["view"], "title": payload.body["title"], "citation": page.citation}
    if chart is not None:
        body["short"] = short_citation(chart, url, args["lang"], date.today())
        body["bibtex"] = bibtex(chart, url, date.today())
    return Payload(body=body, frame=pd.DataFrame([{k: v for k, v in body.items() if k != "view"}]))


def _page_of(args):
    from api.pages import built_page
    from report.city import CityView
    from report.compare import CompareView

    if args.get("city"):
        return built_page("city", CityView(args["city"], None), args["lang"])
    return built_page("comparison", CompareView(tuple(dict.fromkeys(args["cities"])), args.get("indicator") or HEADLINE,
                                                None, None, "population_total", "foreign_citizens_share"), args["lang"])


def feed(con, args) -> Payload:
    from api.feed import atom

    return Payload(raw=atom(con, args.get("base") or "http://localhost/"))


def _index(con, args) -> Payload:
    return Payload(body={"name": "MC2CM city migration dashboard: public data API", "version": "v1",
                         "openapi": "/api/v1/openapi.json", "docs": "docs/api.md",
                         "endpoints": [{"path": e.path, "summary": e.summary, "formats": list(e.formats)} for e in ENDPOINTS]})


ID = "A city id, e.g. vienna"
ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("/api/v1", "index", "What the API offers", ("json",), _index),
    Endpoint("/api/v1/cities", "cities", "Cities with membership and territories", ("json", "csv"), cities),
    Endpoint("/api/v1/cities/{city_id}", "city", "One city with membership and territories", ("json", "csv"), city, (CITY_PATH,)),
    Endpoint("/api/v1/indicators", "indicators", "Indicators with concept, theme and unit", ("json", "csv"), indicators,
             (Param("concept", "Concept ids", "list"), Param("theme", "Theme ids", "list"))),
    Endpoint("/api/v1/concepts", "concepts", "Concepts (what a figure counts)", ("json", "csv"), concepts),
    Endpoint("/api/v1/sources", "sources", "Sources with publisher, licence and type", ("json", "csv"), sources),
    Endpoint("/api/v1/overview", "overview", "Every city with its headline share and population", ("json", "csv"), overview),
    Endpoint("/api/v1/coverage", "coverage", "What is known: indicator x city cells and missing core indicators", ("json", "csv"),
             coverage_, (Param("city", "City ids (default: all)", "list"),)),
    Endpoint("/api/v1/origins/{city_id}", "origins", "A city's largest origin groups", ("json", "csv"), origins_,
             (CITY_PATH, Param("n", "How many groups", "integer", minimum=1, maximum=100, default=15))),
    Endpoint("/api/v1/themes", "themes", "The network's themes and activities", ("json", "csv"), themes),
    Endpoint("/api/v1/excluded", "excluded", "Figures left out or replaced, with the reason", ("json", "csv"), excluded),
    Endpoint("/api/v1/observations", "observations", "Figures, filtered and paged", ("json", "csv"), observations, (
        Param("city", "City ids (comma-separated or repeated)", "list"),
        Param("indicator", "Indicator ids", "list"), Param("concept", "Concept ids", "list"),
        Param("standing", "Source types", "list", enum=SOURCE_TYPES),
        Param("geo_level", "Territory levels", "list",
              enum=("municipality", "governorate", "metropolitan", "region", "national", "district")),
        Param("from", "First year (inclusive)", "integer", minimum=1900, maximum=2100),
        Param("to", "Last year (inclusive)", "integer", minimum=1900, maximum=2100), LIMIT, OFFSET)),
    Endpoint("/api/v1/profile/{city_id}", "profile", "A city profile as the page's sections", ("json", "csv"), profile,
             (CITY_PATH, LANG, Param("trend", "Trend indicator id (default: the one with the most years)"))),
    Endpoint("/api/v1/compare", "compare", "A comparison of cities as the page's sections", ("json", "csv"), comparison, (
        Param("cities", "Two or more city ids", "list"), LANG,
        Param("indicator", f"Indicator id ({HEADLINE}: each city's best migrant share)"),
        Param("year", "Latest year at or before", "integer", minimum=1900, maximum=2100),
        Param("series", "Indicator of the lines over time"), Param("x", "Horizontal indicator"), Param("y", "Vertical indicator"))),
    Endpoint("/api/v1/districts/{city_id}/counts", "district_counts", "District counts, paged", ("csv", "json"), district_counts, (
        CITY_PATH, Param("year", "Years", "list"), Param("group", "Group ids (total, foreign, nationality:SYR, ...)", "list"),
        Param("area_level", "Area levels", "list"), LIMIT, OFFSET)),
    Endpoint("/api/v1/districts/{city_id}/boundaries", "boundaries", "District boundaries with counts (GeoJSON)", ("geojson",),
             boundaries, (CITY_PATH, Param("year", "Year of the counts (default: latest)", "integer", minimum=1900, maximum=2100))),
    Endpoint("/api/v1/segregation/{city_id}", "segregation", "Segregation indices of a city", ("json", "csv"), segregation, (
        CITY_PATH, Param("group", "Group id (default: the page's default)"),
        Param("year", "Year (default: latest)", "integer", minimum=1900, maximum=2100))),
    Endpoint("/api/v1/citation", "citation", "Short citation and BibTeX of a view", ("json", "csv"), citation, (
        Param("city", ID), Param("cities", "City ids of a comparison", "list"),
        Param("indicator", "Indicator of a comparison"), LANG, Param("url", "The view's URL to cite"))),
    Endpoint("/api/v1/feed", "feed", "Atom feed of data releases and corrections", ("atom",), feed),
)
