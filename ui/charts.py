"""One visual identity for every chart: title, subtitle (concept / territory / year), source
line drawn into the figure, colour-blind-safe palettes, PNG/SVG export at 1920x1080 with a
meaningful file name, alt text and a data-table fallback."""
from __future__ import annotations

import re

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from ui.texts import t

# Okabe-Ito (colour-blind safe) for categories; viridis-like sequential for shares.
CATEGORICAL = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000", "#999999"]
SEQUENTIAL = "Viridis"
DIVERGING = "RdBu_r"
SOURCE_TYPE_COLOURS = {"official_statistics": "#0072B2", "city_administration": "#009E73", "un_agency": "#56B4E9",
                       "research": "#CC79A7", "secondary": "#E69F00", "estimate": "#D55E00", "none": "#EEEEEE"}
LISA_COLOURS = {"High-High": "#D55E00", "Low-Low": "#0072B2", "High-Low": "#E69F00", "Low-High": "#56B4E9",
                "Not significant": "#DDDDDD"}


def presenter() -> bool:
    return bool(st.session_state.get("present", False))


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "chart"


def style(fig: go.Figure, title: str, subtitle: str, source: str, height: int | None = None) -> go.Figure:
    """Title, subtitle and source drawn into the figure (so an exported PNG is slide-ready)."""
    big = presenter()
    base = 20 if big else 13
    fig.update_layout(
        title={"text": f"<b>{title}</b><br><span style='font-size:{base}px;color:#555'>{subtitle}</span>",
               "x": 0.01, "xanchor": "left", "y": 0.97, "yanchor": "top", "font": {"size": base + (12 if big else 6)}},
        font={"family": "Source Sans Pro, Arial, sans-serif", "size": base, "color": "#1B2631"},
        colorway=CATEGORICAL, paper_bgcolor="white", plot_bgcolor="white",
        margin={"l": 60, "r": 30, "t": 140 if big else 90, "b": 90 if big else 80},
        height=height or (720 if big else 480),
        legend={"bgcolor": "rgba(255,255,255,0.7)"},
    )
    fig.add_annotation(text=f"{t('source')}: {source}", xref="paper", yref="paper", x=0, y=-0.02, yshift=-50 if not big else -60,
                       xanchor="left", yanchor="top", showarrow=False, align="left",
                       font={"size": base - 2, "color": "#555"})
    fig.update_xaxes(gridcolor="#E5E8EB", zeroline=False)
    fig.update_yaxes(gridcolor="#E5E8EB", zeroline=False)
    return fig


def show(fig: go.Figure, name: str, alt: str, data: pd.DataFrame | None = None, key: str | None = None) -> None:
    """Render a styled figure with export settings, an alt text and the data behind it."""
    fmt = st.session_state.get("image_format", "png")
    config = {
        "displaylogo": False,
        "toImageButtonOptions": {"format": fmt, "filename": f"mc2cm-{slug(name)}", "width": 1920, "height": 1080, "scale": 1},
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    }
    st.plotly_chart(fig, config=config, key=key, width="stretch")
    st.caption(f"Chart description: {alt}")
    if data is not None:
        with st.expander(t("data_table")):
            st.dataframe(data, hide_index=True, width="stretch")


def source_line(frame: pd.DataFrame, publisher_col: str = "publisher", limit: int = 4) -> str:
    """Compact 'Publisher A; Publisher B; ... (+n more)' line from a table's sources."""
    pubs = [p for p in pd.unique(frame[publisher_col].dropna()) if p]
    short = [re.sub(r"\s*\(.*?\)", "", p)[:70] for p in pubs]
    text = "; ".join(dict.fromkeys(short[:limit]))
    return text + (f" (+{len(pubs) - limit} more)" if len(pubs) > limit else "")
