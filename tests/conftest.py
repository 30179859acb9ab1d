"""Shared fixtures: a database built from the committed harmonised data into a temp folder."""
from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import pytest

from analytics.paths import HARMONISED_DIR, raw_data_dir


def _scan_installed_components_once() -> None:
    """Every new ``AppTest`` scans all installed packages for Streamlit components (about 0.4 s,
    measured with cProfile); a server does it once at start. The installed packages do not change
    during a test session, so the scan's result is reused."""
    import functools

    from streamlit.components.v2 import manifest_scanner

    if not hasattr(manifest_scanner.scan_component_manifests, "cache_info"):
        manifest_scanner.scan_component_manifests = functools.cache(manifest_scanner.scan_component_manifests)


_scan_installed_components_once()


@pytest.fixture(scope="session")
def built_db(tmp_path_factory) -> Path:
    """The full database, built once per session from data/harmonised (never the user's file)."""
    from analytics.db import build

    path = tmp_path_factory.mktemp("db") / "mc2cm.duckdb"
    build(path, HARMONISED_DIR, tmp_path_factory.mktemp("no_ingested"))
    return path


def _fixture_builder():
    path = Path(__file__).parent / "fixtures" / "make_fixture_db.py"
    spec = importlib.util.spec_from_file_location("make_fixture_db", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def fixture_db_path() -> Path:
    """The 3-city fixture database (vienna: district counts; lyon: boundaries with totals only;
    amman: figures only), built by tests/fixtures/make_fixture_db.py when missing or older than
    its inputs. Env ``MC2CM_FIXTURE_DB`` puts it elsewhere (default tests/fixtures/fixture.duckdb)."""
    builder = _fixture_builder()
    path = Path(os.environ.get("MC2CM_FIXTURE_DB", builder.FIXTURE_DB))
    if builder.is_stale(path):
        builder.build_fixture(path)
    return path


@pytest.fixture()
def con(built_db):
    from analytics.db import connect

    connection = connect(built_db)
    yield connection
    connection.close()


@pytest.fixture()
def workspace(tmp_path, built_db):
    """A writable copy of the harmonised data and of the database, for ingest tests."""
    harmonised = tmp_path / "harmonised"
    shutil.copytree(HARMONISED_DIR, harmonised, ignore=shutil.ignore_patterns("ingested"))
    db = tmp_path / "mc2cm.duckdb"
    shutil.copy2(built_db, db)
    return {"harmonised": harmonised, "ingested": harmonised / "ingested", "db": db}


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    path = raw_data_dir()
    if not path.is_dir():
        pytest.skip(f"shared data not found at {path}")
    return path
