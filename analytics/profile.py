"""City profile building blocks: key figures, trend series, refugee figures, national context."""
from __future__ import annotations

import pandas as pd

from analytics.compare import CITY_LEVELS, best_figures
from analytics.rules import indicator_role, is_official

KEY_INDICATORS = indicator_role("card")  # roles: data/catalog/indicators.yaml
TREND_INDICATORS = indicator_role("trend")
REFUGEE_INDICATORS = indicator_role("refugee")


def key_figures(con, city_id: str) -> pd.DataFrame:
    """The latest value of each key indicator for the city (the figure-choice rule of
    analytics.rules), with year, concept, territory and source.

    ``shown_as`` says where the City profile puts it: ``card`` for official statistics, a
    city administration or a UN agency (official figures first), ``other`` for figures that
    only research, secondary reports or estimates give (listed below the cards, marked).
    The columns of :func:`figure_currency` (age, break in series, release due) follow.
    """
    best = best_figures(con, KEY_INDICATORS, [city_id], per_indicator=True)
    order = {indicator: i for i, indicator in enumerate(KEY_INDICATORS)}
    best = best.assign(_order=best.indicator_id.map(order)).sort_values("_order")
    best["shown_as"] = ["card" if is_official(t) else "other" for t in best.source_type]
    out = best.rename(columns={"year": "year"})[["indicator_id", "indicator_label", "value", "unit", "year", "concept", "geo_unit",
                                                 "geo_level", "publisher", "source_url", "source_id", "source_type", "is_estimate",
                                                 "n_alternatives", "flag", "shown_as"]]
    # every figure's age, break flag and release in sight (issue 20): see figure_currency
    return figure_currency(con, out.assign(city_id=city_id)).reset_index(drop=True)


def trend_series(con, city_id: str) -> pd.DataFrame:
    """Time series of the trend indicators (totals only) for the city, every territory and source."""
    ids = ", ".join(f"'{i}'" for i in TREND_INDICATORS)
    levels = ", ".join(f"'{g}'" for g in CITY_LEVELS)
    return con.execute(f"""
        SELECT o.indicator_id, i.label AS indicator_label, o.year, o.value, o.unit, o.concept, o.geo_unit, o.geo_level,
               o.is_estimate, s.source_type, s.publisher, s.url AS source_url, o.source_id, o.city_id
        FROM observations o JOIN indicators i USING (indicator_id) JOIN sources s USING (source_id)
        WHERE o.city_id = ? AND o.indicator_id IN ({ids}) AND o.breakdown = '' AND o.geo_level IN ({levels})
        ORDER BY o.indicator_id, o.geo_unit, o.year""", [city_id]).df()


def refugee_figures(con, city_id: str) -> pd.DataFrame:
    """City-level refugee and asylum figures (any breakdown), with sources."""
    ids = ", ".join(f"'{i}'" for i in REFUGEE_INDICATORS)
    return con.execute(f"""
        SELECT o.indicator_id, i.label AS indicator, o.year, o.value, o.unit, o.breakdown_value AS breakdown, o.geo_unit,
               o.is_estimate, s.source_type, s.publisher, s.url AS source_url
        FROM observations o JOIN indicators i USING (indicator_id) JOIN sources s USING (source_id)
        WHERE o.city_id = ? AND o.indicator_id IN ({ids}) ORDER BY o.year DESC, i.label""", [city_id]).df()


def national_refugees(con, city_id: str) -> pd.DataFrame:
    """The city's country: UNHCR refugees and asylum seekers, UNRWA Palestine refugees (2000 on)."""
    return con.execute("""
        SELECT k.year, k.value, k.indicator_id, ci.label AS indicator, c.country, k.iso3, k.source_id
        FROM country_context k JOIN cities c ON c.country_iso3 = k.iso3
        JOIN (SELECT unnest(?) AS indicator_id, unnest(?) AS label) ci USING (indicator_id)
        WHERE c.city_id = ? AND k.breakdown_value = 'total' AND k.year >= 2000
        ORDER BY k.year""", [["refugees_unhcr", "asylum_seekers_unhcr", "palestine_refugees_unrwa"],
                             ["Refugees (UNHCR)", "Asylum seekers (UNHCR)", "Palestine refugees (UNRWA)"], city_id]).df()


# The figures of the network's 2016 City Migration Profiles, as recorded in the iMAP texts
# (and the 2017 Lyon profile): sources whose title names a "City Migration Profile".
PROFILE_TITLE_PATTERN = "%City Migration Profile%"


