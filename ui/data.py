"""Data access for the pages: one read-only connection per database file version, shared by the
sessions of the process, a cursor per query, analytics results cached in the process
(``cached``) and keyed on the data version and the file's identity, so a rebuilt or ingested
database shows without a restart. Each script run is pinned to one data version (``begin_run``,
called by app.py), so no page shows numbers of two versions when a build swaps in a new file
while it is computed. Pages call these, never SQL.

A damaged file (truncated or overwritten while the app serves it) is ``DatabaseUnavailable``
at any moment, not only at start: a file shorter than its own block count says is refused when
it is opened (``analytics.store.check_file``), and a read error of any query becomes
``DatabaseUnavailable`` (app.py shows the "database not available" page for both). Results are
cached per file identity (inode, modification time) as well as per data version, so numbers
computed from the file before it was damaged are never shown as current.
"""
from __future__ import annotations

import os
import threading
from collections import OrderedDict
from typing import Callable, TypeVar

import duckdb
import pandas as pd

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


class Opened:
    """One opened data version: its connection and the data version read through that same
    connection (never from another one), so a key built from ``version`` always names the
    numbers that ``con`` returns."""

    __slots__ = ("stamp", "con", "version")

    def __init__(self, stamp: tuple, con, version: str):
        self.stamp, self.con, self.version = stamp, con, version


def file_identity() -> tuple:
    """The identity of this run's database file (path, inode, modification time): part of every
    cache key, with the data version."""
    return _active().stamp


_LOCK = threading.Lock()
_OPEN: dict = {}  # {"current": Opened} : the data version new runs start on
_RUN = threading.local()  # .opened: the data version this thread's script run is pinned to


def _open(stamp: tuple) -> Opened:
    con = store.open_store(stamp[0], isolated=True)
    try:
        # a truncated file opens and fails later: refused now
        store.check_file(con, stamp[0], store.FILE_ALIAS if store.store_kind(stamp[0]) == "duckdb_file" else None)
        version = con.execute("SELECT data_version FROM build_info").fetchone()[0]
    except BaseException:
        con.close()
        raise
    return Opened(stamp, con, version)


def _current() -> Opened:
    """The data version at the configured path now, opened once per file identity and shared by
    all sessions. A newly swapped-in file gets a database instance of its own
    (``open_store(isolated=True)``); the previous one is *not* closed here: sessions in the
    middle of a run keep reading it through their cursors, and it is closed when the last of
    them is dropped (closing it would break those runs, and DuckDB's per-path instance cache
    would hand the old file back to the next ``connect`` while any of them is open)."""
    stamp = _file_stamp()
    opened = _OPEN.get("current")
    if opened is not None and opened.stamp == stamp:
        return opened
    with _LOCK:
        opened = _OPEN.get("current")
        if opened is None or opened.stamp != stamp:
            try:
                opened = _open(stamp)
            except Exception as error:  # missing, empty, truncated or foreign file
                raise DatabaseUnavailable(str(error)) from error
            _OPEN["current"] = opened
        return opened


def _active() -> Opened:
    """The data version of this thread's script run if it was pinned (``begin_run``), else the current one."""
    return getattr(_RUN, "opened", None) or _current()


def begin_run() -> str:
    """Pin this script run to the data version current now (app.py calls it first thing on every
    run): every number of the page then comes from one version, even if a build swaps in a new
    file while the page is computed; the next run moves to the new version. Returns it."""
    _RUN.opened = None
    _RUN.opened = _current()
    return _RUN.opened.version


def cursor():
    """A fresh cursor on the shared read-only connection of this run's data version."""
    try:
        return _active().con.cursor()
    except DatabaseUnavailable:
        raise
    except Exception as error:  # noqa: BLE001
        raise DatabaseUnavailable(str(error)) from error


def data_version() -> str:
    """The data version of the database the pages read (content hash, analytics.db)."""
    return _active().version


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
    opened = _active()  # the key's version and the cursor's data are the same version
    key = (opened.version, opened.stamp, function.__module__, function.__qualname__, hashable(args), hashable(kwargs))

    def compute():
        con = opened.con.cursor()
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

