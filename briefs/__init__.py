"""City and comparison briefs in PDF, HTML and PPTX, from the same figure builders as the pages.

No Streamlit here: the pages call :func:`make` (with a ``progress`` callback for
``st.status``), the command line calls it through ``python -m analytics brief``.

>>> data = make(con, "city", city_id="tangier", fmt="pdf", lang="fr")            # doctest: +SKIP
>>> data = make(con, "comparison", city_ids=["madrid", "vienna"],
...             indicator="foreign_citizens_share", fmt="pptx", lang="en")        # doctest: +SKIP
"""
from __future__ import annotations

import contextlib
from typing import Callable

from briefs.content import Brief, city_brief_content, comparison_brief_content
from briefs.context import brief_context, catalog_labels
from briefs.images import MissingDependency, check_kaleido

FORMATS = ("pdf", "html", "pptx")
KINDS = ("city", "comparison")
MEDIA_TYPES = {"pdf": "application/pdf", "html": "text/html",
               "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation"}

__all__ = ["FORMATS", "KINDS", "MEDIA_TYPES", "Brief", "MissingDependency", "brief_context", "catalog_labels",
           "check_dependencies", "city_brief_content", "comparison_brief_content", "file_name", "make"]


def check_dependencies(fmt: str) -> None:
    """Raise :class:`MissingDependency` (what is missing, how to install it) before any work."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown brief format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "pdf":
        from briefs.pdf import check_weasyprint

        check_weasyprint()
        check_kaleido()
    elif fmt == "pptx":
        from briefs.pptx import check_pptx

        check_pptx()
        check_kaleido()


def make(con, kind: str, *, city_id: str | None = None, city_ids=None, indicator: str | None = None,
         fmt: str = "pdf", lang: str = "en", progress: Callable[[str, float], None] | None = None,
         keep_renderer: bool = False, **view) -> bytes:
    """Make a brief and return the file's bytes.

    Parameters
    ----------
    con : a DuckDB connection or cursor on the dashboard database
    kind : ``"city"`` (needs ``city_id``) or ``"comparison"`` (needs ``city_ids``; ``indicator``
        defaults to each city's best migrant share, ``analytics.rules.HEADLINE``)
    fmt : ``"pdf"``, ``"html"`` or ``"pptx"``
    lang : ``"en"``, ``"fr"`` or ``"ar"`` (right to left)
    progress : called as ``progress(text, fraction)`` with a translated step text and 0..1
    keep_renderer : leave the kaleido/Chromium image server running after the brief (a page
        that makes several briefs saves its start-up, about 1-2 s); ``briefs.images.close()`` stops it
    **view : the other ids of the page's view, so that the brief is that view: ``trend`` (city);
        ``year``, ``series``, ``x``, ``y`` (comparison)

    Raises
    ------
    MissingDependency : a program or package the format needs is missing (message says how to install it)
    KeyError : unknown city or indicator
    """
    from i18n import t

    def step(key: str, fraction: float, **params) -> None:
        if progress:
            progress(t(key, lang, **params), fraction)

    check_dependencies(fmt)
    with contextlib.ExitStack() as stack:
        if fmt == "pdf" or (fmt == "pptx" and keep_renderer):  # Chromium starts while the content is read
            from briefs.images import image_server

            stack.enter_context(image_server(keep=keep_renderer))
        data = _make(con, kind, city_id, city_ids, indicator, fmt, lang, step, view)
    step("brief_step_done", 1.0)
    return data


def _make(con, kind, city_id, city_ids, indicator, fmt, lang, step, view) -> bytes:
    from analytics.rules import HEADLINE

    step("brief_step_content", 0.05)
    if kind == "city":
        if not city_id:
            raise KeyError("a city brief needs city_id")
        brief = city_brief_content(con, city_id, lang, trend=view.get("trend"))
    elif kind == "comparison":
        brief = comparison_brief_content(con, list(city_ids or []), indicator or HEADLINE, lang,
                                         **{k: view[k] for k in ("year", "series", "x", "y") if k in view})
    else:
        raise ValueError(f"unknown brief kind {kind!r}; choose one of {', '.join(KINDS)}")

    def chart_progress(i: int, n: int) -> None:
        step("brief_step_charts", 0.2 + 0.6 * (i / max(n, 1)), i=min(i + 1, n), n=n)

    step("brief_step_layout", 0.15, fmt=fmt.upper())
    if fmt == "pdf":
        from briefs.pdf import render_pdf

        data = render_pdf(brief, progress=chart_progress)
    elif fmt == "html":
        from briefs.html import render_html

        data = render_html(brief, progress=chart_progress)
    else:
        from briefs.pptx import render_pptx

        data = render_pptx(brief, progress=chart_progress)
    return data


def file_name(kind: str, fmt: str, lang: str, city_id: str | None = None, city_ids=None) -> str:
    """A download file name: ``mc2cm-brief-tangier-fr.pdf``, ``mc2cm-compare-madrid-vienna-en.pptx``."""
    stem = f"brief-{city_id}" if kind == "city" else "compare-" + "-".join(list(city_ids or []))[:60]
    return f"mc2cm-{stem}-{lang}.{fmt}"
