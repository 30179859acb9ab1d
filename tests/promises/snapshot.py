"""Golden files for what a reader sees: a test compares an output with ``snapshots/<name>.json``;
``MC2CM_UPDATE_SNAPSHOTS=1`` rewrites them (review the diff: it is what users will see change)."""
from __future__ import annotations

import json
import math
import os
from pathlib import Path

import numpy as np
import pandas as pd

FOLDER = Path(__file__).resolve().parent / "snapshots"


def plain(value):
    """JSON-able, stable form: NaN/NA as None, numpy scalars as Python, floats rounded to 10 digits."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [plain(v) for v in value]
    if isinstance(value, pd.DataFrame):
        return {"columns": list(map(str, value.columns)), "dtypes": [str(d) for d in value.dtypes],
                "rows": [plain(list(r)) for r in value.itertuples(index=False)]}
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer, int)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if math.isnan(value) else round(float(value), 10)
    return str(value) if not isinstance(value, str) else value


def check(name: str, value) -> None:
    path = FOLDER / f"{name}.json"
    got = plain(value)
    if os.environ.get("MC2CM_UPDATE_SNAPSHOTS") == "1" or not path.exists():
        FOLDER.mkdir(exist_ok=True)
        path.write_text(json.dumps(got, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
        if os.environ.get("MC2CM_UPDATE_SNAPSHOTS") != "1":
            raise AssertionError(f"{path.name} was missing and has been written: run again and commit it")
        return
    want = json.loads(path.read_text(encoding="utf-8"))
    assert json.loads(json.dumps(got, sort_keys=True, ensure_ascii=False)) == want, \
        f"{name} differs from {path.relative_to(FOLDER.parents[2])} (MC2CM_UPDATE_SNAPSHOTS=1 rewrites it after review)"
