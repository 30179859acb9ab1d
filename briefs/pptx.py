"""16:9 slide decks with python-pptx: a title slide, one slide per chart (title and source on
the slide, caveats and source in the speaker notes), a sources slide.

Bar and line charts become NATIVE PowerPoint charts (``CategoryChartData`` / ``XyChartData``)
built from the plotly figure's own traces, so the presenter can restyle them; maps and
heatmaps are pictures drawn by kaleido at 1920x1080. Arabic paragraphs are right to left
(``a:pPr rtl="1" algn="r"``).
"""
from __future__ import annotations

import io
import math
from dataclasses import replace

from report.model import Page as Brief
from report.model import Section
from briefs.images import MissingDependency, charts_png
from figures.style import EXPORT, Chart, without_frame_text
from i18n import is_rtl, t

SLIDE_W, SLIDE_H = 13.333, 7.5  # inches, 16:9
NATIVE_KINDS = ("bar", "line", "scatter")
SOURCES_PER_SLIDE = 12
LINES_PER_SLIDE = 14  # text lines of a section slide (facts, gap statements, table rows)
SECTION_TITLE = "section-title"  # the shape name of a section slide's title (tests read it)


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


def _paragraphs(frame, texts, lang: str, size: int, bold: bool = False, colour: str = "#1B2631") -> None:
    """Write ``texts`` (one paragraph each) into a text frame, right to left for Arabic."""
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Pt

    frame.word_wrap = True
    rtl = is_rtl(lang)
    for i, text in enumerate(texts):
        p = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = p.add_run()
        run.text = str(text)
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = _rgb(colour)
        _fonts(run, rtl)
        if rtl:
            p.alignment = PP_ALIGN.RIGHT
            p._p.get_or_add_pPr().set("rtl", "1")


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
    from pptx.util import Emu, Inches

    box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    _paragraphs(box.text_frame, texts, lang, size, bold, colour)
    return box


def _finite(v) -> bool:
    """A real, finite number (numpy integers and floats included; None, NaN, text: no)."""
    try:
        return v is not None and not isinstance(v, (str, bool)) and math.isfinite(float(v))
    except (TypeError, ValueError):
        return False


def _number_format(fig, axis: str) -> str:
    layout_axis = fig.layout.xaxis if axis == "x" else fig.layout.yaxis
    return '0.0"%"' if (layout_axis.ticksuffix or "") == "%" else "#,##0"


def add_native_chart(slide, chart: Chart, left, top, width, height, lang: str = "en"):
    """A native PowerPoint chart from the plotly traces of a bar or line Chart (None if the
    figure has no trace of that kind)."""
    from pptx.chart.data import CategoryChartData, XyChartData
    from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
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
        data = CategoryChartData(number_format=_number_format(fig, "x" if horizontal else "y"))
        first = list(traces[0].x if horizontal else traces[0].y)
        texts = list(traces[0].text) if traces[0].text is not None and not isinstance(traces[0].text, str) else []
        # a category without a value says so in its name: a missing value is a gap, never 0
        data.categories = [str(c) if _finite(v) or not (i < len(texts)) else f"{c} — {texts[i]}"
                           for i, (c, v) in enumerate(zip(cats, first))]
        for tr in traces:
            values = list(tr.x if horizontal else tr.y)
            data.add_series(tr.name or chart.title, [float(v) if _finite(v) else None for v in values])
        kind = XL_CHART_TYPE.BAR_CLUSTERED if horizontal else XL_CHART_TYPE.COLUMN_CLUSTERED
    else:
        data = XyChartData()
        for tr in traces:
            series = data.add_series(tr.name or chart.title, number_format=_number_format(fig, "y"))
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
    pchart.value_axis.tick_labels.number_format = _number_format(fig, "x" if chart.kind == "bar" and traces[0].orientation == "h" else "y")
    pchart.value_axis.tick_labels.number_format_is_linked = False
    if chart.kind == "bar":
        plot.has_data_labels = True
        plot.data_labels.font.size = Pt(11)
        plot.data_labels.number_format = _number_format(fig, "x" if traces[0].orientation == "h" else "y")
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
            series.smooth = False
        if chart.kind == "scatter":  # each point named as in the figure (the city)
            for tr, series in zip(traces, plot.series):
                kept = [str(txt) for x, y, txt in zip(tr.x, tr.y, tr.text or [""] * len(tr.x)) if _finite(x) and _finite(y)]
                series.format.line.fill.background()
                for i, text in enumerate(kept):
                    label = series.points[i].data_label
                    label.text_frame.text = text
                    label.font.size = Pt(11)
            return frame
        pchart.category_axis.tick_labels.number_format = "0"
        pchart.category_axis.tick_labels.number_format_is_linked = False
        years = [x for tr in traces for x in tr.x if _finite(x)]
        if years:
            pchart.category_axis.minimum_scale = min(years) - 0.5
            pchart.category_axis.maximum_scale = max(years) + 0.5
    return frame


def _notes(slide, texts) -> None:
    slide.notes_slide.notes_text_frame.text = "\n".join(t_ for t_ in texts if t_)


