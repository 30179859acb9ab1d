"""One visual identity for every chart, without Streamlit.

A :class:`Chart` is a plotly figure plus what a reader, a slide or a brief needs beside it:
the title, subtitle, source line, data version, plain-language description (alt text) and
the rows behind it. :func:`finish` draws title, subtitle, legend and source line *inside*
the figure's frame, with margins in pixels, so that nothing is cut whatever the export size.

Modes
-----
``screen``    the dashboard page (13 px text)
``presenter`` large text for a projector (20 px), taller charts
``print``     a brief or PDF page (11 px text, fixed width)
``phone``     the dashboard on a narrow screen (below 640 px, e.g. 390x844): titles, subtitles
              and source lines wrapped to about 330 px, legends and colour bars below the plot

Exports are drawn at half of 1920x1080 and scaled twice (``EXPORT``), so text on a slide is
twice its on-screen size.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd
import plotly.graph_objects as go

from i18n import is_rtl, t

MODES = ("screen", "presenter", "print")
FONT_FAMILY = "Noto Sans, Noto Sans Arabic, DejaVu Sans, Arial, sans-serif"
TEXT = "#1B2631"
MUTED = "#4A5560"  # 7.4:1 on white: WCAG AA for small text (captions, source lines)
GRID = "#E5E8EB"
NOT_COMPARABLE = "#8C96A0"
EMPTY = "#F2F4F6"
# Export size: drawn at 960x540 CSS px, written at scale 2 = 1920x1080 (slide fonts).
EXPORT = {"width": 960, "height": 540, "scale": 2}

# Okabe-Ito (colour-blind safe) first, then further distinct hues for larger selections.
CATEGORICAL = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#8C6D1F", "#000000",
               "#6A3D9A", "#B15928", "#1F78B4", "#33A02C", "#E31A1C", "#FF7F00", "#A6761D", "#666666"]
SEQUENTIAL = "Viridis"
DIVERGING = "RdBu_r"
SOURCE_TYPE_COLOURS = {"official_statistics": "#0072B2", "city_administration": "#009E73", "un_agency": "#56B4E9",
                       "research": "#CC79A7", "secondary": "#E69F00", "estimate": "#D55E00"}
# The short marks of a figure's standing are texts of the catalogue (keys mark_<source_type>).
LISA_COLOURS = {"high_high": "#D55E00", "low_low": "#0072B2", "high_low": "#E69F00", "low_high": "#56B4E9",
                "not_significant": "#DDDDDD"}

_SIZES = {"screen": 13, "presenter": 20, "print": 11, "phone": 12}
SOURCE_WRAP = {"screen": 110, "presenter": 100, "print": 120, "phone": 56}  # characters per source line
PHONE = "phone"
PHONE_TEXT_PX = 330  # the width a phone's chart text is wrapped to (390 px less the page's padding)
# The narrowest frame a chart is drawn in, per mode (PDF, export, screen, a phone's width maps are fitted to).
PLOT_WIDTH = {"print": 760, "screen": 960, "presenter": 960, "phone": 360}


class FinishedFigure(go.Figure):
    """A figure that will not change any more: its plotly dict is computed once.

    ``st.plotly_chart`` calls ``to_dict()`` (a deep copy of every trace and GeoJSON) on every
    rerun; a chart reused across reruns (``ui.render.built``) pays it once. Made by
    :func:`finished`; mutating the figure afterwards is not supported.
    """

    def to_dict(self):
        cached = self.__dict__.get("_finished_dict")
        if cached is None:
            cached = self._finished_dict = super().to_dict()
        return cached


def finished(fig: go.Figure) -> go.Figure:
    """Mark a finished figure as final (see :class:`FinishedFigure`); returns it."""
    if type(fig) is go.Figure:
        fig.__class__ = FinishedFigure  # same layout, one method more: no copy of the figure
    return fig


@dataclass
class Chart:
    """A finished figure and what goes with it."""

    figure: go.Figure
    name: str  # file name stem for exports
    title: str
    subtitle: str
    source: str
    alt: str  # plain-language description generated from the data
    data: pd.DataFrame | None = None
    kind: str = "chart"  # bar, line, scatter, map, heatmap: briefs and slides use it
    notes: list[str] = field(default_factory=list)  # caveats and data notes (speaker notes, captions)
    cache: dict = field(default_factory=dict, repr=False, compare=False)  # derived once (readable rows, ...)
    # For maps drawn with MapLibre (a WebGL canvas: its SVG embeds a bitmap): the same chart drawn
    # as vector polygons (figures.static_maps), used for SVG exports. None: the figure itself.
    vector: Callable[[], "Chart"] | None = field(default=None, repr=False, compare=False)
    # False for a chart that draws no value (a map of boundaries without counts): a slide deck
    # gives it no slide of its own (its section's slide says what is missing)
    shows_values: bool = True


def font_size(mode: str) -> int:
    return _SIZES.get(mode, 13)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")[:80] or "chart"


def city_colours(city_ids) -> dict[str, str]:
    """One colour per city, stable for a given list (pass every city of the page, in catalog
    order, so a city keeps its colour across the charts of the page)."""
    return {cid: CATEGORICAL[i % len(CATEGORICAL)] for i, cid in enumerate(dict.fromkeys(city_ids))}


def source_line(frame: pd.DataFrame, column: str = "publisher", limit: int = 3, lang: str = "en") -> str:
    """'Publisher A; Publisher B (+n more)' from the rows' own sources, each once."""
    if frame is None or frame.empty or column not in frame:
        return ""
    pubs = [re.sub(r"\s*\(.*?\)", "", str(p)).strip()[:70] for p in pd.unique(frame[column].dropna()) if str(p).strip()]
    pubs = list(dict.fromkeys(pubs))
    text = "; ".join(pubs[:limit])
    if len(pubs) > limit:
        text += " " + t("n_more", lang, n=len(pubs) - limit)
    return text


