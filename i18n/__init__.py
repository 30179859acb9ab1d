"""Texts in English, French and Arabic, and numbers formatted for each language.

One YAML catalogue per language (``i18n/en.yaml``, ``fr.yaml``, ``ar.yaml``) holds every fixed
string of the pages, figures, briefs and exports under ``texts``, and translations of the
catalog labels (cities, indicators, concepts, ...) under ``labels``. A translator edits those
files only (see CONTRIBUTING.md). English is the reference: a key missing in another language
falls back to English, and the test suite fails on any missing or empty key.

Numbers, percentages and dates are formatted with Babel (CLDR data). Arabic uses Western
Arabic digits (0-9, CLDR numbering system ``latn``), as the Maghreb's official statistics and
the network's Arabic documents do, so that the same digits appear in charts (plotly draws
ticks with Western digits) and in text.
"""
from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import yaml

LANGUAGES = ("en", "fr", "ar")
DEFAULT_LANGUAGE = "en"
RTL_LANGUAGES = frozenset({"ar"})
_DIR = Path(__file__).resolve().parent
_LOCALES = {"en": "en_GB", "fr": "fr_FR", "ar": "ar"}


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict:
    """The parsed catalogue of ``lang`` (``{"texts": {...}, "labels": {...}}``)."""
    path = _DIR / f"{lang}.yaml"
    if not path.exists():
        return {"texts": {}, "labels": {}}
    with open(path, encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    return {"texts": data.get("texts") or {}, "labels": data.get("labels") or {}}


def language(lang: str | None) -> str:
    """A supported language code (unknown or missing: English)."""
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def is_rtl(lang: str) -> bool:
    return lang in RTL_LANGUAGES


def t(key: str, lang: str = DEFAULT_LANGUAGE, **params) -> str:
    """The text for ``key`` in ``lang`` (English where a translation is missing), formatted
    with ``params``. Raises KeyError for a key unknown in English: every text has a key."""
    texts = catalogue(language(lang))["texts"]
    text = texts.get(key) or catalogue(DEFAULT_LANGUAGE)["texts"][key]
    return text.format(**params) if params else text


def label(kind: str, item_id: str, lang: str, default: str | None = None) -> str:
    """A catalog label (``kind``: cities, indicators, concepts, geo_levels, themes, groups,
    source_types, membership, areas) in ``lang``; ``default`` (the database's English label)
    where no translation exists, else the id itself."""
    for code in (language(lang), DEFAULT_LANGUAGE):
        value = (catalogue(code)["labels"].get(kind) or {}).get(item_id)
        if value:
            return value
        if code == language(lang) and lang != DEFAULT_LANGUAGE:
            continue
    return default if default else str(item_id)


def _locale(lang: str) -> str:
    return _LOCALES[language(lang)]


@lru_cache(maxsize=64)
def _number_pattern(lang: str, kind: str, decimals: int):
    """The parsed Babel pattern and locale of a number format (parsed once: formatting every
    point of a chart's hover text parsed the same pattern thousands of times)."""
    from babel import Locale
    from babel.numbers import parse_pattern

    locale = Locale.parse(_locale(lang))
    if kind == "decimal":
        text = "#,##0" + ("." + "0" * decimals if decimals else "")
    else:
        text = locale.percent_formats[None].pattern  # the locale's own spacing: "12,3 %"
        if decimals:
            text = text.replace("#,##0", "#,##0." + "0" * decimals, 1)
    return parse_pattern(text), locale


def number(value, lang: str = DEFAULT_LANGUAGE, decimals: int = 0) -> str:
    """A number with the locale's grouping and decimal signs ("1,270,000" / "1 270 000")."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return t("not_known", lang)
    pattern, locale = _number_pattern(language(lang), "decimal", decimals)
    return pattern.apply(value, locale, numbering_system="latn")


def percent(value, lang: str = DEFAULT_LANGUAGE, decimals: int = 1) -> str:
    """A share given in percent (0-100), one decimal by default ("12.3%" / "12,3 %")."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return t("not_known", lang)
    pattern, locale = _number_pattern(language(lang), "percent", decimals)
    return pattern.apply(value / 100, locale, numbering_system="latn")


def value(value, unit: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A value formatted from its unit: shares with one decimal and % (two below 1 %, so that Tangier's
    0.48 % is not read as 0.5 %: issue 20), counts grouped."""
    if unit == "percent":
        small = value is not None and isinstance(value, (int, float)) and math.isfinite(value) and 0 < abs(value) < 1
        return percent(value, lang, 2 if small else 1)
    if unit in ("index", "ratio"):
        return number(value, lang, 2)
    return number(value, lang, 0)


def date(day, lang: str = DEFAULT_LANGUAGE) -> str:
    """A date in the locale's medium format."""
    from babel.dates import format_date

    return format_date(day, format="medium", locale=_locale(lang))
