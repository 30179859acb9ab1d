"""What changed since the 2016 City Migration Profiles (pinned to the curated and official data)."""
from analytics.profile import changes_since_2016


def test_madrid_profile_figures_beside_latest_official(con):
    frame = changes_since_2016(con, "madrid").set_index("indicator_id")
    row = frame.loc["foreign_citizens"]
    assert (row.profile_year, row.profile_value) == (2017, 405_233)
    assert row.latest_year > 2017 and row.latest_source_type in ("official_statistics", "city_administration", "un_agency")
    assrow = row.change == row.latest_value - row.profile_value
    assert assrow and row.same_territory and row.change_codes == ()
    # the latest official foreign-born figure is for the profile's territory (the city, padrón 2025), never the
    # Eurostat greater city (issue 20: no change across a territory change)
    born = frame.loc["foreign_born"]
    assert (born.latest_year, born.latest_value) == (2025, 1_066_182) and born.same_territory
    assert "territory_changed" not in born.change_codes


def test_figures_without_a_later_official_figure_say_so(con):
    frame = changes_since_2016(con, "tangier").set_index("indicator_id")
    # since issue 20 the prefecture's 2024 share (HCP RGPH 2024: 7,238 / 1,494,413) is the later official figure
    share = frame.loc["foreign_citizens_share"]
    assert (share.latest_year, share.latest_value) == (2024, 0.48) and share.same_territory and share.change_codes == ()
    rest = frame.drop(index="foreign_citizens_share")
    assert len(rest) >= 1 and rest.latest_value.isna().all() and all(c == () for c in rest.change_codes)


def test_city_without_profile_is_empty(con):
    assert changes_since_2016(con, "sfax").empty
