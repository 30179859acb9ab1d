"""An Atom feed (RFC 4287) of data releases and corrections.

- a **release** entry for the data version served: when it was built, and the cities,
  indicators and figures it holds (``build_info``, ``observations``);
- a **correction** entry for every row of the corrections log (``data/catalog/corrections.yaml``,
  the database table ``corrections``: the Methods page lists the same rows), dated by the
  correction, with the old and the new value and the reason.

"""
from __future__ import annotations

from xml.sax.saxutils import escape

ATOM = "http://www.w3.org/2005/Atom"


def corrections(con) -> list[dict]:
    """Every row of the corrections log, oldest first (the table the Methods page shows)."""
    frame = con.execute("""SELECT correction_id, date, city_id, indicator_id, what, old_value, new_value, reason
                           FROM corrections ORDER BY date, correction_id""").df()
    return frame.fillna("").to_dict("records")


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
    for item in corrections(con):
        when = f"{item['date']}T00:00:00Z" if len(str(item["date"])) == 10 else updated
        subject = " ".join(str(part) for part in (item["city_id"], item["indicator_id"], item["what"]) if part)
        change = f"{item['old_value']} → {item['new_value']}" if item["old_value"] or item["new_value"] else ""
        entries.append(_entry(f"tag:mc2cm,2026:correction:{item['correction_id']}",
                              f"Correction {item['correction_id']}: {subject}" + (f" ({change})" if change else ""), when,
                              str(item["reason"]), f"{base}methods", "correction"))
    head = (f'<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="{ATOM}"><id>tag:mc2cm,2026:feed</id>'
            f"<title>MC2CM city migration dashboard: data releases and corrections</title><updated>{escape(updated)}</updated>"
            f'<link rel="self" href="{escape(base)}api/v1/feed.atom"/><link rel="alternate" href="{escape(base)}"/>'
            f"<author><name>MC2CM city migration dashboard</name></author>")
    return (head + "".join(entries) + "</feed>\n").encode("utf-8")
