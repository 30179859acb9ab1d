"""The figure context of a brief, built without Streamlit.

:func:`catalog_labels` reads the English labels of the catalog from ``analytics.reference``
exactly as ``ui.data.labels()`` does (the pages could call this one function instead of
their own copy); :func:`brief_context` wraps them with a language and the ``print`` mode.
"""
from __future__ import annotations

from analytics import reference
from analytics.export import data_version
from figures.context import Context


def catalog_labels(con) -> dict[str, dict[str, str]]:
    """English labels of the catalog by kind: cities, indicators, concepts, geo_levels, themes, groups.

    The figures translate them through :func:`i18n.label` (the database holds English only).
    """
    def pairs(frame, key, value):
        return dict(zip(frame[key], frame[value]))

    cities = reference.cities(con)
    return {
        "cities": pairs(cities, "city_id", "name"),
        "indicators": pairs(reference.indicators(con), "indicator_id", "label"),
        "concepts": pairs(reference.concepts(con), "concept_id", "label"),
        "geo_levels": pairs(reference.geo_levels(con), "geo_level", "label"),
        "themes": pairs(reference.themes(con), "theme_id", "label"),
        "groups": pairs(reference.area_groups(con), "group_id", "label"),
    }


def city_order(con) -> tuple[str, ...]:
    """Every city id in catalog order (by name), for stable colours, as ``ui.data.city_order()``."""
    return tuple(reference.cities(con).sort_values("name").city_id)


def brief_context(con, lang: str = "en", mode: str = "print") -> Context:
    """The :class:`figures.context.Context` of a brief: language, ``print`` mode, data version, labels."""
    from i18n import language

    return Context(lang=language(lang), mode=mode, data_version=data_version(con), labels=catalog_labels(con),
                   city_order=city_order(con))
