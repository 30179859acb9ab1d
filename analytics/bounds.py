"""Plausibility bounds: the one place that says which years and values can be true.

Used by the ingest (``analytics.ingest``, per row of a user's file) and by the build
validation (``analytics.validate``, per row of every harmonised table), so that one rule is
applied once. Documented in ``docs/ingest-format.md`` ("Plausibility bounds").

Rules
-----
- a year is not before ``FIRST_YEAR`` (1800: before the first modern censuses, no source of
  this dashboard is older) nor after the current calendar year (a figure cannot describe a
  year that has not started; projections are not figures of this dashboard);
- a value is a finite number (no NaN, no infinity) and not negative zero (``-0`` is a typing
  or conversion slip; it sorts and prints differently from ``0``);
- the bounds of each unit come from the catalogue (``data/catalog/units.yaml``: a share, unit
  ``percent``, lies in 0..100; a count is not negative), and an indicator may narrow them or
  allow negative values (``data/catalog/indicators.yaml``: ``min``, ``max``, ``signed: true``
  for a balance such as ``net_migration``); nothing of this is written in code;
- a count (unit persons, places, applications, households) is not above the population of
  the territory it belongs to, where known: ``POPULATION_MARGIN`` x the largest World Bank
  population of the country (``country_context``, indicator ``population_worldbank``) -- a
  city's figure cannot exceed its whole country, the margin covers population growth after the
  latest World Bank year. For a country without a known population the stated absolute bound
  applies: ``CITY_MAX`` (50 million) for a sub-national unit -- above the largest urban
  agglomeration on Earth (Tokyo, 37.4 million, UN DESA World Urbanization Prospects 2018; the
  2025 revision puts Jakarta at about 42 million) -- and ``NATIONAL_MAX`` (1.5 billion, above
  India's 1.44 billion, World Bank 2023) for a region or a country. Signed indicators
  are bounded in absolute value.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

FIRST_YEAR = 1800
POPULATION_MARGIN = 1.05
CITY_MAX = 50_000_000
NATIONAL_MAX = 1_500_000_000
POPULATION_INDICATOR = "population_worldbank"
WIDE_LEVELS = ("national", "region")


@lru_cache(maxsize=1)
def unit_bounds() -> dict[str, dict]:
    """``data/catalog/units.yaml`` by unit: ``{unit: {kind, min, max}}`` (percent: a share in 0..100)."""
    from analytics.catalog import load_yaml

    return {entry["unit"]: {k: v for k, v in entry.items() if k != "unit"} for entry in load_yaml("units")["units"]}


@lru_cache(maxsize=1)
def indicator_bounds() -> dict[str, dict]:
    """The bounds an indicator of ``data/catalog/indicators.yaml`` sets (``min``, ``max``, ``signed``), by id."""
    from analytics.catalog import load_yaml

    keys = ("min", "max", "signed")
    return {entry["indicator_id"]: {k: entry[k] for k in keys if k in entry}
            for entry in load_yaml("indicators")["indicators"] if any(k in entry for k in keys)}


@lru_cache(maxsize=1)
def default_unit() -> str:
    """The unit of a table without a unit column (``default_unit`` of ``data/catalog/units.yaml``)."""
    from analytics.catalog import load_yaml

    return load_yaml("units")["default_unit"]


def units() -> tuple[str, ...]:
    """The units a figure may have (the catalogue's order)."""
    return tuple(unit_bounds())


def count_units() -> tuple[str, ...]:
    """Units of kind ``count`` (bounded by the territory's population)."""
    return tuple(u for u, spec in unit_bounds().items() if spec.get("kind") == "count")


def is_signed(indicator_id) -> bool:
    """True for an indicator the catalogue marks ``signed: true`` (a balance: may be negative)."""
    return bool(indicator_bounds().get(str(indicator_id), {}).get("signed", False))


def value_range(unit: str, indicator_id: str = "") -> tuple[float, float, str]:
    """(lowest, highest, where it is written) for a value of ``unit`` and ``indicator_id``: the
    unit's bounds, narrowed or replaced by the indicator's; a signed indicator has no lower bound."""
    spec = unit_bounds().get(unit, {})
    own = indicator_bounds().get(str(indicator_id), {})
    low = own.get("min", spec.get("min", -math.inf))
    high = own.get("max", spec.get("max", math.inf))
    if own.get("signed"):
        low = own.get("min", -math.inf)
    where = (f"bounds of indicator {indicator_id}, data/catalog/indicators.yaml" if "min" in own or "max" in own
             else f"bounds of unit {unit}, data/catalog/units.yaml")
    return float(low), float(high), where


def last_year() -> int:
    """The latest admissible year: the current calendar year."""
    return date.today().year


@dataclass(frozen=True)
class Limits:
    """What the count bound needs: each city's country and each country's population."""

    city_country: dict = field(default_factory=dict)
    country_population: dict = field(default_factory=dict)

    def count_bound(self, *, city_id: str | None = None, iso3: str | None = None,
                    geo_level: str | None = None, indicator_id: str = "") -> tuple[float, str]:
        """The largest admissible count and what it is based on (for the message)."""
        iso3 = iso3 or self.city_country.get(city_id)
        wide = geo_level in WIDE_LEVELS or (city_id is None and iso3 is not None)
        population = self.country_population.get(iso3)
        if population and indicator_id != POPULATION_INDICATOR:
            return POPULATION_MARGIN * population, f"{POPULATION_MARGIN} x the population of {iso3} ({population:,.0f}, World Bank)"
        if wide:
            return float(NATIONAL_MAX), "the absolute bound for a region or country"
        return float(CITY_MAX), "the absolute bound for a city-level unit"


def limits_from_tables(cities: pd.DataFrame, country_context: pd.DataFrame) -> Limits:
    """Limits from the ``cities`` table (city_id, country_iso3) and ``country_context``."""
    pop = country_context[country_context["indicator_id"] == POPULATION_INDICATOR]
    values = pd.to_numeric(pop["value"], errors="coerce")
    populations = values[values.map(lambda v: math.isfinite(v) and v > 0)].groupby(pop["iso3"]).max()
    return Limits(dict(zip(cities["city_id"], cities["country_iso3"])), populations.to_dict())


def limits_from_files(harmonised: Path) -> Limits:
    """Limits read from ``harmonised/cities.csv`` and ``harmonised/country_context.csv``
    (empty limits, hence the absolute bounds, where a file is missing)."""
    harmonised = Path(harmonised)
    try:
        cities = pd.read_csv(harmonised / "cities.csv", dtype=str, usecols=["city_id", "country_iso3"])
        context = pd.read_csv(harmonised / "country_context.csv", dtype=str, usecols=["iso3", "indicator_id", "value"])
    except (OSError, ValueError):
        return Limits()
    return limits_from_tables(cities, context)


def year_problem(year) -> str | None:
    """Why ``year`` is implausible, or None."""
    if year is None or (isinstance(year, float) and math.isnan(year)) or year is pd.NA:
        return None
    if not FIRST_YEAR <= int(year) <= last_year():
        return f"year {int(year)} outside {FIRST_YEAR}..{last_year()}"
    return None


def value_problem(value, unit: str, bound: tuple[float, str] | None = None, signed: bool = False,
                  indicator_id: str = "") -> str | None:
    """Why ``value`` (a float) is implausible for ``unit`` (and ``indicator_id``), or None.

    The range comes from the catalogue (``value_range``); ``bound`` is
    ``Limits.count_bound(...)`` for a count; ``signed`` (or an indicator marked ``signed``)
    allows negative values, bounded in absolute value.
    """
    value = float("nan") if value is None or value is pd.NA else float(value)
    signed = signed or is_signed(indicator_id)
    if not math.isfinite(value):
        return f"value {value!r} is not a finite number"
    if value == 0 and math.copysign(1.0, value) < 0:
        return "value -0 (negative zero) is not a plausible figure; write 0"
    kind = unit_bounds().get(unit, {}).get("kind")
    low, high, where = value_range(unit, indicator_id)
    if signed and "min" not in indicator_bounds().get(str(indicator_id), {}):
        low = -math.inf
    if kind == "share" and not low <= value <= high:
        return f"share {value:g} outside {low:g}..{high:g}" + ("" if where.startswith("bounds of unit") else f" ({where})")
    if kind == "count" and value < 0 and low >= 0:
        return f"negative value {value:g} for a count or share"
    if not low <= value <= high:
        return f"value {value:g} outside {low:g}..{high:g} ({where})"
    if kind == "count" and bound is not None:
        limit, basis = bound
        size = abs(value) if signed else value
        if size > limit:
            return f"value {value:g} above the bound {limit:,.0f} ({basis})"
    return None


def frame_problems(frame: pd.DataFrame, limits: Limits) -> list[tuple]:
    """(index, column, reason) for every implausible year or value of a table (vectorised).

    ``frame`` has ``year`` and/or ``value`` and, for the count bound, ``unit`` (default:
    ``default_unit``) and either ``city_id`` (with optional ``geo_level``) or ``iso3``;
    ``indicator_id`` (if present) marks signed ``net_*`` indicators and the population itself.
    A missing value (NaN) is reported as not finite.
    """
    problems = []
    if "year" in frame:
        years = pd.to_numeric(frame["year"], errors="coerce")
        bad = years.notna() & ~years.between(FIRST_YEAR, last_year())
        problems += [(i, "year", year_problem(years[i])) for i in frame.index[bad]]
    if "value" not in frame or frame.empty:
        return problems
    values = pd.to_numeric(frame["value"], errors="coerce").astype(float)
    units = frame["unit"].astype(str) if "unit" in frame else pd.Series(default_unit(), index=frame.index)
    indicators = frame["indicator_id"].astype(str) if "indicator_id" in frame else pd.Series("", index=frame.index)
    signed = indicators.map(is_signed).astype(bool)
    ranges = pd.DataFrame([value_range(u, i)[:2] for u, i in zip(units, indicators)], index=frame.index, columns=["low", "high"])
    counts = units.isin(count_units())
    if "iso3" in frame:
        iso3, wide = frame["iso3"], pd.Series(True, index=frame.index)
    else:
        iso3 = frame["city_id"].map(limits.city_country)
        wide = frame["geo_level"].isin(WIDE_LEVELS) if "geo_level" in frame else pd.Series(False, index=frame.index)
    population = iso3.map(limits.country_population).astype(float).where(indicators != POPULATION_INDICATOR)
    bound = (POPULATION_MARGIN * population).fillna(wide.map({True: float(NATIONAL_MAX), False: float(CITY_MAX)}))
    size = values.abs().where(signed, values)
    suspect = (~np.isfinite(values) | ((values == 0) & np.signbit(values))
               | (values < ranges["low"]) | (values > ranges["high"])
               | (counts & (size > bound)))
    for i in frame.index[suspect.to_numpy()]:
        limit = None
        if units[i] in count_units():
            limit = limits.count_bound(city_id=frame["city_id"][i] if "city_id" in frame else None,
                                       iso3=frame["iso3"][i] if "iso3" in frame else None,
                                       geo_level=frame["geo_level"][i] if "geo_level" in frame else None,
                                       indicator_id=indicators[i])
        reason = value_problem(values[i], units[i], limit, signed=bool(signed[i]), indicator_id=indicators[i])
        if reason:
            problems.append((i, "value", reason))
    return problems
