"""The catalog: YAML metadata for cities, concepts, themes, indicators, sources and groups.

Labels shown in charts and CSV headers come from here, never from strings in pages.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from analytics.paths import CATALOG_DIR

CONCEPTS = (
    "foreign_citizenship", "foreign_born", "migration_background", "registered_refugee",
    "asylum_seeker", "internal_migrant", "total", "other",
    # issue 20: concepts of their own (third audit, CORRECTIONS.md items 3 and 6)
    "foreign_origin", "immigrant", "residence_permit_holders",
)
# The enumerations are written once, in analytics.rules (in rank order).
from analytics.rules import GEO_LEVELS, SOURCE_TYPES  # noqa: E402,F401


@lru_cache(maxsize=None)
def load_yaml(name: str, catalog_dir: Path = CATALOG_DIR) -> dict:
    """Read ``data/catalog/<name>.yaml``."""
    with open(catalog_dir / f"{name}.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def cities() -> pd.DataFrame:
    """The network's cities of ``cities.yaml`` (without coordinates: see harmonise.context)."""
    return pd.DataFrame(load_yaml("cities")["cities"])


@lru_cache(maxsize=None)
def city_ids() -> tuple[str, ...]:
    """Ids of the cities in ``data/catalog/cities.yaml``, in catalog order (the one list of cities:
    a new city is a catalog entry, never a change in code)."""
    ids = tuple(str(c["city_id"]) for c in load_yaml("cities")["cities"])
    if len(set(ids)) != len(ids):
        raise ValueError("data/catalog/cities.yaml: duplicate city_id")
    return ids


def membership_codes() -> pd.DataFrame:
    """Membership codes of the network (membership, label, description), from ``cities.yaml``."""
    return pd.DataFrame(load_yaml("cities")["membership_codes"])


def indicators() -> pd.DataFrame:
    """Indicator catalog: indicator_id, label, unit, concept, theme, description."""
    return pd.DataFrame(load_yaml("indicators")["indicators"])


def concepts() -> pd.DataFrame:
    return pd.DataFrame(load_yaml("concepts")["concepts"])


def geo_levels() -> pd.DataFrame:
    return pd.DataFrame(load_yaml("concepts")["geo_levels"])


def themes() -> pd.DataFrame:
    return pd.DataFrame(load_yaml("themes")["themes"])


def catalog_sources() -> pd.DataFrame:
    """Sources of the raw files (the curated rows' sources are derived in harmonise.curated)."""
    return pd.DataFrame(load_yaml("sources")["sources"])


def area_groups() -> pd.DataFrame:
    return pd.DataFrame(load_yaml("area_groups")["groups"])


@lru_cache(maxsize=None)
def indicator_ids() -> frozenset:
    """The catalog's indicator ids (cached: used on every comparison)."""
    return frozenset(i["indicator_id"] for i in load_yaml("indicators")["indicators"])


@lru_cache(maxsize=None)
def concept_label_map() -> dict:
    """concept_id -> label (cached)."""
    return {c["concept_id"]: c["label"] for c in load_yaml("concepts")["concepts"]}


def max_year_gap() -> int:
    return int(load_yaml("concepts")["comparability"]["max_year_gap"])


def context_indicators() -> pd.DataFrame:
    """Indicators of the national context table (one per UN DESA revision)."""
    return pd.DataFrame(load_yaml("indicators")["context_indicators"])


def releases() -> pd.DataFrame:
    """The producers' release calendar (``data/catalog/releases.yaml``, issue 20): city_id, producer
    (a regular expression), name, frequency, latest_reference, next_due (ISO dates as text)."""
    frame = pd.DataFrame(load_yaml("releases")["releases"])
    for column in ("latest_reference", "next_due"):
        frame[column] = frame[column].astype(str)
    return frame
