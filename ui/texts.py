"""Every fixed text shown by the pages, in one place (ready for French and Arabic).

Catalog labels (cities, indicators, concepts, themes) come from the database, not from here.
"""
LANG = "en"

TEXTS = {
    "en": {
        "app_title": "MC2CM city migration dashboard",
        "network": "Mediterranean City-to-City Migration network",
        "present_toggle": "Presenter mode",
        "present_help": "Larger fonts, no sidebar, slide-proportioned charts with title and source drawn in.",
        "image_format": "Chart download format",
        "source": "Source",
        "sources": "Sources",
        "data_table": "Data behind this chart",
        "no_data": "No data in the database for this selection.",
        "unknown_param": "“{value}” in the link is not a known {what}; showing {default} instead.",
        "estimate": "estimate",
        "comparable": "comparable",
        "gap_title": "What is not known",
        "overview_title": "Migration in the cities of the MC2CM network",
        "overview_intro": ("Nine cities, nine ways of counting migrants. Every figure below carries its year, "
                           "its definition and its source; where definitions or territories differ, the page says so."),
        "overview_map_title": "The network's cities",
        "overview_map_sub": "Marker size: population of the city unit; colour: latest migrant share (hover for definition, year and source)",
        "overview_cards": "Latest headline figure per city",
        "overview_coverage": "How complete is each city's migration profile?",
        "overview_coverage_sub": "Share of the core profile indicators with at least one figure, plus district counts",
        "overview_themes": "The network's seven themes",
        "overview_pilots": "Cities that ran MC2CM pilot projects",
        "city_title": "City profile",
        "compare_title": "Compare cities",
        "spatial_title": "Spatial distribution inside the city",
        "origins_title": "Where migrants come from",
        "themes_title": "Themes of the network",
        "explorer_title": "Data explorer",
        "coverage_title": "Data coverage",
        "methods_title": "Methods and sources",
    },
}


def t(key: str, **kwargs) -> str:
    """The text for ``key`` in the current language, formatted with ``kwargs``."""
    text = TEXTS[LANG][key]
    return text.format(**kwargs) if kwargs else text
