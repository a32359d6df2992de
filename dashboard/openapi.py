"""The OpenAPI 3.1 description of every JSON route and download (served at /api/v1/openapi.json).

Hand-written, but every list of values it names is read from the running data: the scored years
(min-max), the country codes, the regions, pillars, actors, score nodes, indicators and chart kinds.
So the document says exactly what the app accepts; `.ci/schemathesis.py` holds the app to it
(`--checks all`) and tests/test_openapi.py replays a few real answers against it.

What OpenAPI cannot state is written in each operation's description: rules that tie two parameters
together (a node with no indicators of the chosen actor, `from` before `to`) or depend on the data
(a country without a published score in a year, a proposed value outside an indicator's range).
Those are 400s with a message naming the parameter, like any other bad value.
"""

from __future__ import annotations

import re

from . import data
from . import params as P

API_VERSION = "1.1.0"

_JSON = "application/json"
_ERROR = {"$ref": "#/components/schemas/Error"}
_ISO3 = {"$ref": "#/components/schemas/ISO3"}


# --------------------------------------------------------------------------------------------------
# The vocabulary, from the data

def _vocab() -> dict:
    ds = data.dataset()
    meth = ds.methodology
    years = sorted(int(y) for y in data.years())
    pillars, actors = list(meth.pillar_codes), list(meth.actor_codes)
    ind = meth.indicators
    combos = sorted({f"{p}.{a}" for p, a in zip(ind["pillar"], ind["actor"])})
    return {"years": years, "countries": sorted(str(c) for c in data.countries().index),
            "regions": P.regions(), "pillars": pillars, "actors": actors,
            "actors_with_indicators": sorted(set(ind["actor"])),
            "combos": combos, "indicators": sorted(str(i) for i in ind.index)}


def _years_pattern(years: list[int]) -> str:
    """`2021`, `2019,2021`, `2015-2023` (from <= to) or `all`: one regular expression, from the data."""
    singles = "|".join(str(y) for y in years)
    ranges = "|".join(f"{a}-{b}" for i, a in enumerate(years) for b in years[i + 1:])
    part = f"(?:{ranges}|{singles})" if ranges else f"(?:{singles})"
    return f"^(?:[aA][lL][lL]|{part}(?:,{part}){{0,99}})$"


# --------------------------------------------------------------------------------------------------
# Parameters

_EMPTY = {"type": "string", "maxLength": 0}


def _or_empty(schema: dict) -> dict:
    """An optional parameter given empty (`year=`) means the same as absent: the schema says so."""
    keep = {k: schema[k] for k in ("default", "example") if k in schema}
    core = {k: v for k, v in schema.items() if k not in keep}
    if core.get("type") == "string" and "enum" in core:
        return core | {"enum": [*core["enum"], ""]} | keep
    if core.get("type") == "string" and "pattern" in core:
        return core | {"pattern": "^$|" + core["pattern"]} | keep
    if core.get("type") == "array":  # an empty list is `name=` already
        return schema
    return {"anyOf": [core, _EMPTY]} | keep


def _q(name: str, schema: dict, description: str, required: bool = False, empty: bool = True, **extra) -> dict:
    """A query parameter; an optional one may be given empty (= absent) unless `empty=False`."""
    if not required and empty:
        schema = _or_empty(schema)
    return {"name": name, "in": "query", "required": required, "description": description, "schema": schema,
            **extra}


def _year_one(v: dict, description: str = "Score year (default: the latest scored year)") -> dict:
    lo, hi = v["years"][0], v["years"][-1]
    contiguous = v["years"] == list(range(lo, hi + 1))
    schema = ({"type": "integer", "minimum": lo, "maximum": hi} if contiguous
              else {"type": "integer", "enum": v["years"]})
    return _q("year", schema | {"example": hi}, f"{description}: {lo}-{hi}")


def _years(v: dict) -> dict:
    lo, hi = v["years"][0], v["years"][-1]
    return _q("year", {"type": "string", "pattern": _years_pattern(v["years"]), "example": str(hi)},
              f"Score years {lo}-{hi} (default: the latest): one (`{hi}`), a list (`{lo},{hi}`), a range "
              f"(`{lo}-{hi}`, from <= to) or `all`; at most 100 parts.")


def _countries(v: dict, name: str = "country", required: bool = False, max_items: int = P.MAX_COUNTRIES,
               description: str = "") -> dict:
    items = _ISO3
    schema = {"type": "array", "items": items, "maxItems": max_items}
    if required:
        schema["minItems"] = 1
    return _q(name, schema, description or f"ISO3 codes, comma-separated (e.g. COL,LBN), case-insensitive; "
                                           f"at most {max_items}. Empty or absent: every country.",
              required, style="form", explode=False)


