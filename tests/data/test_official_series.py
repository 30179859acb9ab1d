"""Official figures first: the cities' official series, the city totals derived from the official
district files, and the round-2 corrections of the curated figures (curated README,
"city_series_official.csv and corrections_2.csv" and "Audit")."""
import pandas as pd
import pytest

DERIVED = "observations_derived.csv"
OFFICIAL = "observations_official.csv"


def _value(con, city, indicator, year, origin_file, source_id=None):
    sql = """SELECT value FROM observations WHERE city_id=? AND indicator_id=? AND year=? AND origin_file=?
             AND breakdown=''"""
    params = [city, indicator, year, origin_file]
    if source_id:
        sql += " AND source_id=?"
        params.append(source_id)
    rows = con.execute(sql, params).fetchall()
    assert len(rows) == 1, (city, indicator, year, origin_file, rows)
    return rows[0][0]


# --- derived city totals reproduce the totals stated in the raw folders' PROVENANCE.md -------------

@pytest.mark.parametrize("city, year, indicator, expected, source_id", [
    ("vienna", 2022, "population_total", 1_931_593, "vienna_ma23_population_origin"),
    ("lisbon", 2011, "population_total", 547_733, "lisbon_ine_census2011_q605"),
    ("lisbon", 2011, "foreign_citizens", 31_833, "lisbon_ine_census2011_q605"),
    ("turin", 2011, "population_total", 870_419, "turin_sei_census2011"),
    ("turin", 2011, "foreign_citizens", 110_361, "turin_sei_census2011"),
    ("turin", 2022, "population_total", 848_748, "turin_sei_census2021"),  # census at 31 Dec 2021 = 1 Jan 2022 (c3-02)
    ("turin", 2022, "foreign_citizens", 124_585, "turin_sei_census2021"),  # census at 31 Dec 2021 = 1 Jan 2022 (c3-02)
])
def test_derived_totals_reproduce_provenance_totals(con, city, year, indicator, expected, source_id):
    assert _value(con, city, indicator, year, DERIVED, source_id) == pytest.approx(expected, abs=0.5)


def test_derived_lisbon_share_is_the_census_share(con):
    assert _value(con, "lisbon", "foreign_citizens_share", 2011, DERIVED) == pytest.approx(31_833 / 547_733 * 100, abs=0.005)


def test_madrid_barrio_sums_equal_the_official_city_column(con):
    for year in (2019, 2020, 2022, 2023):
        derived = _value(con, "madrid", "foreign_citizens", year, DERIVED, "madrid_panel_indicadores")
        assert derived == _value(con, "madrid", "foreign_citizens", year, OFFICIAL)
    # population = Spanish + foreign nationals of the CIUDAD column (both printed in the official rows)
    assert _value(con, "madrid", "population_total", 2019, DERIVED) == 460_623 + 2_805_478


def test_vienna_district_sums_reproduce_the_official_origin_share_series(con):
    """The MA 23 district file (Herkunft) summed over 23 districts gives Stadt Wien's published
    foreign-origin share (Integrationsmonitor 2023, Abb. 3) to 0.01 points in all 21 years."""
    frame = con.execute("""SELECT year, origin_file, value FROM observations WHERE city_id='vienna'
                           AND indicator_id='foreign_origin_share' AND origin_file IN (?, ?)""", [DERIVED, OFFICIAL]).df()
    wide = frame.pivot(index="year", columns="origin_file", values="value").dropna()
    assert list(wide.index) == list(range(2002, 2023))
    assert (wide[DERIVED] - wide[OFFICIAL]).abs().max() < 0.006


def test_vienna_herkunft_is_foreign_origin_not_foreign_citizens(con):
    rows = con.execute("""SELECT DISTINCT indicator_id, concept FROM observations
                          WHERE source_id='vienna_ma23_population_origin' ORDER BY 1""").fetchall()
    # the register's "Herkunft" has a concept of its own, not the survey's migration background (c3-08)
    assert rows == [("foreign_origin", "foreign_origin"), ("foreign_origin_share", "foreign_origin"),
                    ("population_total", "total")]


