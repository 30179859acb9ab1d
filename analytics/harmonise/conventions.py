"""The conventions every harmonise step applies before it saves observations (issue 20).

One function, :func:`finish`, called by each step on its observations just before writing them:

1. **Corrections** (``data/catalog/corrections.yaml``): each correction names the step whose row it
   changes, the row (``match``: columns and values, a value compared to 0.005), what it sets or that
   the row is dropped, the old and new value and the reason. A correction that matches no row (or
   more rows than it says) fails the step, so a shifted input cannot silently skip a fix. The reason
   is appended to the observation's note, as for ``corrections_2.csv``.
2. **Concepts follow the catalogue** for indicators whose own concept was split off from a wider one
   (Vienna's register "foreign origin", INSEE "immigrés", residence-permit holders): the observation's
   concept is the catalogue's (``CONCEPT_FROM_CATALOG``).
3. **One date convention**: a stock is dated at 1 January; a stock "at the end of year Y" (reference
   date Y-12-31) is 1 January Y+1 (:func:`stock_year`). The source's own wording stays in the note.
4. **Canonical territories** (``data/catalog/territories.yaml``): every observation carries a
   ``territory_id``; its ``geo_unit`` is the catalogue's label and its ``geo_level`` the territory's
   kind. The source's own spelling, where different, is kept in the note ("territory as stated").
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

import pandas as pd

from analytics import catalog
from analytics.harmonise._common import require

# Concepts split off by the third audit: an observation of these indicators takes the catalogue's concept.
CONCEPT_FROM_CATALOG = ("foreign_origin", "immigrant", "residence_permit_holders")
VALUE_TOLERANCE = 0.005


def stock_year(reference_date: str) -> int:
    """The year a stock is labelled with: the 1 January rule.

    A stock at 1 January Y (``Y-01-01``) or on a day of year Y (a census day) is year Y; a stock at
    the end of year Y (``Y-12-31``) is the stock at 1 January Y+1, so year Y+1. A bare year is kept.

    >>> stock_year("2023-12-31"), stock_year("2025-01-01"), stock_year("2024-11-06"), stock_year("2013")
    (2024, 2025, 2024, 2013)

    Raises
    ------
    ValueError : a date that is neither ``YYYY`` nor ``YYYY-MM-DD``
    """
    text = str(reference_date).strip()
    if len(text) == 4 and text.isdigit():
        return int(text)
    day = dt.date.fromisoformat(text)
    return day.year + 1 if (day.month, day.day) == (12, 31) else day.year


@lru_cache(maxsize=None)
def _territories() -> tuple[dict, dict]:
    entries = catalog.load_yaml("territories")["territories"]
    by_id = {t["territory_id"]: t for t in entries}
    require(len(by_id) == len(entries), "catalog/territories.yaml: a territory_id is listed twice")
    spelling = {}
    for t in entries:
        for unit in [t["label"], *t.get("aliases", [])]:
            key = (t["city_id"], unit)
            require(key not in spelling, f"catalog/territories.yaml: {key} names two territories")
            spelling[key] = t["territory_id"]
    return by_id, spelling


def territories() -> pd.DataFrame:
    """The territory catalogue: territory_id, city_id, geo_level, label."""
    by_id, _ = _territories()
    return pd.DataFrame([{k: t[k] for k in ("territory_id", "city_id", "geo_level", "label")} for t in by_id.values()])


def territory_of(city_id: str, geo_unit: str) -> str | None:
    """The territory id of a source's territory spelling (None if the catalogue does not list it)."""
    return _territories()[1].get((city_id, geo_unit))


def assign_territories(observations: pd.DataFrame, step: str) -> pd.DataFrame:
    """``territory_id``, the catalogue label as ``geo_unit`` and the territory's ``geo_level``."""
    by_id, _ = _territories()
    out = observations.copy()
    ids = [territory_of(c, u) for c, u in zip(out.city_id, out.geo_unit)]
    missing = sorted({(c, u) for c, u, i in zip(out.city_id, out.geo_unit, ids) if i is None})
    require(not missing, f"{step}: territories missing from data/catalog/territories.yaml (add an id or an alias): {missing}")
    labels = [by_id[i]["label"] for i in ids]
    out["note"] = [n if u == lab else f"{n} [Territory as stated: {u}.]".strip()
                   for n, u, lab in zip(out.note.fillna(""), out.geo_unit, labels)]
    out["territory_id"] = ids
    out["geo_unit"] = labels
    out["geo_level"] = [by_id[i]["geo_level"] for i in ids]
    return out


