"""Rendering helpers for the pages: a Chart with its export settings, its description and
the data behind it; text from the data always shown as text (never markdown or HTML)."""
from __future__ import annotations

from typing import Callable, TypeVar

import pandas as pd
import streamlit as st

from figures.context import Context
from figures.style import Chart, export_config, finished
from ui import data as ui_data
from ui.widgets import flag, lang


def plain(text) -> str:
    """Text from the data made inert for Streamlit's markdown (links, images, HTML)."""
    from analytics.text_safety import plain_text

    return plain_text("" if text is None else str(text))


def link(url, label: str | None = None) -> str:
    """A markdown link for an http(s) URL with a host (visible text: the host), else ''."""
    from analytics.text_safety import safe_link

    return safe_link(url, label) or ""


NARROW_COOKIE = "mc2cm_narrow"  # "1" on a screen below 640 px: set by app.py's script, read on the server


def narrow() -> bool:
    """Whether the reader's screen is narrow (a phone): charts are then drawn in ``phone`` mode."""
    try:
        return st.context.cookies.get(NARROW_COOKIE) == "1"
    except Exception:  # noqa: BLE001 - no browser (AppTest, bare mode): a wide screen
        return False


def context(mode: str | None = None) -> Context:
    """The figure context of this run: language, mode (presenter from the URL), data version, labels."""
    return Context(lang=lang(), mode=mode or ("presenter" if flag("present") else "phone" if narrow() else "screen"),
                   data_version=ui_data.data_version(), labels=ui_data.labels(), city_order=ui_data.city_order())


T = TypeVar("T")
CACHED_VIEWS = 256  # built charts and tables kept per server process (least recently used dropped)


@st.cache_resource(show_spinner=False)
def _built_views() -> ui_data.LRU:
    return ui_data.LRU(CACHED_VIEWS)


def built(name: str, ctx: Context, inputs: tuple, build: Callable[[], T]) -> T:
    """``build()`` once per view and data version, reused by every rerun and session.

    Streamlit reruns the whole page script on every interaction; a finished chart or table
    depends only on the data version, the language, the mode and the view's own ``inputs``
    (the arguments of the analytics calls inside ``build``: cities, indicator, year, ...), so
    it is built once and kept (a bounded LRU of ``CACHED_VIEWS``). ``inputs`` must name every
    value ``build`` depends on besides ``ctx``. The result is shared: never mutate it.
    """
    # The file's identity too: a view built before the file was damaged is not shown as current.
    key = (name, ctx.data_version, ui_data.file_identity(), ctx.lang, ctx.mode, ui_data.hashable(inputs))
    return _built_views().get_or_build(key, lambda: _final(build()))


def _final(value):
    if isinstance(value, Chart):
        finished(value.figure)
    return value


def _charts() -> list:
    return st.session_state.setdefault("_page_charts", [])


def view_url(extra: dict | None = None) -> str:
    """The link of the current view: the page's address with every control's id in the query
    string (``lang`` always). Absolute, so that the bundle's ``view-url.txt`` can hold it."""
    from urllib.parse import urlencode

    base = (st.context.url or "").split("?")[0]
    page_path = st.session_state.get("_page_path") or ""
    if page_path and not base.rstrip("/").endswith("/" + page_path):
        base = base.rstrip("/") + "/" + page_path
    if not base.startswith(("http://", "https://")):
        base = "http://localhost:8501/" + page_path
    params = {k: v for k, v in st.query_params.to_dict().items() if k not in ("chart", "embed")}
    params.setdefault("lang", lang())
    params.update(extra or {})
    return base + ("?" + urlencode(params, safe=",") if params else "")


def fill_view_links() -> None:
    """Write every chart's "Link of this view", embed code and citation once the page has run:
    a control drawn below a chart (Spatial's cities) is then in the link too."""
    from figures.cite import bibtex, embed_snippet, short_citation

    pending = st.session_state.get("_pending_links") or []
    st.session_state["_pending_links"] = []
    if not pending:
        return
    url = view_url()
    for box, chart, key, ctx in pending:
        with box:
            st.caption(ctx.t("view_link"))
            st.code(url, language=None)
            st.caption(ctx.t("embed_code"))
            st.code(embed_snippet(chart, view_url({"embed": "true", "chart": key})), language="html")
            st.caption(ctx.t("short_citation"))
            st.code(short_citation(chart, url, ctx.lang), language=None)
            st.caption(ctx.t("bibtex"))
            st.code(bibtex(chart, url), language="latex")


