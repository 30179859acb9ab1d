"""The rules of the dashboard, each written once.

Every other module (analytics, figures, pages, exports) imports these instead of restating
them: which values are comparable, how sources and territories rank, which figure a card
or bar shows, the key of an observation, how booleans are read, and which cities exist.

The figure-choice rule (``choice_order``)
-----------------------------------------
Among the figures of a city for one indicator (or a list of indicators in order of
preference), the one shown is chosen by, in order:

1. the indicator order given by the caller (e.g. foreign citizens before foreign-born);
2. the territory closest to the city proper (``GEO_RANK``: municipality, governorate,
   metropolitan, region; district and national rows never stand for a city);
3. the latest *effective* year, where a figure from a non-official source (research,
   secondary report, estimate) counts as ``OFFICIAL_GRACE_YEARS`` years older than it is:
   an official statistic, city administration or UN agency figure is preferred to a
   secondary one unless it is more than ``OFFICIAL_GRACE_YEARS`` years older;
4. the most authoritative source (``SOURCE_RANK``), a non-estimate, then the source id.

Disagreeing figures stay in the database (flag ``disagreement``) and pages say how many
other figures exist for the same city and year.
"""
from __future__ import annotations

from functools import lru_cache

SOURCE_TYPES = ("official_statistics", "city_administration", "un_agency", "research", "secondary", "estimate")
SOURCE_RANK = {kind: rank for rank, kind in enumerate(SOURCE_TYPES)}
OFFICIAL_SOURCE_TYPES = ("official_statistics", "city_administration", "un_agency")
OFFICIAL_GRACE_YEARS = 5

GEO_LEVELS = ("municipality", "governorate", "metropolitan", "region", "district", "national")
GEO_RANK = {level: rank for rank, level in enumerate(GEO_LEVELS)}
CITY_LEVELS = GEO_LEVELS[:4]  # district / national rows are not the city

@lru_cache(maxsize=None)
def indicator_role(role: str) -> tuple[str, ...]:
    """The indicators a page uses for ``role`` (``card``, ``trend``, ``refugee``, ``gap``,
    ``headline``, ``city_share``, ...), in order of preference: the ``roles`` block of
    data/catalog/indicators.yaml, the one place they are set.

    Raises
    ------
    KeyError : a role the catalogue does not define
    """
    import yaml

    from analytics.paths import CATALOG_DIR

    with open(CATALOG_DIR / "indicators.yaml", encoding="utf-8") as handle:
        roles = yaml.safe_load(handle).get("roles") or {}
    if role not in roles:
        raise KeyError(f"unknown indicator role {role!r}; the catalogue defines {', '.join(sorted(roles))}")
    return tuple(roles[role])


# Each city's headline migrant share, in order of preference (different concepts: always flagged).
HEADLINE_SHARES = indicator_role("headline")
HEADLINE = "headline_share"  # the pseudo-indicator id for "each city's best migrant share"
# The shares set beside the national UN DESA share (counts of people, not of background).
CITY_SHARE_INDICATORS = indicator_role("city_share")

# The key of an observation (one row per key in the database; analytics.validate, ingest, export use it).
OBSERVATION_KEY = ("city_id", "indicator_id", "year", "geo_unit", "breakdown", "breakdown_value", "source_id")
AREA_COUNT_KEY = ("city_id", "area_id", "year", "group_id", "source_id")

def _catalog_year_gap() -> int:
    """The maximum year gap of the catalog (data/catalog/concepts.yaml, ``comparability``): one source."""
    import yaml

    from analytics.paths import CATALOG_DIR

    with open(CATALOG_DIR / "concepts.yaml", encoding="utf-8") as handle:
        return int(yaml.safe_load(handle)["comparability"]["max_year_gap"])


MAX_YEAR_GAP = _catalog_year_gap()  # comparability: a larger gap between reference years is flagged (DESIGN.md)

# Shares computed from fewer people than this are flagged as unreliable (small-number rule).
SMALL_NUMBER_THRESHOLD = 100

