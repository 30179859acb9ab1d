"""Who is in the network (``curated/mc2cm_members.csv``) -> ``network_members.csv``.

One row per city named in the file (20): the phase text as published (``membership_phase``), a
normalised ``membership`` code (``catalog/cities.yaml`` ``membership_codes``), the evidence URL
and the curator's note. Cities of ``catalog/cities.yaml`` carry their ``city_id``; the build puts
their membership on the ``cities`` table and the others (an event host, a partner NGO's city,
candidates named in a programme document) in ``network_members``, so the app can list them
without counting them as members.

The code is read from the phase text by the rules of :func:`membership_code`; a text that matches
no rule fails the step, so a new wording in the file is never filed silently.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from analytics import catalog
from analytics.harmonise._common import normalise_name, raw_file, require

FILE = "mc2cm_members.csv"
EXPECTED_COLUMNS = ["city", "country_iso3", "phase", "source_url", "note"]
OUTPUT_COLUMNS = ["member_id", "city_id", "name", "country_iso3", "membership", "membership_phase",
                  "membership_source_url", "membership_note", "source_id"]
# curated/README.md: 9 founders, 4 confirmed later members, Seville as event host, Oujda (NGO partner's
# city), 5 candidates of the phase-II action document.
EXPECTED_CODES = {"founding": 9, "later_member": 4, "event_host": 1, "partner_city": 1, "candidate": 5}
# Phase text -> code, first match wins. "not confirmed" outranks the phase number.
RULES = (
    (re.compile(r"event host", re.I), "event_host"),
    (re.compile(r"NGO partner", re.I), "partner_city"),
    (re.compile(r"candidate", re.I), "candidate"),
    (re.compile(r"not confirmed", re.I), None),  # any other unconfirmed wording: no code, the step fails
    (re.compile(r"^1 \(2015-2018\); continuing in 2$"), "founding"),
    (re.compile(r"^2 \("), "later_member"),
)


def membership_code(phase: str) -> str | None:
    """Normalised membership code of a phase text of ``mc2cm_members.csv`` (None: no rule matches)."""
    for pattern, code in RULES:
        if pattern.search(phase):
            return code
    return None


def _slug(name: str) -> str:
    return normalise_name(name).lower().replace(" ", "-")


def load(raw_dir: Path) -> pd.DataFrame:
    path = raw_file(raw_dir, "curated", FILE)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    require(list(frame.columns) == EXPECTED_COLUMNS, f"{path}: unexpected columns {list(frame.columns)}")
    require(len(frame) == 20, f"{path}: expected 20 rows, found {len(frame)}")
    return frame


def clean(frame: pd.DataFrame) -> pd.DataFrame:
    cities = catalog.cities()
    by_name = dict(zip(cities.name, cities.city_id))
    out = pd.DataFrame({
        "member_id": frame.city.map(_slug), "city_id": frame.city.map(by_name).fillna(""), "name": frame.city,
        "country_iso3": frame.country_iso3, "membership": frame.phase.map(membership_code),
        "membership_phase": frame.phase, "membership_source_url": frame.source_url, "membership_note": frame.note,
        "source_id": "mc2cm_members_list",
    })
    bad = out[out.membership.isna()]
    require(bad.empty, f"{FILE}: row(s) {[i + 2 for i in bad.index]}, column phase: no membership rule matches "
                       f"{bad.membership_phase.tolist()} (see analytics/harmonise/members.py RULES)")
    return out[OUTPUT_COLUMNS]


def check(members: pd.DataFrame) -> None:
    codes = set(catalog.membership_codes().membership)
    require(set(members.membership) <= codes, f"members: codes not in catalog/cities.yaml: {set(members.membership) - codes}")
    counts = members.membership.value_counts().to_dict()
    require(counts == EXPECTED_CODES, f"members: membership counts {counts} != {EXPECTED_CODES} (curated/README.md)")
    require(members.member_id.is_unique, "members: duplicate member_id")
    listed = set(members.city_id) - {""}
    missing = set(catalog.city_ids()) - listed
    require(not missing, f"members: cities of catalog/cities.yaml without a row in {FILE}: {sorted(missing)}")
    outside = members[(members.city_id == "") & members.membership.isin({"founding", "later_member"})]
    require(outside.empty, f"members: confirmed members missing from catalog/cities.yaml: {outside.name.tolist()}")
    require(members.membership_source_url.str.startswith("http").all(), "members: a row without an evidence URL")


def run(raw_dir: Path, out_dir: Path) -> list[Path]:
    members = clean(load(raw_dir))
    check(members)
    path = out_dir / "network_members.csv"
    members.to_csv(path, index=False, lineterminator="\n")
    return [path]
