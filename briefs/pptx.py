"""16:9 slide decks with python-pptx, built on the committed template ``briefs/templates/deck.pptx``
(layouts ``title``, ``key figures``, ``chart``, ``two charts``, ``table``, ``sources``; regenerate it
with ``python -m briefs.templates.make_template``): a title slide, one slide per section (the key
figures as big numbers with standing, territory and year; tables as native tables), one slide per
chart that shows values (a map of boundaries without counts is said on its section's slide, not
drawn), the sources. Every slide's title is in its layout's title placeholder (PowerPoint's
accessibility check, outline, slide sorter and screen readers read it); every picture and chart
has alt text (``cNvPr descr``); the speaker notes of a chart slide name its sources and caveats;
shapes are in reading order title, content, source.

Bar and line charts become NATIVE PowerPoint charts (``CategoryChartData`` / ``XyChartData``)
built from the plotly figure's own traces, so the presenter can restyle them; maps and
heatmaps are pictures drawn by kaleido at 1920x1080. Arabic paragraphs are right to left
(``a:pPr rtl="1" algn="r"``).
"""
from __future__ import annotations

import io
import math
from dataclasses import replace
from pathlib import Path

from report.model import Page as Brief
from report.model import Section
from briefs.images import MissingDependency, charts_png
from figures.style import EXPORT, Chart, without_frame_text
from i18n import is_rtl, t

SLIDE_W, SLIDE_H = 13.333, 7.5  # inches, 16:9
NATIVE_KINDS = ("bar", "line", "scatter")
SOURCES_PER_SLIDE = 12
LINES_PER_SLIDE = 14  # text lines of a section slide (facts, gap statements, table rows)
GAP_TEXT = "gap"  # the shape name of a gap slide's text (a section with nothing to draw: what is missing, which source would have it)
SECTION_TITLE = "section-title"  # the shape name of a section slide's title (tests read it)
TEMPLATE = Path(__file__).resolve().parent / "templates" / "deck.pptx"
KEY_FIGURE_CARDS = 6  # big numbers on the key-figures slide (the other facts are listed under them)
TABLE_ROWS, TABLE_COLUMNS = 8, 7
CELL_CHARS = 60  # a longer table cell is cut (the PDF and the page have it whole)
CHARS_PER_SLIDE = 1300  # text of a section slide at 13 pt


def check_pptx() -> None:
    try:
        import pptx  # noqa: F401
    except ImportError as error:
        raise MissingDependency("the Python package python-pptx (slides)",
                                "Install it with: .venv/bin/pip install -r requirements.txt") from error


def _rgb(colour):
    from pptx.dml.color import RGBColor

    if isinstance(colour, str) and colour.startswith("#") and len(colour) == 7:
        return RGBColor.from_string(colour[1:].upper())
    return None


def _paragraphs(frame, texts, lang: str, size: int, bold: bool = False, colour: str = "#1B2631",
                append: bool = False) -> None:
    """Write ``texts`` (one paragraph each) into a text frame, right to left for Arabic
    (``append``: after the frame's paragraphs)."""
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Pt

    frame.word_wrap = True
    rtl = is_rtl(lang)
    for i, text in enumerate(texts):
        p = frame.paragraphs[0] if i == 0 and not append else frame.add_paragraph()
        run = p.add_run()
        run.text = str(text)
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = _rgb(colour)
        _fonts(run, rtl)
        if rtl:
            p.alignment = PP_ALIGN.RIGHT
            p._p.get_or_add_pPr().set("rtl", "1")
        else:
            p.alignment = PP_ALIGN.LEFT


# The fonts the PDF and chart images use (fonts-noto-core, SIL OFL 1.1), named on every run: without
# them a viewer picks a fallback per run, and LibreOffice drew an Arabic subtitle containing an en
# dash ("1994–2017 · ...") in a font without Arabic glyphs (boxes). Viewers without Noto substitute.
LATIN_FONT, ARABIC_FONT = "Noto Sans", "Noto Sans Arabic"


