"""An Atom feed (RFC 4287) of data releases and corrections.

- a **release** entry for the data version served: when it was built, and the cities,
  indicators and figures it holds (``build_info``, ``observations``);
- a **correction** entry for every correction of the curated figures
  (``data/catalog/curated_decisions.yaml``: dropped, replaced and relabelled rows, each with its
  reason; the replaced figures are in ``excluded_observations``).

The database keeps no history of earlier data versions, so a release entry cannot yet say
what changed since the previous one: it lists what the version holds.
"""
from __future__ import annotations

from xml.sax.saxutils import escape

import yaml

from analytics.paths import CATALOG_DIR

ATOM = "http://www.w3.org/2005/Atom"
ACTIONS = ("drop", "replace", "relabel")


def corrections() -> list[dict]:
    """Every correction of the curated figures: action, rows and reason (in catalog order)."""
    path = CATALOG_DIR / "curated_decisions.yaml"
    if not path.exists():
        return []
    decisions = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out = []
    for action in ACTIONS:
        for rule in decisions.get(action) or []:
            rows = rule.get("rows") or ([rule["row"]] if "row" in rule else [])
            out.append({"action": action, "rows": [int(r) for r in rows], "reason": str(rule.get("reason", "")),
                        "round": 2 if "corrections_2" in rule else 1})
    return out


def _entry(entry_id: str, title: str, updated: str, summary: str, link: str, category: str) -> str:
    return (f"<entry><id>{escape(entry_id)}</id><title>{escape(title)}</title><updated>{escape(updated)}</updated>"
            f'<link rel="alternate" href="{escape(link, {chr(34): "&quot;"})}"/>'
            f'<category term="{category}"/><summary type="text">{escape(summary)}</summary></entry>')


def atom(con, base: str) -> bytes:
    """The feed's bytes (UTF-8). ``base``: the server's address, for absolute links."""
    base = base.rstrip("/") + "/"
    version, built_at = con.execute("SELECT data_version, built_at FROM build_info").fetchone()
    updated = str(built_at).replace(" ", "T")
    if len(updated) == 10:
        updated += "T00:00:00Z"
    if not (updated.endswith("Z") or "+" in updated[10:]):
        updated += "Z"
    cities = [r[0] for r in con.execute("SELECT city_id FROM cities ORDER BY city_id").fetchall()]
    n_ind, n_obs, n_counts = con.execute("""SELECT (SELECT count(DISTINCT indicator_id) FROM observations),
        (SELECT count(*) FROM observations), (SELECT count(*) FROM area_counts)""").fetchone()
    entries = [_entry(f"tag:mc2cm,2026:release:{version}", f"Data release {version}", updated,
                      f"Data version {version}, built {updated}: {n_obs} figures on {n_ind} indicators and {n_counts} district "
                      f"counts for {len(cities)} cities ({', '.join(cities)}).",
                      f"{base}api/v1?v={version}", "release")]
    for i, item in enumerate(corrections(), 1):
        rows = ", ".join(map(str, item["rows"]))
        entries.append(_entry(f"tag:mc2cm,2026:correction:{item['action']}:{rows}",
                              f"Correction (round {item['round']}): {item['action']} curated row {rows}", updated,
                              item["reason"], f"{base}api/v1/sources", "correction"))
    head = (f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="{ATOM}"><id>tag:mc2cm,2026:feed</id>'
            f"<title>MC2CM city migration dashboard: data releases and corrections</title><updated>{escape(updated)}</updated>"
            f'<link rel="self" href="{escape(base)}api/v1/feed.atom"/><link rel="alternate" href="{escape(base)}"/>'
            f"<author><name>MC2CM city migration dashboard</name></author>")
    return (head + "".join(entries) + "</feed>\n").encode("utf-8")