def section_lines(section: Section, lang: str) -> list[str]:
    """The text of a section slide, in the order of every medium: warnings, gap statements,
    facts (value, year, concept, territory, standing, source), paragraphs, table rows, bullets."""
    lines = [f"⚠ {w}" for w in section.warnings] + list(section.gaps)
    for f in section.facts:
        detail = " · ".join(p for p in (f.context_line, f.standing, f.source) if p)
        lines.append(f"{f.label}: {f.text}" + (f" ({detail})" if detail else ""))
    lines += [p for p in section.paragraphs if len(p) < 400]
    for table in section.tables:
        lines += [" · ".join(str(v) for v in row if str(v)) for row in table.frame.head(8).itertuples(index=False)]
    lines += [f"• {b}" for b in section.bullets]
    if len(lines) > LINES_PER_SLIDE:
        lines = lines[:LINES_PER_SLIDE - 1] + [t("brief_slide_more", lang, n=len(lines) - LINES_PER_SLIDE + 1)]
    return lines


def _section_slide(deck, blank, section: Section, lang: str) -> None:
    slide = deck.slides.add_slide(blank)
    box = _textbox(slide, 0.5, 0.3, SLIDE_W - 1.0, 0.9, [section.title], lang, 28, bold=True)
    box.name = SECTION_TITLE
    if section.question:
        _textbox(slide, 0.5, 1.15, SLIDE_W - 1.0, 0.5, [t(section.question, lang)], lang, 15, colour="#4A5560")
    lines = section_lines(section, lang)
    size = 16 if len(lines) <= 6 else 12
    _textbox(slide, 0.5, 1.8, SLIDE_W - 1.0, SLIDE_H - 2.3, lines or [""], lang, size)
    _notes(slide, [section.title, *section.paragraphs, *section.caveats])


def _chart_slide(deck, blank, brief: Brief, section: Section, chart, images: dict, lang: str) -> None:
    from pptx.util import Inches

    slide = deck.slides.add_slide(blank)
    long_title = len(chart.title) > 60
    _textbox(slide, 0.5, 0.25, SLIDE_W - 1.0, 0.9, [chart.title], lang, 22 if long_title else 28, bold=True)
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
        slide.shapes.add_picture(io.BytesIO(png), Inches((SLIDE_W - pic_w) / 2), Inches(top), Inches(pic_w), Inches(pic_h))
    source = f"{t('source_is', lang, publisher=chart.source)}" + " · " + t("data_version_short", lang, version=brief.data_version)
    _textbox(slide, 0.5, SLIDE_H - 0.8, SLIDE_W - 1.0, 0.6, [source], lang, 12, colour="#4A5560")
    _notes(slide, [section.title, chart.alt, t("brief_speaker_source", lang, source=chart.source),
                   (t("brief_speaker_caveats", lang) + ":\n- " + "\n- ".join(chart.notes)) if chart.notes else ""])


def _sources_slides(deck, blank, brief: Brief, section: Section) -> None:
    lang, sources = brief.lang, brief.sources
    for start in range(0, max(len(sources), 1), SOURCES_PER_SLIDE):
        part = sources.iloc[start:start + SOURCES_PER_SLIDE]
        slide = deck.slides.add_slide(blank)
        box = _textbox(slide, 0.5, 0.3, SLIDE_W - 1.0, 0.9, [section.title], lang, 28, bold=True)
        if start == 0:
            box.name = SECTION_TITLE
        lines = [f"{r.publisher}: {r.title} — {r.licence}" for r in part.itertuples()]
        _textbox(slide, 0.5, 1.3, SLIDE_W - 1.0, SLIDE_H - 1.8, lines or [t("no_data", lang)], lang, 13)
        _notes(slide, [f"{r.publisher}: {r.title}. {r.url} ({r.licence})" for r in part.itertuples()])


def render_pptx(brief: Brief, progress=None) -> bytes:
    """The brief as a 16:9 PPTX deck (bytes)."""
    check_pptx()
    from pptx import Presentation
    from pptx.util import Emu, Inches

    lang = brief.lang
    deck = Presentation()
    deck.slide_width, deck.slide_height = Emu(12192000), Emu(6858000)  # 13.333 x 7.5 in, exactly 16:9
    blank = deck.slide_layouts[6]

    slide = deck.slides.add_slide(blank)
    _textbox(slide, 0.8, 2.2, SLIDE_W - 1.6, 1.4, [brief.title], lang, 36, bold=True)
    _textbox(slide, 0.8, 3.7, SLIDE_W - 1.6, 1.0, [brief.subtitle], lang, 20, colour="#4A5560")
    _textbox(slide, 0.8, 6.3, SLIDE_W - 1.6, 0.6, [t("brief_made_on", lang, date=brief.made_on) + " "
                                                 + t("data_version_short", lang, version=brief.data_version)],
             lang, 12, colour="#4A5560")
    _notes(slide, [brief.citation])

    charts = brief.charts
    pictures = [c for c in charts if c.kind not in NATIVE_KINDS]
    # the slide's own text boxes carry title, subtitle and source: the picture is the plot alone
    bare = [replace(c, figure=without_frame_text(c.figure)) for c in pictures]
    images = dict(zip(map(id, pictures), charts_png(bare, EXPORT["width"], EXPORT["scale"], height=EXPORT["height"],
                                                    progress=progress))) if pictures else {}
    for section in brief.sections:
        if section.key == "sources":
            _sources_slides(deck, blank, brief, section)
            continue
        _section_slide(deck, blank, section, lang)
        for chart in section.charts:
            _chart_slide(deck, blank, brief, section, chart, images, lang)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()