def _fonts(run, rtl: bool) -> None:
    from pptx.oxml.ns import qn

    run.font.name = LATIN_FONT  # a:latin
    rpr = run._r.get_or_add_rPr()
    for tag in ("a:cs",):
        old = rpr.find(qn(tag))
        if old is not None:
            rpr.remove(old)
    cs = rpr.makeelement(qn("a:cs"), {"typeface": ARABIC_FONT})
    rpr.find(qn("a:latin")).addnext(cs)  # schema order: latin, ea, cs
    if rtl:
        rpr.set("lang", "ar")


def _textbox(slide, left, top, width, height, texts, lang, size, bold=False, colour="#1B2631"):
    from pptx.util import Inches

    box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    _paragraphs(box.text_frame, texts, lang, size, bold, colour)
    return box


def _finite(v) -> bool:
    """A real, finite number (numpy integers and floats included; None, NaN, text: no)."""
    try:
        return v is not None and not isinstance(v, (str, bool)) and math.isfinite(float(v))
    except (TypeError, ValueError):
        return False


# Counts in French group their thousands with a narrow no-break space (U+202F), as on the page
# (``i18n.number``): a format's "," is drawn with the viewer's locale, which showed "2,000,000" in a
# French deck. The groups are literal text, one section per size (a format holds two conditions).
_GROUP = "\u202f"
COUNT_FORMATS = {
    "fr": f'[>=1000000]#"{_GROUP}"###"{_GROUP}"##0;[>=1000]#"{_GROUP}"##0;0',
}
SHARE_FORMAT = '0.0"%"'


def _number_format(fig, axis: str, lang: str = "en") -> str:
    """The number format of a native chart's values on ``axis`` ("x" or "y"): shares with "%",
    counts with the thousands grouping of ``lang`` (:data:`COUNT_FORMATS`, else "#,##0")."""
    layout_axis = fig.layout.xaxis if axis == "x" else fig.layout.yaxis
    return SHARE_FORMAT if (layout_axis.ticksuffix or "") == "%" else COUNT_FORMATS.get(lang, "#,##0")


