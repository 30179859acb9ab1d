"""The selection of cities a cross-city view works on, held in the URL by id (``?cities=``).

Default: the network's founding cities (membership from the catalog), or, from a city page,
that city and its peers (analytics.peers)."""
from __future__ import annotations

import streamlit as st

from analytics import peers, reference
from ui import data as ui_data
from ui.widgets import lang, multiselect, select
from i18n import t


def all_cities() -> list[str]:
    return list(ui_data.city_order())


DEFAULT_SIZE = 9  # a default selection is bounded: a page costs what it shows, not what the database holds


def founding_cities() -> list[str]:
    """The founding members (catalog membership); without any, the largest cities by population
    (at most ``DEFAULT_SIZE``), so that a network of any size opens on a readable selection."""
    return list(ui_data.cached(reference.default_cities, DEFAULT_SIZE))


def default_for(city_id: str | None, k: int = 4) -> list[str]:
    """A city and its ``k`` peers (when the peer finder has them), else the founding cities."""
    if city_id:
        try:
            peers = ui_data.cached(peers.peer_ids, city_id, k)
        except (ImportError, AttributeError):
            peers = []
        if len(peers):
            return [city_id, *peers]
    return founding_cities()


def city_selection(key: str = "cities", container=None, default: list[str] | None = None) -> list[str]:
    """A multiselect of cities bound to ``?cities=``; never empty (an empty choice means the default)."""
    labels = ui_data.labels()["cities"]
    from i18n import label

    language = lang()
    chosen = multiselect(t("cities", language), all_cities(), key, format_func=lambda c: label("cities", c, language, labels.get(c)),
                         default=default or founding_cities(), container=container, help=t("cities_help", language))
    if not chosen:
        st.caption(t("empty_selection", language))
        chosen = default or founding_cities()
    return chosen


def city_select(key: str = "city", default: str = "vienna", container=None) -> str:
    """One city, bound to ``?city=`` by id."""
    labels = ui_data.labels()["cities"]
    from i18n import label

    language = lang()
    return select(t("city", language), all_cities(), key, format_func=lambda c: label("cities", c, language, labels.get(c)),
                  default=default, what=t("what_city", language), container=container)
