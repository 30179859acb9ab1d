"""Current, consistent figures (issue 20): one test per convention, each failing when its rule is broken.

- one ``geo_unit`` label per territory id;
- every Overview row's population is of the share's territory (or carries the difference flag);
- no "since 2016" change across a territory change;
- every stock's year follows the 1 January rule (Turin pinned);
- the audited figures: Vienna 2025 or later, Madrid's 2025 born-abroad, Tangier's 2024 share, Turin annual;
- at least 80 % of headline and key figures from official statistics, a city administration or a UN agency;
- the age mark, the break flag and the corrections log.
"""
import datetime as dt

import pandas as pd
import pytest

from analytics import compare, profile
from analytics.harmonise import conventions
from analytics.rules import HEADLINE_SHARES, is_official


def test_one_geo_unit_label_per_territory_id(con):
    labels = con.execute("SELECT territory_id, count(DISTINCT geo_unit) n FROM observations "
                         "WHERE territory_id IS NOT NULL GROUP BY 1 HAVING n > 1").fetchall()
    assert labels == []
    assert con.execute("SELECT count(*) FROM observations WHERE territory_id IS NULL").fetchone()[0] == 0
    # Madrid's and Turin's municipality are one territory each, however the sources spell them
    for city in ("madrid", "turin"):
        units = con.execute("SELECT DISTINCT geo_unit FROM observations WHERE city_id = ? AND geo_level = 'municipality'",
                            [city]).fetchall()
        assert len(units) == 1, units


def test_every_overview_population_is_of_the_share_territory_or_flagged(con):
    table = compare.share_and_population(con)
    with_share = table[table.value.notna() & table.population.notna()]
    assert len(with_share) >= 8
    for row in with_share.itertuples():
        assert row.pop_same_territory == (row.pop_territory_id == row.territory_id), row.city_id
    lyon = table.set_index("city_id").loc["lyon"]
    assert lyon.territory_id == "lyon:unite_urbaine" and lyon.pop_territory_id == "lyon:unite_urbaine"
    assert lyon.population != 522_250  # the commune's population is not set beside the unité urbaine's share


def test_overview_population_flag_when_territories_differ(con):
    """Break the rule: a share whose territory has no population keeps the flag False."""
    table = compare.share_and_population(con)
    flagged = table[table.value.notna() & ~table.pop_same_territory.fillna(False).astype(bool)]
    for row in flagged.itertuples():
        assert row.pop_territory_id != row.territory_id


def test_no_change_since_2016_across_a_territory_change(con):
    for city in ("lyon", "madrid", "vienna", "turin", "lisbon", "tangier"):
        changes = profile.changes_since_2016(con, city)
        if changes.empty:
            continue
        shown = changes[changes.latest_value.notna()]
        assert shown.same_territory.all(), (city, shown[~shown.same_territory].to_dict("records"))
    lyon = profile.changes_since_2016(con, "lyon").set_index("indicator_id")
    assert lyon.loc["population_total", "latest_geo_unit"] == lyon.loc["population_total", "profile_geo_unit"]
    assert (profile.changes_since_2016(con, "lyon").groupby(["indicator_id", "profile_year", "profile_value"]).size() == 1).all()


@pytest.mark.parametrize("date, year", [("2023-12-31", 2024), ("2025-01-01", 2025), ("2024-11-06", 2024), ("2013", 2013)])
def test_stock_year_follows_the_1_january_rule(date, year):
    assert conventions.stock_year(date) == year


def test_every_stock_year_follows_the_1_january_rule_turin_pinned(con):
    rows = con.execute("""SELECT year FROM observations WHERE city_id = 'turin' AND indicator_id = 'foreign_citizens'
                          AND territory_id = 'turin:municipality' AND value = 135753""").fetchall()
    assert rows and {r[0] for r in rows} == {2024}  # stock at the end of 2023 = 1 January 2024
    census = con.execute("""SELECT DISTINCT year FROM observations WHERE city_id = 'turin' AND indicator_id = 'population_total'
                            AND value = 848748""").fetchall()
    assert {r[0] for r in census} == {2022}  # census 31 Dec 2021 and Eurostat 1 Jan 2022: one year
    # every row whose note gives an end-of-year reference date is labelled the next year
    notes = con.execute("SELECT year, note FROM observations WHERE note LIKE '%Reference date ____-12-31%'").fetchall()
    assert notes
    for year, note in notes:
        stated = int(note.split("Reference date ")[1][:4])
        assert year == stated + 1, note


def test_turin_series_has_annual_points_with_correct_years(con):
    years = [r[0] for r in con.execute("""SELECT DISTINCT year FROM observations WHERE city_id = 'turin'
        AND indicator_id = 'foreign_citizens' AND territory_id = 'turin:municipality' ORDER BY 1""").fetchall()]
    assert {2007, 2013, 2017, 2020, 2022, 2023, 2024, 2025} <= set(years)
    assert 2023 in years and 2024 in years  # 134,102 (end 2022) and 135,753 (end 2023): one year apart