def add_native_chart(slide, chart: Chart, left, top, width, height, lang: str = "en"):
    """A native PowerPoint chart from the plotly traces of a bar or line Chart (None if the
    figure has no trace of that kind)."""
    from pptx.chart.data import CategoryChartData, XyChartData
    from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_MARKER_STYLE
    from pptx.util import Inches, Pt

    fig = chart.figure
    traces = [tr for tr in fig.data if tr.type == ("bar" if chart.kind == "bar" else "scatter")]
    if chart.kind == "bar" and any(tr.type == "scatter" for tr in fig.data):
        pass  # text-only traces ("no figure" labels) are said in the category names instead
    if not traces:
        return None
    if chart.kind == "bar":
        horizontal = traces[0].orientation == "h"
        cats = list(traces[0].y if horizontal else traces[0].x)
        data = CategoryChartData(number_format=_number_format(fig, "x" if horizontal else "y", lang))
        first = list(traces[0].x if horizontal else traces[0].y)
        texts = list(traces[0].text) if traces[0].text is not None and not isinstance(traces[0].text, str) else []
        # a category without a value says so in its name: a missing value is a gap, never 0
        data.categories = [str(c) if _finite(v) or not (i < len(texts)) else f"{c} — {texts[i]}"
                           for i, (c, v) in enumerate(zip(cats, first))]
        for tr in traces:
            values = list(tr.x if horizontal else tr.y)
            data.add_series(tr.name or chart.title, [float(v) if _finite(v) else None for v in values])
        kind = XL_CHART_TYPE.BAR_CLUSTERED if horizontal else XL_CHART_TYPE.COLUMN_CLUSTERED
        bar_values = [float(v) for tr in traces for v in (tr.x if horizontal else tr.y) if _finite(v)]
    else:
        data = XyChartData()
        for tr in traces:
            series = data.add_series(tr.name or chart.title, number_format=_number_format(fig, "y", lang))
            for x, y in zip(tr.x, tr.y):
                if _finite(x) and _finite(y):
                    series.add_data_point(float(x), float(y))
        kind = XL_CHART_TYPE.XY_SCATTER if chart.kind == "scatter" else XL_CHART_TYPE.XY_SCATTER_LINES
    frame = slide.shapes.add_chart(kind, Inches(left), Inches(top), Inches(width), Inches(height), data)
    pchart = frame.chart
    pchart.font.size = Pt(12)
    pchart.has_title = False  # the slide carries the title
    pchart.has_legend = len(traces) > 1
    if pchart.has_legend:
        pchart.legend.position = XL_LEGEND_POSITION.BOTTOM
        pchart.legend.include_in_layout = False
    plot = pchart.plots[0]
    pchart.value_axis.tick_labels.number_format = _number_format(fig, "x" if chart.kind == "bar" and traces[0].orientation == "h" else "y", lang)
    pchart.value_axis.tick_labels.number_format_is_linked = False
    if chart.kind == "bar":
        if bar_values and min(bar_values) >= 0:  # shares and counts from 0, as on the page
            pchart.value_axis.minimum_scale = 0
        plot.has_data_labels = True
        plot.data_labels.font.size = Pt(11)
        plot.data_labels.number_format = _number_format(fig, "x" if traces[0].orientation == "h" else "y", lang)
        plot.data_labels.number_format_is_linked = False
        if traces[0].orientation == "h":
            pchart.category_axis.reverse_order = True  # first row on top, as in the figure
            if is_rtl(lang):
                pchart.value_axis.reverse_order = True  # bars grow leftwards, as in the figure
        for tr, series in zip(traces, plot.series):
            colours = tr.marker.color
            patterns = tr.marker.pattern.shape if tr.marker.pattern is not None else None
            patterns = list(patterns) if patterns is not None and not isinstance(patterns, str) else []
            if isinstance(colours, str):
                series.format.fill.solid()
                series.format.fill.fore_color.rgb = _rgb(colours)
            elif colours is not None:
                for i, colour in enumerate(colours):
                    if _rgb(colour) is not None:
                        point = series.points[i]
                        if i < len(patterns) and patterns[i]:  # hatched as in the figure (year gap)
                            from pptx.enum.dml import MSO_PATTERN

                            point.format.fill.patterned()
                            point.format.fill.pattern = MSO_PATTERN.WIDE_UPWARD_DIAGONAL
                            point.format.fill.fore_color.rgb = _rgb("#FFFFFF")
                            point.format.fill.back_color.rgb = _rgb(colour)
                        else:
                            point.format.fill.solid()
                            point.format.fill.fore_color.rgb = _rgb(colour)
            # the figure's own bar labels (value · year and gap · standing), not a bare number
            labels = list(tr.text) if tr.text is not None and not isinstance(tr.text, str) else []
            values = list(tr.x if traces[0].orientation == "h" else tr.y)
            for i, value in enumerate(values):  # a city without a figure: no bar and no label, never "0"
                if not _finite(value):
                    _delete_label(series, i)
            for i, text in enumerate(labels):
                if i < len(values) and _finite(values[i]) and text:
                    frame_ = series.points[i].data_label.text_frame
                    frame_.text = str(text)
                    for para in frame_.paragraphs:
                        for run in para.runs:
                            run.font.size = Pt(11)
                            _fonts(run, is_rtl(lang))
    else:
        for tr, series in zip(traces, plot.series):
            colour = tr.line.color
            if _rgb(colour) is not None:
                series.format.line.color.rgb = _rgb(colour)
                series.marker.format.fill.solid()
                series.marker.format.fill.fore_color.rgb = _rgb(colour)
            # a marker on every point: a one-point series is drawn as a point, not as nothing
            series.marker.style = XL_MARKER_STYLE.CIRCLE
            series.marker.size = 9
            series.smooth = False
        if chart.kind == "scatter":  # each point named as in the figure (the city)
            pchart.category_axis.tick_labels.number_format = _number_format(fig, "x", lang)
            pchart.category_axis.tick_labels.number_format_is_linked = False
            for tr, series in zip(traces, plot.series):
                kept = [str(txt) for x, y, txt in zip(tr.x, tr.y, tr.text or [""] * len(tr.x)) if _finite(x) and _finite(y)]
                series.format.line.fill.background()
                for i, text in enumerate(kept):
                    label = series.points[i].data_label
                    label.text_frame.text = text
                    label.font.size = Pt(11)
            for axis, name in ((pchart.category_axis, "x"), (pchart.value_axis, "y")):
                if _number_format(fig, name, lang) == SHARE_FORMAT:  # share axes from 0
                    axis.minimum_scale = 0
            return frame
        pchart.category_axis.tick_labels.number_format = "0"
        pchart.category_axis.tick_labels.number_format_is_linked = False
        _year_axis(pchart.category_axis, [x for tr in traces for x in tr.x if _finite(x)])
        if is_rtl(lang):  # the latest year at the left, as in the figure
            pchart.category_axis.reverse_order = True
        values = [y for tr in traces for y in tr.y if _finite(y)]
        if values and min(values) >= 0:  # shares and counts from 0, as on the page
            pchart.value_axis.minimum_scale = 0
    return frame


