"""Promises of the public API (/api/v1): every route in JSON and CSV, filters, paging, the
same sections and numbers as the pages, the data version, ETag and Cache-Control on every
answer, and 4xx JSON (never a traceback) for unknown ids and hostile parameters."""
from __future__ import annotations

import csv
import io
import json

import pytest

from api.resources import ENDPOINTS

CITY = "vienna"
# one URL per declared endpoint (path parameters filled), so that a new endpoint without a test fails below
EXAMPLES = {
    "index": "/api/v1", "cities": "/api/v1/cities", "city": f"/api/v1/cities/{CITY}", "indicators": "/api/v1/indicators",
    "concepts": "/api/v1/concepts", "sources": "/api/v1/sources", "observations": f"/api/v1/observations?city={CITY}&limit=5",
    "profile": f"/api/v1/profile/{CITY}", "compare": "/api/v1/compare?cities=madrid,vienna,lyon",
    "district_counts": f"/api/v1/districts/{CITY}/counts?limit=5", "boundaries": f"/api/v1/districts/{CITY}/boundaries",
    "segregation": f"/api/v1/segregation/{CITY}", "overview": "/api/v1/overview", "coverage": "/api/v1/coverage?city=lyon,tunis",
    "origins": f"/api/v1/origins/{CITY}?n=5", "themes": "/api/v1/themes", "excluded": "/api/v1/excluded", "citation": f"/api/v1/citation?city={CITY}", "feed": "/api/v1/feed",
}


def _with(url: str, **params) -> str:
    from urllib.parse import urlencode

    return url + ("&" if "?" in url else "?") + urlencode(params)


def _csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_every_endpoint_has_an_example():
    assert set(EXAMPLES) == {e.name for e in ENDPOINTS}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_every_route_answers_in_each_of_its_formats_with_version_etag_and_cache(client, name):
    endpoint = next(e for e in ENDPOINTS if e.name == name)
    for fmt in endpoint.formats:
        response = client.get(_with(EXAMPLES[name], format=fmt))
        assert response.status_code == 200, (name, fmt, response.text[:300])
        version = response.headers["x-data-version"]
        assert len(version) == 12 and response.headers["etag"] and "max-age" in response.headers["cache-control"]
        if fmt == "json":
            body = response.json()
            assert body["data_version"] == version
        elif fmt == "csv":
            rows = _csv_rows(response.text)
            assert rows and all(r["data_version"] == version for r in rows), name
        elif fmt == "geojson":
            assert response.json()["type"] == "FeatureCollection"
        elif fmt == "atom":
            assert response.text.startswith("<?xml") and "<feed" in response.text


def test_extension_format_parameter_and_accept_header_choose_the_same_csv(client):
    by_ext = client.get("/api/v1/cities.csv").text
    assert by_ext == client.get("/api/v1/cities?format=csv").text == client.get("/api/v1/cities", headers={"Accept": "text/csv"}).text
    assert client.get(f"/api/v1/profile/{CITY}.csv").text == client.get(f"/api/v1/profile/{CITY}?format=csv").text
    assert client.get("/api/v1/cities").headers["content-type"].startswith("application/json")


def test_cities_carry_membership_and_territories(client):
    rows = client.get("/api/v1/cities").json()["rows"]
    vienna = next(r for r in rows if r["city_id"] == "vienna")
    assert vienna["membership"] and vienna["territories"]
    assert all({"geo_unit", "geo_level", "territory_id", "n_figures"} <= set(t) for t in vienna["territories"])


def test_observation_rows_name_source_licence_territory_concept_standing_and_version(client):
    rows = _csv_rows(client.get(f"/api/v1/observations.csv?city={CITY}&limit=50").text)
    assert len(rows) == 50
    for row in rows:
        for column in ("source_id", "publisher", "licence", "geo_unit", "territory_id", "concept", "standing", "data_version"):
            assert row[column], (column, row)