def changes_since_2016(con, city_id: str) -> pd.DataFrame:
    """Each figure of the city's 2016 City Migration Profile beside the latest official figure
    of the same indicator (official statistics, city administration or UN agency, a later year)
    for the same territory (``territory_id``): a change across a territory change is no change,
    so no later figure is shown there (issue 20).

    ``same_territory`` and ``same_concept`` say whether the change can be read as real: where
    the territory (geo_unit / geo_level) or the concept changed, the difference mixes a change
    of definition with a change of the population, and ``change_codes`` says which.

    Returns
    -------
    DataFrame: indicator_id, unit, profile_year, profile_value, profile_geo_unit,
    latest_year, latest_value, latest_geo_unit, latest_publisher, latest_source_type,
    change, change_pct, same_territory, same_concept, change_codes (empty where no later
    official figure exists: latest_* are NaN).
    """
    from analytics.rules import OFFICIAL_SOURCE_TYPES

    levels = ", ".join(f"'{g}'" for g in CITY_LEVELS)
    officials = ", ".join(f"'{k}'" for k in OFFICIAL_SOURCE_TYPES)
    frame = con.execute(f"""
        WITH profile AS (
            SELECT o.* FROM observations o JOIN sources s USING (source_id)
            WHERE o.city_id = ? AND s.title ILIKE ? AND o.breakdown = '' AND o.geo_level IN ({levels})
        ), latest AS (
            SELECT o.*, s.publisher, s.source_type FROM observations o JOIN sources s USING (source_id)
            WHERE o.city_id = ? AND s.source_type IN ({officials}) AND o.breakdown = '' AND o.geo_level IN ({levels})
        )
        SELECT p.indicator_id, p.unit, p.year AS profile_year, p.value AS profile_value, p.geo_unit AS profile_geo_unit,
               p.geo_level AS profile_geo_level, p.concept AS profile_concept,
               l.year AS latest_year, l.value AS latest_value, l.geo_unit AS latest_geo_unit, l.geo_level AS latest_geo_level,
               l.concept AS latest_concept, l.publisher AS latest_publisher, l.source_type AS latest_source_type
        FROM profile p LEFT JOIN latest l ON l.indicator_id = p.indicator_id AND l.year > p.year
                                     AND l.territory_id IS NOT DISTINCT FROM p.territory_id
        QUALIFY row_number() OVER (PARTITION BY p.indicator_id, p.year, p.geo_unit
                                   ORDER BY l.year DESC, l.geo_unit) = 1
        ORDER BY p.indicator_id, p.year""", [city_id, PROFILE_TITLE_PATTERN, city_id]).df()
    if frame.empty:
        return frame
    known = frame.latest_value.notna()
    frame["change"] = frame.latest_value - frame.profile_value
    frame["change_pct"] = (frame.change / frame.profile_value * 100).where(frame.profile_value != 0)
    frame["same_territory"] = known & (frame.latest_geo_unit == frame.profile_geo_unit) & (
        frame.latest_geo_level == frame.profile_geo_level)
    frame["same_concept"] = known & (frame.latest_concept == frame.profile_concept)
    frame["change_codes"] = [
        () if not k else tuple(c for c, bad in (("territory_changed", not t), ("concept_changed", not cc)) if bad)
        for k, t, cc in zip(known, frame.same_territory, frame.same_concept)]
    return frame.drop(columns=["profile_geo_level", "latest_geo_level", "profile_concept", "latest_concept"])


# --------------------------------------------------------------------------- currency (issue 20)
AGE_MARK_YEARS = 3  # a figure more than this many years older than the network's newest for its indicator is marked
BREAK_FLAG = "break_in_series"


def _has_table(con, name: str) -> bool:
    """Whether the database has table ``name`` (fixture databases built before issue 20 do not)."""
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]).fetchone()[0])


def network_newest_years(con, indicator_ids) -> dict:
    """The newest year of each indicator among the network's city-level totals."""
    ids = list(indicator_ids)
    if not ids:
        return {}
    levels = ", ".join(f"'{g}'" for g in CITY_LEVELS)
    rows = con.execute(f"""SELECT indicator_id, max(year) FROM observations
                           WHERE indicator_id IN ({', '.join('?' * len(ids))}) AND breakdown = '' AND geo_level IN ({levels})
                           GROUP BY 1""", ids).fetchall()
    return {i: int(y) for i, y in rows}


def release_for(con, city_id: str, source_id: str | None):
    """The release-calendar entry (data/catalog/releases.yaml) of the producer of ``source_id`` for the
    city, or None: the first entry whose ``producer`` pattern matches the source's publisher, title or
    retrieved_via."""
    import re

    if not source_id or not _has_table(con, "releases"):
        return None
    text = con.execute("SELECT concat_ws(' ', publisher, title, retrieved_via) FROM sources WHERE source_id = ?",
                       [source_id]).fetchone()
    if not text:
        return None
    for row in con.execute("SELECT * FROM releases WHERE city_id = ?", [city_id]).df().to_dict("records"):
        if re.search(row["producer"], text[0] or "", re.IGNORECASE):
            return row
    return None


def city_releases(con, city_id: str) -> pd.DataFrame:
    """The city's entries of the release calendar (the official sources that would hold its figures)."""
    if not _has_table(con, "releases"):
        return pd.DataFrame(columns=["city_id", "producer", "name", "frequency", "latest_reference", "next_due"])
    return con.execute("SELECT * FROM releases WHERE city_id = ?", [city_id]).df()


def figure_currency(con, frame: pd.DataFrame, today=None) -> pd.DataFrame:
    """Age, break and release columns for figures (rows with city_id or a ``city`` column given,
    indicator_id, year, flag, source_id):

    - ``network_newest_year``, ``years_behind`` and ``age_flag`` (more than ``AGE_MARK_YEARS`` years
      older than the network's newest figure of the indicator);
    - ``break_flag``: Eurostat's ``b`` (break in series) carried in ``flag``;
    - ``release_name``, ``next_due`` and ``release_due`` (the producer's next release date has passed:
      a newer release is expected).
    """
    import datetime as dt

    today = today or dt.date.today()
    out = frame.copy()
    newest = network_newest_years(con, out.indicator_id.dropna().unique())
    out["network_newest_year"] = out.indicator_id.map(newest)
    years = pd.to_numeric(out["year"], errors="coerce")
    out["years_behind"] = out.network_newest_year - years
    out["age_flag"] = out.years_behind > AGE_MARK_YEARS
    out["break_flag"] = out.get("flag", pd.Series("", index=out.index)).fillna("").str.contains(BREAK_FLAG)
    releases = [release_for(con, c, s) for c, s in zip(out.city_id, out.source_id)]
    out["release_name"] = [r["name"] if r else None for r in releases]
    out["next_due"] = [r["next_due"] if r else None for r in releases]
    out["release_due"] = [bool(r) and dt.date.fromisoformat(str(r["next_due"])) <= today for r in releases]
    return out