def test_audited_headlines_are_current(con):
    head = compare.compare_cities(con, list(HEADLINE_SHARES)).set_index("city_id")
    assert head.loc["vienna", "year_used"] >= 2025
    assert head.loc["tangier", "value"] == pytest.approx(0.48) and head.loc["tangier", "year_used"] == 2024
    madrid = profile.key_figures(con, "madrid").set_index("indicator_id")
    assert madrid.loc["foreign_born", "value"] == 1_066_182 and madrid.loc["foreign_born", "year"] == 2025
    assert madrid.loc["foreign_born_share", "value"] == pytest.approx(30.2)
    beirut = profile.key_figures(con, "beirut").set_index("indicator_id")
    assert beirut.loc["population_total", "value"] == 303_010 and bool(beirut.loc["population_total", "is_estimate"])
    lisbon = profile.key_figures(con, "lisbon")
    assert 108_894 not in set(lisbon.value) and 118_947 not in set(lisbon.value)


def test_split_concepts_are_their_own(con):
    concept = dict(con.execute("SELECT indicator_id, concept FROM indicators").fetchall())
    assert concept["foreign_origin_share"] == "foreign_origin" and concept["immigrants_share"] == "immigrant"
    assert concept["residence_permit_holders"] == "residence_permit_holders"
    mixed = con.execute("""SELECT count(*) FROM observations o JOIN indicators i USING (indicator_id)
                           WHERE i.concept IN ('foreign_origin', 'immigrant', 'residence_permit_holders')
                           AND o.concept <> i.concept""").fetchone()[0]
    assert mixed == 0


def shown_figures(con):
    rows = []
    for (city,) in con.execute("SELECT city_id FROM cities").fetchall():
        kf = profile.key_figures(con, city)
        rows += [(city, r.indicator_id, r.source_type) for r in kf.itertuples()]
    head = compare.compare_cities(con, list(HEADLINE_SHARES))
    rows += [(r.city_id, r.indicator_id, r.source_type) for r in head[head.value.notna()].itertuples()]
    return rows


def test_at_least_80_percent_of_headline_and_key_figures_are_official(con):
    rows = shown_figures(con)
    share = sum(is_official(t) for _, _, t in rows) / len(rows)
    print(f"official headline and key figures: {sum(is_official(t) for _, _, t in rows)}/{len(rows)} = {share:.1%}")
    assert len(rows) >= 40
    assert share >= 0.80, f"{share:.1%}"


def test_age_mark_and_break_flag(con):
    from figures.context import Context
    from figures.marks import age_mark, break_mark, marks, release_mark

    ctx = Context("en")
    lisbon = profile.figure_currency(con, profile.key_figures(con, "lisbon").assign(city_id="lisbon"))
    share = lisbon.set_index("indicator_id").loc["foreign_citizens_share"]
    assert share.age_flag and share.years_behind > 3
    assert "years older" in age_mark(share.to_dict(), ctx)
    vienna = profile.figure_currency(con, profile.key_figures(con, "vienna").assign(city_id="vienna"))
    assert not vienna.set_index("indicator_id").loc["foreign_citizens_share", "age_flag"]
    broken = con.execute("SELECT * FROM observations WHERE flag LIKE '%break_in_series%'").df()
    assert not broken.empty  # Eurostat's b is a flag, not only a note
    row = profile.figure_currency(con, broken.head(1)).iloc[0].to_dict()
    assert break_mark(row, ctx) and break_mark({**row, "break_flag": False}, ctx) == ""
    due = {"release_due": True, "release_name": "INE", "next_due": "2026-04-30"}
    assert "INE" in release_mark(due, ctx) and release_mark({"release_due": False}, ctx) == ""
    assert len(marks({**row, **due}, ctx)) == 2


def test_release_due_follows_the_calendar(con):
    frame = profile.key_figures(con, "madrid").assign(city_id="madrid")
    early = profile.figure_currency(con, frame, today=dt.date(2025, 6, 1))
    late = profile.figure_currency(con, frame, today=dt.date(2030, 1, 1))
    assert not early.release_due.any() and late.release_due.any()


def test_corrections_log_lists_every_correction(con):
    log = con.execute("SELECT * FROM corrections").df()
    assert len(log) == len(conventions.corrections()) >= 17
    assert log[["date", "old_value", "new_value", "reason", "data_version"]].ne("").all().all()
    turin = log[log.correction_id == "c3-01"].iloc[0]
    assert turin.old_value == "2023" and turin.new_value == "2024"


def test_a_correction_that_matches_nothing_fails_the_step():
    from analytics.harmonise._common import HarmoniseError

    frame = pd.DataFrame([{"city_id": "turin", "indicator_id": "foreign_citizens", "year": 2024, "value": 1.0,
                           "note": "", "source_id": "x", "geo_unit": "City of Turin (Comune)"}])
    with pytest.raises(HarmoniseError, match="c3-01"):
        conventions.apply_corrections(frame, "curated")
