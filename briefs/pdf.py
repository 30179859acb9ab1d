"""A4 PDF briefs: the shared HTML template rendered by WeasyPrint (Pango/HarfBuzz shape
Arabic; ``dir="rtl"`` mirrors the layout), charts as PNG images drawn by kaleido.

Each section starts a new page; figures and table rows have ``break-inside: avoid`` so no
chart is cut across pages.
"""
from __future__ import annotations

import base64

from report.model import Page as Brief
from briefs.images import MissingDependency, charts_png
from briefs.layout import BASE_CSS, PRINT_CSS, PRINT_CSS_RTL, brief_html

# Charts are drawn 760 CSS px wide (print-mode fonts: 11 px text = about 6.5 pt on a 170 mm
# column) at scale 2, i.e. about 230 dpi on the page.
PRINT_WIDTH = 760
PRINT_SCALE = 2


def check_weasyprint() -> None:
    """Raise :class:`MissingDependency` unless WeasyPrint and its system libraries load."""
    try:
        import weasyprint  # noqa: F401
    except ImportError as error:
        raise MissingDependency("the Python package weasyprint (HTML to PDF)",
                                "Install it with: .venv/bin/pip install -r requirements.txt") from error
    except OSError as error:  # Pango / HarfBuzz libraries not found
        raise MissingDependency(f"a system library WeasyPrint needs ({error})",
                                "Install it with: sudo apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 "
                                "libharfbuzz0b fonts-noto-core") from error


def pdf_html(brief: Brief, progress=None) -> str:
    """The print HTML of a brief with its charts as embedded PNG images."""
    images = charts_png(brief.charts, PRINT_WIDTH, PRINT_SCALE, progress=progress)
    bodies = [f'<img alt="{_attr(c.alt)}" src="data:image/png;base64,{base64.b64encode(png).decode()}">'
              for c, png in zip(brief.charts, images)]
    return brief_html(brief, bodies, css=BASE_CSS + PRINT_CSS + (PRINT_CSS_RTL if brief.direction == "rtl" else ""))


def render_pdf(brief: Brief, progress=None) -> bytes:
    """The brief as A4 PDF bytes."""
    check_weasyprint()
    from weasyprint import HTML

    html = pdf_html(brief, progress=progress)
    # PDF/UA-1: tagged (structure tree, reading order), the document language (/Lang from
    # <html lang>) and title (<title>) in the catalogue, bookmarks from the section headings
    document = HTML(string=html).render(pdf_variant="pdf/ua-1")
    document.metadata.xmp_metadata.append(xmp_language(brief.lang))  # pdfinfo -meta shows it too
    return document.write_pdf(pdf_variant="pdf/ua-1")


def xmp_language(lang: str) -> bytes:
    """An XMP packet part naming the document language (``dc:language``)."""
    from html import escape

    return (b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            b'xmlns:dc="http://purl.org/dc/elements/1.1/"><rdf:Description rdf:about="">'
            b'<dc:language><rdf:Bag><rdf:li>' + escape(lang).encode() + b'</rdf:li></rdf:Bag></dc:language>'
            b'</rdf:Description></rdf:RDF>')


def _attr(text: str) -> str:
    from html import escape

    return escape(str(text), quote=True)
