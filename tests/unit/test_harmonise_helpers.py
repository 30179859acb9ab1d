"""Unit tests of the harmonise helpers and cleaners on small in-memory slices."""
import pandas as pd
import pytest

from analytics.harmonise import curated, madrid
from analytics.harmonise._common import HarmoniseError, check_groups_within_total, long_counts, normalise_name


def test_normalise_name_strips_accents_and_punctuation():
    assert normalise_name("São Cristóvão e São Lourenço") == "SAO CRISTOVAO E SAO LOURENCO"
    assert normalise_name("Fuencarral - El Pardo") == "FUENCARRAL EL PARDO"


@pytest.mark.parametrize("raw, key", [
    ("Palos de Moguer", "PALOS DE LA FRONTERA"),
    ("Villaverde Alto C.H. Villaverde", "VILLAVERDE ALTO CASCO HISTORICO DE VILLAVERDE"),
    ("Los Jerónimos", "JERONIMOS"),
    ("FUENCARRAL-EL PARDO", "FUENCARRAL EL PARDO"),
])
def test_madrid_join_key(raw, key):
    assert madrid.join_key(raw) == key


def test_madrid_reads_counts_from_the_column_after_the_name():
    sheet = pd.DataFrame([
        ["title", None, None, None, None],
        [None, "CIUDAD", None, "Centro", None],
        ["Personas con nacionalidad española (01/01/2020)", 0.8, 100.0, 0.7, 10.0],
        ["Personas con nacionalidad española HOMBRES", 0.5, 50.0, 0.5, 5.0],
        ["Personas con nacionalidad extranjera", 0.2, 25.0, 0.3, 4.0],
    ])
    units = madrid.read_district_sheet(sheet)
    assert units.to_dict("records") == [
        {"name": "CIUDAD", "spanish": 100.0, "foreign": 25.0},
        {"name": "Centro", "spanish": 10.0, "foreign": 4.0},
    ]


@pytest.mark.parametrize("publisher, expected", [
    ("Telemadrid (citing Ayuntamiento de Madrid communiqué)", "secondary"),
    ("UNHCR", "un_agency"),
    ("INE Spain", "official_statistics"),
    ("City of Vienna, MA 23 (Statistik Wien)", "city_administration"),
    ("ICMPD - Migration Urban Hub (iMAP)", "research"),
    ("Somebody unknown", "secondary"),
])
def test_source_type_classification(publisher, expected):
    assert curated.classify_source_type(publisher) == expected


def test_source_id_is_stable_and_readable():
    a = curated.make_source_id("UNHCR", "https://www.unhcr.org/x")
    assert a == curated.make_source_id("UNHCR", "https://www.unhcr.org/x")
    assert a.startswith("cur-unhcr-org-") and a != curated.make_source_id("UNHCR", "https://www.unhcr.org/y")


def test_long_counts_and_group_check():
    wide = pd.DataFrame({"area_id": ["a", "b"], "tot": [10, 20], "for": [3, 25]})
    long = long_counts(wide, "x", 2020, {"tot": "total", "for": "foreign"}, "src", False)
    assert len(long) == 4 and set(long.group_id) == {"total", "foreign"}
    with pytest.raises(HarmoniseError, match="group > total in 1 rows"):
        check_groups_within_total(long, "x")
    check_groups_within_total(long[long.area_id == "a"], "x")
