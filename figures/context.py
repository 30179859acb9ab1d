"""What every figure builder needs besides its data: language, mode, data version and the
catalog labels in that language (so no builder prints a raw id, column name or boolean)."""
from __future__ import annotations

from dataclasses import dataclass, field

from functools import lru_cache

from i18n import catalogue
from i18n import label as catalog_label
from i18n import t


@lru_cache(maxsize=4096)
def territory_id(city_id: str, geo_level: str, geo_unit: str) -> str:
    """The canonical territory id of one (city, level, territory as the source names it):
    ``analytics.rules.territory_key`` on one row."""
    import pandas as pd

    from analytics.rules import territory_key

    row = pd.DataFrame({"city_id": [city_id or ""], "geo_level": [geo_level or ""], "geo_unit": [geo_unit or ""]})
    return str(territory_key(row).iloc[0])


@dataclass(frozen=True)
class Context:
    """Language, mode, data version and label tables (id -> English label from the database)."""

    lang: str = "en"
    mode: str = "screen"
    data_version: str = ""
    labels: dict = field(default_factory=dict)  # kind -> {id: English label}
    city_order: tuple = ()  # every city of the catalog, for stable colours

    def label(self, kind: str, item_id) -> str:
        """The label of a catalog item in this language (never the raw id when a label exists)."""
        if item_id is None or item_id != item_id:  # None or NaN
            return ""
        default = (self.labels.get(kind) or {}).get(item_id)
        return catalog_label(kind, str(item_id), self.lang, default)

    def city(self, city_id) -> str:
        return self.label("cities", city_id)

    def territory(self, geo_unit, city_id=None, geo_level=None) -> str:
        """A territory in this language, translated by its territory id (``labels.territories``
        of the catalogues; a city's municipality is "<city> (municipality)"). English, and a
        territory with no translation, keep the source's own spelling."""
        unit = "" if geo_unit is None or geo_unit != geo_unit else str(geo_unit)
        if self.lang == "en" or not unit or not city_id or not geo_level or geo_level != geo_level:
            return unit
        key = territory_id(str(city_id), str(geo_level), unit)
        names = catalogue(self.lang)["labels"].get("territories") or {}
        if names.get(key):
            return str(names[key])
        if str(geo_level) == "municipality":
            return self.t("territory_municipality", city=self.city(city_id))
        return unit

    def t(self, key: str, **params) -> str:
        return t(key, self.lang, **params)

    def caveat(self, codes) -> str:
        """Caveat codes (analytics.compare.caveat_codes) as one sentence in this language."""
        parts = []
        for code in codes or ():
            name, _, param = str(code).partition(":")
            if name == "definition":
                parts.append(self.t("caveat_definition", indicator=self.label("indicators", param)))
            elif name == "concept":
                parts.append(self.t("caveat_concept", concept=self.label("concepts", param)))
            elif name == "territory":
                parts.append(self.t("caveat_territory", level=self.label("geo_levels", param)))
            elif name == "year_gap":
                parts.append(self.t("caveat_year_gap", years=param))
            elif name == "source":
                parts.append(self.t("caveat_source", kind=self.label("source_types", param)))
            else:
                parts.append(self.t(f"caveat_{name}"))
        return "; ".join(parts) if parts else self.t("comparable")

    def peer_reason(self, code: str) -> str:
        """A peer-finder reason code (analytics.peers: ``similar_size``, ``shared_origins:SYR,EGY``, ...)."""
        name, _, param = str(code).partition(":")
        origins = ", ".join(self.label("countries", iso) or iso for iso in param.split(",") if iso)
        try:
            return self.t(f"brief_reason_{name}", origins=origins)
        except KeyError:
            return str(code)

    def peer_reasons(self, codes: str) -> str:
        return "; ".join(self.peer_reason(c) for c in str(codes or "").split(";") if c)

