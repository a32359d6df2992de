"""The download routes (Flask blueprint `downloads`) and the JSON error handling shared with the API.

    /download/scores.csv|.xlsx|.geojson|.gpkg?year=2021[&country=COL,LBN][&region=...][&level=pillar|indicator]
    /download/sources.csv?year=2021[&country=...]     the citation table for the sources behind those rows
    /download/chart/<kind>.png|.svg?...               a chart of dashboard.figures.CHARTS, server-rendered
    /download/brief/<ISO3>.pdf?year=2021              the country brief
    /embed/<kind>?...                                 one chart alone for an iframe (dashboard.exports.embed)
"""

from __future__ import annotations

import hashlib
import unicodedata

from flask import Blueprint, Response, jsonify, request
from werkzeug.exceptions import HTTPException, InternalServerError

from indicators.text import N_, Sentence

from .. import i18n
from .. import params as P
from ..params import ParamError
from . import brief, embed
from .cache import _cache
from .formats import DATA_FORMATS, MEDIA_TYPES, ONE_YEAR_FORMATS, export_data, to_csv
from .images import chart_filename, render_chart
from .query import Query, parse_country
from .tables import scores_table, sources_table


def error_response(status: int, message: str, parameter: str | None = None) -> Response:
    """`{"error", "status", "parameter"}`: `error` is prose in the request's language (`?lang=`, else
    Accept-Language, else English; a Sentence is translated here), `status` and `parameter` never change."""
    body = {"error": i18n.localise(message), "status": status}
    if parameter:
        body["parameter"] = parameter
    response = jsonify(body)
    response.status_code = status
    response.headers["Content-Language"] = i18n.current()
    return response


bp = Blueprint("downloads", __name__, url_prefix="/download")


