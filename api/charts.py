"""Chart images by URL: ``/chart/<view>.png|svg`` with the view's ids in the query string draws
the chart the page shows (title, source line and data version inside the image), through
kaleido and the system Chromium, once per data version (bytes kept in a bounded cache).

- ``/chart/city.png?city=vienna&section=trends`` (``trend``, ``index``, ``lang`` as on the page);
- ``/chart/compare.svg?cities=madrid,vienna&indicator=...`` (``year``, ``series``, ``x``, ``y``);
- any other page id (``overview``, ``spatial``, ...): a title card with the page's title,
  the dashboard's name, the sources and the data version.

``size=og`` gives the Open Graph image: a 1200x630 PNG (the size social networks show).
"""
from __future__ import annotations

import threading

from starlette.requests import Request
from starlette.responses import Response

from api.http import IMMUTABLE, SHORT_CACHE, ApiError, Param, etag_of
from api.resources import LANG
from figures.style import EXPORT, Chart
from ui import data as ui_data

OG_SIZE = (1200, 630)
CACHED_IMAGES = 128
_IMAGES = ui_data.LRU(CACHED_IMAGES)
_RENDER = threading.Lock()  # one kaleido server, one image at a time

PARAMS = {p.name: p for p in (
    LANG, Param("city", "City id"), Param("trend", "Trend indicator id"), Param("cities", "City ids", "list"),
    Param("indicator", "Indicator id"), Param("year", "Year", "integer", minimum=1900, maximum=2100),
    Param("series", "Indicator of the lines"), Param("x", "Horizontal indicator"), Param("y", "Vertical indicator"),
    Param("section", "Section key of the chart (default: the page's first chart)"),
    Param("index", "Chart number within the section", "integer", minimum=0, maximum=50, default=0),
    Param("size", "og: the 1200x630 Open Graph image", enum=("og", "default"), default="default"),
    Param("v", "Data version (the URL is then immutable)"))}


def page_chart(view: str, args: dict, con) -> Chart:
    """The chart of ``view`` the URL names (the page's own chart; a title card for pages without one)."""
    from api import resources
    from api.pages import built_page
    from report.city import CityView
    from report.compare import CompareView

    if view == "city":
        resources._check_city(con, args.get("city") or "")
        page = built_page("city", CityView(args["city"], args.get("trend")), args["lang"])
    elif view == "compare":
        payload_args = {"cities": args.get("cities") or [], "lang": args["lang"], **{k: args.get(k) for k in ("indicator", "year", "series", "x", "y")}}
        resources.comparison(con, payload_args)  # checks the ids (4xx) and builds the page once
        page = built_page("comparison", CompareView(tuple(dict.fromkeys(payload_args["cities"])),
                                                    args.get("indicator") or resources.HEADLINE, args.get("year"), args.get("series"),
                                                    args.get("x") or "population_total", args.get("y") or "foreign_citizens_share"),
                          args["lang"])
    else:
        return title_card(con, view, args["lang"])
    sections = [s for s in page.sections if s.charts and (not args.get("section") or s.key == args["section"])]
    if args.get("section") and not sections:
        raise ApiError(404, f"no chart in section {args['section'][:40]!r} of this view; sections with charts: "
                            f"{', '.join(s.key for s in page.sections if s.charts) or 'none'}")
    if not sections:
        return title_card(con, view, args["lang"], page.title, page.subtitle, ", ".join(page.sources.publisher[:3]))
    charts = sections[0].charts
    if args["index"] >= len(charts):
        raise ApiError(404, f"section {sections[0].key} has {len(charts)} chart(s); index {args['index']} does not exist")
    return charts[args["index"]]