def test_derived_rows_state_their_derivation_and_turin_is_an_estimate(con):
    frame = con.execute("SELECT city_id, source_id, is_estimate, note, flag FROM observations WHERE origin_file=?",
                        [DERIVED]).df()
    assert len(frame) == 85  # (21 Vienna + 4 Madrid + 1 Lisbon + 2 Turin years) x 3 indicators + Tangier 2024 population
    assert frame.note.str.startswith("DERIVED: ").all() and frame.flag.str.startswith("computed").all()
    assert all(f"source {s}" in n for s, n in zip(frame.source_id, frame.note))
    assert frame.note[frame.city_id == "vienna"].str.contains("Sum of 23 district counts").all()
    assert frame.groupby("city_id").is_estimate.all().to_dict() == {
        "lisbon": False, "madrid": False, "tangier": False, "turin": True, "vienna": False}


# --- the official series ---------------------------------------------------------------------------

@pytest.mark.parametrize("indicator", ["foreign_citizens_share", "foreign_born_share", "foreign_origin_share"])
def test_vienna_has_an_annual_official_series(con, indicator):
    years = [r[0] for r in con.execute("""SELECT o.year FROM observations o JOIN sources s USING (source_id)
        WHERE o.city_id='vienna' AND o.indicator_id=? AND s.source_type='city_administration' AND o.origin_file=?
        ORDER BY 1""", [indicator, OFFICIAL]).fetchall()]
    assert len(years) >= 20 and years == list(range(2002, 2024))


def test_vienna_official_values_pinned(con):
    assert _value(con, "vienna", "foreign_citizens_share", 2002, OFFICIAL) == 16.39
    assert _value(con, "vienna", "foreign_born_share", 2018, OFFICIAL) == 35.98
    assert _value(con, "vienna", "foreign_origin_share", 2023, OFFICIAL) == 44.37
    assert _value(con, "vienna", "foreign_citizens", 2023, OFFICIAL) == 678_866
    mb = con.execute("""SELECT min(year), max(year), count(*) FROM observations WHERE city_id='vienna'
                        AND indicator_id='migration_background_share' AND origin_file=?""", [OFFICIAL]).fetchone()
    assert mb == (2008, 2022, 15)  # the 2023 row carried the 2022 survey value forward: removed (c3-04)


def test_madrid_register_counts_2019_to_2023(con):
    frame = con.execute("""SELECT o.indicator_id, o.year, o.value, s.source_type FROM observations o JOIN sources s
        USING (source_id) WHERE o.city_id='madrid' AND o.origin_file=? ORDER BY 1, 2""", [OFFICIAL]).df()
    assert set(frame.source_type) == {"city_administration"}
    assert frame[frame.indicator_id == "foreign_citizens"].value.tolist() == [460_623, 510_881, 517_243, 570_418]
    assert frame[frame.indicator_id == "nationals"].year.tolist() == [2019, 2020, 2022, 2023]


def test_lisbon_final_census_population(con):
    assert _value(con, "lisbon", "population_total", 2021, OFFICIAL) == 545_796


def test_official_figures_read_on_secondary_pages_keep_the_secondary_type(con):
    frame = con.execute("""SELECT o.city_id, o.note, s.source_type FROM observations o JOIN sources s USING (source_id)
                           WHERE o.origin_file=?""", [OFFICIAL]).df()
    types = frame.groupby("city_id").source_type.agg(lambda s: set(s)).to_dict()
    assert types == {"lisbon": {"secondary"}, "lyon": {"secondary"}, "tangier": {"secondary"},
                     "madrid": {"city_administration"}, "vienna": {"city_administration"}}
    secondary = frame[frame.source_type == "secondary"]
    assert secondary.note.str.contains("Official figure read on a secondary page").all()