def show(chart: Chart, key: str, ctx: Context, table: pd.DataFrame | None = None, column_config: dict | None = None) -> None:
    """Render a chart: the figure (export 1920x1080 in the chosen format), its plain-language
    description, its data notes, the rows behind it, and its link, embed snippet and citation.

    ``table``: the rows to show under the chart instead of ``chart.data`` (the same rows for
    every showing of this chart: they are made readable once per chart).
    With ``?chart=<key>`` (embed links: ``?embed=true&chart=<key>``) only that chart is drawn."""
    fmt = st.session_state.get("_view", {}).get("image_format", "png")
    _charts().append(chart)
    if st.query_params.get("chart"):
        if st.query_params.get("chart") == key:
            from html import escape

            from figures.cite import embed_figure

            # sized to the embed frame (960x600), with a link back to the full view under it
            st.plotly_chart(embed_figure(chart.figure), config=export_config(chart.name, fmt), key=key, width="stretch")
            st.markdown(f'<p class="mc2cm-embed-back"><a href="{escape(view_url(), quote=True)}" target="_blank" '
                        f'rel="noopener">{escape(ctx.t("embed_full_view"))}</a></p>', unsafe_allow_html=True)
            st.session_state["_embed_shown"] = True
        return
    st.plotly_chart(chart.figure, config=export_config(chart.name, fmt), key=key, width="stretch")
    st.caption(plain(ctx.t("chart_description") + " " + chart.alt))
    for note in chart.notes[:6]:
        st.caption(plain("⚠ " + note))
    st.caption(ctx.t("data_updated", version=ctx.data_version, date=ui_data.built_on()))
    rows = table if table is not None else chart.data
    if rows is not None and not rows.empty:
        with st.expander(ctx.t("data_table")):
            # made readable once per chart and language (a chart is reused across reruns: the
            # ``table`` passed with it must depend on the same inputs as the chart)
            shown = chart.cache.get(("readable", ctx.lang))
            if shown is None:
                shown = chart.cache[("readable", ctx.lang)] = arrow_table(readable(rows, ctx))
            st.dataframe(shown, hide_index=True, width="stretch", column_config=column_config)
    # filled by fill_view_links once the page has run (every control's id is then in the URL)
    st.session_state.setdefault("_pending_links", []).append((st.expander(ctx.t("share_cite")).container(), chart, key, ctx))


BOOLEAN_COLUMNS = ("is_estimate", "comparable", "same_concept", "same_territory", "preferred", "pilot_project")


def readable(frame: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    """A table for readers: no raw booleans or NaN/None cells; list columns joined; caveat
    codes translated."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if column == "caveat_codes":
            out[column] = [ctx.caveat(c) for c in series]
        elif series.dtype == bool or column in BOOLEAN_COLUMNS:
            out[column] = series.map(lambda v: ctx.t("yes") if v is True or v == 1 else (ctx.t("no") if v is False or v == 0 else ""))
        elif series.dtype == object or str(series.dtype) in ("str", "string"):
            out[column] = series.map(lambda v: ", ".join(map(str, v)) if isinstance(v, (list, tuple)) else
                                     ("" if v is None or (isinstance(v, float) and v != v) else v))
        elif pd.api.types.is_numeric_dtype(series) and series.isna().any():
            out[column] = _numbers_as_text(series, column, ctx)
    return out.drop(columns=[c for c in ("geometry",) if c in out.columns])


def _numbers_as_text(series: pd.Series, column: str, ctx: Context) -> pd.Series:
    """A numeric column with missing values as text: empty cells stay empty (never 'None')."""
    from i18n import number

    known = series.dropna()
    whole = bool(((known % 1) == 0).all()) if len(known) else True
    if "year" in column:
        return series.map(lambda v: "" if pd.isna(v) else str(int(v)))
    return series.map(lambda v: "" if pd.isna(v) else number(v, ctx.lang, 0 if whole else 2))


def arrow_table(frame: pd.DataFrame):
    """A frame as an Arrow table for ``st.dataframe`` (converted once when the table is reused:
    Streamlit converts a pandas frame to Arrow on every rerun)."""
    import pyarrow as pa

    return pa.Table.from_pandas(frame, preserve_index=False)


def text_table(frame: pd.DataFrame | Callable[[], pd.DataFrame], ctx: Context, view: tuple[str, tuple] | None = None,
               **kwargs) -> None:
    """A data frame shown for reading (readable values, no index).

    ``frame`` may be a function building it; with ``view=(name, inputs)`` the readable table is
    built once per view, language and data version (:func:`built`), not on every rerun.
    """
    def make():
        return arrow_table(readable(frame() if callable(frame) else frame, ctx))

    st.dataframe(built(view[0], ctx, view[1], make) if view else make(), hide_index=True, width="stretch", **kwargs)