def _year_axis(axis, years) -> None:
    """Whole years on the date axis: a tick on each year (or every few years for long spans),
    the points on their year (not half a year off); a single year: one tick, the point in the middle."""
    if not years:
        return
    first, last = int(min(years)), int(max(years))
    if first == last:  # one tick, under the point: the neighbouring years' ticks carry no label
        axis.minimum_scale, axis.maximum_scale, axis.major_unit = first - 1, last + 1, 1
        axis.tick_labels.number_format = f'[={first}]0;""'
        axis.tick_labels.number_format_is_linked = False
        return
    step = 1 if last - first <= 12 else math.ceil((last - first) / 8)
    axis.minimum_scale, axis.maximum_scale, axis.major_unit = first, last, step


def _delete_label(series, index: int) -> None:
    """No data label at point ``index`` of a native chart's series (``c:dLbl`` with ``c:delete``)."""
    from pptx.oxml.ns import qn

    dlbls = series._element.get_or_add_dLbls()
    for old in dlbls.findall(qn("c:dLbl")):
        if old.find(qn("c:idx")).get("val") == str(index):
            dlbls.remove(old)
    dlbl = dlbls.makeelement(qn("c:dLbl"), {})
    idx = dlbl.makeelement(qn("c:idx"), {"val": str(index)})
    delete = dlbl.makeelement(qn("c:delete"), {"val": "1"})
    dlbl.append(idx)
    dlbl.append(delete)
    dlbls.insert(0, dlbl)


def set_alt_text(shape, text: str) -> None:
    """The alt text of a picture or chart (``p:cNvPr descr``), read by screen readers and PowerPoint."""
    shape._element.xpath("./*[1]/p:cNvPr")[0].set("descr", str(text))


def alt_text(shape) -> str:
    """The alt text of a shape ('' if none)."""
    found = shape._element.xpath("./*[1]/p:cNvPr")
    return found[0].get("descr", "") if found else ""


def _notes(slide, texts) -> None:
    slide.notes_slide.notes_text_frame.text = "\n".join(t_ for t_ in texts if t_)


def section_lines(section: Section, lang: str, facts: bool = True, tables: bool = True) -> list[str]:
    """The text of a section slide, in the order of every medium: warnings, gap statements,
    facts (value, year, concept, territory, standing, source), paragraphs, table rows, bullets."""
    lines = [f"⚠ {w}" for w in section.warnings] + list(section.gaps)
    for f in (section.facts if facts else []):
        lines.append(fact_line(f))
    lines += [p for p in section.paragraphs if len(p) < 400]
    for table in (section.tables if tables else []):
        lines += [" · ".join(str(v) for v in row if str(v)) for row in table.frame.head(8).itertuples(index=False)]
    lines += [f"• {b}" for b in section.bullets]
    return fit_lines(lines, lang)


