"""The open-data API: plain Flask routes under /api/v1 (JSON), described by /api/v1/openapi.json.

    GET /api/v1/scores?year=2021[&country=COL,LBN][&region=...][&level=pillar|indicator][&pillar=...]
    GET /api/v1/countries                      every country: name, region, pilot, has_shape
    GET /api/v1/countries/COL?year=2021        the drill-down (indicators.cli.explain) + sources
    GET /api/v1/countries/COL/trend?from=2015&to=2023&node=overall
                                               published, like-for-like and composition change (indicators.trend)
    GET /api/v1/methodology                    indicators, pillars, actors, bands, parameters, sources
    GET /api/v1/tensions?year=2023[&country=]  the rows behind /tensions (not part of the scores)
    GET /api/v1/openapi.json                   this API and the review API, OpenAPI 3.1 (dashboard.openapi)

Answers are cached per scoring run with an ETag (dashboard.caching): a repeated request is a lookup.
Rows come from dashboard.exports.scores_table, the same function every download uses. Bad parameters
answer 400/404 with `{"error", "parameter", "status"}`.
"""

from __future__ import annotations

import json

import pandas as pd
from flask import Blueprint, Response, request

from indicators.text import N_, Sentence

from . import data
from . import params as P
from .caching import per_data_version
from .exports.formats import shapes
from .exports.query import Query, parse_country
from .exports.routes import ANY_METHOD, handle_unexpected, unknown_path
from .exports.tables import DATA_LICENCE, credit_line, scores_table, sources_table
from .openapi import openapi_spec
from .params import ParamError

bp = Blueprint("open_api", __name__, url_prefix="/api/v1")
AN_API_ROUTE = N_("an API route")  # what a path under /api/ is not, in the 404's sentence
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
        raise ParamError(name, N_("%(name)s '%(value)s' is not a year"), name=name, value=raw) from None
    years = data.years()
    if year not in years:
        raise ParamError(name, N_("%(name)s %(year)s is outside the scored years %(range)s"), name=name, year=year,
                         range=f"{min(years)}-{max(years)}")
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
        raise ParamError(parameter if parameter in ("from", "to", "node") else "country", exc.args[0],
                         404 if parameter == "country" else 400) from None  # its Sentence: translated
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


@bp.route("/", defaults={"rest": ""}, methods=ANY_METHOD)
@bp.route("/<path:rest>", methods=ANY_METHOD)
def unknown(rest: str):
    return unknown_path(f"/api/v1/{rest}", Sentence(AN_API_ROUTE))


# The catch-all for anything under /api/ that is not v1 (answers JSON, not the Dash page).
fallback = Blueprint("open_api_fallback", __name__)
fallback.register_error_handler(Exception, handle_unexpected)


@fallback.route("/api/<path:rest>", methods=ANY_METHOD)
def unknown_api(rest: str):
    return unknown_path(f"/api/{rest}", Sentence(AN_API_ROUTE))


def init_app(server) -> None:
    """Register the API routes (called by create_app)."""
    server.register_blueprint(bp)
    server.register_blueprint(fallback)
