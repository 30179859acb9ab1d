"""Data access for the pages: one read-only DuckDB connection per process (st.cache_resource),
a cursor per query, analytics results cached with st.cache_data. Pages call these, never SQL."""
from __future__ import annotations

import importlib

import pandas as pd
import streamlit as st

from analytics import db


@st.cache_resource(show_spinner=False)
def _connection():
    return db.connect(read_only=True)


def cursor():
    """A fresh cursor on the shared read-only connection (safe across sessions and threads)."""
    return _connection().cursor()


@st.cache_data(show_spinner=False, max_entries=512)
def call(module: str, function: str, *args, **kwargs):
    """Run ``analytics.<module>.<function>(cursor, *args, **kwargs)`` once per arguments."""
    fn = getattr(importlib.import_module(f"analytics.{module}"), function)
    con = cursor()
    try:
        return fn(con, *args, **kwargs)
    finally:
        con.close()


@st.cache_data(show_spinner=False)
def lookup(name: str) -> pd.DataFrame:
    """Small reference tables for selectors and labels (via analytics.reference)."""
    from analytics import reference

    con = cursor()
    try:
        return getattr(reference, name)(con)
    finally:
        con.close()


def _labels(table: str, key: str, label: str = "label") -> dict[str, str]:
    frame = lookup(table)
    return dict(zip(frame[key], frame[label]))


def city_names() -> dict[str, str]:
    return _labels("cities", "city_id", "name")


def indicator_labels() -> dict[str, str]:
    return _labels("indicators", "indicator_id")


def group_labels() -> dict[str, str]:
    return _labels("area_groups", "group_id")


def concept_labels() -> dict[str, str]:
    return _labels("concepts", "concept_id")