def test_observations_filters(client, con):
    body = client.get("/api/v1/observations?city=lyon,vienna&concept=foreign_born&from=2010&to=2015&standing=official_statistics"
                      "&limit=50000").json()
    expected = con.execute("""SELECT count(*) FROM observations o JOIN sources s USING (source_id)
        WHERE city_id IN ('lyon', 'vienna') AND concept = 'foreign_born' AND year BETWEEN 2010 AND 2015
        AND s.source_type = 'official_statistics'""").fetchone()[0]
    assert body["total"] == body["returned"] == expected > 0
    assert {r["city_id"] for r in body["rows"]} <= {"lyon", "vienna"}
    assert all(r["concept"] == "foreign_born" and 2010 <= r["year"] <= 2015 and r["source_type"] == "official_statistics"
               for r in body["rows"])
    repeated = client.get("/api/v1/observations?city=lyon&city=vienna&concept=foreign_born&from=2010&to=2015"
                          "&standing=official_statistics&limit=50000").json()
    assert repeated["rows"] == body["rows"]


def test_observations_pages_cover_the_selection_once(client):
    first = client.get(f"/api/v1/observations?city={CITY}&limit=100").json()
    rows, offset = [], 0
    while offset is not None:
        page = client.get(f"/api/v1/observations?city={CITY}&limit=60&offset={offset}").json()
        rows += page["rows"]
        offset = page["next_offset"]
    assert len(rows) == first["total"] and rows[:100] == first["rows"]
    assert client.get(f"/api/v1/observations?city={CITY}&offset={first['total']}").json()["rows"] == []


def test_district_counts_are_paged_and_filtered(client):
    body = client.get(f"/api/v1/districts/{CITY}/counts?format=json&group=third_country&limit=7&offset=3").json()
    assert body["returned"] == 7 and body["offset"] == 3 and body["total"] > 10
    assert all(r["group_id"] == "third_country" and r["licence"] for r in body["rows"])


def test_a_gap_is_null_never_zero(client, con):
    from analytics import compare

    expected = compare.every_city(con)
    missing = set(expected.city_id[expected.value.isna()])
    assert missing  # cities without a headline share exist in the data (Tunis, Sfax, ...)
    rows = client.get("/api/v1/overview").json()["rows"]
    assert {r["city_id"] for r in rows if r["value"] is None} == missing
    csv_rows = _csv_rows(client.get("/api/v1/overview.csv").text)
    assert {r["city_id"] for r in csv_rows if r["value"] == ""} == missing
    gap_city = sorted(missing)[0]
    gap_name = expected.loc[expected.city_id == gap_city, "name"].iloc[0]
    ranking = next(s for s in client.get(f"/api/v1/compare?cities=vienna,{gap_city}").json()["sections"]
                   if s["key"] == "ranking")
    gap = next(f for f in ranking["facts"] if f["label"] == gap_name)
    assert gap["value"] is None and gap["text"] and gap["text"] != "0"