# --- audited-wrong values are gone (or relabelled) --------------------------------------------------

def _observations(con, where, params=()):
    return con.execute(f"SELECT * FROM observations WHERE {where}", list(params)).df()


def _excluded_reason(con, row):
    rows = con.execute("""SELECT reason FROM excluded_observations WHERE origin_file='city_indicators.csv'
                          AND curated_row=?""", [str(row)]).fetchall()
    assert len(rows) == 1, f"curated row {row} not recorded in excluded_observations"
    return rows[0][0]


def test_lisbon_1999_is_not_a_foreign_citizen_share(con):
    assert _observations(con, "city_id='lisbon' AND value=19.99 AND concept='foreign_citizenship'").empty
    relabelled = _observations(con, "city_id='lisbon' AND value=19.99")
    assert relabelled.indicator_id.tolist() == ["residence_permit_holders_per_census_resident"]
    assert relabelled.concept.tolist() == ["other"] and "Relabelled" in relabelled.note.iloc[0]


def test_lisbon_preliminary_census_population_is_gone(con):
    assert _observations(con, "city_id='lisbon' AND value=544851").empty
    assert "PRELIMINARY" in _excluded_reason(con, 69)


def test_tangier_5145_is_not_a_city_figure(con):
    assert _observations(con, "city_id='tangier' AND value=5145").empty
    assert "prefecture" in _excluded_reason(con, 218).lower()
    city_level = _observations(con, """city_id='tangier' AND year=2014 AND geo_level='municipality'
                                       AND indicator_id IN ('foreign_citizens', 'foreign_citizens_share')""")
    assert city_level.empty
    share = _observations(con, "city_id='tangier' AND indicator_id='foreign_citizens_share' AND year=2014")
    assert share.geo_unit.tolist() == ["Préfecture de Tanger-Assilah"]


def test_madrid_2005_percent_is_dropped(con):
    assert _observations(con, "city_id='madrid' AND value=20.05").empty
    assert _excluded_reason(con, 181).startswith("Corrections 2:")


def test_vienna_2015_net_migration_is_corrected(con):
    assert _observations(con, "value=119299").empty
    fixed = con.execute("""SELECT o.value, s.source_type, o.note FROM observations o JOIN sources s USING (source_id)
                           WHERE o.city_id='vienna' AND o.indicator_id='net_international_migration' AND o.year=2015""").fetchall()
    assert len(fixed) == 1 and fixed[0][0] == 37_942 and fixed[0][1] == "city_administration"
    assert "[Corrected: 119299" in fixed[0][2]
    assert _excluded_reason(con, 318).startswith("Corrections 2:")


def test_lisbon_imap_10_percent_is_dropped(con):
    assert _observations(con, "city_id='lisbon' AND indicator_id='foreign_citizens_share' AND year=2011 AND value=10").empty
    assert "Q605" in _excluded_reason(con, 50)


def test_every_correction_is_recorded(con, raw_dir):
    corrections = pd.read_csv(raw_dir / "curated" / "corrections_2.csv", dtype=str, keep_default_na=False)
    for line in corrections[corrections.action != "relabel"].itertuples():
        assert _excluded_reason(con, int(line.row_in_city_indicators)).startswith("Corrections 2:")
    notes = _observations(con, "origin_file='observations_curated.csv' AND note LIKE '%[Relabelled%Corrections 2:%'")
    assert len(notes) == (corrections.action == "relabel").sum() == 3


def test_a_shifted_correction_row_is_refused(raw_dir):
    from analytics.harmonise import curated
    from analytics.harmonise._common import HarmoniseError

    frame, corrections = curated.load(raw_dir), curated.load_corrections(raw_dir)
    corrections.loc[corrections.row_in_city_indicators == "318", "row_in_city_indicators"] = "317"
    with pytest.raises(HarmoniseError, match=r"corrections_2.csv, line 7, column reason: names .* but city_indicators row 317"):
        curated.clean(frame, corrections)
