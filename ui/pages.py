"""The page registry: every page of the dashboard once, with its id (the URL path), its
script, its catalogue title key, its icon and its group. ``app.py`` builds the navigation from
it; links between pages name a page by id (``page_path("compare")``)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageInfo:
    id: str  # URL path, e.g. "compare"
    script: str  # views/<id>.py
    title_key: str  # catalogue key of the navigation title
    icon: str
    group: str  # catalogue key of the navigation group


PAGES: tuple[PageInfo, ...] = (
    PageInfo("overview", "views/overview.py", "overview_nav", ":material/public:", "nav_dashboard"),
    PageInfo("city", "views/city.py", "city_nav", ":material/location_city:", "nav_dashboard"),
    PageInfo("compare", "views/compare.py", "compare_nav", ":material/bar_chart:", "nav_dashboard"),
    PageInfo("spatial", "views/spatial.py", "spatial_nav", ":material/map:", "nav_dashboard"),
    PageInfo("origins", "views/origins.py", "origins_nav", ":material/flight_land:", "nav_dashboard"),
    PageInfo("themes", "views/themes.py", "themes_nav", ":material/category:", "nav_dashboard"),
    PageInfo("explorer", "views/explorer.py", "explorer_nav", ":material/table_view:", "nav_data"),
    PageInfo("coverage", "views/coverage.py", "coverage_nav", ":material/grid_on:", "nav_data"),
    PageInfo("methods", "views/methods.py", "methods_nav", ":material/menu_book:", "nav_data"),
)
PAGE_IDS: tuple[str, ...] = tuple(p.id for p in PAGES)
DEFAULT_PAGE = "overview"
BY_ID = {p.id: p for p in PAGES}


def page_path(page_id: str) -> str:
    """The script of a page id (what ``st.page_link`` and ``st.switch_page`` take)."""
    return BY_ID[page_id].script