def year_span(years) -> str:
    """'2014' or '2014–2024' from a collection of years (integers)."""
    years = sorted({int(y) for y in years if pd.notna(y)})
    if not years:
        return ""
    return str(years[0]) if years[0] == years[-1] else f"{years[0]}–{years[-1]}"


# Year labels on a time axis: at most this many, so that they never overlap on a 390 px phone
# (about 260 px of plot: 6 labels of 4 digits at 13 px).
YEAR_TICKS_MAX = 6


def integer_year_axis(fig: go.Figure, years, axis: str = "x") -> None:
    """Years as integers: one tick per year for short spans (at most ``YEAR_TICKS_MAX``), never
    "2,014.5", never overlapping at 390 px."""
    years = sorted({int(y) for y in years if pd.notna(y)})
    update = fig.update_xaxes if axis == "x" else fig.update_yaxes
    span = years[-1] - years[0]
    if span <= YEAR_TICKS_MAX - 1:  # one tick per year with data: at most YEAR_TICKS_MAX labels
        update(tickmode="array", tickvals=years, ticktext=[str(y) for y in years])
    else:  # plotly's own ticks, whole years, never more than fit a phone's 390 px (issue 25)
        update(tickformat="d", tickmode="auto", nticks=min(span, YEAR_TICKS_MAX))
    if len(years) == 1:
        update(range=[years[0] - 1, years[0] + 1])


CHAR_WIDTH = 0.6  # the width of a character of the chart font, in font sizes (a safe upper bound for labels)


def text_px(text: str, size: float) -> float:
    """The drawn width of a one-line label, in pixels (an upper bound: :data:`CHAR_WIDTH`)."""
    lines = re.split(r"<br\s*/?>", str(text))
    return max(len(re.sub(r"<[^>]+>", "", line)) for line in lines) * size * CHAR_WIDTH


def plot_px(fig: go.Figure, mode: str, categories=()) -> float:
    """The plot area's width in the narrowest frame of ``mode``: the frame less its margins and
    the category labels beside the axis (automargin)."""
    size = fig.layout.font.size or font_size(mode)
    width = fig.layout.width or PLOT_WIDTH.get(mode, 960)
    m = fig.layout.margin
    labels = max((text_px(c, size) for c in categories), default=0) + 10
    return max(width - (m.l or 70) - (m.r or 40) - labels, 120)


