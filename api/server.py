"""Starlette routes from the endpoint declarations (:data:`api.resources.ENDPOINTS`): one
function turns a request into checked arguments, runs the endpoint on a cursor of the shared
read-only connection (``ui.data``, the pages' own) and writes the answer with the data version,
``ETag`` and ``Cache-Control``. Every failure is a JSON error; none shows a traceback."""
from __future__ import annotations

import logging
import re

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Match
from starlette.routing import Route as StarletteRoute

from api.http import FORMATS, ApiError, cache_control, choose_format, encode, error_body, etag_of
from api.resources import ENDPOINTS, Endpoint
from ui import data as ui_data

LOG = logging.getLogger("mc2cm.api")
COMMON = {"format", "v"}  # query parameters every endpoint takes
EXTENSION = re.compile(r"^(.*)\.(json|csv|geojson|atom|png|svg)$")


class Route(StarletteRoute):
    """A route that takes every method: the endpoint answers anything but GET and HEAD with a
    JSON 405 (Starlette's own 405 is plain text)."""

    def matches(self, scope):
        match, child = super().matches(scope)
        return (Match.FULL if match == Match.PARTIAL else match), child

    async def handle(self, scope, receive, send):
        await self.app(scope, receive, send)


def json_error(status: int, message: str, version: str | None = None, headers: dict | None = None) -> Response:
    return Response(error_body(status, message, version), status_code=status, media_type="application/json",
                    headers={"Cache-Control": "no-store", **(headers or {})})


def _version() -> str | None:
    try:
        return ui_data.data_version()
    except Exception:  # noqa: BLE001 - any failure to read the database is the same answer
        return None


def _arguments(endpoint: Endpoint, request: Request, path_params: dict) -> dict:
    declared = {p.name: p for p in endpoint.params}
    query = request.query_params
    unknown = sorted(set(query.keys()) - set(declared) - COMMON)
    if unknown:
        names = ", ".join(n[:30] for n in unknown[:5])
        allowed = ", ".join(sorted(set(p.name for p in endpoint.params if p.where == "query") | COMMON))
        raise ApiError(400, f"unknown parameter {names}; this endpoint takes {allowed}")
    args = {}
    for param in endpoint.params:
        raw = [path_params[param.name]] if param.where == "path" else query.getlist(param.name)
        args[param.name] = param.parse(raw)
    return args


def handler(endpoint: Endpoint):
    def endpoint_function(request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            return method_not_allowed(request)
        version = None
        try:
            path_params = dict(request.path_params)
            ext = path_params.pop("ext", None)
            last = next((p.name for p in reversed(endpoint.params) if p.where == "path"), None)
            if last and ext is None:
                match = EXTENSION.match(path_params[last])
                if match and endpoint.path.endswith("{" + last + "}"):
                    path_params[last], ext = match.group(1), match.group(2)
            args = _arguments(endpoint, request, path_params)
            fmt = choose_format(ext, request.query_params.get("format"), request.headers.get("accept", ""), endpoint.formats)
            version = _version()
            if version is None:
                return json_error(503, "the database is not available; build it with `make build`")
            cache = cache_control(request.query_params.get("v"), version)
            if endpoint.name == "feed":
                args["base"] = str(request.base_url)
            con = ui_data.cursor()
            try:
                payload = endpoint.build(con, args)
            finally:
                con.close()
            content = encode(payload, fmt, version)
        except ApiError as error:
            return json_error(error.status, error.message, version)
        except ui_data.DatabaseUnavailable:
            return json_error(503, "the database is not available; build it with `make build`")
        except Exception:  # noqa: BLE001 - logged for the operator; the client gets a message, not a traceback
            LOG.exception("API error on %s", request.url.path)
            return json_error(500, "internal error while answering this request (logged); please report the URL", version)
        etag = etag_of(content)
        headers = {"ETag": etag, "Cache-Control": cache, "X-Data-Version": version, "Vary": "Accept",
                   "Access-Control-Allow-Origin": "*", **payload.headers}
        if fmt == "csv":
            headers["Content-Disposition"] = f'inline; filename="mc2cm-{endpoint.name}-{version}.csv"'
        if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
            return Response(status_code=304, headers=headers)
        return Response(content, media_type=FORMATS[fmt], headers=headers)

    endpoint_function.__name__ = endpoint.name
    return endpoint_function


def method_not_allowed(request: Request) -> Response:
    return json_error(405, f"{request.method[:10]} is not allowed: this API is read-only (GET, HEAD)", headers={"Allow": "GET, HEAD"})


def not_found(request: Request) -> Response:
    if request.method not in ("GET", "HEAD"):
        return method_not_allowed(request)
    return json_error(404, f"no such address: {request.url.path[:120]}; see /api/v1 and /api/v1/openapi.json")


def openapi(request: Request) -> Response:
    import json

    if request.method not in ("GET", "HEAD"):
        return method_not_allowed(request)
    from api.openapi import description

    content = json.dumps(description(), ensure_ascii=False).encode("utf-8")
    return Response(content, media_type="application/json", headers={"ETag": etag_of(content), "Cache-Control": "public, max-age=300",
                                                                     "Access-Control-Allow-Origin": "*"})


def all_routes() -> list:
    from api.charts import chart_route

    out = [Route("/api/v1/openapi.json", openapi)]
    for endpoint in ENDPOINTS:
        function = handler(endpoint)
        out.append(Route(endpoint.path, function, name=endpoint.name))
        if not endpoint.path.endswith("}"):
            out.append(Route(endpoint.path + ".{ext}", function, name=endpoint.name + "_ext"))
    out.append(Route("/chart/{view}.{ext}", chart_route, name="chart"))
    out.append(Route("/api/v1/{rest:path}", not_found))
    out.append(Route("/chart/{rest:path}", not_found))
    return out
