"""Presenter mode keeps page navigation and the page ZIP (issue 21): its sidebar is hidden, so
its bar holds the links to every page of the registry (carrying the view's ids) and the page
offers the ZIP of its charts as in the normal mode."""
from __future__ import annotations

import pytest

from tests.app.apptest import run_page
from i18n import t
from ui.pages import PAGES


@pytest.fixture(autouse=True)
def database(built_db, monkeypatch):
    monkeypatch.setenv("MC2CM_DB", str(built_db))


def test_presenter_mode_keeps_page_navigation_and_the_page_zip():
    at = run_page("city", {"present": "1", "city": "lyon", "lang": "fr"})
    assert not at.exception
    assert at.query_params["present"] == "1"
    links = {link.proto.label: link.proto.query_string for link in at.get("page_link")}
    for info in PAGES:  # every page of the registry, with the language and the city carried
        title = t(info.title_key, "fr")
        assert title in links, f"presenter mode has no link to {info.id}"
        assert "lang=fr" in links[title] and "city=lyon" in links[title], links[title]
    zips = [d for d in at.get("download_button") if d.proto.label == t("download_all_charts", "fr")]
    assert zips, "presenter mode has no page ZIP"
