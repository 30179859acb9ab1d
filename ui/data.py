"""Data access for the pages: one read-only connection per database file version
(st.cache_resource), a cursor per query, analytics results cached in the process (``cached``) and
keyed on the data version, so a rebuilt or ingested database shows without a restart.
Pages call these, never SQL.

A damaged file (truncated or overwritten while the app serves it) is ``DatabaseUnavailable``
at any moment, not only at start: a file shorter than its own block count says is refused when
it is opened (``analytics.store.check_file``), and a read error of any query becomes ``DatabaseUnavailable``
(app.py shows the "database not available" page for both). Results are cached per file
identity (inode, modification time) as well as per data version, so numbers computed from the
file before it was damaged are never shown as current; the next good file is read again.
"""
from __future__ import annotations

import os
import threading
from collections import OrderedDict
from typing import Callable, TypeVar

import duckdb
import pandas as pd
import streamlit as st

from analytics import store


T = TypeVar("T")


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


def file_identity() -> tuple:
    """The identity of the database file now (path, inode, modification time): part of every
    cache key, with the data version."""
    return _file_stamp()


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
            con = store.open_store(stamp[0])
            try:
                store.check_file(con, stamp[0])  # a truncated file opens and fails later: refused now
            except BaseException:
                con.close()
                raise
            _OPEN["con"] = con
            _OPEN["stamp"] = stamp
        return _OPEN["con"]


def cursor():
    """A fresh cursor on the shared read-only connection of the current database file."""
    stamp = _file_stamp()
    try:
        return _connection(stamp).cursor()
    except DatabaseUnavailable:
        raise
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
        except Exception as error:  # noqa: BLE001 -- a read error is an unavailable database
            raise DatabaseUnavailable(str(error)) from error
        finally:
            con.close()
        with _LOCK:
            if len(_VERSIONS) > 8:
                _VERSIONS.clear()
            _VERSIONS[stamp] = version
    return version


class LRU:
    """A bounded, thread-safe least-recently-used store shared by every session of the process."""

    def __init__(self, size: int):
        self.size, self.items, self.lock = size, OrderedDict(), threading.Lock()

    def get_or_build(self, key: tuple, build):
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        value = build()  # outside the lock: two sessions may compute the same value once each
        with self.lock:
            self.items[key] = value
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return value


def hashable(value):
    """``value`` as a cache key: lists, sets and dicts (e.g. a view's filters) as tuples."""
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [hashable(v) for v in value]
        return tuple(sorted(items, key=repr)) if isinstance(value, (set, frozenset)) else tuple(items)
    if isinstance(value, dict):
        return tuple(sorted((k, hashable(v)) for k, v in value.items()))
    return value


CACHED_RESULTS = 1024
# Analytics results per (data version, function, arguments). A plain in-process store instead of
# st.cache_data: st.cache_data pickles a result and unpickles it on every read, measured with
# py-spy under 20 sessions as a tenth of the server's CPU. Results are shared: a data frame is
# handed out as a shallow copy (pandas copy-on-write: a page that modifies it gets its own copy);
# other results (lists, dicts) are read-only by convention.
_RESULTS = LRU(CACHED_RESULTS)


def cached(function: Callable[..., T], *args, **kwargs) -> T:
    """``function(cursor, *args, **kwargs)`` once per arguments and data version: the typed way
    for pages to reach analytics or report functions (``cached(profile.key_figures, "lyon")``),
    which a reader and a tool can follow."""
    args = tuple(tuple(a) if isinstance(a, list) else a for a in args)
    kwargs = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in kwargs.items()))
    key = (data_version(), file_identity(), function.__module__, function.__qualname__, hashable(args), hashable(kwargs))

    def compute():
        con = cursor()
        try:
            return function(con, *args, **dict(kwargs))
        except duckdb.Error as error:  # a block that cannot be read: the file was damaged while served
            raise DatabaseUnavailable(str(error)) from error
        finally:
            con.close()

    return _shared(_RESULTS.get_or_build(key, compute))


def _shared(result):
    if isinstance(result, pd.DataFrame):
        return result.copy(deep=False)
    if isinstance(result, list):
        return list(result)
    return result


def lookup(name: str) -> pd.DataFrame:
    """Small reference tables for selectors and labels (analytics.reference)."""
    from analytics import reference

    return cached(getattr(reference, name))


def labels() -> dict[str, dict[str, str]]:
    """English labels of the catalog, by kind (the figures translate them through i18n)."""
    return _labels(data_version())


def _labels(version: str) -> dict:
    from analytics import reference

    return cached(reference.labels)


def city_order() -> tuple[str, ...]:
    """Every city id in catalog order (stable colours across charts)."""
    from analytics import reference

    return cached(reference.city_order)


def built_on() -> str:
    """The day the database was last built from the harmonised data (ISO date)."""
    return str(lookup("build_info").built_at.iloc[0])[:10]

