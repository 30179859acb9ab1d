"""Marks beside a figure (issue 20): its age against the network's newest figure, Eurostat's break in
series, and "newer release expected". Plain functions over a row of
:func:`analytics.profile.figure_currency`, no Streamlit; every text from the language catalogues."""
from __future__ import annotations

import pandas as pd


def _get(row, name):
    value = row.get(name) if isinstance(row, dict) else getattr(row, name, None)
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else value


def age_mark(row, ctx) -> str:
    """"N years old" (N = network's newest year minus the figure's year) when the figure is more than
    ``analytics.profile.AGE_MARK_YEARS`` years older than the network's newest of its indicator, else ""."""
    if not _get(row, "age_flag"):
        return ""
    return ctx.t("mark_age", n=int(_get(row, "years_behind")), newest=int(_get(row, "network_newest_year")))


def break_mark(row, ctx) -> str:
    """Eurostat's break in series, or ""."""
    return ctx.t("mark_break") if _get(row, "break_flag") else ""


def release_mark(row, ctx) -> str:
    """"Newer release expected" (the producer's next release date has passed), or ""."""
    if not _get(row, "release_due"):
        return ""
    return ctx.t("mark_release_due", name=_get(row, "release_name"), due=_get(row, "next_due"))


def marks(row, ctx) -> tuple[str, ...]:
    """Every mark of a figure, in reading order (empty marks left out)."""
    return tuple(m for m in (age_mark(row, ctx), break_mark(row, ctx), release_mark(row, ctx)) if m)
