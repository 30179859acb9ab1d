"""Issue 26, finding 1: a database file damaged while the app serves it (truncated in place, or
blocks overwritten) gives the project's "database not available" page at any moment -- never
Streamlit's generic error page, never numbers computed from the file before it was damaged --
and the pages recover when the file is good again. AppTest runs the pages in this process, as
the server does: the shared connection and the result caches of ``ui.data`` live across runs."""
from __future__ import annotations

import os
import shutil

import pytest

from i18n import t
from tests.app.apptest import run_page

PAGES = [("overview", {}), ("city", {"city": "vienna"}), ("compare", {}), ("explorer", {})]
NOT_AVAILABLE = t("db_missing_title", "en")


def _titles(at) -> list[str]:
    return [e.value for e in at.title]


def _shown_normally(at) -> None:
    assert not at.exception, [e.message for e in at.exception]
    assert NOT_AVAILABLE not in _titles(at)


def _not_available(at) -> None:
    assert not at.exception, [e.message for e in at.exception]  # no generic "This app has encountered an error"
    assert NOT_AVAILABLE in _titles(at), _titles(at)
    assert not at.get("plotly_chart") and not at.dataframe and not at.metric, "numbers of the damaged file still shown"


@pytest.fixture()
def served_copy(tmp_path, fixture_db_path, monkeypatch):
    path = tmp_path / "served.duckdb"
    shutil.copy2(fixture_db_path, path)
    monkeypatch.setenv("MC2CM_DB", str(path))
    return path


def _overwrite_in_place(path, data: bytes) -> None:
    with open(path, "r+b") as handle:  # the same inode, as an editor or a failing copy would
        handle.seek(0)
        handle.write(data)
        handle.truncate(len(data))
    os.utime(path)


@pytest.mark.parametrize("page,params", PAGES, ids=[p for p, _ in PAGES])
def test_truncated_while_serving_gives_not_available_page_then_recovers(served_copy, page, params):
    good = served_copy.read_bytes()
    _shown_normally(run_page(page, params))                 # served and cached
    _overwrite_in_place(served_copy, good[: len(good) // 2])  # truncated in place while serving
    _not_available(run_page(page, params))
    _not_available(run_page(page, params))                  # every later run too, not only the first
    _overwrite_in_place(served_copy, good)                  # restored
    _shown_normally(run_page(page, params))


def test_blocks_overwritten_while_serving_give_not_available_page_then_recover(served_copy):
    """The file keeps its length but its data blocks are zeros: the first read of them fails
    inside the page (after the start-up check passed), and the page becomes "not available"."""
    good = served_copy.read_bytes()
    _shown_normally(run_page("city", {"city": "vienna"}))
    damaged = good[:3 * 4096] + bytes(len(good) - 3 * 4096)
    import duckdb

    probe = served_copy.with_name("probe.duckdb")
    probe.write_bytes(damaged)
    try:  # what the pages meet (on another path: DuckDB shares one instance per open path)
        con = duckdb.connect(str(probe), read_only=True)
        con.execute("SELECT sum(value) FROM observations").fetchall()
        con.close()
        pytest.skip("this DuckDB reads a zeroed file without error")
    except duckdb.Error:
        pass
    _overwrite_in_place(served_copy, damaged)
    _not_available(run_page("city", {"city": "lyon"}))
    _overwrite_in_place(served_copy, good)
    _shown_normally(run_page("city", {"city": "lyon"}))


def test_read_error_in_the_middle_of_a_page_gives_not_available_page(served_copy, monkeypatch):
    """A read that fails after the start-up check passed (a damaged block met by one query of
    the page) ends in the same page, with nothing the page had drawn before it."""
    import duckdb

    import ui.data as ui_data
    from ui.render import _built_views

    _shown_normally(run_page("city", {"city": "vienna"}))
    real = ui_data._open

    class Damaged:
        def __init__(self, con):
            self.con = con

        def cursor(self):
            cursor = self.con.cursor()

            class Reader:
                def execute(self, sql, *args, **kw):
                    if "build_info" in sql:
                        return cursor.execute(sql, *args, **kw)
                    raise duckdb.IOException('Could not read enough bytes from file "served.duckdb"')

                def __getattr__(self, name):
                    return getattr(cursor, name)

            return Reader()

    def damaged_open(stamp):
        opened = real(stamp)
        return ui_data.Opened(opened.stamp, Damaged(opened.con), opened.version)

    monkeypatch.setattr(ui_data, "_open", damaged_open)
    monkeypatch.setattr(ui_data, "_OPEN", {})  # the next run opens the file again, through the damaged reader
    monkeypatch.setattr(ui_data, "_RESULTS", ui_data.LRU(8))
    _built_views().items.clear()
    _not_available(run_page("city", {"city": "amman"}))
    monkeypatch.setattr(ui_data, "_open", real)
    monkeypatch.setattr(ui_data, "_OPEN", {})
    _shown_normally(run_page("city", {"city": "amman"}))
