"""Where things are: project folders, the raw data folder and the database file."""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
CATALOG_DIR = DATA_DIR / "catalog"
HARMONISED_DIR = DATA_DIR / "harmonised"
INGESTED_DIR = HARMONISED_DIR / "ingested"


def database_path() -> Path:
    """The DuckDB file: env ``MC2CM_DB``, default ``data/mc2cm.duckdb``."""
    return Path(os.environ.get("MC2CM_DB", DATA_DIR / "mc2cm.duckdb"))


def raw_data_dir() -> Path:
    """The shared source data: env ``MC2CM_RAW``, default ``../shared/data`` beside the project."""
    return Path(os.environ.get("MC2CM_RAW", PROJECT_ROOT.parent / "shared" / "data"))
