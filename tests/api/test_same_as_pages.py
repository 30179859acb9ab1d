"""One answer in every medium: the API's sections are what the page renders (titles, card
values, gap statements, warnings), for three cities and a comparison, in two languages."""
from __future__ import annotations

import pytest

from analytics.text_safety import plain_text
from tests.app.apptest import run_page


@pytest.fixture()
def page_db(monkeypatch, built_db):
    monkeypatch.setenv("MC2CM_DB", str(built_db))


def _page_view(at) -> dict:
    return {"titles": [h.value for h in at.header], "cards": [m.value for m in at.metric],
            "gaps": [i.value for i in at.info], "warnings": [w.value for w in at.warning]}


def _in_columns(cards: list[str], columns: int = 3) -> list[str]:
    """Cards in the order AppTest reads them: the page lays them out in three columns."""
    return [cards[i] for i in sorted(range(len(cards)), key=lambda i: (i % columns, i))]


def _api_view(body: dict) -> dict:
    sections = body["sections"]
    return {"titles": [s["title"] for s in sections],
            "cards": [text for s in sections for text in _in_columns([f["text"] for f in s["facts"] if f["role"] == "card"])],
            "gaps": [plain_text(g) for s in sections for g in s["gaps"]],
            "warnings": [plain_text(w) for s in sections for w in s["warnings"]]}


@pytest.mark.parametrize("city, lang", [("vienna", "en"), ("tangier", "fr"), ("amman", "ar")])
def test_profile_sections_and_numbers_are_the_page_s(page_db, client, city, lang):
    at = run_page("city", {"city": city, "lang": lang})
    assert not at.exception
    page = _page_view(at)
    api = _api_view(client.get(f"/api/v1/profile/{city}?lang={lang}").json())
    assert page["cards"], city
    assert api == page


def test_comparison_sections_and_numbers_are_the_page_s(page_db, client):
    at = run_page("compare", {"cities": "madrid,vienna,lyon"})
    assert not at.exception
    page = _page_view(at)
    api = _api_view(client.get("/api/v1/compare?cities=madrid,vienna,lyon").json())
    assert api["titles"] == page["titles"] and api["gaps"] == page["gaps"] and api["warnings"] == page["warnings"]
    # the ranking's values are shown in the page's chart and tables: the facts of its section
    ranking = client.get("/api/v1/compare.csv?cities=madrid,vienna,lyon").text
    assert "ranking" in ranking