TRUE_WORDS = frozenset({"1", "true", "yes", "on", "y", "t"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", "n", "f", ""})


def parse_bool(value, default: bool = False) -> bool:
    """Read a boolean from a CSV cell, a URL parameter or a YAML value.

    ``"1"``, ``"true"``, ``"yes"``, ``"on"`` (any case) are true; ``"0"``, ``"false"``,
    ``"no"``, ``"off"`` and the empty string are false; anything else gives ``default``.
    """
    if isinstance(value, bool):
        return value
    if value is None:
        return default
    text = str(value).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    return default


def parse_bool_column(values):
    """:func:`parse_bool` over a column (CSV cells, any dtype): the one way ``is_estimate`` is read."""
    import pandas as pd

    return pd.Series(values).map(parse_bool).astype(bool)


def is_official(source_type: str | None) -> bool:
    """Official statistics, a city administration or a UN agency."""
    return source_type in OFFICIAL_SOURCE_TYPES


def comparability(a: dict, b: dict, max_year_gap: int = MAX_YEAR_GAP) -> dict:
    """Whether two values can be compared, and why not: THE comparability rule (every
    comparison of the dashboard calls it: ``analytics.compare.compare_cities``,
    ``city_vs_country``, the pages and briefs through them).

    Two values are comparable when their ``concept`` and ``geo_level`` match (and, when both
    carry one, their ``indicator_id``); a gap of more than ``max_year_gap`` years between
    their ``year`` values is flagged but does not make them incomparable. A key missing from
    both values is not a difference (``city_vs_country`` compares a city with its country, so
    it passes no ``geo_level``).

    Returns
    -------
    dict with booleans ``concept_differs``, ``geo_level_differs``, ``indicator_differs``,
    ``year_gap_flag``, the integer ``year_gap`` (b minus a) and ``comparable``.
    """
    concept_differs = a.get("concept") != b.get("concept")
    level_differs = a.get("geo_level") != b.get("geo_level")
    indicator_differs = bool(a.get("indicator_id") and b.get("indicator_id") and a["indicator_id"] != b["indicator_id"])
    gap = None if _missing(a.get("year")) or _missing(b.get("year")) else int(b["year"]) - int(a["year"])
    return {"concept_differs": concept_differs, "geo_level_differs": level_differs, "indicator_differs": indicator_differs,
            "year_gap": gap, "year_gap_flag": gap is not None and abs(gap) > max_year_gap,
            "comparable": not (concept_differs or level_differs or indicator_differs)}


def territory_key(frame):
    """The canonical territory of each row of ``frame`` (a Series): one territory, one line or bar.

    ``territory_id`` where the column exists (harmonised ids, DESIGN.md); else, for data built
    before it, a key from the city and the territory: a city's municipality is the city proper
    (one territory however a source spells it, e.g. "City of Madrid (municipality 28079)" and
    "City of Madrid (municipality)"), any other territory is its name without the bracketed
    note, case folded. Labels are for screens only; this key is what groups, colours and joins.
    """
    import re

    import pandas as pd

    if "territory_id" in frame.columns and frame["territory_id"].notna().all():
        return frame["territory_id"].astype(str)
    city = frame["city_id"].astype(str) if "city_id" in frame.columns else pd.Series("", index=frame.index)
    level = frame["geo_level"].astype(str) if "geo_level" in frame.columns else pd.Series("", index=frame.index)
    unit = frame["geo_unit"].astype(str) if "geo_unit" in frame.columns else pd.Series("", index=frame.index)
    named = unit.map(lambda u: re.sub(r"\s+", " ", re.sub(r"\([^)]*\)", "", u)).strip().casefold())
    key = city + ":" + level + ":" + named.where(level != "municipality", "")
    if "territory_id" in frame.columns:  # partly filled: ids where given
        key = frame["territory_id"].astype("string").fillna(key).astype(str)
    return key


def _missing(value) -> bool:
    return value is None or value != value  # None or NaN


def case_sql(column: str, ranks: dict, default: int = 9) -> str:
    """``CASE column WHEN k THEN rank ... ELSE default END`` for a rank mapping (keys are catalog codes)."""
    return "CASE " + " ".join(f"WHEN {column} = '{k}' THEN {v}" for k, v in ranks.items()) + f" ELSE {default} END"


def effective_year_sql(year: str = "o.year", source_type: str = "s.source_type") -> str:
    """The year a figure counts as in the choice rule: non-official figures count as
    ``OFFICIAL_GRACE_YEARS`` older (see the module docstring)."""
    officials = ", ".join(f"'{k}'" for k in OFFICIAL_SOURCE_TYPES)
    return f"({year} - CASE WHEN {source_type} IN ({officials}) THEN 0 ELSE {OFFICIAL_GRACE_YEARS} END)"


@lru_cache(maxsize=None)
def city_ids() -> tuple[str, ...]:
    """The city ids of the catalog (data/catalog/cities.yaml), in catalog order (analytics.catalog.city_ids)."""
    from analytics.catalog import city_ids as catalog_city_ids

    return catalog_city_ids()

