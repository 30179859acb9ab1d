"""Name normalisation shared by the analytics: country names as written in sources -> ISO3."""
from __future__ import annotations

import unicodedata

ALIASES = {
    "SYRIA": "SYR", "CAPE VERDE": "CPV", "CABO VERDE": "CPV", "MOLDOVA": "MDA", "TURKEY": "TUR", "TURKIYE": "TUR",
    "RUSSIA": "RUS", "BOLIVIA": "BOL", "VENEZUELA": "VEN", "IRAN": "IRN", "SOUTH KOREA": "KOR", "PALESTINE": "PSE",
    "DOMINICAN REPUBLIC": "DOM", "GUINEA BISSAU": "GNB", "UNITED STATES": "USA", "UNITED KINGDOM": "GBR",
}


def _key(name: str) -> str:
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).upper()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text).split())


def country_iso3_lookup(con):
    """A function name -> ISO3 (or None) using the countries table plus common aliases.

    Groupings such as "Other Africa" or "Serbia and Montenegro" map to None: they are not
    one country and are left out of country-level origin tables (not guessed).
    """
    table = {_key(name): iso3 for iso3, name in con.execute("SELECT iso3, name FROM countries").fetchall()}
    table.update(ALIASES)

    def lookup(name):
        return table.get(_key(name))

    return lookup
