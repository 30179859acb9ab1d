"""A content-layer page (:class:`report.model.Page`) as the API gives it: JSON with the same
sections, facts, caveats and gap statements the page shows, and CSV of its facts.

The pages and the API build the page with the same function (``report.city.city_profile``,
``report.compare.comparison``) and the same figure context (language, ``screen`` mode, data
version, catalog labels): one answer in every medium.
"""
from __future__ import annotations

import pandas as pd

from api.http import jsonable, records
from figures.context import Context
from report.model import Fact, Page, Section
from ui import data as ui_data

BUILT_PAGES = 64  # pages kept per process (least recently used dropped)
_PAGES = ui_data.LRU(BUILT_PAGES)


def context(lang: str) -> Context:
    """The figure context the page uses for ``lang`` (``ui.render.context`` in screen mode)."""
    return Context(lang=lang, mode="screen", data_version=ui_data.data_version(), labels=ui_data.labels(),
                   city_order=ui_data.city_order())


def built_page(kind: str, view, lang: str) -> Page:
    """The page of ``kind`` ("city" or "comparison") for ``view`` in ``lang``, built once per data
    version (KeyError for an unknown city or indicator)."""
    from report.city import city_profile
    from report.compare import comparison

    build = city_profile if kind == "city" else comparison
    ctx = context(lang)

    def make() -> Page:
        con = ui_data.cursor()
        try:
            return build(con, ctx, view)
        finally:
            con.close()

    return _PAGES.get_or_build((kind, view, lang, ctx.data_version), make)


def clear() -> None:
    """Forget the built pages (benchmarks measure a first request)."""
    with _PAGES.lock:
        _PAGES.items.clear()


def fact_json(f: Fact) -> dict:
    return {"indicator_id": f.key, "label": f.label, "value": f.value, "unit": f.unit, "text": f.text,
            "standing": f.standing, "concept": f.concept, "territory": f.territory, "territory_id": f.territory_id,
            "year": f.year, "source": f.source, "source_id": f.source_id, "source_url": f.source_url, "role": f.role,
            "context_line": f.context_line, "notes": list(f.notes), "extra": jsonable(f.extra)}


def section_json(section: Section, ctx: Context, chart_url) -> dict:
    return {
        "key": section.key, "title": section.title, "question": ctx.t(section.question) if section.question else "",
        "warnings": section.warnings, "gaps": section.gaps, "facts": [fact_json(f) for f in section.facts],
        "paragraphs": section.paragraphs, "bullets": section.bullets, "caveats": section.caveats,
        "tables": [{"name": t.name, "rows": records(t.frame)} for t in section.tables],
        "charts": [{"name": c.name, "title": c.title, "subtitle": c.subtitle, "source": c.source, "alt": c.alt,
                    "kind": c.kind, "notes": c.notes, "image": chart_url(section.key, i)}
                   for i, c in enumerate(section.charts)],
        "source_ids": section.source_ids, "is_gap": section.is_gap,
    }


def page_json(page: Page, chart_url) -> dict:
    """The page as JSON: title, view ids, sections in page order, sources, citation."""
    ctx = Context(lang=page.lang)
    return {"kind": page.kind, "lang": page.lang, "direction": page.direction, "title": page.title,
            "subtitle": page.subtitle, "view": jsonable(page.view), "citation": page.citation,
            "sections": [section_json(s, ctx, chart_url) for s in page.sections], "sources": records(page.sources)}


FACT_COLUMNS = ["section", "indicator_id", "label", "value", "unit", "text", "year", "concept", "territory", "territory_id",
                "standing", "role", "source", "source_id", "source_url", "licence"]


def facts_frame(page: Page) -> pd.DataFrame:
    """Every fact of the page, one row each, with its section, source and licence (the CSV)."""
    licences = dict(zip(page.sources.source_id, page.sources.licence)) if not page.sources.empty else {}
    rows = [{"section": s.key, **{k: v for k, v in fact_json(f).items() if k in FACT_COLUMNS},
             "licence": licences.get(f.source_id, "")} for s in page.sections for f in s.facts]
    return pd.DataFrame(rows, columns=FACT_COLUMNS)
