"""Every source in the database states a licence from the catalog's licence list (or a URL), and
DATA-LICENSE.md's per-licence summary is the one generated from the database.

Regenerate the summary after a build: ``python -m tests.data.test_licences`` (reads MC2CM_DB).
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from analytics import catalog

ROOT = Path(__file__).resolve().parents[2]
DATA_LICENSE = ROOT / "DATA-LICENSE.md"
BEGIN, END = "<!-- BEGIN GENERATED: python -m tests.data.test_licences -->", "<!-- END GENERATED -->"
URL = re.compile(r"^https?://\S+$")
TABLES_WITH_SOURCES = ("observations", "areas", "area_counts", "country_context", "cities", "world_countries")


def vocabulary() -> list[dict]:
    """The documented licence names (``catalog/sources.yaml``, key ``licences``)."""
    return catalog.load_yaml("sources")["licences"]


def licence_parts(text: str) -> list[str]:
    """Split a licence field on ``;`` outside parentheses."""
    return [p.strip() for p in re.split(r";(?![^()]*\))", text) if p.strip()]


def licence_name(part: str) -> str | None:
    """The vocabulary name of one part (a name, optionally followed by one parenthesised
    qualifier), the part itself if it is a URL, else None."""
    if URL.match(part):
        return part
    for entry in vocabulary():
        name = entry["name"]
        if part == name or (part.startswith(name + " (") and part.endswith(")")):
            return name
    return None


def test_every_source_has_a_documented_licence(con):
    sources = con.execute("SELECT source_id, licence FROM sources ORDER BY source_id").fetchall()
    assert sources
    bad = [(s, lic) for s, lic in sources
           if not (lic or "").strip() or any(licence_name(p) is None for p in licence_parts(lic))]
    assert not bad, f"licence is not a name from catalog/sources.yaml `licences` or a URL: {bad[:10]}"


def test_every_cited_source_id_has_a_licence(con):
    for table in TABLES_WITH_SOURCES:
        missing = con.execute(f"""SELECT DISTINCT t.source_id FROM {table} t LEFT JOIN sources s USING (source_id)
                                  WHERE coalesce(trim(s.licence), '') = ''""").fetchall()
        assert not missing, f"{table}: sources without licence {missing[:5]}"


def test_the_licence_check_can_fail():
    assert licence_name("as stated by the publisher (figure cited with attribution)") is None
    assert licence_name("public web pages (facts, cited)") is None
    assert licence_name("unknown (anything)") is None
    assert licence_name("CC BY 4.0 (HCP data)") == "CC BY 4.0"
    assert licence_parts("unknown (© publisher; cited, not redistributed); MIT") == [
        "unknown (© publisher; cited, not redistributed)", "MIT"]


def test_cited_page_licence_is_defined_in_one_place():
    from analytics.harmonise.curated import cited_licence

    assert [e["name"] for e in vocabulary() if e.get("cited_pages")] == [cited_licence()]
    for path in (ROOT / "analytics").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "cited, not redistributed" not in text and "as stated by the publisher" not in text, path


def render(con) -> str:
    """Per-licence summary of the built database (Markdown)."""
    sources = con.execute("SELECT source_id, licence, source_type FROM sources").df()
    used = pd.concat([con.execute(f"SELECT source_id, count(*) AS n FROM {t} GROUP BY 1").df()
                      for t in ("observations", "areas", "area_counts", "country_context")]).groupby("source_id").n.sum()
    rows = [(s.source_id, licence_name(p), s.source_type) for s in sources.itertuples() for p in licence_parts(s.licence)]
    table = pd.DataFrame(rows, columns=["source_id", "name", "source_type"])
    table["rows"] = table.source_id.map(used).fillna(0).astype(int)
    lines = ["| licence | redistribution | sources | rows (observations, areas, area counts, country context) | source ids |",
             "|---|---|---|---|---|"]
    for entry in vocabulary():
        sub = table[table.name == entry["name"]].sort_values("source_id")
        if sub.empty:
            continue
        if entry.get("cited_pages"):
            by_type = sub.source_type.value_counts().sort_index()
            ids = f"{len(sub)} web pages ({', '.join(f'{t} {n}' for t, n in by_type.items())}); see the `sources` table"
        else:
            ids = ", ".join(f"`{s}`" for s in sub.source_id)
        name = f"[{entry['name']}]({entry['url']})" if entry.get("url") else entry["name"]
        lines.append(f"| {name} | {entry['redistribution']} | {len(sub)} | {sub.rows.sum()} | {ids} |")
    urls = table[table.name.str.match(URL)]
    for url, sub in urls.groupby("name"):
        lines.append(f"| {url} | see the URL | {len(sub)} | {sub.rows.sum()} | {', '.join(sub.source_id)} |")
    return "\n".join(lines)


def _generated_section() -> str:
    text = DATA_LICENSE.read_text(encoding="utf-8")
    assert BEGIN in text and END in text, f"{DATA_LICENSE}: generated-section markers missing"
    return text.split(BEGIN, 1)[1].split(END, 1)[0].strip()


def test_data_license_summary_is_current(con):
    assert _generated_section() == render(con), "DATA-LICENSE.md is stale: run `python -m tests.data.test_licences`"


if __name__ == "__main__":
    from analytics.db import connect

    connection = connect()
    text = DATA_LICENSE.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    DATA_LICENSE.write_text(f"{head}{BEGIN}\n{render(connection)}\n{END}{tail}", encoding="utf-8")
    print(f"wrote {DATA_LICENSE}")
