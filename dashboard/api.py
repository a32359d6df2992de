"""The open-data API: plain Flask routes under /api/v1 (JSON), described by /api/v1/openapi.json.

    GET /api/v1/scores?year=2021[&country=COL,LBN][&region=...][&level=pillar|indicator][&pillar=...]
    GET /api/v1/countries                      every country: name, region, pilot, has_shape
    GET /api/v1/countries/COL?year=2021        the drill-down (indicators.cli.explain) + sources
    GET /api/v1/countries/COL/trend?from=2015&to=2023&node=overall
                                               published, like-for-like and composition change (indicators.trend)
    GET /api/v1/methodology                    indicators, pillars, actors, bands, parameters, sources
    GET /api/v1/tensions?year=2023[&country=]  the rows behind /tensions (not part of the scores)
    GET /api/v1/openapi.json                   this API, OpenAPI 3.1

Answers are cached per scoring run with an ETag (dashboard.caching): a repeated request is a lookup.
Rows come from dashboard.exports.scores_table, the same function every download uses. Bad parameters
answer 400/404 with `{"error", "parameter", "status"}`.
"""

from __future__ import annotations

import json

import pandas as pd
from flask import Blueprint, Response, request

from . import data
from . import params as P
from .caching import per_data_version
from .exports.formats import shapes
from .exports.images import chart_kinds
from .exports.query import Query, parse_country
from .exports.routes import handle_unexpected
from .exports.tables import DATA_LICENCE, PROJECT, credit_line, scores_table, sources_table
from .params import ParamError

API_VERSION = "1.0.0"
bp = Blueprint("open_api", __name__, url_prefix="/api/v1")
bp.register_error_handler(Exception, handle_unexpected)