def fit_lines(lines: list[str], lang: str, chars: int = CHARS_PER_SLIDE) -> list[str]:
    """The lines that fit one slide (at most :data:`LINES_PER_SLIDE` lines and about ``chars``
    characters), then one line saying how many more there are."""
    kept, used = [], 0
    for i, line in enumerate(lines):
        if len(kept) >= LINES_PER_SLIDE - 1 or used + len(line) > chars:
            if i == len(lines) - 1 and len(kept) < LINES_PER_SLIDE and used + len(line) <= chars * 1.05:
                kept.append(line)
                break
            return kept + [t("brief_slide_more", lang, n=len(lines) - len(kept))]
        kept.append(line)
        used += max(len(line), 60)  # a short line still takes a line
    return kept


def fact_line(f) -> str:
    detail = " · ".join(p for p in (f.context_line, f.standing, f.source) if p)
    return f"{f.label}: {f.text}" + (f" ({detail})" if detail else "")


def _layout(deck, name: str):
    return next(layout for layout in deck.slide_layouts if layout.name == name)


def _titled(deck, layout: str, title: str, lang: str, size: int = 28, name: str | None = None):
    """A slide of ``layout`` with ``title`` in its title placeholder (the first shape: reading
    order title, content, source); the layout's other placeholders are removed (the renderer
    places the content itself)."""
    slide = deck.slides.add_slide(_layout(deck, layout))
    for shape in list(slide.placeholders):
        if shape.placeholder_format.idx != 0:
            shape._element.getparent().remove(shape._element)
    title_shape = slide.shapes.title
    _paragraphs(title_shape.text_frame, [title], lang, size, bold=True)
    if name:
        title_shape.name = name
    return slide


def _key_figures_slide(deck, section: Section, lang: str) -> None:
    """Big numbers: value, indicator, year · concept · territory, standing and source under each."""

    slide = _titled(deck, "key figures", section.title, lang, name=SECTION_TITLE)
    cards = section.facts[:KEY_FIGURE_CARDS]
    top = 1.3
    if section.question:
        _textbox(slide, 0.5, 1.1, SLIDE_W - 1.0, 0.45, [t(section.question, lang)], lang, 15, colour="#4A5560")
        top = 1.65
    columns = 3 if len(cards) > 4 else max(len(cards), 1)
    width = (SLIDE_W - 1.0 - 0.3 * (columns - 1)) / columns
    rows = math.ceil(len(cards) / columns) if cards else 0
    height = 2.0 if rows > 1 else 2.4
    order = list(range(len(cards)))
    for i in order:
        row, col = divmod(i, columns)
        if is_rtl(lang):  # the first card at the right
            col = columns - 1 - col
        left = 0.5 + col * (width + 0.3)
        f = cards[i]
        box = _textbox(slide, left, top + row * (height + 0.15), width, height, [f.text], lang,
                       30 if f.value is not None else 18, bold=True, colour="#0072B2" if f.value is not None else "#4A5560")
        _paragraphs(box.text_frame, [f.label], lang, 14, bold=True, append=True)
        _paragraphs(box.text_frame, [" · ".join(p for p in (f.context_line, f.standing) if p)], lang, 12,
                    colour="#4A5560", append=True)
        if f.source:
            _paragraphs(box.text_frame, [t("source_is", lang, publisher=f.source)], lang, 11, colour="#4A5560", append=True)
        box.name = f"key-figure-{i + 1}"
    rest = [f"⚠ {w}" for w in section.warnings] + list(section.gaps) + [fact_line(f) for f in section.facts[KEY_FIGURE_CARDS:]]
    rest += [p for p in section.paragraphs if len(p) < 400]
    if rest:
        y = top + rows * (height + 0.15)
        _textbox(slide, 0.5, y, SLIDE_W - 1.0, max(SLIDE_H - y - 0.3, 0.5), rest[:6], lang, 12, colour="#1B2631")
    _notes(slide, [section.title, *[fact_line(f) for f in section.facts], *section.paragraphs, *section.caveats])


