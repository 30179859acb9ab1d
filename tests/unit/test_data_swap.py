"""A new data version swapped in while a server process is serving (ui/data.py): the next run
reads the new file even while sessions still hold cursors on the old one, those sessions are
not broken, and one run never mixes two versions.

The cause of the earlier flaky swap (replicas serving different numbers after a swap): DuckDB
hands ``duckdb.connect(path)`` the process's cached database instance for ``path`` while any
connection to it is open, and that instance reads the file it opened first; closing the old
connection under a session that is using it either breaks that session's cursor
("Connection already closed") or fails ("connection is busy"), and then the next ``connect``
got the old file back under the new file's identity, for good.
"""
from __future__ import annotations

import os
import shutil
import threading

import duckdb
import pytest


def total(con) -> float:
    """Sum of every observation: differs between the two versions of these tests."""
    return con.execute("SELECT sum(value) FROM observations").fetchone()[0]


def _second_version(src, out, version: str = "swap-v2"):
    shutil.copy2(src, out)
    con = duckdb.connect(str(out))
    con.execute("UPDATE build_info SET data_version = ?", [version])
    con.execute("UPDATE observations SET value = value + 1")
    con.close()
    return out


@pytest.fixture()
def live(tmp_path, monkeypatch, built_db):
    from ui import data as ui_data

    db = tmp_path / "live.duckdb"
    shutil.copy2(built_db, db)
    monkeypatch.setenv("MC2CM_DB", str(db))
    monkeypatch.setattr(ui_data, "_OPEN", {})
    monkeypatch.setattr(ui_data, "_RUN", threading.local(), raising=False)
    v1 = duckdb.connect(str(db), read_only=True)
    before = (v1.execute("SELECT data_version FROM build_info").fetchone()[0], total(v1))
    v1.close()
    after = ("swap-v2", before[1] + duckdb.connect(str(db), read_only=True).execute(
        "SELECT count(*) FROM observations").fetchone()[0])
    return {"db": db, "v1": before, "v2": after, "next": _second_version(db, tmp_path / "next.duckdb")}


def _in_thread(fn):
    out = {}

    def run():
        try:
            out["value"] = fn()
        except Exception as error:  # noqa: BLE001
            out["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(60)
    if "error" in out:
        raise out["error"]
    return out["value"]


def test_a_swapped_file_is_served_while_an_old_cursor_is_in_use(live):
    from ui import data as ui_data

    assert _in_thread(ui_data.data_version) == live["v1"][0]
    held = ui_data.cursor()  # another session in the middle of its run, on the old version
    busy = {}

    def long_query():  # and one busy in a query while the swap happens
        busy["result"] = held.execute("SELECT count(*) FROM range(60000000) t(i) WHERE i % 7 = 0").fetchone()[0]

    worker = threading.Thread(target=long_query)
    worker.start()
    os.replace(live["next"], live["db"])  # what `analytics build` does
    version, numbers = _in_thread(lambda: (ui_data.data_version(), ui_data.cached(total)))
    worker.join(60)
    assert (version, numbers) == live["v2"]  # the new file, not the cached old instance
    assert busy["result"] == 8571429
    assert total(held) == live["v1"][1]  # the old session's cursor still works, on its own version
    held.close()


def test_one_run_reads_one_version_even_if_the_file_is_swapped_during_it(live):
    from ui import data as ui_data

    def run_with_swap_in_the_middle():
        first = (ui_data.begin_run(), ui_data.cached(total))
        os.replace(live["next"], live["db"])
        second = (ui_data.data_version(), ui_data.cached(total))
        con = ui_data.cursor()
        try:
            third = (ui_data.data_version(), total(con))
        finally:
            con.close()
        return first, second, third

    first, second, third = _in_thread(run_with_swap_in_the_middle)
    assert first == second == third == live["v1"]
    assert _in_thread(lambda: (ui_data.begin_run(), ui_data.cached(total))) == live["v2"]  # the next run
    assert _in_thread(lambda: (ui_data.data_version(), ui_data.cached(total))) == live["v2"]  # unpinned: current