def title_card(con, view: str, lang: str, title: str | None = None, subtitle: str | None = None, source: str | None = None) -> Chart:
    """A picture for a page without its own chart: title, subtitle, the sources and data version."""
    import plotly.graph_objects as go

    from figures.style import finish
    from i18n import t
    from ui.pages import BY_ID

    if view not in BY_ID:
        raise ApiError(404, f"unknown view {view[:40]!r}; expected one of {', '.join(BY_ID)}")
    title = title or f"{t(BY_ID[view].title_key, lang)} · {t('app_title', lang)}"
    subtitle = subtitle or t("network", lang)
    if source is None:
        source = t("og_sources", lang, n=int(con.execute("SELECT count(*) FROM sources").fetchone()[0]))
    fig = go.Figure()
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.add_annotation(text=t("og_card_body", lang), x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                       font={"size": 26, "color": "#0B5C8C"})
    finish(fig, title=title, subtitle=subtitle, source=source, data_version=ui_data.data_version(), lang=lang, height=OG_SIZE[1])
    return Chart(fig, f"mc2cm-{view}", title, subtitle, source, title)


def clear_source_line(fig, extra: int = 26):
    """A copy of ``fig`` whose source line sits below the horizontal axis title: with a source
    line of two lines the two overlapped (the page's own exports show it too: figures.style)."""
    import plotly.graph_objects as go

    from figures.style import SOURCE_ANNOTATION

    if not (fig.layout.xaxis.title and fig.layout.xaxis.title.text):
        return fig
    fig = go.Figure(fig)
    fig.update_layout(margin_b=(fig.layout.margin.b or 80) + extra)
    for annotation in fig.layout.annotations:
        if annotation.name == SOURCE_ANNOTATION:
            annotation.yshift = (annotation.yshift or 0) - extra
    return fig


def render(chart: Chart, fmt: str, size: str) -> bytes:
    """The chart's PNG or SVG bytes (one kaleido server kept open for the process)."""
    import kaleido

    from briefs.images import image_server

    if fmt == "svg" and chart.vector is not None:
        chart = chart.vector()
    fig = clear_source_line(chart.figure)
    if size == "og":
        width, height, scale = OG_SIZE[0], OG_SIZE[1], 1
    else:
        width, height, scale = EXPORT["width"], int(fig.layout.height or EXPORT["height"]), 2 if fmt == "png" else 1
    with _RENDER, image_server(keep=True):
        return kaleido.calc_fig_sync(fig, opts={"format": fmt, "width": width, "height": height, "scale": scale})


def chart_route(request: Request) -> Response:
    from api.server import json_error
    from briefs.images import MissingDependency

    from api.server import method_not_allowed

    if request.method not in ("GET", "HEAD"):
        return method_not_allowed(request)
    view, fmt = request.path_params["view"], request.path_params["ext"]
    version = None
    try:
        if fmt not in ("png", "svg"):
            raise ApiError(400, f"unknown image format {fmt[:10]!r}; expected png or svg")
        unknown = sorted(set(request.query_params.keys()) - set(PARAMS) - {"format"})
        if unknown:
            raise ApiError(400, f"unknown parameter {', '.join(u[:30] for u in unknown[:5])}; this address takes {', '.join(PARAMS)}")
        args = {name: p.parse(request.query_params.getlist(name)) for name, p in PARAMS.items()}
        version = ui_data.data_version()
        if args["v"] is not None and args["v"] != version:
            raise ApiError(404, f"data version {args['v'][:20]!r} is not served here; the current one is {version}")
        key = (version, view, fmt, tuple(sorted((k, str(v)) for k, v in args.items() if k != "v")))

        def make() -> bytes:
            con = ui_data.cursor()
            try:
                chart = page_chart(view, args, con)
            finally:
                con.close()
            return render(chart, fmt, args["size"])

        content = _IMAGES.get_or_build(key, make)
    except ApiError as error:
        return json_error(error.status, error.message, version)
    except MissingDependency as error:
        return json_error(503, f"chart images are not available on this server: {error}", version)
    except ui_data.DatabaseUnavailable:
        return json_error(503, "the database is not available; build it with `make build`")
    except Exception:  # noqa: BLE001
        import logging

        logging.getLogger("mc2cm.api").exception("chart error on %s", request.url)
        return json_error(500, "internal error while drawing this chart (logged); please report the URL", version)
    etag = etag_of(content)
    headers = {"ETag": etag, "Cache-Control": IMMUTABLE if args["v"] else SHORT_CACHE, "X-Data-Version": version,
               "Access-Control-Allow-Origin": "*"}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(content, media_type="image/png" if fmt == "png" else "image/svg+xml", headers=headers)
