"""What changed since the 2016 City Migration Profiles (pinned to the curated and official data)."""
from analytics.profile import changes_since_2016


def test_madrid_profile_figures_beside_latest_official(con):
    frame = changes_since_2016(con, "madrid").set_index("indicator_id")
    row = frame.loc["foreign_citizens"]
    assert (row.profile_year, row.profile_value) == (2017, 405_233)
    assert row.latest_year > 2017 and row.latest_source_type in ("official_statistics", "city_administration", "un_agency")
    assrow = row.change == row.latest_value - row.profile_value
    assert assrow and row.same_territory and row.change_codes == ()
    # the 2016 profile's foreign-born figure is for another territory than the latest official one: flagged
    assert "territory_changed" in frame.loc["foreign_born"].change_codes


def test_figures_without_a_later_official_figure_say_so(con):
    frame = changes_since_2016(con, "tangier")
    assert len(frame) >= 1 and frame.latest_value.isna().all() and all(c == () for c in frame.change_codes)


def test_city_without_profile_is_empty(con):
    assert changes_since_2016(con, "sfax").empty