def test_a_versioned_url_is_immutable_and_etag_gives_304(client):
    first = client.get("/api/v1/cities")
    version = first.headers["x-data-version"]
    pinned = client.get(f"/api/v1/cities?v={version}")
    assert "immutable" in pinned.headers["cache-control"] and pinned.content == first.content
    again = client.get("/api/v1/cities", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and not again.content
    old = client.get("/api/v1/cities?v=000000000000")
    assert old.status_code == 404 and version in old.json()["error"]["message"]


@pytest.mark.parametrize("url, status", [
    ("/api/v1/cities/atlantis", 404), ("/api/v1/profile/atlantis", 404), ("/api/v1/profile/atlantis.csv", 404),
    ("/api/v1/compare?cities=vienna,atlantis", 404), ("/api/v1/compare", 400), ("/api/v1/segregation/atlantis", 404),
    ("/api/v1/districts/atlantis/counts", 404), ("/api/v1/districts/grenoble/boundaries", 404),
    ("/api/v1/observations?city=atlantis", 400), ("/api/v1/observations?indicator=%27%3B%20DROP%20TABLE%20observations%3B--", 400),
    ("/api/v1/observations?limit=-5", 400), ("/api/v1/observations?limit=99999999999999999999", 400),
    ("/api/v1/observations?limit=abc", 400), ("/api/v1/observations?from=2020&to=2010", 400),
    ("/api/v1/observations?offset=1e9", 400), ("/api/v1/observations?city=" + "x" * 5000, 400),
    ("/api/v1/observations?city=%00", 400), ("/api/v1/observations?standing=rumour", 400),
    ("/api/v1/observations?colour=red", 400), ("/api/v1/observations?limit=1&limit=2", 400),
    ("/api/v1/profile/vienna?lang=xx", 400), ("/api/v1/profile/vienna?trend=%3Cscript%3E", 400),
    ("/api/v1/compare?cities=vienna,lyon&indicator=nope", 400), ("/api/v1/cities.xml", 400),
    ("/api/v1/districts/vienna/boundaries?format=csv", 406), ("/api/v1/cities?format=png", 406),
    ("/api/v1/segregation/vienna?group=martians", 400), ("/api/v1/districts/vienna/counts?year=1066", 400),
    ("/api/v1/citation", 400), ("/api/v1/origins/atlantis", 404), ("/api/v1/origins/vienna?n=0", 400),
    ("/api/v1/coverage?city=atlantis", 404), ("/api/v1/nothing/here", 404), ("/api/v1/cities/..%2F..%2Fetc%2Fpasswd", 404),
    ("/chart/city.png?city=atlantis", 404), ("/chart/nowhere.png", 404), ("/chart/city.gif?city=vienna", 400),
    ("/chart/city.png?city=vienna&section=nope", 404), ("/chart/city.png?size=huge", 400),
])
def test_unknown_ids_and_hostile_parameters_get_a_4xx_json_message(client, url, status):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code, response.text[:200])
    body = response.json()
    assert body["error"]["status"] == status and body["error"]["message"]
    assert "Traceback" not in response.text and "/work/" not in response.text and ".py" not in body["error"]["message"]


def test_the_database_is_unchanged_by_requests(client, con):
    before = con.execute("SELECT count(*) FROM observations").fetchone()[0]
    client.get("/api/v1/observations?indicator=%27%3B%20DELETE%20FROM%20observations%3B--")
    assert con.execute("SELECT count(*) FROM observations").fetchone()[0] == before


def test_openapi_describes_every_route(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert {e.path for e in ENDPOINTS} | {"/chart/{view}.{ext}"} == set(spec["paths"])
    for endpoint in ENDPOINTS:
        names = {p["name"] for p in spec["paths"][endpoint.path]["get"]["parameters"]}
        assert {p.name for p in endpoint.params} | {"format", "v"} == names


def test_the_atom_feed_validates_and_lists_releases_and_corrections(client, con):
    import feedparser

    text = client.get("/api/v1/feed.atom").content
    feed = feedparser.parse(text)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10" and feed.feed.title and feed.feed.updated
    kinds = [e.tags[0].term for e in feed.entries]
    assert kinds[0] == "release" and kinds.count("correction") == con.execute("SELECT count(*) FROM corrections").fetchone()[0]  # the log, as on Methods
    assert all(e.id and e.title and e.updated and e.summary for e in feed.entries)
    assert len({e.id for e in feed.entries}) == len(feed.entries)


def test_citation_gives_short_text_and_bibtex_with_the_data_version(client):
    body = client.get("/api/v1/citation?city=lyon&url=https://example.org/city?city=lyon").json()
    assert body["data_version"] in body["short"] and body["bibtex"].startswith("@misc{") and body["data_version"] in body["bibtex"]


def test_arabic_profile_is_in_arabic_with_the_same_numbers(client):
    en = client.get(f"/api/v1/profile/{CITY}").json()
    ar = client.get(f"/api/v1/profile/{CITY}?lang=ar").json()
    assert ar["direction"] == "rtl" and ar["title"] != en["title"]
    values = lambda body: [f["value"] for s in body["sections"] for f in s["facts"]]  # noqa: E731
    assert values(ar) == values(en)