def _json(payload, status: int = 200) -> Response:
    response = Response(json.dumps(payload, allow_nan=False, ensure_ascii=False, default=_default),
                        status=status, mimetype="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def _default(value):
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if pd.isna(value):
        return None
    return str(value)


def clean(value):
    """NaN -> None, recursively (explain() may carry NaN notes)."""
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    if isinstance(value, float) and value != value:
        return None
    return value


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as JSON-ready dicts: NaN/NA -> null, numpy scalars -> Python."""
    return json.loads(frame.to_json(orient="records", date_format="iso"))


def _meta(sources: pd.DataFrame) -> dict:
    return {"licence": DATA_LICENCE,
            "methodology_version": data.dataset().methodology.parameters.methodology_version,
            "credit": credit_line(None, list(dict.fromkeys(sources["publisher"]))),
            "sources": records(sources)}


@bp.get("/scores")
@per_data_version
def scores():
    query = Query.from_args(request.args)
    frame = scores_table(query)
    sources = sources_table(frame)
    return _json({"years": list(query.years), "level": query.level, "count": len(frame),
                  "columns": list(frame.columns), **_meta(sources), "data": records(frame)})


@bp.get("/countries")
@per_data_version
def countries():
    frame = data.countries().reset_index()[["iso3", "name", "region", "income_group", "pilot"]]
    frame = frame.assign(has_shape=frame["iso3"].isin(set(shapes()["iso3"])))
    return _json({"count": len(frame), "data": records(frame)})


@bp.get("/countries/<iso3>")
@per_data_version
def country(iso3: str):
    code = parse_country(iso3)
    year = P.year(request.args.get("year"))
    drill = data.drilldown(code, year)
    used = {it["source"]["source_id"] for p in drill["pillars"] for it in p["items"]
            if it.get("status") == "used" and it.get("source")}
    sources = sources_table(pd.DataFrame({"source_id": sorted(used)}))
    drill |= {"licence": DATA_LICENCE, "sources": records(sources),
              "links": {"brief": f"/download/brief/{code}.pdf?year={year}",
                        "csv": f"/download/scores.csv?year={year}&country={code}&level=indicator",
                        "xlsx": f"/download/scores.xlsx?year={year}&country={code}&level=indicator"}}
    return _json(clean(drill))


def _trend_year(name: str) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw.strip() == "":
        return None
    try:
        year = int(raw)
    except ValueError:
        raise ParamError(name, f"{name} '{raw}' is not a year") from None
    years = data.years()
    if year not in years:
        raise ParamError(name, f"{name} {year} is outside the scored years {min(years)}-{max(years)}")
    return year


@bp.get("/countries/<iso3>/trend")
@per_data_version
def country_trend(iso3: str):
    """Change of one score between two years: published, on the same indicators (chained), composition."""
    from indicators.trend import TrendError
    code = parse_country(iso3)
    year_from, year_to = _trend_year("from"), _trend_year("to")
    node = (request.args.get("node") or "overall").strip()
    try:
        result = data.trend(code, year_from, year_to, node=node)
    except TrendError as exc:
        parameter = str(exc).split(":", 1)[0]
        raise ParamError(parameter if parameter in ("from", "to", "node") else "country", str(exc),
                         404 if parameter == "country" else 400) from None
    ind = data.dataset().methodology.indicators
    used = sorted({ind.at[c["indicator"], "source_id"] for c in result["contributions"]})
    sources = sources_table(pd.DataFrame({"source_id": used}))
    return _json(clean(result | {"country": str(data.countries().at[code, "name"]), **_meta(sources),
                                 "links": {"profile": f"/country/{code}#trend"}}))


@bp.get("/methodology")
@per_data_version
def methodology():
    ds = data.dataset()
    meth = ds.methodology
    p = meth.parameters
    return _json({
        "methodology_version": p.methodology_version, "first_year": p.first_year, "last_year": p.last_year,
        "window_years": p.window_years, "min_coverage": p.min_coverage, "scale": {"min": 1, "max": 6,
                                                                                  "best": 6},
        "pillars": records(meth.pillars.rename_axis("code").reset_index()),
        "actors": records(meth.actors.rename_axis("code").reset_index()),
        "indicators": records(meth.indicators.rename_axis("code").reset_index()),
        "bands": records(meth.bands),
        "licence": DATA_LICENCE,
        "sources": records(sources_table(None)),
    })


@bp.get("/tensions")
def tensions():
    """The rows behind /tensions: one per country (both axes, safeguards, stated harm) and the source rows."""
    from indicators.tensions import AXIS_TEXT

    from .tensions import selection, source_rows, sources_for, view_table
    year, countries, region = selection(request.args)
    frame = view_table(year, countries, region)
    rows = source_rows(year, list(frame["iso3"]))
    sources = sources_for(frame, rows)
    return _json({"year": year, "count": len(frame), "placed": int(frame["placed"].sum()),
                  "axes": AXIS_TEXT, "part_of_scores": False, "columns": list(frame.columns), **_meta(sources),
                  "data": records(frame), "rows": records(rows),
                  "links": {"csv": f"/download/tensions.csv?year={year}",
                            "xlsx": f"/download/tensions.xlsx?year={year}"}})


@bp.get("/openapi.json")
@per_data_version
def openapi():
    return _json(openapi_spec())


def _other_methods() -> list[str]:
    """Methods another route answers at this path (e.g. POST-only review routes): then 405, not 404."""
    from flask import current_app
    from werkzeug.exceptions import MethodNotAllowed, NotFound
    adapter = current_app.url_map.bind("localhost")
    allowed = []
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        try:
            endpoint, _ = adapter.match(request.path, method=method)
        except (MethodNotAllowed, NotFound):
            continue
        if not endpoint.startswith("open_api"):
            allowed.append(method)
    return allowed


def _unknown(path: str):
    allowed = _other_methods()
    if allowed:
        response = _json({"error": f"{path} does not answer GET (it answers {', '.join(allowed)})",
                          "parameter": "method", "status": 405}, 405)
        response.headers["Allow"] = ", ".join(allowed)
        return response
    raise ParamError("path", f"{path} is not an API route: see /api/v1/openapi.json", 404)


@bp.get("/", defaults={"rest": ""})
@bp.get("/<path:rest>")
def unknown(rest: str):
    return _unknown(f"/api/v1/{rest}")


# The catch-all for anything under /api/ that is not v1 (answers JSON, not the Dash page).
fallback = Blueprint("open_api_fallback", __name__)
fallback.register_error_handler(Exception, handle_unexpected)


@fallback.get("/api/<path:rest>")
def unknown_api(rest: str):
    return _unknown(f"/api/{rest}")


# --------------------------------------------------------------------------------------------------
# OpenAPI 3.1 description (hand-written; tests check every path answers as documented)

_YEAR = {"name": "year", "in": "query", "required": False,
         "description": "Score year (default: the latest). Scores: also `2019,2021`, `2015-2023` or `all`.",
         "schema": {"type": "string", "example": "2021"}}
_YEAR_ONE = _YEAR | {"description": "Score year (default: the latest)", "schema": {"type": "integer",
                                                                                 "example": 2021}}
_COUNTRY = {"name": "country", "in": "query", "required": False,
            "description": "ISO3 codes, comma-separated (e.g. COL,LBN)", "schema": {"type": "string"}}
_REGION = {"name": "region", "in": "query", "required": False,
           "description": "World Bank region, e.g. `Latin America & Caribbean`", "schema": {"type": "string"}}
_LEVEL = {"name": "level", "in": "query", "required": False,
          "description": "`pillar` (one row per country) or `indicator` (one row per country x indicator, "
                         "with raw value, observation year and source)",
          "schema": {"type": "string", "enum": ["pillar", "indicator"], "default": "pillar"}}
_PILLAR = {"name": "pillar", "in": "query", "required": False,
           "description": "At indicator level: only this pillar's indicators",
           "schema": {"type": "string", "enum": ["privacy", "expression", "access", "association"]}}
_ISO3 = {"name": "iso3", "in": "path", "required": True, "schema": {"type": "string", "example": "COL"}}
_ERRORS = {"400": {"$ref": "#/components/responses/BadParameter"},
           "404": {"$ref": "#/components/responses/NotFound"}}


def _file_op(summary: str, media: dict[str, str], params: list, description: str = "") -> dict:
    return {"get": {"summary": summary, "description": description, "parameters": params,
                    "responses": {"200": {"description": "the file (Content-Disposition: attachment)",
                                          "content": {m: {"schema": {"type": "object"} if m == "application/geo+json"
                                                               else {"type": "string", "format": "binary"}}
                                                      for m in media.values()}},
                                  **_ERRORS}}}


def openapi_spec() -> dict:
    """The API description; chart kinds are read from dashboard.figures.CHARTS."""
    kinds = sorted(chart_kinds()) or ["map"]
    row = {"type": "object", "additionalProperties": True,
           "description": "A score row; columns are listed in `columns` and explained in the XLSX about sheet"}
    return {
        "openapi": "3.1.0",
        "info": {"title": f"{PROJECT} open data API", "version": API_VERSION,
                 "description": "Digital rights scores (1-6, 6 = fully respected) by country, pillar and actor, "
                                "with the raw values and sources behind them. Data under CC BY-SA 4.0; "
                                "third-party figures under their publishers' terms (see `sources`).",
                 "license": {"name": "CC BY-SA 4.0 (data)", "url": "https://creativecommons.org/licenses/by-sa/4.0/"}},
        "servers": [{"url": "/"}],
        "paths": {
            "/api/v1/scores": {"get": {
                "summary": "Scores for a year (and countries), at pillar or indicator level",
                "parameters": [_YEAR, _COUNTRY, _REGION, _LEVEL, _PILLAR],
                "responses": {"200": {"description": "rows and their sources", "content": {"application/json": {
                    "schema": {"type": "object", "required": ["years", "level", "count", "columns", "data",
                                                              "sources", "licence", "methodology_version"],
                               "properties": {"years": {"type": "array", "items": {"type": "integer"}},
                                              "level": {"type": "string"}, "count": {"type": "integer"},
                                              "columns": {"type": "array", "items": {"type": "string"}},
                                              "licence": {"type": "string"}, "credit": {"type": "string"},
                                              "methodology_version": {"type": "string"},
                                              "sources": {"type": "array",
                                                          "items": {"$ref": "#/components/schemas/Source"}},
                                              "data": {"type": "array", "items": row}}}}}},
                              **_ERRORS}}},
            "/api/v1/countries": {"get": {
                "summary": "Every country: name, region, income group, pilot flag, whether a map shape exists",
                "responses": {"200": {"description": "countries", "content": {"application/json": {
                    "schema": {"type": "object", "properties": {"count": {"type": "integer"},
                                                                "data": {"type": "array", "items": row}}}}}}}}},
            "/api/v1/countries/{iso3}": {"get": {
                "summary": "The drill-down for one country and year: overall, actors, pillars, and every "
                           "indicator with its raw value, observation year, source, score and weight",
                "parameters": [_ISO3, _YEAR_ONE],
                "responses": {"200": {"description": "drill-down", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Drilldown"}}}}, **_ERRORS}}},
            "/api/v1/countries/{iso3}/trend": {"get": {
                "summary": "Change of a score between two years: published, on the same indicators and from "
                           "indicators added or dropped, with each indicator's contribution",
                "description": "`like_for_like` chains year-to-year changes computed on the indicators the "
                               "country has in both years of each step (a value carried forward counts as no "
                               "change); `composition` = `published` - `like_for_like`. Method: the methodology "
                               "page, section 'Changes over time, like for like'.",
                "parameters": [_ISO3,
                               {"name": "from", "in": "query", "required": False,
                                "description": "Start year (default: the first year with a score)",
                                "schema": {"type": "integer", "example": 2015}},
                               {"name": "to", "in": "query", "required": False,
                                "description": "End year (default: the last year with a score)",
                                "schema": {"type": "integer", "example": 2023}},
                               {"name": "node", "in": "query", "required": False,
                                "description": "`overall`, a pillar (`privacy`), an actor (`state`) or a "
                                               "pillar.actor node (`privacy.state`)",
                                "schema": {"type": "string", "default": "overall"}}],
                "responses": {"200": {"description": "the trend", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Trend"}}}}, **_ERRORS}}},
            "/api/v1/methodology": {"get": {
                "summary": "Indicators, pillars, actors, bands, parameters and sources",
                "responses": {"200": {"description": "the methodology tables", "content": {"application/json": {
                    "schema": {"type": "object", "required": ["indicators", "pillars", "sources"]}}}}}}},
            "/api/v1/tensions": {"get": {
                "summary": "Tensions within rights (not part of the scores): per country, harm pressure (DSP v8 "
                           "disinformation), restriction in practice (the scored censorship, filtering, arrests and "
                           "shutdown indicators), safeguards and stated harm; and the source rows behind each point",
                "parameters": [_YEAR_ONE, _COUNTRY, _REGION],
                "responses": {"200": {"description": "one row per country (`data`) and the rows it rests on (`rows`)",
                                      "content": {"application/json": {"schema": {
                                          "type": "object",
                                          "required": ["year", "count", "placed", "columns", "data", "rows",
                                                       "sources", "licence"],
                                          "properties": {
                                              "year": {"type": "integer"}, "count": {"type": "integer"},
                                              "placed": {"type": "integer"},
                                              "part_of_scores": {"type": "boolean"},
                                              "axes": {"type": "object", "additionalProperties": {"type": "string"}},
                                              "columns": {"type": "array", "items": {"type": "string"}},
                                              "licence": {"type": "string"}, "credit": {"type": "string"},
                                              "methodology_version": {"type": "string"},
                                              "sources": {"type": "array",
                                                          "items": {"$ref": "#/components/schemas/Source"}},
                                              "links": {"type": "object"},
                                              "data": {"type": "array", "items": row},
                                              "rows": {"type": "array", "items": {
                                                  "type": "object", "required": ["iso3", "measure", "value",
                                                                                 "source_id"],
                                                  "additionalProperties": True}}}}}}},
                              **_ERRORS}}},
            "/api/v1/openapi.json": {"get": {"summary": "This description",
                                             "responses": {"200": {"description": "OpenAPI 3.1 document"}}}},
            "/download/scores.{format}": _file_op(
                "Scores as CSV, XLSX (with about and sources sheets), GeoJSON or GeoPackage",
                {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 "geojson": "application/geo+json", "gpkg": "application/geopackage+sqlite3"},
                [{"name": "format", "in": "path", "required": True,
                  "schema": {"type": "string", "enum": ["csv", "xlsx", "geojson", "gpkg"]}},
                 _YEAR, _COUNTRY, _REGION, _LEVEL, _PILLAR],
                "GeoJSON and GeoPackage take one year at pillar level; countries without a Natural Earth "
                "1:110m shape are listed in the GeoJSON's `countries_without_shape`."),
            "/download/sources.csv": _file_op(
                "Publisher, dataset, URL, licence and citation of the sources behind a selection (all when "
                "no parameter)", {"csv": "text/csv"}, [_YEAR, _COUNTRY, _REGION, _LEVEL, _PILLAR]),
            "/download/chart/{chart}.{format}": _file_op(
                "A dashboard chart rendered on the server (PNG at print resolution, or SVG) with its title, "
                "year, sources and licence", {"png": "image/png", "svg": "image/svg+xml"},
                [{"name": "chart", "in": "path", "required": True, "schema": {"type": "string", "enum": kinds}},
                 {"name": "format", "in": "path", "required": True,
                  "schema": {"type": "string", "enum": ["png", "svg"]}},
                 _YEAR | {"schema": {"type": "string"}},
                 {"name": "country", "in": "query", "required": False, "schema": {"type": "string"},
                  "description": "Country (or comma-separated countries) where the chart takes them"},
                 {"name": "width", "in": "query", "required": False,
                  "schema": {"type": "integer", "minimum": 200, "maximum": 4000}},
                 {"name": "height", "in": "query", "required": False,
                  "schema": {"type": "integer", "minimum": 200, "maximum": 4000}}],
                "Other query parameters are the chart's own, as in the page URL."),
            "/download/brief/{iso3}.pdf": _file_op(
                "A one-to-two page country brief (PDF): scores, bands, charts, main indicators with sources, "
                "coverage, date and methodology version", {"pdf": "application/pdf"}, [_ISO3, _YEAR_ONE]),
        },
        "components": {
            "schemas": {
                "Source": {"type": "object", "properties": {k: {"type": ["string", "null"]} for k in (
                    "source_id", "publisher", "dataset", "url", "licence", "citation", "accessed")}},
                "Indicator": {"type": "object", "required": ["indicator", "value", "obs_year", "source", "score",
                                                             "weight"],
                              "properties": {"indicator": {"type": "string"}, "name": {"type": "string"},
                                             "value": {"type": ["number", "null"]},
                                             "obs_year": {"type": ["integer", "null"]},
                                             "score": {"type": ["number", "null"]}, "weight": {"type": "number"},
                                             "status": {"type": "string"},
                                             "source": {"oneOf": [{"$ref": "#/components/schemas/Source"},
                                                                  {"type": "null"}]}}},
                "Drilldown": {"type": "object",
                              "required": ["iso3", "country", "year", "overall", "pillars", "methodology_version"],
                              "properties": {"iso3": {"type": "string"}, "country": {"type": "string"},
                                             "year": {"type": "integer"}, "overall": {"type": "object"},
                                             "methodology_version": {"type": "string"},
                                             "actors": {"type": "array", "items": {"type": "object"}},
                                             "pillars": {"type": "array", "items": {"type": "object", "properties": {
                                                 "items": {"type": "array",
                                                           "items": {"$ref": "#/components/schemas/Indicator"}}}}},
                                             "sources": {"type": "array",
                                                         "items": {"$ref": "#/components/schemas/Source"}}}},
                "Trend": {"type": "object",
                          "required": ["iso3", "node", "from", "to", "published", "like_for_like", "composition",
                                       "years", "contributions", "sources", "licence"],
                          "properties": {
                              "iso3": {"type": "string"}, "country": {"type": "string"}, "node": {"type": "string"},
                              "from": {"type": "integer"}, "to": {"type": "integer"},
                              "level_from": {"type": "number"}, "level_to": {"type": "number"},
                              "published": {"type": "number", "description": "level(to) - level(from)"},
                              "like_for_like": {"type": ["number", "null"],
                                                "description": "chained changes on the indicators in both years"},
                              "composition": {"type": ["number", "null"],
                                              "description": "published - like_for_like"},
                              "years": {"type": "array", "items": {"type": "object"}},
                              "contributions": {"type": "array",
                                                "items": {"$ref": "#/components/schemas/Contribution"}},
                              "licence": {"type": "string"}, "credit": {"type": "string"},
                              "sources": {"type": "array", "items": {"$ref": "#/components/schemas/Source"}}}},
                "Contribution": {"type": "object",
                                 "required": ["indicator", "name", "pillar", "contribution", "status"],
                                 "properties": {
                                     "indicator": {"type": "string"}, "name": {"type": "string"},
                                     "pillar": {"type": "string"}, "actor": {"type": "string"},
                                     "contribution": {"type": "number"},
                                     **{k: {"type": ["number", "null"]} for k in (
                                         "value_from", "value_to", "score_from", "score_to")},
                                     **{k: {"type": ["integer", "null"]} for k in ("obs_year_from", "obs_year_to")},
                                     "status": {"type": "string", "enum": ["changed", "unchanged", "carried",
                                                                           "entered", "left", "transient"]},
                                     "why": {"type": "string"}}},
                "Error": {"type": "object", "required": ["error", "status"],
                          "properties": {"error": {"type": "string"}, "parameter": {"type": "string"},
                                         "status": {"type": "integer"}}},
            },
            "responses": {
                "BadParameter": {"description": "a parameter is invalid (named in `parameter`)",
                                 "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                "NotFound": {"description": "unknown country, format or chart (named in `parameter`)",
                             "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            },
        },
    }


def init_app(server) -> None:
    """Register the API routes (called by create_app)."""
    server.register_blueprint(bp)
    server.register_blueprint(fallback)
