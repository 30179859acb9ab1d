"""Data access for the pages: one read-only connection per database file version
(st.cache_resource), a cursor per query, analytics results cached with st.cache_data and
keyed on the data version, so a rebuilt or ingested database shows without a restart.
Pages call these, never SQL."""
from __future__ import annotations

import importlib
import os
import threading

import pandas as pd
import streamlit as st

from analytics import store


class DatabaseUnavailable(RuntimeError):
    """The database is missing or unreadable (the app shows how to rebuild it)."""


def _file_stamp() -> tuple:
    """Identity of the database file now: a rebuild swaps in a new file (new inode / mtime)."""
    path = store.store_location()
    try:
        stat = os.stat(path)
    except OSError:
        return (str(path), None, None)
    return (str(path), stat.st_ino, stat.st_mtime_ns)


_LOCK = threading.Lock()
_OPEN: dict = {}  # the one shared connection: {"stamp": ..., "con": ...}


def _connection(stamp: tuple):
    """The read-only connection of the database file identified by ``stamp``, shared by all
    sessions. DuckDB keeps one database instance per path in a process, so a rebuilt file (new
    inode) is only seen after the old connection is closed: that happens here, once."""
    with _LOCK:
        if _OPEN.get("stamp") != stamp:
            old = _OPEN.pop("con", None)
            if old is not None:
                old.close()
            _OPEN["con"] = store.open_store(stamp[0])
            _OPEN["stamp"] = stamp
        return _OPEN["con"]


def cursor():
    """A fresh cursor on the shared read-only connection of the current database file."""
    stamp = _file_stamp()
    try:
        return _connection(stamp).cursor()
    except Exception as error:  # missing, empty, truncated or foreign file
        raise DatabaseUnavailable(str(error)) from error


_VERSIONS: dict = {}  # file stamp -> data version (a plain dict: read on every analytics call)


def data_version() -> str:
    """The data version of the database the pages read (content hash, analytics.db)."""
    stamp = _file_stamp()
    version = _VERSIONS.get(stamp)
    if version is None:
        con = cursor()
        try:
            version = con.execute("SELECT data_version FROM build_info").fetchone()[0]
        finally:
            con.close()
        with _LOCK:
            if len(_VERSIONS) > 8:
                _VERSIONS.clear()
            _VERSIONS[stamp] = version
    return version


@st.cache_data(show_spinner=False, max_entries=1024)
def _call(version: str, module: str, function: str, args: tuple, kwargs: tuple):
    fn = getattr(importlib.import_module(f"analytics.{module}"), function)
    con = cursor()
    try:
        return fn(con, *args, **dict(kwargs))
    finally:
        con.close()


def call(module: str, function: str, *args, **kwargs):
    """``analytics.<module>.<function>(cursor, *args, **kwargs)``, once per arguments and data version."""
    args = tuple(tuple(a) if isinstance(a, list) else a for a in args)
    kwargs = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in kwargs.items()))
    return _call(data_version(), module, function, args, kwargs)


def lookup(name: str) -> pd.DataFrame:
    """Small reference tables for selectors and labels (analytics.reference)."""
    return call("reference", name)


def labels() -> dict[str, dict[str, str]]:
    """English labels of the catalog, by kind (the figures translate them through i18n)."""
    return _labels(data_version())


def _labels(version: str) -> dict:
    return call("reference", "labels")


def city_order() -> tuple[str, ...]:
    """Every city id in catalog order (stable colours across charts)."""
    return call("reference", "city_order")


def built_on() -> str:
    """The day the database was last built from the harmonised data (ISO date)."""
    return str(lookup("build_info").built_at.iloc[0])[:10]