@lru_cache(maxsize=None)
def corrections() -> tuple[dict, ...]:
    """The corrections log (``data/catalog/corrections.yaml``), in order."""
    data = catalog.load_yaml("corrections")
    return tuple(dict(c, data_version=data["data_version"]) for c in data["corrections"])


def corrections_table() -> pd.DataFrame:
    """The corrections log as a table (the Methods page, the database table ``corrections``)."""
    rows = [{"correction_id": c["id"], "date": str(c["date"]), "data_version": c["data_version"], "city_id": c["city_id"],
             "indicator_id": c.get("indicator_id", ""), "what": c["what"], "old_value": str(c["old"]),
             "new_value": str(c["new"]), "reason": c["reason"], "audit_item": c.get("audit_item", ""),
             "step": c.get("step", ""), "action": _action(c), "rows": int(c.get("rows", 1)) if c.get("step") else 0}
            for c in corrections()]
    return pd.DataFrame(rows)


def _action(c: dict) -> str:
    """What a correction does: ``drop`` (a row removed), ``set`` (columns changed), ``standing`` (a source's
    standing), ``note`` (the reason added to the note), ``log`` (a newer figure added elsewhere: no row changed)."""
    if not c.get("step"):
        return "log"
    if c.get("drop"):
        return "drop"
    if "set_source" in c:
        return "standing"
    return "set" if c.get("set") else "note"


def _matches(frame: pd.DataFrame, match: dict) -> pd.Series:
    hit = pd.Series(True, index=frame.index)
    for column, wanted in match.items():
        if column == "value":
            hit &= (pd.to_numeric(frame["value"]) - float(wanted)).abs() < VALUE_TOLERANCE
        elif column == "year":
            hit &= pd.to_numeric(frame["year"]) == int(wanted)
        else:
            hit &= frame[column].astype(str) == str(wanted)
    return hit


def apply_corrections(observations: pd.DataFrame, step: str) -> pd.DataFrame:
    """Apply the corrections of ``step`` (each must hit exactly its ``rows``, default 1)."""
    out = observations.copy()
    out["note"] = out["note"].fillna("").astype(str)
    for c in corrections():
        if c.get("step") != step or "set_source" in c:
            continue
        hit = _matches(out, {"city_id": c["city_id"], **({"indicator_id": c["indicator_id"]} if "indicator_id" in c else {}),
                             **c.get("match", {})})
        expected = int(c.get("rows", 1))
        require(int(hit.sum()) == expected, f"data/catalog/corrections.yaml, correction {c['id']}: matches {int(hit.sum())} "
                                            f"rows of step '{step}', expected {expected} (match {c.get('match')})")
        if c.get("drop"):
            out = out[~hit]
            continue
        for column, value in (c.get("set") or {}).items():
            out.loc[hit, column] = value
        out.loc[hit, "note"] = (out.loc[hit, "note"] + f" [Correction {c['id']} ({c['date']}): {c['what']} "
                                f"{c['old']} -> {c['new']}. {c['reason']}]").str.strip()
    return out


def finish_sources(sources: pd.DataFrame, step: str) -> pd.DataFrame:
    """Apply the standing corrections (``set_source``) of ``step`` to its sources table: the
    standing becomes the producer's, ``retrieved_via`` says where the figure was read."""
    out = sources.copy()
    for c in corrections():
        if c.get("step") != step or "set_source" not in c:
            continue
        hit = out.source_id == c["source_id"]
        require(int(hit.sum()) == 1, f"data/catalog/corrections.yaml, correction {c['id']}: source {c['source_id']} "
                                     f"not in the sources of step '{step}'")
        for column, value in c["set_source"].items():
            out.loc[hit, column] = value
        out.loc[hit, "retrieved_via"] = out.loc[hit, "retrieved_via"].fillna("") + f" [Correction {c['id']}: {c['new']}.]"
    return out


def finish(observations: pd.DataFrame, step: str) -> pd.DataFrame:
    """Corrections, catalogue concepts and canonical territories for a step's observations
    (columns as the step wrote them, plus ``territory_id``)."""
    out = apply_corrections(observations, step)
    concepts = catalog.indicators().set_index("indicator_id").concept
    split = out.indicator_id.map(concepts).isin(CONCEPT_FROM_CATALOG)
    out.loc[split, "concept"] = out.loc[split, "indicator_id"].map(concepts)
    out = assign_territories(out, step)
    require(not out.duplicated(["city_id", "indicator_id", "year", "geo_unit", "breakdown", "breakdown_value",
                                "source_id"]).any(), f"{step}: two observations share a key after the territory labels")
    return out.reset_index(drop=True)
