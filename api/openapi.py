"""The OpenAPI 3.1 description of the API, generated from the endpoint declarations
(:data:`api.resources.ENDPOINTS`) and the chart route: what ``/api/v1/openapi.json`` serves."""
from __future__ import annotations

from api.http import FORMATS
from api.resources import ENDPOINTS

ERROR = {"type": "object", "required": ["error"],
         "properties": {"error": {"type": "object", "required": ["status", "message"],
                                  "properties": {"status": {"type": "integer"}, "message": {"type": "string"}}},
                        "data_version": {"type": "string"}}}


def _schema(param) -> dict:
    if param.kind == "integer":
        schema = {"type": "integer"}
        if param.minimum is not None:
            schema["minimum"] = param.minimum
        if param.maximum is not None:
            schema["maximum"] = param.maximum
    elif param.kind == "list":
        item = {"type": "string", **({"enum": list(param.enum)} if param.enum else {})}
        return {"type": "array", "items": item}
    else:
        schema = {"type": "string", **({"enum": list(param.enum)} if param.enum else {})}
    if param.default is not None:
        schema["default"] = param.default
    return schema


def _parameter(param) -> dict:
    out = {"name": param.name, "in": param.where, "description": param.description, "required": param.where == "path",
           "schema": _schema(param)}
    if param.kind == "list":
        out.update(style="form", explode=False)
    return out


def _responses(formats) -> dict:
    ok = {FORMATS[f].split(";")[0]: {"schema": {"type": "object"} if f in ("json", "geojson") else {"type": "string"}}
          for f in formats}
    err = {"content": {"application/json": {"schema": ERROR}}}
    return {"200": {"description": "The answer, with headers X-Data-Version, ETag and Cache-Control", "content": ok},
            "304": {"description": "Not modified (If-None-Match)"},
            "400": {"description": "A malformed or unknown parameter", **err},
            "404": {"description": "An unknown id, or a data version not served", **err},
            "406": {"description": "A format this address does not give", **err}}


def description() -> dict:
    paths = {}
    common = [{"name": "v", "in": "query", "required": False, "schema": {"type": "string"},
               "description": "The data version the URL shows (the answer is then immutable)"}]
    for endpoint in ENDPOINTS:
        fmt_param = {"name": "format", "in": "query", "required": False, "schema": {"type": "string", "enum": list(endpoint.formats)},
                     "description": "Format (or an extension .json/.csv/..., or the Accept header)"}
        paths[endpoint.path] = {"get": {"operationId": endpoint.name, "summary": endpoint.summary,
                                        "parameters": [_parameter(p) for p in endpoint.params] + [fmt_param] + common,
                                        "responses": _responses(endpoint.formats)}}
    from api.charts import PARAMS

    paths["/chart/{view}.{ext}"] = {"get": {
        "operationId": "chart", "summary": "The page's chart as an image (size=og: 1200x630 PNG)",
        "parameters": [{"name": "view", "in": "path", "required": True,
                        "schema": {"type": "string", "enum": ["overview", "city", "compare", "spatial", "origins", "themes",
                                                              "explorer", "coverage", "methods"]}},
                       {"name": "ext", "in": "path", "required": True, "schema": {"type": "string", "enum": ["png", "svg"]}}]
                      + [_parameter(p) for n, p in PARAMS.items() if n != "v"] + common,
        "responses": {**_responses(("png", "svg")), "503": {"description": "No Chromium on the server",
                                                            "content": {"application/json": {"schema": ERROR}}}}}}
    return {"openapi": "3.1.0",
            "info": {"title": "MC2CM city migration dashboard: public data API", "version": "1",
                     "description": "Read-only JSON and CSV of the dashboard's figures, city profiles and comparisons "
                                    "(the pages' sections), district counts and boundaries, segregation indices, chart images "
                                    "and an Atom feed. Every answer carries the data version. See docs/api.md."},
            "servers": [{"url": "/"}], "paths": paths}
