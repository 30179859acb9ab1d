"""Sections of ``report`` rendered with Streamlit: the page shows what every brief prints, in
the same order: title, question, warnings, gap statements, facts, paragraphs, tables,
bullets, charts, caveats, links."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import streamlit as st

from figures.context import Context
from report.common import facts_table
from report.model import Page, Section
from ui import data as ui_data
from ui.render import built, link, plain, show, text_table


# The ?chart= key of each section's chart (embed links in use keep working).
EMBED_KEYS = {"trends": "trend", "origins": "origins", "refugees": "refugees", "districts": "dmap", "ranking": "bars",
              "over_time": "ts", "two_indicators": "scatter", "city_vs_country": "vs"}


def embed_key(section: Section, index: int) -> str:
    key = EMBED_KEYS.get(section.key, section.key)
    if section.key == "districts" and section.warnings:  # boundaries only
        key = "bmap"
    return key if index == 0 else f"{key}{index}"


def page(name: str, ctx: Context, inputs: tuple, build: Callable) -> Page:
    """The :class:`report.model.Page` built by ``build(con, ctx)`` once per view, language, mode
    and data version (``ui.render.built``), shared by every rerun and session."""
    def make() -> Page:
        con = ui_data.cursor()
        try:
            result = build(con, ctx)
        finally:
            con.close()
        from figures.style import finished

        for chart in result.charts:
            finished(chart.figure)
        return result

    return built(name, ctx, inputs, make)


def _cards(facts, ctx: Context) -> None:
    cols = st.columns(3)
    for i, f in enumerate(facts):
        with cols[i % 3].container(border=True):
            st.metric(f.label, f.text)
            st.caption(plain(f.context_line))
            st.caption(plain(" · ".join(p for p in (f.standing, ctx.t("source_is", publisher=f.source) if f.source else "") if p))
                       + (" · " + link(f.source_url) if link(f.source_url) else ""))
            if f.extra.get("n_alternatives"):
                st.caption(plain(ctx.t("n_other_figures", n=int(f.extra["n_alternatives"]))))
            for mark in f.notes:  # age, break in series, newer release expected (figures.marks)
                st.caption(plain("⚠ " + mark))


@dataclass
class Slot:
    """Where a section goes on the page: its title, its own selectors, its body (in that order)."""

    title: object
    controls: object
    body: object


def section_slots(keys) -> dict[str, Slot]:
    """One slot per section key, in page order, made before the page is built: a section's
    selectors (part of the view) are read first and drawn under the section's title."""
    slots = {}
    for key in keys:
        box = st.container()
        slots[key] = Slot(box.container(), box.container(), box.container())
    return slots


def render_section(section: Section, ctx: Context, slot: Slot | None = None, view_key: tuple = ()) -> None:
    """One section (into ``slot`` when given)."""
    if slot is None:
        _render(section, ctx, st.container(), st.container(), view_key)
    else:
        _render(section, ctx, slot.title, slot.body, view_key)


def _render(section: Section, ctx: Context, title, body, view_key: tuple) -> None:
    with title:
        st.header(section.title)
        if section.question:
            st.caption(ctx.t(section.question))
    with body:
        _body(section, ctx, view_key)


def _body(section: Section, ctx: Context, view_key: tuple) -> None:
    for warning in section.warnings:
        st.warning(plain(warning))
    for gap in section.gaps:
        st.info(plain(gap))
    cards = [f for f in section.facts if f.role == "card"]
    listed = [f for f in section.facts if f.role != "card"]
    if cards:
        _cards(cards, ctx)
    if listed:
        if section.key == "key_figures":
            st.markdown(f"**{ctx.t('other_figures_title')}**")
        text_table(lambda: facts_table(listed, ctx), ctx, view=(f"facts-{section.key}", view_key))
    for paragraph in section.paragraphs:
        st.markdown(plain(paragraph))
    for table in section.tables:
        text_table(table.frame, ctx, view=(f"table-{table.name or section.key}", view_key))
    if section.bullets:
        st.markdown("\n".join(f"- {plain(b)}" for b in section.bullets))
    for i, chart in enumerate(section.charts):
        rows = chart.cache.get("table")
        show(chart, embed_key(section, i), ctx, table=rows)
    if section.caveats and section.key != "caveats":
        for caveat in section.caveats:
            st.caption(plain("⚠ " + caveat))
    for item in section.links:
        from ui.pages import page_path

        st.page_link(page_path(item.page), label=item.label, query_params={**item.params, "lang": ctx.lang})


def render_page(content: Page, ctx: Context, slots: dict[str, Slot] | None = None, view_key: tuple = ()) -> None:
    """Every section of ``content`` in order (the same order as every brief)."""
    for section in content.sections:
        render_section(section, ctx, (slots or {}).get(section.key), view_key)
