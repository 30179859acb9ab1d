"""HTTP plumbing of the public API: errors as JSON, query parameters checked against the
endpoint's declaration, the format chosen by extension, ``format=`` or ``Accept``, and every
response carrying the data version, an ``ETag`` and ``Cache-Control``.

No analytics here: :mod:`api.resources` declares the endpoints and builds their payloads.
"""
from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Callable

import numpy as np
import pandas as pd

FORMATS = {"json": "application/json", "csv": "text/csv; charset=utf-8", "geojson": "application/geo+json",
           "atom": "application/atom+xml; charset=utf-8", "png": "image/png", "svg": "image/svg+xml"}
MAX_PARAM_CHARS = 200  # a query value longer than this is refused (no id is that long)
MAX_LIST_ITEMS = 60
SHORT_CACHE = "public, max-age=300"
IMMUTABLE = "public, max-age=31536000, immutable"  # a URL naming the data version it shows


class ApiError(Exception):
    """An answer with a 4xx status and a JSON body ``{"error": {"status", "message"}}``."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


@dataclass(frozen=True)
class Param:
    """One query or path parameter of an endpoint (also its OpenAPI description)."""

    name: str
    description: str
    kind: str = "string"  # string, integer, list (comma-separated or repeated)
    where: str = "query"  # query or path
    enum: tuple = ()
    minimum: int | None = None
    maximum: int | None = None
    default: Any = None

    def parse(self, raw: list[str]):
        """The value of this parameter from its raw strings (400 when it is malformed)."""
        if not raw:
            return self.default
        for item in raw:
            if len(item) > MAX_PARAM_CHARS or any(ord(ch) < 32 for ch in item):
                raise ApiError(400, f"parameter {self.name!r}: value too long or with control characters")
        if self.kind == "list":
            values = [v.strip() for item in raw for v in item.split(",") if v.strip()]
            if len(values) > MAX_LIST_ITEMS:
                raise ApiError(400, f"parameter {self.name!r}: at most {MAX_LIST_ITEMS} values")
            for v in values:
                self._check_enum(v)
            return values or self.default
        if len(raw) > 1:
            raise ApiError(400, f"parameter {self.name!r} given {len(raw)} times; give it once")
        value = raw[0].strip()
        if self.kind == "integer":
            try:
                number = int(value)
            except ValueError:
                raise ApiError(400, f"parameter {self.name!r} must be a whole number, got {value[:40]!r}") from None
            if self.minimum is not None and number < self.minimum:
                raise ApiError(400, f"parameter {self.name!r} must be at least {self.minimum}, got {number}")
            if self.maximum is not None and number > self.maximum:
                raise ApiError(400, f"parameter {self.name!r} must be at most {self.maximum}, got {number}")
            return number
        if not value:
            raise ApiError(400, f"parameter {self.name!r} is empty")
        self._check_enum(value)
        return value

    def _check_enum(self, value: str) -> None:
        if self.enum and value not in self.enum:
            raise ApiError(400, f"parameter {self.name!r}: unknown value {value[:40]!r}; expected one of {', '.join(map(str, self.enum))}")


@dataclass
class Payload:
    """What an endpoint answers before it is written in a format.

    ``body``: the JSON document (without ``data_version``, added by :func:`respond`); ``frame``:
    the rows (CSV, and ``rows`` in JSON when ``body`` is None); ``raw``: bytes already in their
    format (GeoJSON, Atom, images)."""

    body: dict | None = None
    frame: pd.DataFrame | None = None
    raw: bytes | None = None
    headers: dict = field(default_factory=dict)
    meta: dict = field(default_factory=dict)  # JSON only, before ``rows`` (paging: total, limit, offset, ...)


def jsonable(value):
    """A value JSON can hold: NaN and NA as null (a gap, never 0), numpy scalars as numbers."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [jsonable(v) for v in value]
    if isinstance(value, pd.DataFrame):
        return records(value)
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) or math.isinf(value) else float(value)
    if isinstance(value, (datetime, date, pd.Timestamp)):
        return value.isoformat()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (str, int)):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows of ``frame`` as JSON objects (missing values as null)."""
    columns = [str(c) for c in frame.columns]
    return [{c: jsonable(v) for c, v in zip(columns, row)} for row in frame.itertuples(index=False, name=None)]


def choose_format(ext: str | None, requested: str | None, accept: str, allowed: tuple[str, ...]) -> str:
    """The format of the answer: the path's extension, else ``format=``, else the Accept header,
    else the endpoint's first format (406 for a format the endpoint does not give)."""
    for chosen in (ext, requested):
        if chosen:
            if chosen not in allowed:
                raise ApiError(406 if chosen in FORMATS else 400,
                               f"format {chosen[:20]!r} is not available here; choose one of {', '.join(allowed)}")
            return chosen
    for fmt in allowed:
        if FORMATS[fmt].split(";")[0] in (accept or ""):
            return fmt
    return allowed[0]


def etag_of(content: bytes) -> str:
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


def encode(payload: Payload, fmt: str, version: str, meta: dict | None = None) -> bytes:
    """The payload's bytes in ``fmt``: JSON with ``data_version`` first, CSV with a
    ``data_version`` column on every row (RFC 4180, formulas neutralised: analytics.export)."""
    if payload.raw is not None:
        return payload.raw
    if fmt == "csv":
        from analytics.export import to_csv_bytes

        frame = payload.frame if payload.frame is not None else pd.DataFrame()
        if "data_version" not in frame.columns:
            frame = frame.assign(data_version=version)
        return to_csv_bytes(frame)
    body = {"data_version": version, **(meta or {}), **payload.meta}
    if payload.body is not None:
        body.update(payload.body)
        return json.dumps(jsonable(body), ensure_ascii=False, allow_nan=False).encode("utf-8")
    # rows written by pandas (10,000 rows: 0.1 s instead of 2 s cell by cell); NaN and NA as null
    frame = payload.frame if payload.frame is not None else pd.DataFrame()
    rows = frame.to_json(orient="records", date_format="iso", force_ascii=False, double_precision=15) if len(frame.columns) else "[]"
    head = json.dumps(jsonable(body), ensure_ascii=False, allow_nan=False)[:-1]
    return (head + ', "rows": ' + rows + "}").encode("utf-8")


def error_body(status: int, message: str, version: str | None = None) -> bytes:
    body = {"error": {"status": status, "message": message}}
    if version:
        body["data_version"] = version
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def cache_control(requested_version: str | None, version: str) -> str:
    """Immutable when the URL names the data version it shows, else a short public cache."""
    if requested_version is None:
        return SHORT_CACHE
    if requested_version != version:
        raise ApiError(404, f"data version {requested_version[:20]!r} is not served here; the current data version is "
                            f"{version} (drop v= or use v={version})")
    return IMMUTABLE


Handler = Callable[..., Payload]