def _file(payload: bytes, fmt: str, filename: str, link: str | None = None) -> Response:
    response = Response(payload, content_type=MEDIA_TYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=300"
    if link:
        response.headers["Link"] = f'<{link}>; rel="describedby"; type="text/csv"'
    # the body comes from the export cache (per data version): a hash of it is a strong ETag every worker
    # agrees on, and a client revalidating an unchanged file gets 304 without the bytes (dashboard.caching)
    response.set_etag(hashlib.sha256(payload).hexdigest()[:32])
    return response.make_conditional(request)


@bp.get("/scores.<fmt>")
def download_scores(fmt: str):
    if fmt not in DATA_FORMATS:
        raise ParamError("format", N_("format '%(value)s' is not one of %(allowed)s"), 404, value=fmt,
                         allowed=", ".join(DATA_FORMATS))
    query = Query.from_args(request.args, one_year=fmt in ONE_YEAR_FORMATS)
    payload = export_data(query, fmt)
    link = query.sources_url() if fmt == "csv" else None  # from the parsed values: no header injection
    return _file(payload, fmt, f"drd_scores_{query.slug()}.{fmt}", link)


@bp.get("/sources.csv")
def download_sources():
    if not any(request.args.get(k) for k in ("year", "country", "region", "level", "pillar")):
        frame = None
    else:
        frame = scores_table(Query.from_args(request.args))
    return _file(to_csv(sources_table(frame)), "csv", "drd_sources.csv")


@bp.get("/chart/<kind>.<fmt>")
def download_chart(kind: str, fmt: str):
    args = request.args.to_dict()
    payload = render_chart(kind, fmt, args)
    return _file(payload, fmt, chart_filename(kind, fmt, args))


@bp.get("/brief/<iso3>.<fmt>")
def download_brief(iso3: str, fmt: str):
    if fmt != "pdf":
        raise ParamError("format", N_("briefs are PDF: use %(url)s"), 404, url=f"/download/brief/{iso3}.pdf")
    code = parse_country(iso3)
    year = P.year(request.args.get("year"))
    payload = _cache.get(("brief", code, year), lambda: brief.build_brief(code, year))
    return _file(payload, "pdf", f"drd_brief_{code}_{year}.pdf")


ANY_METHOD = ("GET", "POST", "PUT", "PATCH", "DELETE")


@bp.route("/", defaults={"rest": ""}, methods=ANY_METHOD)
@bp.route("/<path:rest>", methods=ANY_METHOD)
def download_unknown(rest: str):
    return unknown_path(f"/download/{rest}", Sentence(N_("a download")))


# --------------------------------------------------------------------------------------------------
# Methods: a path another method answers is 405 with Allow; a path nothing answers is 404

CATCH_ALLS = {"downloads.download_unknown", "open_api.unknown", "open_api_fallback.unknown_api"}


def allowed_methods(path: str) -> list[str]:
    """The methods a real route answers at `path` (the catch-alls that answer 404 do not count)."""
    from flask import current_app
    adapter = current_app.url_map.bind("localhost")
    allowed = []
    for method in ANY_METHOD:
        try:
            endpoint, _ = adapter.match(path, method=method)
        except HTTPException:  # NotFound, MethodNotAllowed, RequestRedirect
            continue
        if endpoint not in CATCH_ALLS:
            allowed.append(method)
    if "GET" in allowed:
        allowed.insert(allowed.index("GET") + 1, "HEAD")
    return [*allowed, "OPTIONS"] if allowed else []


def method_not_allowed(allowed: list[str]) -> Response:
    """405 naming what is allowed, in the body and in `Allow` (RFC 9110)."""
    shown = [m for m in allowed if m not in ("HEAD", "OPTIONS")]
    response = error_response(405, Sentence(N_("%(path)s does not answer %(method)s (it answers %(allowed)s)"),
                                            path=request.path, method=request.method, allowed=", ".join(shown)),
                              "method")
    response.headers["Allow"] = ", ".join(allowed)
    return response


def unknown_path(path: str, what: str) -> Response:
    """A catch-all's answer: 405 when another method is routed here, else 404 naming the path."""
    allowed = allowed_methods(request.path)
    if allowed:
        return method_not_allowed(allowed)
    raise ParamError("path", N_("%(path)s is not %(what)s: see /api/v1/openapi.json"), 404, path=path, what=what)


# --------------------------------------------------------------------------------------------------
# Error handling shared by the API and downloads: JSON, never an HTML 500

JSON_PREFIXES = ("/api/", "/download/")
INTERNAL = N_("internal error while building the response")


def _is_json_path() -> bool:
    return request.path.startswith(JSON_PREFIXES) or request.path in ("/api", "/download")


def handle_param_error(exc: ParamError):
    return error_response(exc.status, exc.localised(i18n.localise), exc.parameter)


def handle_http_error(exc: HTTPException):
    if not _is_json_path():
        return exc
    if isinstance(exc, InternalServerError):
        return error_response(500, Sentence(INTERNAL))
    if exc.code == 405:  # RFC 9110: a 405 lists what is allowed (never a catch-all's GET)
        return method_not_allowed(allowed_methods(request.path) or list(getattr(exc, "valid_methods", None) or []))
    return error_response(exc.code or 500, exc.description or exc.name)


def handle_unexpected(exc: Exception):
    if isinstance(exc, HTTPException):
        return handle_http_error(exc)
    if isinstance(exc, ParamError):
        return handle_param_error(exc)
    import logging
    logging.getLogger(__name__).exception("export failed: %s", request.path)
    return error_response(500, Sentence(INTERNAL))


bp.register_error_handler(Exception, handle_unexpected)
embed.bp.register_error_handler(Exception, handle_unexpected)


def _odd_character(text: str) -> str | None:
    """A control character, or white space other than a plain space (the parsers' strip() would drop it)."""
    for ch in text:
        if (ord(ch) < 32 or 127 <= ord(ch) < 160 or (ch.isspace() and ch != " ")
                or unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")):
            return f"U+{ord(ch):04X}"
    return None


def check_parameters():
    """before_request on the API, downloads and embeds: a parameter given twice is a 400 naming it, never
    silently the first (`country=COL&country=IDN` used to answer for COL alone); so is a value with a
    control character in it (the parsers strip white space, and `year=%1E2021` used to pass as 2021)."""
    if not (_is_json_path() or request.path.startswith("/embed/")):
        return None
    for name in request.args:
        values = request.args.getlist(name)
        if len(values) > 1:
            return error_response(400, Sentence(N_("%(name)s: given %(num)s times; give it once (a list is "
                                                   "comma-separated, e.g. country=COL,IDN)"),
                                                name=name[:40], num=len(values)), name[:40])
        odd = _odd_character(values[0])
        if odd:
            return error_response(400, Sentence(N_("%(name)s: contains the control or space character %(code)s"),
                                                name=name[:40], code=odd), name[:40])
    return None


def options_allow(response: Response) -> Response:
    """after_request: OPTIONS on the API and downloads lists the methods really answered there."""
    if request.method == "OPTIONS" and _is_json_path():
        allowed = allowed_methods(request.path)
        if allowed:
            response.headers["Allow"] = ", ".join(allowed)
    return response


def init_app(server) -> None:
    """Register the download routes and the JSON error handlers (called by create_app)."""
    server.register_blueprint(bp)
    server.register_blueprint(embed.bp)
    server.register_error_handler(ParamError, handle_param_error)
    server.register_error_handler(HTTPException, handle_http_error)
    server.before_request(check_parameters)
    server.after_request(options_allow)
