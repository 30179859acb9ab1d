"""The HTML of a brief, shared by the PDF (WeasyPrint, charts as PNG) and the offline HTML
file (interactive plotly charts): one template, the brief's language and direction on
``<html lang dir>``, every text from the data escaped."""
from __future__ import annotations

from html import escape

import pandas as pd

from report.model import Page as Brief
from report.model import Section

FONTS = '"Noto Sans", "Noto Sans Arabic", "Noto Naskh Arabic", "DejaVu Sans", sans-serif'

BASE_CSS = f"""
html {{ font-family: {FONTS}; color: #1B2631; font-size: 10pt; line-height: 1.4; }}
body {{ margin: 0; }}
h1 {{ font-size: 20pt; margin: 0 0 4pt 0; }}
h2 {{ font-size: 14pt; margin: 0 0 6pt 0; border-bottom: 1.5pt solid #0072B2; padding-bottom: 2pt; }}
p.subtitle {{ color: #4A5560; font-size: 11pt; margin: 0 0 8pt 0; }}
p.meta {{ color: #4A5560; font-size: 8.5pt; }}
figure {{ margin: 8pt 0 12pt 0; break-inside: avoid; page-break-inside: avoid; }}
figure img {{ width: 100%; height: auto; display: block; }}
figcaption {{ font-size: 8pt; color: #4A5560; margin-top: 2pt; }}
table {{ border-collapse: collapse; width: 100%; font-size: 8pt; margin: 6pt 0; }}
th, td {{ border-bottom: 0.5pt solid #C9CED6; padding: 2pt 4pt; text-align: start; vertical-align: top; }}
th {{ background: #EEF1F4; }}
tr {{ break-inside: avoid; }}
td.url {{ word-break: break-all; font-size: 7pt; }}
ul {{ margin: 4pt 0; padding-inline-start: 16pt; }}
li {{ margin: 1pt 0; }}
ol.toc {{ font-size: 10pt; }}
p.question {{ color: #4A5560; font-style: italic; margin: 0 0 6pt 0; }}
p.gap {{ background: #F2F4F6; padding: 4pt 6pt; }}
p.warning {{ color: #7A4B00; }}
ul.caveats {{ color: #4A5560; font-size: 8.5pt; }}
"""

PRINT_CSS = """
@page { size: A4; margin: 16mm 15mm 18mm 15mm;
        @bottom-left { content: string(brieftitle); font-size: 7.5pt; color: #4A5560; }
        @bottom-right { content: counter(page) " / " counter(pages); font-size: 7.5pt; color: #4A5560; } }
h1 { string-set: brieftitle content(); }
section.brief-section { break-before: page; }
"""
# Right to left: the title at the right, the page number at the left, written "page / pages"
# (in a right-to-left line the logical order of the two numbers would show reversed).
PRINT_CSS_RTL = """
@page { @bottom-right { content: string(brieftitle); } @bottom-left { content: counter(pages) " / " counter(page); } }
"""

SCREEN_CSS = """
body { max-width: 1000px; margin: 0 auto; padding: 16px 24px; }
section.brief-section { margin-top: 28px; }
.chart { width: 100%; }
"""


def _table(frame: pd.DataFrame | None) -> str:
    if frame is None or frame.empty:
        return ""
    head = "".join(f"<th>{escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for values in frame.itertuples(index=False):
        cells = []
        for column, value in zip(frame.columns, values):
            text = "" if value is None or (isinstance(value, float) and value != value) else str(value)
            cls = ' class="url"' if text.startswith(("http://", "https://")) else ""
            cells.append(f"<td{cls}>{escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def facts_html(section: Section, lang: str) -> str:
    """The facts of a section as one table: value, year, concept, territory, standing, source."""
    from figures.context import Context
    from report.common import facts_table

    return _table(facts_table(section.facts, Context(lang=lang))) if section.facts else ""


def _section(section: Section, charts_html: list[str], first: bool, lang: str = "en") -> str:
    """One section in the order every medium uses: title, question, warnings, gap statements,
    facts, paragraphs, tables, bullets, charts, caveats."""
    from i18n import t

    parts = [f'<section class="{"brief-intro" if first else "brief-section"}" id="{escape(section.key)}">',
             f"<h2>{escape(section.title)}</h2>"]
    if section.question:
        parts.append(f'<p class="question">{escape(t(section.question, lang))}</p>')
    parts += [f'<p class="warning">⚠ {escape(w)}</p>' for w in section.warnings]
    parts += [f'<p class="gap">{escape(g)}</p>' for g in section.gaps]
    parts.append(facts_html(section, lang))
    parts += [f"<p>{escape(p)}</p>" for p in section.paragraphs]
    parts += [_table(table.frame) for table in section.tables]
    if section.bullets:
        parts.append("<ul>" + "".join(f"<li>{escape(b)}</li>" for b in section.bullets) + "</ul>")
    for chart, body in zip(section.charts, charts_html):
        caption = escape(chart.alt) + "".join(f"<br>⚠ {escape(n)}" for n in chart.notes[:6])
        parts.append(f"<figure>{body}<figcaption>{caption}</figcaption></figure>")
    if section.caveats and section.key != "caveats":
        parts.append('<ul class="caveats">' + "".join(f"<li>⚠ {escape(c)}</li>" for c in section.caveats) + "</ul>")
    parts.append("</section>")
    return "\n".join(parts)


def brief_html(brief: Brief, chart_bodies: list[str], *, css: str, head_extra: str = "", intro: str = "") -> str:
    """The whole document. ``chart_bodies``: one HTML fragment per chart of the brief, in order
    (an ``<img>`` for print, a plotly ``<div>`` for the interactive file)."""
    from i18n import t

    bodies = iter(chart_bodies)
    sections = []
    for i, section in enumerate(brief.sections):
        sections.append(_section(section, [next(bodies) for _ in section.charts], first=(i == 0), lang=brief.lang))
    meta = escape(t("brief_made_on", brief.lang, date=brief.made_on)) + " " + escape(
        t("data_version_short", brief.lang, version=brief.data_version))
    return f"""<!DOCTYPE html>
<html lang="{escape(brief.lang)}" dir="{brief.direction}">
<head><meta charset="utf-8"><title>{escape(brief.title)}</title>
<style>{css}</style>{head_extra}</head>
<body>
<header><h1>{escape(brief.title)}</h1><p class="subtitle">{escape(brief.subtitle)}</p>
<p class="meta">{meta}</p>{intro}</header>
{''.join(sections)}
</body></html>"""
