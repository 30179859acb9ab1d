"""One module per source: load raw -> clean -> check (assert assumptions) -> save.

Each module exposes ``run(raw_dir, out_dir) -> list[Path]``. ``STEPS`` lists them in run order.
"""
STEPS = (
    "context", "curated", "official_series", "publications", "eurostat", "network",
    "vienna", "madrid", "turin", "lisbon", "amman", "beirut", "tangier", "tunis", "lyon",
    # later members (issue 9): city figures, membership, then one step per city source
    "phase2", "members", "casablanca", "sfax", "sousse", "grenoble",
    "derived_totals",  # after the city steps: reads their area_counts_*.csv
    "updates_3",  # third audit (issue 20): newer official figures; reads area_counts_beirut.csv
)