def _country(v: dict, description: str = "One country: ISO3 code (case-insensitive)") -> dict:
    return _q("country", _ISO3, description, required=True)


def _region(v: dict) -> dict:
    return _q("region", {"type": "string", "enum": [*v["regions"], "all", "world"]},
              "World Bank region (case-insensitive); `all` or `world`: no filter")


def _level() -> dict:
    return _q("level", {"type": "string", "enum": list(P.LEVELS), "default": "pillar"},
              "`pillar` (one row per country) or `indicator` (one row per country x indicator, with raw value, "
              "observation year and source)")


def _pillar(v: dict) -> dict:
    return _q("pillar", {"type": "string", "enum": v["pillars"]}, "At indicator level: only this pillar's indicators")


def _node(v: dict) -> dict:
    return _q("node", {"type": "string", "enum": ["overall", *v["pillars"]], "default": "overall"},
              "`overall` or a pillar")


def _actor(v: dict, charts: bool = True, only: tuple[str, ...] | None = None) -> dict:
    actors = list(only) if only else ["all", *v["actors"]]
    return _q("actor", {"type": "string", "enum": actors, "default": "all"},
              "`all` or one actor; a pillar with no indicators of that actor is a 400 naming `actor`"
              if charts else "`all` or one actor")


def _size(name: str) -> dict:
    return _q(name, {"type": "integer", "minimum": P.MIN_PX, "maximum": P.MAX_PX},
              f"Image {name} in CSS pixels ({P.MIN_PX}-{P.MAX_PX}); a PNG is drawn at print resolution")


def _pilots() -> dict:
    return _q("pilots", {"type": "string", "enum": ["0", "1", "true", "false", "yes", "no", "on", "off"]},
              "`1`: outline the pilot countries on the exported map (default: no outline)")


def _iso3_path(v: dict) -> dict:
    return {"name": "iso3", "in": "path", "required": True, "description": "ISO3 code (case-insensitive)",
            "schema": _ISO3 | {"example": "COL"}}


def chart_parameters(v: dict) -> dict[str, list[dict]]:
    """The query parameters each chart kind reads (dashboard.figures.CHARTS); others are ignored, but every
    parameter of the shared vocabulary is still checked (a bad one is a 400)."""
    year, node, actor, region = _year_one(v), _node(v), _actor(v), _region(v)
    country = _country(v)
    compare = _countries(v, "countries", required=True, max_items=P.MAX_COMPARE,
                         description=f"1-{P.MAX_COMPARE} ISO3 codes, comma-separated (e.g. COL,IDN)")
    from .figures import MAP_ACTORS  # structural scores carry no band to colour a map by
    return {"map": [year, node, _actor(v, only=MAP_ACTORS), region, _pilots()],
            "pillars": [country, year], "split": [country, year], "region_compare": [country, year],
            "trend": [country, actor, node], "compare": [compare, year, actor],
            "compare_trend": [compare, node, actor], "region_trends": [node, actor, region],
            "tensions": [year, region]}


# --------------------------------------------------------------------------------------------------
# Responses

def _resp(description: str, schema: dict | None = None, media: str = _JSON, headers: dict | None = None) -> dict:
    out = {"description": description}
    if schema is not None:
        out["content"] = {media: {"schema": schema}}
    if headers:
        out["headers"] = headers
    return out


def _errors(*codes: int) -> dict:
    names = {400: "BadParameter", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 409: "Conflict",
             413: "TooLarge", 414: "UriTooLong", 422: "Unprocessable", 429: "TooManyAttempts"}
    return {str(c): {"$ref": f"#/components/responses/{names[c]}"} for c in codes}


_OPEN_ERRORS = (400, 404, 414)


def _ok(description: str, schema: dict) -> dict:
    return {"200": _resp(description, schema)}


def _file_op(summary: str, media: dict[str, dict], params: list, description: str = "", op_id: str = "") -> dict:
    """A download: 200 (the file), 304 (If-None-Match matched its ETag), 400/404/414."""
    return {"get": {"summary": summary, "description": description, "operationId": op_id, "tags": ["downloads"],
                    "parameters": params,
                    "responses": {"200": {"description": "the file (Content-Disposition: attachment; an ETag)",
                                          "content": {m: {"schema": s} for m, s in media.items()}},
                                  "304": {"description": "not modified (If-None-Match matched the ETag)"},
                                  **_errors(*_OPEN_ERRORS)}}}


