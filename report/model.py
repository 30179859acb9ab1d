"""The content model every medium renders: a :class:`Page` is an ordered list of
:class:`Section`; a section answers one question (a catalogue key) with facts, charts,
tables, caveats, gap statements and sources.

No Streamlit, no file format here: ``views/`` render a page with Streamlit, ``briefs/`` render
the same page to PDF, HTML and PPTX, and the public API can render it to JSON. Texts are
already in the reader's language (``figures.context.Context``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from figures.style import Chart
from i18n import is_rtl


@dataclass(frozen=True)
class Fact:
    """One figure with everything a reader needs to judge it.

    ``text`` is the value formatted once for every medium (``i18n.value``), or the gap
    statement where the value is missing (a missing value is a gap, never 0).
    ``extra`` keeps every further column of the analytics row (e.g. ``age_flag``,
    ``break_flag``, ``release_due``) so that a medium can show a new mark without a change here.
    """

    key: str  # indicator id
    label: str  # indicator label in the reader's language
    value: float | None
    unit: str
    text: str
    standing: str  # the short badge: source kind, estimate
    concept: str  # concept label
    territory: str  # territory as the source names it
    territory_id: str
    year: int | None
    source: str  # publisher
    source_id: str = ""
    source_url: str = ""
    role: str = "card"  # "card" (official) or "other"
    notes: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def context_line(self) -> str:
        """Year · concept · territory, the line under a value in every medium."""
        return " · ".join(p for p in (str(self.year) if self.year else "", self.concept, self.territory) if p)


@dataclass
class Table:
    """A table for reading: columns already translated, cells already formatted text."""

    frame: pd.DataFrame
    name: str = ""  # stable id (cache key, file name)


@dataclass
class Link:
    """A link to another page of the dashboard with the view's ids (screen only)."""

    page: str  # page id of ui.pages
    label: str
    params: dict = field(default_factory=dict)


@dataclass
class Section:
    """One section of a page: the answer to one question.

    A section with nothing to show carries exactly one gap statement (``gaps``) and no
    chart, map or table (``report.editorial.gap_section``).
    """

    key: str
    question: str  # catalogue key of the question this section answers
    title: str
    facts: list[Fact] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    source_ids: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def table(self) -> pd.DataFrame | None:
        """The first table (the briefs' single-table layout)."""
        return self.tables[0].frame if self.tables else None

    @property
    def is_gap(self) -> bool:
        return not (self.facts or self.charts or self.tables or self.bullets or self.paragraphs)

    def texts(self) -> list[str]:
        """Every reading text of the section, in order (tests, search, JSON)."""
        out = [self.title, *self.warnings, *self.gaps, *self.paragraphs]
        out += [f"{f.label}: {f.text}" for f in self.facts]
        out += self.bullets + self.caveats
        return out


@dataclass
class Page:
    """A page (City profile, Compare) in one language, ready for any medium."""

    kind: str  # "city" or "comparison"
    lang: str
    title: str
    subtitle: str
    sections: list[Section]
    data_version: str
    citation: str
    sources: pd.DataFrame  # source_id, publisher, title, url, licence, source_type
    made_on: str
    name: str  # file stem
    view: dict = field(default_factory=dict)  # the ids of the view (city, cities, indicator, year, ...)

    @property
    def direction(self) -> str:
        return "rtl" if is_rtl(self.lang) else "ltr"

    @property
    def charts(self) -> list[Chart]:
        return [c for s in self.sections for c in s.charts]

    def section_titles(self) -> list[str]:
        return [s.title for s in self.sections]

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def headline_numbers(self) -> list[str]:
        """The formatted values of the page's facts, in order (what every medium must print)."""
        return [f.text for s in self.sections for f in s.facts]