def bar_room(fig: go.Figure, values, texts, mode: str, categories=(), minimum: float = 0) -> float:
    """The end of a value axis at which every bar's outside label ends inside the plot area:
    ``value / end * plot + label <= plot`` for each bar (in either direction)."""
    size = fig.layout.font.size or font_size(mode)
    plot = plot_px(fig, mode, categories)
    end = minimum
    for value, text in zip(values, texts):
        if value is None or pd.isna(value):
            continue
        room = plot - text_px(text, size) - 8
        end = max(end, value * plot / max(room, plot * 0.25))
    return end


def fit_bar_labels(fig: go.Figure, mode: str, lang: str, minimum: float = 0, trace: int = 0) -> None:
    """Horizontal bars with their labels outside: a value axis from 0 long enough for every
    label to end inside the plot area (reversed, growing leftwards, right to left). Call after
    :func:`finish` (the fonts and margins are then known)."""
    bars = fig.data[trace]
    texts = bars.text if bars.text is not None and not isinstance(bars.text, str) else [bars.text or ""] * len(bars.x)
    size = fig.layout.font.size or font_size(mode)
    half = plot_px(fig, mode, [str(c) for c in bars.y]) * 0.5
    chars = max(int(half / (size * CHAR_WIDTH)), 12)
    wrapped = [_label_lines(str(text), chars) if text and text_px(text, size) > half else text for text in texts]
    if list(wrapped) != list(texts):  # a label wider than half the plot: on two or more lines
        bars.text = wrapped
        texts = wrapped
    end = bar_room(fig, list(bars.x), list(texts), mode, [str(c) for c in bars.y], minimum)
    if end <= 0:
        end = 1
    if is_rtl(lang):
        fig.update_xaxes(range=[end, 0], autorange=False)
    else:
        fig.update_xaxes(range=[0, end], autorange=False)


def _label_lines(text: str, chars: int) -> str:
    """A label on lines of at most about ``chars`` characters: cut at its separators (" · ")
    first, a part still longer at its spaces."""
    lines, line = [], ""
    for part in text.split(" · "):
        pieces = _wrap(part, chars) if len(part) > chars else [part]
        for piece in pieces:
            if line and len(line) + 3 + len(piece) > chars:
                lines.append(line)
                line = piece
            else:
                line = f"{line} · {piece}" if line else piece
    if line:
        lines.append(line)
    return "<br>".join(lines)


def value_axis(fig: go.Figure, unit: str, axis: str = "y", lang: str = "en") -> None:
    """Tick format chosen from the unit: shares with one decimal and %, counts grouped."""
    update = fig.update_yaxes if axis == "y" else fig.update_xaxes
    if unit == "percent":
        update(ticksuffix="%", tickformat=",.1~f", rangemode="tozero")
    elif unit in ("index", "ratio"):
        update(tickformat=".2f")
    else:
        update(tickformat=",.0f", rangemode="tozero")
    if lang == "fr":
        fig.update_layout(separators=", ")
    elif lang in ("en", "ar"):
        fig.update_layout(separators=".,")


SOURCE_ANNOTATION = "source_line"  # the name of finish()'s source annotation (slides drop it: the slide has its own)


def without_frame_text(fig: go.Figure) -> go.Figure:
    """A copy of a finished figure without its title, subtitle and source line (for a slide,
    whose own text boxes carry them): the plot gets the whole picture."""
    bare = go.Figure(fig)
    bare.update_layout(title={"text": "", "subtitle": {"text": ""}},
                       margin={"t": 30, "b": max(40, (bare.layout.margin.b or 0) - 60)})
    bare.layout.annotations = [a for a in bare.layout.annotations if a.name != SOURCE_ANNOTATION]
    return bare