_BINARY = {"type": "string", "format": "binary"}
_GEOJSON = {"type": "object", "required": ["type", "features"],
            "properties": {"type": {"const": "FeatureCollection"}, "features": {"type": "array"}}}


def _json_op(summary: str, params: list, schema: dict, description: str = "", op_id: str = "",
             errors: tuple = _OPEN_ERRORS) -> dict:
    return {"get": {"summary": summary, "description": description, "operationId": op_id, "tags": ["open data"],
                    "parameters": params,
                    "responses": {**_ok(summary, schema), "304": {"description": "not modified (ETag matched)"},
                                  **_errors(*errors)}}}


# --------------------------------------------------------------------------------------------------
# The review API (dashboard.review.api)

_SECURITY = [{"basic": []}, {"session": []}]


def _review_op(method: str, summary: str, description: str, ok: tuple[str, str, dict], params: list | None = None,
               body: dict | None = None, errors: tuple = (), op_id: str = "") -> dict:
    code, what, schema = ok
    responses = {code: _resp(what, schema, headers={"Idempotent-Replayed": {
        "description": "`true` when this is the stored answer to an earlier request with the same Idempotency-Key",
        "schema": {"type": "string", "enum": ["true"]}}} if method == "post" else None),
        **_errors(*sorted({400, 401, 414, 429, *errors}))}
    op = {"summary": summary, "description": description, "operationId": op_id, "tags": ["review"],
          "security": _SECURITY, "parameters": list(params or []), "responses": responses}
    if method == "post":
        op["parameters"].append({"name": "Idempotency-Key", "in": "header", "required": False,
                                 "description": "1-128 printable ASCII characters without spaces: a retry with "
                                                "the same key and body gets the first answer again; the same "
                                                "key with another body is 422",
                                 "schema": {"type": "string", "pattern": r"^[\x21-\x7e]{1,128}$"}})
        op["requestBody"] = body or {"required": False, "content": {_JSON: {"schema": {
            "type": "object", "additionalProperties": False,
            "properties": {"comment": {"$ref": "#/components/schemas/Comment"}}}}}}
    return {method: op}


def _review_paths(v: dict) -> dict:
    from .review.api import MAX_EVENTS, MAX_ID
    lo, hi = v["years"][0], v["years"][-1]
    country_q = _q("country", _ISO3, "ISO3 code (case-insensitive)")
    year_q = _q("year", {"type": "integer", "minimum": lo, "maximum": hi}, f"Score year {lo}-{hi}")
    review_body = {"required": True, "content": {_JSON: {"schema": {"$ref": "#/components/schemas/ReviewInput"}}}}
    obs_body = {"required": True, "content": {_JSON: {"schema": {"$ref": "#/components/schemas/ObservationInput"}}}}
    array = lambda name: {"type": "array", "items": {"$ref": f"#/components/schemas/{name}"}}  # noqa: E731
    return {
        "/api/v1/reviews": {
            **_review_op("get", "Reviews, oldest first", "Any signed-in reviewer or lead.",
                         ("200", "reviews", array("Review")), [country_q, year_q], op_id="listReviews"),
            **_review_op("post", "Confirm or dispute one indicator value",
                         "A reviewer or lead. A dispute needs `proposed_value`, `comment` and `source`, and opens a "
                         "proposed correction (in `correction`). The proposed value must lie within the indicator's "
                         "range (its goalposts and every published value; counts up to ten times the highest) and, "
                         "for a categorical indicator, be one of its categories: otherwise 400 naming it.",
                         ("201", "the review (and the correction a dispute opened)",
                          {"$ref": "#/components/schemas/ReviewResult"}), body=review_body, errors=(413, 422),
                         op_id="submitReview")},
        "/api/v1/reviews/progress": _review_op(
            "get", "How many of a country-year's indicator values have been reviewed, and open disputes",
            "Any signed-in reviewer or lead.", ("200", "progress", {"$ref": "#/components/schemas/Progress"}),
            [_q("country", _ISO3, "ISO3 code (case-insensitive)", required=True),
             _q("year", {"type": "integer", "minimum": lo, "maximum": hi}, f"Score year {lo}-{hi}", required=True)],
            op_id="reviewProgress"),
        "/api/v1/corrections": _review_op(
            "get", "Corrections (proposed, accepted, rejected), oldest first", "Any signed-in reviewer or lead.",
            ("200", "corrections", array("Correction")),
            [country_q, _q("status", {"type": "string", "enum": ["proposed", "accepted", "rejected"]},
                           "Only corrections in this state")], op_id="listCorrections"),
        "/api/v1/corrections/{correction_id}/{decision}": _review_op(
            "post", "Accept or reject a proposed correction (four eyes)",
            "A lead who did not propose it (403 otherwise), once: a decided correction is 409, and so is "
            "accepting one when another correction to the same value was accepted after it was proposed. "
            "Unknown id: 404. An accepted correction reaches every score, page and export.",
            ("200", "the decided correction", {"$ref": "#/components/schemas/Correction"}),
            [{"name": "correction_id", "in": "path", "required": True,
              "schema": {"type": "integer", "minimum": 0, "example": 1}},
             {"name": "decision", "in": "path", "required": True,
              "schema": {"type": "string", "enum": ["accept", "reject"]}}],
            errors=(403, 404, 409, 413, 422), op_id="decideCorrection"),
        "/api/v1/observations": _review_op(
            "post", "Add a value the public data lacks, with its source (a proposed correction)",
            "A lead. The value must lie within the indicator's range (as for a dispute), and the country-year "
            "must have no published value of that indicator (dispute it instead): otherwise 400.",
            ("201", "the proposed correction", {"$ref": "#/components/schemas/Correction"}),
            body=obs_body, errors=(403, 413, 422), op_id="proposeObservation"),
        "/api/v1/events": _review_op(
            "get", "The audit trail (append-only, each event signed into a hash chain), oldest first",
            "Any signed-in reviewer or lead. `python -m dashboard.review verify` checks the chain.",
            ("200", "events", array("Event")),
            [country_q, _q("since", {"type": "integer", "minimum": 0, "maximum": MAX_ID, "default": 0},
                           "Only events with a larger id", empty=False),
             _q("limit", {"type": "integer", "minimum": 1, "maximum": MAX_EVENTS, "default": 500},
                "At most this many events", empty=False)], op_id="listEvents"),
    }