def _table_shape(slide, frame, lang: str, top: float, height: float):
    """A native table of the section's first rows and columns (text cells, right to left for Arabic)."""
    from pptx.util import Inches

    shown = frame.iloc[:TABLE_ROWS, :TABLE_COLUMNS]
    columns = list(shown.columns)
    if is_rtl(lang):  # the first column at the right
        columns = columns[::-1]
    n_rows = len(shown) + 1
    shape = slide.shapes.add_table(n_rows, len(columns), Inches(0.5), Inches(top), Inches(SLIDE_W - 1.0),
                                   Inches(min(height, 0.42 * n_rows)))
    table = shape.table
    size = 12 if len(columns) <= 5 else 10
    for j, column in enumerate(columns):
        cell = table.cell(0, j)
        cell.text_frame.text = ""
        _paragraphs(cell.text_frame, [str(column)], lang, size, bold=True)
        for i, value in enumerate(shown[column]):
            text = "" if value is None or (isinstance(value, float) and value != value) else str(value)
            if len(text) > CELL_CHARS:
                text = text[:CELL_CHARS - 1].rsplit(" ", 1)[0] + " …"
            cell = table.cell(i + 1, j)
            _paragraphs(cell.text_frame, [text], lang, size)
    return shape


def _section_slide(deck, section: Section, lang: str) -> None:
    """The slide of a section: its title, its question, then its text (and its first table as a
    native table)."""
    if section.key == "key_figures" and section.facts:
        _key_figures_slide(deck, section, lang)
        return
    has_table = bool(section.tables) and not section.tables[0].frame.empty
    slide = _titled(deck, "table" if has_table else "key figures", section.title, lang, name=SECTION_TITLE)
    top = 1.3
    if section.question:
        _textbox(slide, 0.5, 1.1, SLIDE_W - 1.0, 0.45, [t(section.question, lang)], lang, 15, colour="#4A5560")
        top = 1.7
    lines = section_lines(section, lang, tables=not has_table)
    if has_table:
        lines = lines[:4]
        if lines:
            box = _textbox(slide, 0.5, top, SLIDE_W - 1.0, 0.4 * len(lines), lines, lang, 12)
            top += 0.35 * len(lines) + 0.1
        _table_shape(slide, section.tables[0].frame, lang, top, SLIDE_H - top - 0.4)
    else:
        if not lines:  # a section of charts only: what they show, in words (each chart follows)
            lines = [c.alt for c in slide_charts(section)]
        size = 18 if len(lines) <= 6 else 13
        box = _textbox(slide, 0.5, top, SLIDE_W - 1.0, SLIDE_H - top - 0.4, lines or [""], lang, size)
        if section.gaps and not talk_charts(section):  # a gap slide: what is missing, and which source would have it
            box.name = GAP_TEXT
    _notes(slide, [section.title, *section.warnings, *section.gaps, *section.paragraphs, *section.caveats])


def _chart_slide(deck, brief: Brief, section: Section, chart, images: dict, lang: str) -> None:
    from pptx.util import Inches

    long_title = len(chart.title) > 60
    slide = _titled(deck, "chart", chart.title, lang, 22 if long_title else 28)
    if chart.subtitle:
        _textbox(slide, 0.5, 1.2 if long_title else 1.05, SLIDE_W - 1.0, 0.45, [chart.subtitle], lang, 14,
                 colour="#4A5560")
    top, height = 1.75, SLIDE_H - 1.75 - 0.85
    shape = (add_native_chart(slide, chart, 0.5, top, SLIDE_W - 1.0, height, lang) if chart.kind in NATIVE_KINDS
             else None)
    if shape is None:
        png = images.get(id(chart))
        if png is None:
            png = charts_png([replace(chart, figure=without_frame_text(chart.figure))], EXPORT["width"], EXPORT["scale"],
                             height=EXPORT["height"])[0]
        pic_h = height
        pic_w = pic_h * 16 / 9
        shape = slide.shapes.add_picture(io.BytesIO(png), Inches((SLIDE_W - pic_w) / 2), Inches(top), Inches(pic_w),
                                         Inches(pic_h))
    set_alt_text(shape, chart.alt)
    shape.name = "chart"
    source = f"{t('source_is', lang, publisher=chart.source)}" + " · " + t("data_version_short", lang, version=brief.data_version)
    box = _textbox(slide, 0.5, SLIDE_H - 0.8, SLIDE_W - 1.0, 0.6, [source], lang, 12, colour="#4A5560")
    box.name = "source"
    _notes(slide, [section.title, chart.alt, t("brief_speaker_source", lang, source=chart.source),
                   (t("brief_speaker_caveats", lang) + ":\n- " + "\n- ".join(chart.notes)) if chart.notes else ""])


