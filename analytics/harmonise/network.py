"""The network's own activities (``curated/mc2cm_network.csv``) -> network_activities.csv."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from analytics import catalog
from analytics.harmonise._common import raw_file, require

COLUMNS = ["kind", "date", "city", "theme", "title", "detail", "source_title", "source_url"]


def run(raw_dir: Path, out_dir: Path) -> list[Path]:
    path = raw_file(raw_dir, "curated", "mc2cm_network.csv")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    require(list(frame.columns) == COLUMNS, f"{path}: unexpected columns {list(frame.columns)}")
    themes = set(catalog.themes().theme_id) | {""}
    require(set(frame.theme) <= themes, f"{path}: unknown theme {set(frame.theme) - themes}")
    frame["city_id"] = frame.city.str.lower().where(frame.city.str.lower().isin(catalog.city_ids()), "")
    frame["source_id"] = "mc2cm_network_activities"
    out = out_dir / "network_activities.csv"
    frame.to_csv(out, index=False, lineterminator="\n")
    return [out]
