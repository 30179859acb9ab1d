"""The editorial rules every medium applies, written once (DESIGN.md, "One question, one answer").

1. One territory per line or bar: lines and bars are keyed by :func:`analytics.rules.territory_key`
   (a canonical territory id, never the label).
2. A city's headline share and the population beside it come from the same territory, or the
   difference is stated (:func:`territory_caveat`).
3. A page shows one "city share" per concept; where two concepts are shown each says which
   (:func:`share_line` names the concept and territory of every share it writes).
4. A missing value is a gap, never 0 (:func:`value_text`).
5. A section with nothing to show becomes a one-line gap statement, never an empty chart, map or
   table (:func:`gap_section`).
6. Print media never say "hover" (:func:`for_medium`: catalogue keys with a ``_print`` variant).
7. A chart description's "highest" is the highest value (``figures.style.describe``).
"""
from __future__ import annotations

import math

from figures.context import Context
from i18n import value as fmt
from report.model import Section


def is_missing(value) -> bool:
    """None, NaN or pandas NA: a gap."""
    if value is None:
        return True
    try:
        return bool(value != value) or (isinstance(value, float) and math.isnan(value))
    except TypeError:  # pandas NA
        return True


def value_text(value, unit: str, ctx: Context) -> str:
    """A value formatted for every medium; a missing value is the words "no figure", never 0."""
    return ctx.t("no_figure") if is_missing(value) else fmt(value, unit, ctx.lang)


def for_medium(key: str, ctx: Context, **params) -> str:
    """A catalogue text in the variant of the medium: ``<key>_print`` in print mode where it
    exists (print never says "hover"), else ``<key>``."""
    if ctx.mode == "print":
        try:
            return ctx.t(f"{key}_print", **params)
        except KeyError:
            pass
    return ctx.t(key, **params)


def gap_section(section: Section, statement: str) -> Section:
    """The section as one gap statement: no chart, map, table or fact is left in it."""
    section.charts, section.tables, section.facts, section.bullets, section.paragraphs = [], [], [], [], []
    section.gaps = [statement]
    return section


def territory_caveat(share_territory: str, population_territory: str, ctx: Context) -> str | None:
    """The statement a headline share needs when the population beside it is of another territory."""
    if share_territory and population_territory and share_territory != population_territory:
        return ctx.t("territory_differs", share=share_territory, population=population_territory)
    return None


def plain(text) -> str:
    """Catalogue text without its markdown emphasis (media lay text out themselves)."""
    return str(text).replace("**", "").replace("`", "")
