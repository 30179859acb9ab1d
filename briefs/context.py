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
    """English labels of the catalog by kind (one place: :func:`analytics.reference.labels`)."""
    return reference.labels(con)


def city_order(con) -> tuple[str, ...]:
    """Every city id by name, for stable colours (:func:`analytics.reference.city_order`)."""
    return reference.city_order(con)


def brief_context(con, lang: str = "en", mode: str = "print") -> Context:
    """The :class:`figures.context.Context` of a brief: language, ``print`` mode, data version, labels."""
    from i18n import language

    return Context(lang=language(lang), mode=mode, data_version=data_version(con), labels=catalog_labels(con),
                   city_order=city_order(con))