def _review_schemas(v: dict) -> dict:
    from .review.models import REVIEW_STATUSES
    from .review.service import MAX_COMMENT, MAX_SOURCE
    lo, hi = v["years"][0], v["years"][-1]
    text = {"type": "string", "pattern": r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$"}
    stamp = {"type": ["string", "null"], "format": "date-time"}
    num = {"type": ["number", "null"]}
    common = {"country": _ISO3,
              "year": {"type": "integer", "minimum": lo, "maximum": hi},
              "indicator": {"type": "string", "enum": v["indicators"]},
              "source": {"$ref": "#/components/schemas/Source_text"}}
    needs_text = {"allOf": [{"$ref": "#/components/schemas/Comment"}, {"type": "string", "pattern": r"\S"}]}
    return {
        "Comment": text | {"type": ["string", "null"], "maxLength": MAX_COMMENT,
                           "description": "free text without control characters"},
        "Source_text": text | {"type": ["string", "null"], "maxLength": MAX_SOURCE,
                               "description": "where the value comes from (URL, document)"},
        "ReviewInput": {
            "type": "object", "required": ["country", "year", "indicator", "status"],
            "properties": {**common, "status": {"type": "string", "enum": list(REVIEW_STATUSES)},
                           "comment": {"$ref": "#/components/schemas/Comment"},
                           "proposed_value": {"type": ["number", "null"]}},
            "additionalProperties": False,
            "oneOf": [
                {"properties": {"status": {"const": "confirmed"}, "proposed_value": {"type": "null"}}},
                {"properties": {"status": {"const": "disputed"}, "comment": needs_text,
                                "source": {"allOf": [{"$ref": "#/components/schemas/Source_text"},
                                                     {"type": "string", "pattern": r"\S"}]},
                                "proposed_value": {"type": "number"}},
                 "required": ["comment", "source", "proposed_value"]}]},
        "ObservationInput": {
            "type": "object", "required": ["country", "year", "indicator", "value", "comment", "source"],
            "properties": {**common, "value": {"type": "number"}, "comment": needs_text,
                           "source": {"allOf": [{"$ref": "#/components/schemas/Source_text"},
                                                           {"type": "string", "pattern": r"\S"}]}},
            "additionalProperties": False},
        "Review": {"type": "object",
                   "required": ["id", "country", "year", "indicator", "status", "reviewer", "created_at"],
                   "properties": {"id": {"type": "integer"}, "country": {"type": "string"},
                                  "year": {"type": "integer"}, "indicator": {"type": "string"},
                                  "status": {"type": "string", "enum": list(REVIEW_STATUSES)},
                                  "comment": {"type": ["string", "null"]}, "proposed_value": num,
                                  "source": {"type": ["string", "null"]}, "value_seen": num,
                                  "obs_year_seen": {"type": ["integer", "null"]}, "score_seen": num,
                                  "reviewer": {"type": ["string", "null"]}, "created_at": stamp}},
        "ReviewResult": {"allOf": [{"$ref": "#/components/schemas/Review"}, {
            "type": "object", "required": ["event_id", "correction"],
            "properties": {"event_id": {"type": "integer"},
                           "correction": {"oneOf": [{"$ref": "#/components/schemas/Correction"},
                                                    {"type": "null"}]}}}]},
        "Correction": {"type": "object",
                       "required": ["id", "kind", "country", "year", "indicator", "value", "status"],
                       "properties": {"id": {"type": "integer"},
                                      "kind": {"type": "string", "enum": ["dispute", "observation"]},
                                      "country": {"type": "string"}, "year": {"type": "integer"},
                                      "review_year": {"type": ["integer", "null"]},
                                      "indicator": {"type": "string"}, "value": {"type": "number"},
                                      "original_value": num, "reason": {"type": ["string", "null"]},
                                      "source": {"type": ["string", "null"]},
                                      "review_id": {"type": ["integer", "null"]},
                                      "proposer": {"type": ["string", "null"]}, "created_at": stamp,
                                      "status": {"type": "string", "enum": ["proposed", "accepted", "rejected"]},
                                      "decided_by": {"type": ["string", "null"]}, "decided_at": stamp,
                                      "decision_comment": {"type": ["string", "null"]},
                                      "event_id": {"type": "integer"}}},
        "Progress": {"type": "object",
                     "required": ["country", "year", "values", "reviewed", "share_reviewed", "open_disputes"],
                     "properties": {"country": {"type": "string"}, "year": {"type": "integer"},
                                    "values": {"type": "integer"}, "reviewed": {"type": "integer"},
                                    "share_reviewed": {"type": "number", "minimum": 0, "maximum": 1},
                                    "open_disputes": {"type": "integer"}}},
        "Event": {"type": "object", "required": ["id", "at", "actor", "action", "entity", "hash"],
                  "properties": {"id": {"type": "integer"}, "at": stamp, "actor": {"type": "string"},
                                 "action": {"type": "string"}, "entity": {"type": "string"},
                                 "entity_id": {"type": ["integer", "null"]},
                                 "country": {"type": ["string", "null"]}, "year": {"type": ["integer", "null"]},
                                 "indicator": {"type": ["string", "null"]},
                                 "before": {"type": ["object", "null"]}, "after": {"type": ["object", "null"]},
                                 "hash": {"type": "string"}}},
    }


# --------------------------------------------------------------------------------------------------
# The document

def openapi_spec() -> dict:
    from .exports.images import chart_kinds
    from .exports.tables import DATA_LICENCE, PROJECT
    v = _vocab()
    lo, hi = v["years"][0], v["years"][-1]
    kinds = sorted(chart_kinds())
    chart_params = chart_parameters(v)
    row = {"type": "object", "additionalProperties": True,
           "description": "A score row; columns are listed in `columns` and explained in the XLSX about sheet"}
    sources = {"type": "array", "items": {"$ref": "#/components/schemas/Source"}}
    filters = [_years(v), _countries(v), _region(v), _level(), _pillar(v)]
    node_enum = ["overall", *v["pillars"], *v["actors_with_indicators"], *v["combos"]]
    paths = {
        "/api/v1/scores": _json_op(
            "Scores for a year (and countries), at pillar or indicator level", filters,
            {"type": "object", "required": ["years", "level", "count", "columns", "data", "sources", "licence",
                                            "methodology_version"],
             "properties": {"years": {"type": "array", "items": {"type": "integer", "minimum": lo, "maximum": hi}},
                            "level": {"type": "string", "enum": list(P.LEVELS)}, "count": {"type": "integer"},
                            "columns": {"type": "array", "items": {"type": "string"}},
                            "licence": {"type": "string"}, "credit": {"type": "string"},
                            "methodology_version": {"type": "string"}, "sources": sources,
                            "data": {"type": "array", "items": row}}}, op_id="scores"),
        "/api/v1/countries": _json_op(
            "Every country: name, region, income group, pilot flag, whether a map shape exists", [],
            {"type": "object", "required": ["count", "data"],
             "properties": {"count": {"type": "integer"}, "data": {"type": "array", "items": row}}},
            op_id="countries", errors=(414,)),
        "/api/v1/countries/{iso3}": _json_op(
            "The drill-down for one country and year: overall, actors, pillars, and every indicator with its "
            "raw value, observation year, source, score and weight", [_iso3_path(v), _year_one(v)],
            {"$ref": "#/components/schemas/Drilldown"}, op_id="country"),
        "/api/v1/countries/{iso3}/trend": _json_op(
            "Change of a score between two years: published, on the same indicators and from indicators added or "
            "dropped, with each indicator's contribution",
            [_iso3_path(v),
             _q("from", {"type": "integer", "minimum": lo, "maximum": hi, "example": lo},
                f"Start year {lo}-{hi} (default: the first year with a score)"),
             _q("to", {"type": "integer", "minimum": lo, "maximum": hi, "example": hi},
                f"End year {lo}-{hi} (default: the last year with a score)"),
             _q("node", {"type": "string", "enum": node_enum, "default": "overall"},
                "`overall`, a pillar (`privacy`), an actor (`state`) or a pillar.actor node (`privacy.state`)")],
            {"$ref": "#/components/schemas/Trend"},
            "`like_for_like` chains year-to-year changes computed on the indicators the country has in both years "
            "of each step (a value carried forward counts as no change); `composition` = `published` - "
            "`like_for_like`. Method: the methodology page, section 'Changes over time, like for like'. "
            "400 when `from` is not before `to`, or the country has no published score of the node in either "
            "year (withheld or no data); 404 when the country has no scores at all.", op_id="countryTrend"),
        "/api/v1/methodology": _json_op(
            "Indicators, pillars, actors, bands, parameters and sources", [],
            {"type": "object", "required": ["indicators", "pillars", "sources", "methodology_version"],
             "properties": {"methodology_version": {"type": "string"},
                            "first_year": {"type": "integer"}, "last_year": {"type": "integer"},
                            "indicators": {"type": "array"}, "pillars": {"type": "array"},
                            "actors": {"type": "array"}, "bands": {"type": "array"}, "sources": sources}},
            op_id="methodology", errors=(414,)),
        "/api/v1/tensions": _json_op(
            "Tensions within rights (not part of the scores): per country, harm pressure (DSP v8 disinformation), "
            "restriction in practice (the scored censorship, filtering, arrests and shutdown indicators), "
            "safeguards and stated harm; and the source rows behind each point",
            [_year_one(v), _countries(v), _region(v)],
            {"type": "object", "required": ["year", "count", "placed", "columns", "data", "rows", "sources", "licence"],
             "properties": {"year": {"type": "integer"}, "count": {"type": "integer"}, "placed": {"type": "integer"},
                            "part_of_scores": {"type": "boolean"},
                            "axes": {"type": "object", "additionalProperties": {"type": "string"}},
                            "columns": {"type": "array", "items": {"type": "string"}},
                            "licence": {"type": "string"}, "credit": {"type": "string"},
                            "methodology_version": {"type": "string"}, "sources": sources,
                            "links": {"type": "object"}, "data": {"type": "array", "items": row},
                            "rows": {"type": "array", "items": {"type": "object",
                                                                "required": ["iso3", "measure", "value", "source_id"],
                                                                "additionalProperties": True}}}},
            op_id="tensions"),
        "/api/v1/openapi.json": _json_op("This description (OpenAPI 3.1)", [], {"type": "object",
                                                                                "required": ["openapi", "paths"]},
                                         op_id="openapi", errors=(414,)),
        "/download/scores.{format}": _file_op(
            "Scores as CSV, XLSX (with about and sources sheets), GeoJSON or GeoPackage",
            {"text/csv": _BINARY, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": _BINARY,
             "application/geo+json": _GEOJSON, "application/geopackage+sqlite3": _BINARY},
            [{"name": "format", "in": "path", "required": True,
              "schema": {"type": "string", "enum": ["csv", "xlsx", "geojson", "gpkg"]}}, *filters],
            "GeoJSON and GeoPackage take one year at pillar level (400 naming `year` or `level` otherwise); "
            "countries without a Natural Earth 1:110m shape are listed in the GeoJSON's `countries_without_shape`. "
            "The CSV's `Link` header names its sources table.", "downloadScores"),
        "/download/sources.csv": _file_op(
            "Publisher, dataset, URL, licence and citation of the sources behind a selection (all when no "
            "parameter)", {"text/csv": _BINARY}, filters, op_id="downloadSources"),
        "/download/tensions.{format}": _file_op(
            "The tensions table (not part of the scores) as CSV or XLSX (with the rows behind each point)",
            {"text/csv": _BINARY, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": _BINARY},
            [{"name": "format", "in": "path", "required": True, "schema": {"type": "string", "enum": ["csv", "xlsx"]}},
             _year_one(v), _countries(v), _region(v)], op_id="downloadTensions"),
        "/download/tensions_sources.csv": _file_op(
            "The sources behind the tensions table", {"text/csv": _BINARY},
            [_year_one(v), _countries(v), _region(v)], op_id="downloadTensionsSources"),
        "/download/brief/{iso3}.pdf": _file_op(
            "A one-to-two page country brief (tagged PDF): scores, bands, charts, main indicators with sources, "
            "coverage, date and methodology version", {"application/pdf": _BINARY}, [_iso3_path(v), _year_one(v)],
            op_id="downloadBrief"),
    }
    for kind in kinds:
        params = chart_params.get(kind, [_year_one(v)])
        paths[f"/download/chart/{kind}.{{format}}"] = _file_op(
            f"The `{kind}` chart rendered on the server (PNG at print resolution, or SVG) with its title, year, "
            "sources and licence", {"image/png": _BINARY, "image/svg+xml": _BINARY},
            [{"name": "format", "in": "path", "required": True, "schema": {"type": "string", "enum": ["png", "svg"]}},
             *params, _size("width"), _size("height")],
            "The parameters are the chart's, as in the page URL. Every other parameter of the dashboard's URL "
            "vocabulary (year, country, countries, region, node, actor, level, pillar, pilots) is still checked: a "
            "bad value is a 400 naming it.", f"chart_{kind}")
        paths[f"/embed/{kind}"] = {"get": {
            "summary": f"The `{kind}` chart alone, as an HTML page for an iframe (with its sources and licence)",
            "operationId": f"embed_{kind}", "tags": ["downloads"],
            "parameters": [*params, _q("code", {"type": "string", "enum": ["0", "1", "true", "false", "yes", "no",
                                                                             "on", "off"]},
                                       "`1`: also show the HTML snippet to paste")],
            "responses": {"200": _resp("the page", {"type": "string"}, "text/html"), **_errors(*_OPEN_ERRORS)}}}
    paths |= _review_paths(v)
    return {
        "openapi": "3.1.0",
        "info": {"title": f"{PROJECT} open data API", "version": API_VERSION,
                 "description": "Digital rights scores (1-6, 6 = fully respected) by country, pillar and actor, "
                                "with the raw values and sources behind them, and the expert-review API. Data under "
                                "CC BY-SA 4.0; third-party figures under their publishers' terms (see `sources`).\n\n"
                                "Errors are JSON `{error, status[, parameter]}`: `error` is a sentence for people, in "
                                "the language of `?lang=` (en, es, fr, ar, ru, zh, pt, id), else of `Accept-Language`, "
                                "else English (`Content-Language` names it); `status` and `parameter` are the same in "
                                "every language: match on those, not on the words. A method a path does not take is "
                                "405 with an `Allow` header listing the ones it does (e.g. `GET /api/v1/observations`"
                                " -> 405, `Allow: POST`). A query string over 8 KB is 414; a request body over 1 MB "
                                "(64 KB on the review API) is 413, refused before it is read. Open-data answers "
                                "carry an ETag (304 on If-None-Match).",
                 "license": {"name": f"{DATA_LICENCE} (data)",
                             "url": "https://creativecommons.org/licenses/by-sa/4.0/"}},
        "servers": [{"url": "/"}],
        "tags": [{"name": "open data"}, {"name": "downloads"},
                 {"name": "review", "description": "Expert review: sign-in required (HTTP Basic on every request, or "
                                                   "the browser's session cookie from /signin; with the cookie a "
                                                   "POST must be JSON, which a cross-site form cannot send)."}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "basic": {"type": "http", "scheme": "basic",
                          "description": "A reviewer's or lead's name and password (accounts: "
                                         "`python -m dashboard.users add NAME --role reviewer|lead`)"},
                "session": {"type": "apiKey", "in": "cookie", "name": "drd_session",
                            "description": "The signed session cookie /signin sets (HttpOnly, SameSite=Lax)"}},
            "schemas": {"ISO3": {"type": "string", "enum": v["countries"],
                                 "description": "a country's ISO 3166-1 alpha-3 code (case-insensitive)"},
                        **_open_schemas(v), **_review_schemas(v),
                        "Error": {"type": "object", "required": ["error", "status"],
                                  "properties": {
                                      "error": {"type": "string", "description": "what is wrong, for people: in the "
                                                "language of ?lang= or Accept-Language (default English)"},
                                      "parameter": {"type": "string", "description": "the parameter at fault (the "
                                                    "same in every language)"},
                                      "status": {"type": "integer", "description": "the HTTP status"}}}},
            "responses": {
                "BadParameter": _resp("a parameter or the body is invalid (named in `parameter` or the message)",
                                      _ERROR),
                "NotFound": _resp("unknown country, format, chart or correction (named in `parameter`)", _ERROR),
                "Unauthorized": _resp("no or wrong credentials", _ERROR, headers={"WWW-Authenticate": {
                    "schema": {"type": "string"}}}),
                "Forbidden": _resp("the account's role may not do this (or the four-eyes rule)", _ERROR),
                "Conflict": _resp("already decided, or overtaken by a later accepted correction", _ERROR),
                "TooLarge": _resp("the request body is over the cap (refused before it is read)", _ERROR),
                "UriTooLong": _resp("the query string is over 8 KB", _ERROR),
                "Unprocessable": _resp("the Idempotency-Key was used for a different request", _ERROR),
                "TooManyAttempts": _resp("too many wrong passwords from this address", _ERROR, headers={
                    "Retry-After": {"schema": {"type": "string", "pattern": "^[0-9]+$"}}}),
            },
        },
    }


def _open_schemas(v: dict) -> dict:
    return {
        "Source": {"type": "object", "properties": {k: {"type": ["string", "null"]} for k in (
            "source_id", "publisher", "dataset", "url", "licence", "citation", "accessed")}},
        "Indicator": {"type": "object", "required": ["indicator", "value", "obs_year", "source", "score", "weight"],
                      "properties": {"indicator": {"type": "string"}, "name": {"type": "string"},
                                     "value": {"type": ["number", "null"]}, "obs_year": {"type": ["integer", "null"]},
                                     "score": {"type": ["number", "null"]}, "weight": {"type": "number"},
                                     "status": {"type": "string"},
                                     "source": {"oneOf": [{"$ref": "#/components/schemas/Source"}, {"type": "null"}]}}},
        "Drilldown": {"type": "object", "required": ["iso3", "country", "year", "overall", "pillars",
                                                     "methodology_version"],
                      "properties": {"iso3": {"type": "string"}, "country": {"type": "string"},
                                     "year": {"type": "integer"}, "overall": {"type": "object"},
                                     "methodology_version": {"type": "string"},
                                     "actors": {"type": "array", "items": {"type": "object"}},
                                     "pillars": {"type": "array", "items": {"type": "object", "properties": {
                                         "items": {"type": "array",
                                                   "items": {"$ref": "#/components/schemas/Indicator"}}}}},
                                     "sources": {"type": "array", "items": {"$ref": "#/components/schemas/Source"}}}},
        "Trend": {"type": "object",
                  "required": ["iso3", "node", "from", "to", "published", "like_for_like", "composition", "years",
                               "contributions", "sources", "licence"],
                  "properties": {
                      "iso3": {"type": "string"}, "country": {"type": "string"}, "node": {"type": "string"},
                      "from": {"type": "integer"}, "to": {"type": "integer"},
                      "level_from": {"type": "number"}, "level_to": {"type": "number"},
                      "published": {"type": "number", "description": "level(to) - level(from)"},
                      "like_for_like": {"type": ["number", "null"],
                                        "description": "chained changes on the indicators in both years"},
                      "composition": {"type": ["number", "null"], "description": "published - like_for_like"},
                      "years": {"type": "array", "items": {"type": "object"}},
                      "contributions": {"type": "array", "items": {"$ref": "#/components/schemas/Contribution"}},
                      "licence": {"type": "string"}, "credit": {"type": "string"},
                      "sources": {"type": "array", "items": {"$ref": "#/components/schemas/Source"}}}},
        "Contribution": {"type": "object", "required": ["indicator", "name", "pillar", "contribution", "status"],
                         "properties": {
                             "indicator": {"type": "string"}, "name": {"type": "string"},
                             "pillar": {"type": "string"}, "actor": {"type": "string"},
                             "contribution": {"type": "number"},
                             **{k: {"type": ["number", "null"]} for k in ("value_from", "value_to", "score_from",
                                                                          "score_to")},
                             **{k: {"type": ["integer", "null"]} for k in ("obs_year_from", "obs_year_to")},
                             "status": {"type": "string", "enum": ["changed", "unchanged", "carried", "entered",
                                                                   "left", "transient"]},
                             "why": {"type": "string"}}},
    }


def path_pattern(path: str) -> re.Pattern:
    """A documented path template as a regular expression (tests match real URLs against it)."""
    return re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) + "$")