def _sources_slides(deck, brief: Brief, section: Section) -> None:
    lang, sources = brief.lang, brief.sources
    for start in range(0, max(len(sources), 1), SOURCES_PER_SLIDE):
        part = sources.iloc[start:start + SOURCES_PER_SLIDE]
        slide = _titled(deck, "sources", section.title, lang, name=SECTION_TITLE if start == 0 else None)
        lines = [f"{r.publisher}: {r.title} — {r.licence}" for r in part.itertuples()]
        _textbox(slide, 0.5, 1.3, SLIDE_W - 1.0, SLIDE_H - 1.8, lines or [t("no_data", lang)], lang, 13)
        _notes(slide, [f"{r.publisher}: {r.title}. {r.url} ({r.licence})" for r in part.itertuples()])


def slide_charts(section: Section) -> list[Chart]:
    """The charts of a section that get a slide: those that show values (a map of boundaries
    without counts shows nothing to a talk: its section's slide says what is missing)."""
    return [c for c in section.charts if c.shows_values]


def talk_charts(section: Section) -> list[Chart]:
    """The charts a talk shows for a section: the trend section's headline share for one
    territory (``section.extra["talk_chart"]``, :func:`report.city.headline_trend`) in place of
    the page's lines of every territory; else :func:`slide_charts`."""
    talk = (section.extra or {}).get("talk_chart") if section.key == "trends" else None
    return [talk] if talk is not None else slide_charts(section)


def render_pptx(brief: Brief, progress=None) -> bytes:
    """The brief as a 16:9 PPTX deck (bytes), built on :data:`TEMPLATE`."""
    check_pptx()
    from pptx import Presentation

    lang = brief.lang
    deck = Presentation(str(TEMPLATE))
    deck.core_properties.title = brief.title
    deck.core_properties.language = lang

    slide = deck.slides.add_slide(_layout(deck, "title"))
    _paragraphs(slide.shapes.title.text_frame, [brief.title], lang, 36, bold=True)
    subtitle = next(p for p in slide.placeholders if p.placeholder_format.idx == 1)
    _paragraphs(subtitle.text_frame, [brief.subtitle], lang, 20, colour="#4A5560")
    _textbox(slide, 0.8, 6.3, SLIDE_W - 1.6, 0.6, [t("brief_made_on", lang, date=brief.made_on) + " "
                                                 + t("data_version_short", lang, version=brief.data_version)],
             lang, 12, colour="#4A5560")
    _notes(slide, [brief.citation])

    charts = [c for s in brief.sections for c in talk_charts(s)]
    pictures = [c for c in charts if c.kind not in NATIVE_KINDS]
    # the slide's own text boxes carry title, subtitle and source: the picture is the plot alone
    bare = [replace(c, figure=without_frame_text(c.figure)) for c in pictures]
    images = dict(zip(map(id, pictures), charts_png(bare, EXPORT["width"], EXPORT["scale"], height=EXPORT["height"],
                                                    progress=progress))) if pictures else {}
    for section in brief.sections:
        if section.key == "sources":
            _sources_slides(deck, brief, section)
            continue
        _section_slide(deck, section, lang)
        for chart in talk_charts(section):
            _chart_slide(deck, brief, section, chart, images, lang)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()
