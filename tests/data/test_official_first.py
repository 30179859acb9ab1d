"""Official figures first: the share of key-figure cards (City profile) and headline cards
(Overview) that come from official statistics, a city administration or a UN agency, and the
audited-wrong values that must not be shown."""
import pytest

from analytics import compare, profile
from analytics.rules import HEADLINE_SHARES, is_official


def shown_figures(con):
    cities = [r[0] for r in con.execute("SELECT city_id FROM cities").fetchall()]
    rows = []
    for city in cities:
        cards = profile.key_figures(con, city)
        rows += [(city, r.indicator_id, r.value, r.source_type) for r in cards[cards.shown_as == "card"].itertuples()]
    headline = compare.compare_cities(con, list(HEADLINE_SHARES))
    rows += [(r.city_id, r.indicator_id, r.value, r.source_type) for r in headline[headline.value.notna()].itertuples()]
    return rows


def test_at_least_70_percent_of_shown_cards_are_official(con):
    rows = shown_figures(con)
    share = sum(is_official(r[3]) for r in rows) / len(rows)
    assert len(rows) >= 30
    assert share >= 0.70, f"{share:.0%} official"


@pytest.mark.parametrize("city, indicator, value", [
    ("lisbon", "foreign_citizens_share", 19.99), ("lisbon", "population_total", 544_851),
    ("tangier", "foreign_citizens", 5_145), ("madrid", "foreign_born_share", 20.05),
    ("vienna", "net_international_migration", 119_299),
])
def test_audited_wrong_values_are_not_shown(con, raw_dir, city, indicator, value):
    import csv

    with open(raw_dir / "curated" / "city_indicators.csv", encoding="utf-8") as handle:
        raw = [r for r in csv.DictReader(handle) if r["city"].lower() == city and r["indicator"] == indicator
               and r["value"] and abs(float(r["value"]) - value) < 0.005]
    assert raw, "the audited value must exist in the curated input (else this test checks nothing)"
    shown = {(c, i, round(v, 2)) for c, i, v, _ in shown_figures(con)}
    assert (city, indicator, round(value, 2)) not in shown
    left = con.execute("SELECT count(*) FROM observations WHERE city_id = ? AND indicator_id = ? AND abs(value - ?) < 0.005",
                       [city, indicator, value]).fetchone()[0]
    assert left == 0, f"{city} {indicator} {value} still in observations"