def finish(fig: go.Figure, *, title: str, subtitle: str, source: str, data_version: str = "", mode: str = "screen",
           lang: str = "en", height: int | None = None, legend_bottom: bool = False) -> go.Figure:
    """Title, subtitle, legend and source line drawn inside the frame (pixel margins).

    The source line sits in the bottom margin, anchored to the figure's bottom edge with a
    pixel shift, so it stays inside the frame at any export size; the title is anchored to
    the container with ``automargin`` so it is never clipped at the top.
    """
    size = font_size(mode)
    rtl = is_rtl(lang)
    source_text = f"{t('source_is', lang, publisher=source)}" if source else ""
    if data_version:
        source_text += (" · " if source_text else "") + t("data_version_short", lang, version=data_version)
    # on a phone the source line starts where the plot starts (after the axis labels): about 200 px wide
    width = SOURCE_WRAP.get(mode, 110) if mode != PHONE else _chars(max(size - 2, 10), 200)
    lines = max(1, len(_wrap(source_text, width)))
    bottom = 56 + int(lines * size * 1.35) + (40 if legend_bottom else 0)
    phone = mode == PHONE
    if phone:
        below = _phone_below(fig, size, lines, height or 480, rtl)
        bottom += below
        _phone_bar_texts(fig)
    fig.update_layout(
        # the subtitle wrapped to the frame (about 1500 px of text at this font size): a long
        # reference line ran past the right edge of the 1920x1080 export
        # on a phone the subtitle is lines of the title (a subtitle under a title above the plot fell into the plot)
        title={"text": "<br>".join([f"<b>{line}</b>" for line in _wrap(_escape(title), _chars(size + 6, bold=True))]
                                   + [f'<span style="font-size:{size}px;font-weight:normal;color:{MUTED}">{line}</span>'
                                      for line in _wrap(_escape(subtitle), _chars(size))])
               if phone else f"<b>{_escape(title)}</b>",
               "subtitle": {"text": "" if phone else "<br>".join(_wrap(_escape(subtitle), max(60, 1500 // size))),
                            "font": {"size": size, "color": MUTED}},
               "x": 0.99 if rtl else 0.01, "xanchor": "right" if rtl else "left", "xref": "container",
               # on a phone the title takes several lines: above the plot (paper), the top margin grows to
               # fit it (several lines anchored to the container's top were drawn above the frame)
               **({"y": 1, "yanchor": "bottom", "yref": "paper", "pad": {"b": 8}} if phone else
                  {"y": 0.98, "yanchor": "top", "yref": "container"}), "automargin": True,
               "font": {"size": size + 6, "color": TEXT}},
        font={"family": FONT_FAMILY, "size": size, "color": TEXT},
        colorway=CATEGORICAL, paper_bgcolor="white", plot_bgcolor="white",
        margin={"l": 40 if phone else max(70, fig.layout.margin.l or 0),
                "r": 10 if phone else max(40, fig.layout.margin.r or 0),
                "t": 100 if mode != "presenter" else 130, "b": bottom, "pad": 4},
        height=(height or 480) + below if phone else height or {"screen": 480, "presenter": 700, "print": 420}.get(mode, 480),
        legend={"bgcolor": "rgba(255,255,255,0.85)", "font": {"size": size}, "title": {"text": ""},
                **(fig.layout.legend.to_plotly_json() if phone else
                   {"orientation": "h", "yanchor": "top", "y": -0.18, "x": 1 if rtl else 0,
                    "xanchor": "right" if rtl else "left"} if legend_bottom else
                   # right to left: outside the plot at the left, the mirror of plotly's default (outside at
                   # the right); inside at the left it sat on the latest points of a reversed time axis
                   ({"x": -0.02, "xanchor": "right"} if rtl else {}))},
        hoverlabel={"font": {"family": FONT_FAMILY}, "align": "right" if rtl else "left"},
    )
    if source_text:
        fig.add_annotation(text="<br>".join(_wrap(_escape(source_text), width)), name=SOURCE_ANNOTATION,
                           xref="paper", yref="paper", x=1 if rtl else 0, y=0, yshift=-(bottom - 8),
                           xanchor="right" if rtl else "left", yanchor="bottom", showarrow=False,
                           align="right" if rtl else "left", font={"size": max(size - 2, 10), "color": MUTED})
    if phone and any(getattr(tr, "type", "") == "bar" and tr.orientation != "h" and tr.x is not None
                     and any(isinstance(v, str) for v in tr.x) for tr in fig.data):
        fig.update_xaxes(tickangle=-90)  # names under vertical bars, upright, never overlapping on a phone
    fig.update_xaxes(gridcolor=GRID, zeroline=False, automargin=True)
    fig.update_yaxes(gridcolor=GRID, zeroline=False, automargin=True)
    inert_trace_text(fig)
    return fig


def _chars(font_px: int, px: int = PHONE_TEXT_PX, bold: bool = False) -> int:
    """How many characters of a text of ``font_px`` fit in ``px`` (Noto Sans: about 0.52 em a
    character, 0.6 em in bold)."""
    return max(16, int(px / (font_px * (0.6 if bold else 0.52))))


def _phone_below(fig: go.Figure, size: int, source_lines: int, height: int, rtl: bool) -> int:
    """On a phone, the legend and the colour bars go below the plot, above the source line, each
    anchored to the figure's own frame (``yref="container"``); returns the height they take."""
    source_px = 8 + int(source_lines * max(size - 2, 10) * 1.35) + 6
    names = [str(tr.name) for tr in fig.data if tr.name and tr.showlegend is not False]
    shown = fig.layout.showlegend if fig.layout.showlegend is not None else len(names) > 1
    rows, line = 0, 0.0
    if shown and names:
        rows = 1
        for name in names:
            item = 40 + len(re.sub(r"<[^>]+>", "", name)) * size * 0.6
            if line and line + item > PHONE_TEXT_PX:
                rows, line = rows + 1, 0.0
            line += item
    legend_px = rows * int(size * 1.9) + (6 if rows else 0)
    total = height + legend_px  # the legend's own height is added to the figure's
    bars = [tr for tr in fig.data if _has_scale(tr)]
    bar_px = 56 if bars else 0
    if rows:
        fig.update_layout(legend={"orientation": "h", "yref": "container", "y": (source_px + bar_px + legend_px) / (total + bar_px),
                                  "yanchor": "top", "x": 1 if rtl else 0, "xanchor": "right" if rtl else "left"})
    for trace in bars:
        bar = {"orientation": "h", "yref": "container", "y": source_px / (total + bar_px), "yanchor": "bottom",
               "x": 0.5, "xanchor": "center", "thickness": 10, "len": 0.9, "title": {"side": "top"}}
        if getattr(trace, "colorbar", None) is not None and "colorbar" in trace:
            trace.colorbar.update(bar)
        else:
            trace.marker.colorbar.update(bar)
    return legend_px + bar_px


def _phone_bar_texts(fig: go.Figure) -> None:
    """On a phone a horizontal bar's label is its value only (year and standing stay in the hover
    and the table), with room for it beside the longest bar."""
    longest = 0.0
    for trace in fig.data:
        if getattr(trace, "type", "") == "bar" and trace.orientation == "h" and trace.text is not None \
                and not isinstance(trace.text, str):
            trace.text = [str(v).split(" · ")[0] if v is not None else v for v in trace.text]
            known = [float(x) for x in (list(trace.x) if trace.x is not None else []) if x is not None and x == x]
            longest = max([longest, *known])
    if longest > 0:
        reversed_axis = fig.layout.xaxis.autorange == "reversed"
        fig.update_xaxes(range=[longest * 1.3, 0] if reversed_axis else [0, longest * 1.3], autorange=False)


def _has_scale(trace) -> bool:
    """Whether a trace draws a colour bar (its own, or its markers')."""
    if "colorscale" in trace and trace.showscale is not False and getattr(trace, "z", None) is not None:
        return True
    marker = getattr(trace, "marker", None)
    return bool(marker is not None and "colorscale" in marker and marker.colorscale is not None
                and marker.showscale is not False and marker.colorbar.title.text)


_LIVE_TAG = re.compile(r"<(?!/?(?:b|br|i|em|sup|sub|span)\b)", re.I)


def inert_trace_text(fig: go.Figure) -> None:
    """Text from data is text in hovers and labels too: plotly renders <a href> links, so every tag
    but the few the builders write themselves (b, br, i, em, sup, sub, span) is escaped."""
    for trace in fig.data:
        for attr in ("text", "hovertext", "name"):
            value = getattr(trace, attr, None)
            if value is None:
                continue
            if isinstance(value, str):
                setattr(trace, attr, _LIVE_TAG.sub("&lt;", value))
            elif hasattr(value, "__iter__"):
                try:
                    setattr(trace, attr, [(_LIVE_TAG.sub("&lt;", v) if isinstance(v, str) else v) for v in value])
                except ValueError:  # 2-D text of a heatmap
                    setattr(trace, attr, [[(_LIVE_TAG.sub("&lt;", v) if isinstance(v, str) else v) for v in row]
                                          for row in value])


def mirror_for_rtl(fig: go.Figure, lang: str, horizontal_bars: bool = False) -> None:
    """Right to left: category axis on the right and bars growing leftwards (horizontal bars),
    or a reversed time axis with the value axis on the right (lines)."""
    if not is_rtl(lang):
        return
    if horizontal_bars:
        fig.update_xaxes(autorange="reversed")
        fig.update_yaxes(side="right")
        # value labels drawn outside the bars grow leftwards: room for them in the left margin
        fig.update_layout(margin={"l": max(fig.layout.margin.l or 0, 190)})
    else:
        fig.update_xaxes(autorange="reversed")
        fig.update_yaxes(side="right")


def _escape(text: str) -> str:
    """Text from data is text: plotly reads a subset of HTML in titles, so escape it."""
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("&lt;br&gt;", "<br>"))


def _wrap(text: str, width: int) -> list[str]:
    words, lines, line = str(text).split(" "), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    return lines


# Modebar buttons left out (issue 25): each is a keyboard stop; the export button (toImage) and
# the reset of a plot's axes stay, so a chart has at most 3 stops with Streamlit's full-screen button
# (a map: the export button, the map itself, which pans and zooms with the keyboard, full screen).
MODEBAR_REMOVED = ("zoom2d", "pan2d", "select2d", "lasso2d", "zoomIn2d", "zoomOut2d", "autoScale2d",
                   "hoverClosestCartesian", "hoverCompareCartesian", "toggleSpikelines", "toggleHover",
                   "zoomInMap", "zoomOutMap", "resetViewMap", "zoomInGeo", "zoomOutGeo", "hoverClosestGeo", "resetGeo",
                   "zoomInMapbox", "zoomOutMapbox", "hoverClosestGl2d", "hoverClosestPie", "zoom3d", "pan3d",
                   "orbitRotation", "tableRotation", "resetCameraDefault3d", "resetCameraLastSave3d", "hoverClosest3d")


def export_config(name: str, fmt: str = "png") -> dict:
    """Plotly config: the modebar writes a 1920x1080 PNG or SVG with a meaningful file name."""
    return {"displaylogo": False, "modeBarButtonsToRemove": list(MODEBAR_REMOVED), "scrollZoom": False,
            "toImageButtonOptions": {"format": fmt, "filename": f"mc2cm-{slug(name)}", **EXPORT}}


def describe(label_values: list[tuple[str, float]], unit: str, lang: str, what: str, year: str = "") -> str:
    """A plain-language description of a chart from its data: what it shows, the largest and
    the smallest value and the year (used as alt text and shown under the chart)."""
    from i18n import value as fmt

    known = [(n, v) for n, v in label_values if v is not None and pd.notna(v)]
    if not known:
        return t("alt_no_values", lang, what=what)
    top = max(known, key=lambda p: p[1])
    low = min(known, key=lambda p: p[1])
    return t("alt_summary", lang, what=what, n=len(known), top=top[0], top_value=fmt(top[1], unit, lang),
             low=low[0], low_value=fmt(low[1], unit, lang), year=year or "—")
