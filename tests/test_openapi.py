"""Issue 13 finding 10: /api/v1/openapi.json is true. It lists every API, download and review route the
app serves (with their auth), types its parameters from the data, and real answers of the app
(200s, 201s, 4xx, 405) validate against the schemas it declares. Schemathesis (.ci/schemathesis.py,
run by .ci/run) then fuzzes the same document."""

from __future__ import annotations

import base64
import json
import re

import pytest

from dashboard.config import Config
from tests.conftest import DATA

jsonschema = pytest.importorskip("jsonschema")
LEAD, LEAD2 = ("spec-lead", "spec-lead-password"), ("spec-lead2", "spec-lead2-password")


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from dashboard import create_app
    from dashboard.review.auth import add_user
    dash_app = create_app(Config(data_dir=DATA, instance_dir=tmp_path_factory.mktemp("instance"),
                                 secret_key="openapi-test"))
    store = dash_app.server.extensions["drd_review"].store
    for name, password in (LEAD, LEAD2):
        add_user(store, name, "lead", password)
    return dash_app.server


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def spec(client):
    return client.get("/api/v1/openapi.json").get_json()


def auth(user=LEAD) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{user[0]}:{user[1]}".encode()).decode()}


def operation(spec: dict, method: str, path: str) -> dict:
    """The documented operation a concrete path answers (None when none is documented)."""
    from dashboard.openapi import path_pattern
    matches = [(p, item) for p, item in spec["paths"].items() if path_pattern(p).match(path)]
    exact = [m for m in matches if "{" not in m[0]] or matches  # /download/sources.csv before scores.{format}
    for _, item in exact:
        if method.lower() in item:
            return item[method.lower()]
    return None


def check_answer(spec: dict, method: str, url: str, response) -> None:
    """The status is documented for this operation and the JSON body validates against its schema."""
    op = operation(spec, method, url.split("?")[0])
    assert op is not None, f"{method} {url} is not documented"
    documented = op["responses"].get(str(response.status_code))
    assert documented is not None, (method, url, response.status_code, sorted(op["responses"]))
    if "$ref" in documented:
        documented = spec["components"]["responses"][documented["$ref"].rsplit("/", 1)[1]]
    media = documented.get("content", {})
    if response.status_code == 304:
        return
    assert response.mimetype in media, (url, response.mimetype, list(media))
    if response.mimetype.endswith("json"):
        schema = media[response.mimetype]["schema"] | {"components": spec["components"]}
        jsonschema.Draft202012Validator(schema).validate(json.loads(response.data))
    for name in documented.get("headers", {}):
        assert name in response.headers or name == "Idempotent-Replayed", (url, name)


def rule_pattern(rule: str) -> re.Pattern:
    return re.compile("^" + re.sub(r"<[^>]+>", "[^/]+", re.escape(rule).replace(r"\<", "<").replace(r"\>", ">")
                                   .replace(r"\:", ":").replace(r"\(", "(").replace(r"\)", ")").replace(r"\,", ","))
                      + "$")


def test_every_api_download_and_review_route_is_documented(app, spec):
    """Each route under /api/v1, /download and /embed (but the catch-alls that answer 404) has its
    methods in the document, and each documented path is a route of the app."""
    from dashboard.openapi import path_pattern
    documented = {(p, m) for p, item in spec["paths"].items() for m in item}
    routes = [(str(r), sorted(r.methods - {"HEAD", "OPTIONS"})) for r in app.url_map.iter_rules()
              if str(r).startswith(("/api/v1/", "/download/", "/embed/")) and "unknown" not in r.endpoint]
    assert len(routes) >= 15
    for rule, methods in routes:
        pattern = rule_pattern(rule)
        for method in methods:
            hits = [p for p, m in documented
                    if m == method.lower() and pattern.match(p.replace("{", "").replace("}", ""))]
            assert hits, f"{method} {rule} is not in the OpenAPI document"
    review = {"/api/v1/reviews": {"get", "post"}, "/api/v1/reviews/progress": {"get"}, "/api/v1/corrections": {"get"},
              "/api/v1/corrections/{correction_id}/{decision}": {"post"}, "/api/v1/observations": {"post"},
              "/api/v1/events": {"get"}}
    for path, methods in review.items():
        assert set(spec["paths"][path]) == methods, path
        for m in methods:
            op = spec["paths"][path][m]
            assert op["security"] == [{"basic": []}, {"session": []}], path
            assert {"400", "401", "429"} <= set(op["responses"]), (path, m)
            if m == "post":
                assert {"413", "422"} <= set(op["responses"])
                assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in op["parameters"])
    assert spec["components"]["securitySchemes"]["basic"] == {**spec["components"]["securitySchemes"]["basic"],
                                                              "type": "http", "scheme": "basic"}
    for path in spec["paths"]:  # and nothing documented that the app does not route
        concrete = re.sub(r"\{[^}]+\}", "x", path)
        assert any(rule_pattern(str(r)).match(concrete) for r in app.url_map.iter_rules()
                   if "unknown" not in r.endpoint), path
        assert path_pattern(path).match(concrete)


def test_parameters_are_typed_from_the_data(spec):
    from dashboard import data
    years, codes = data.years(), sorted(data.countries().index)
    assert spec["components"]["schemas"]["ISO3"]["enum"] == codes
    drill = {p["name"]: p for p in spec["paths"]["/api/v1/countries/{iso3}"]["get"]["parameters"]}
    empty = {"type": "string", "maxLength": 0}  # an optional parameter given empty is the same as absent
    assert drill["year"]["schema"]["anyOf"] == [{"type": "integer", "minimum": min(years), "maximum": max(years)},
                                                empty]
    chart = {p["name"]: p for p in spec["paths"]["/download/chart/map.{format}"]["get"]["parameters"]}
    assert chart["width"]["schema"] == chart["height"]["schema"] == {
        "anyOf": [{"type": "integer", "minimum": 200, "maximum": 4000}, empty]}
    compare = {p["name"]: p for p in spec["paths"]["/download/chart/compare.{format}"]["get"]["parameters"]}
    assert compare["countries"]["required"] and compare["countries"]["schema"]["maxItems"] == 8
    assert (compare["countries"]["style"], compare["countries"]["explode"]) == ("form", False)
    scores = {p["name"]: p for p in spec["paths"]["/api/v1/scores"]["get"]["parameters"]}
    assert scores["country"]["schema"]["items"] == {"$ref": "#/components/schemas/ISO3"}
    year = re.compile(scores["year"]["schema"]["pattern"])
    lo, hi = min(years), max(years)
    for good in (str(hi), f"{lo}-{hi}", f"{lo},{hi}", "all", f"{lo}-{lo + 2},{hi}"):
        assert year.match(good), good
    for bad in (f"{hi}-{lo}", f"{lo - 1}", "0-999999999", f"{hi + 1}", "2021,", "twenty", " "):
        assert not year.match(bad), bad
    geojson = spec["paths"]["/download/scores.{format}"]["get"]["responses"]["200"]["content"]["application/geo+json"]
    assert geojson["schema"]["type"] == "object"


def _answers(client):
    """(method, url, response) for a sample of real answers, open data and review."""
    from tests.review.review_fixtures import REVIEW
    out = []

    def call(method, url, status, **kw):
        response = client.open(url, method=method, **kw)
        assert response.status_code == status, (method, url, response.status_code, response.data[:300])
        out.append((method, url, response))
        return response

    call("GET", "/api/v1/scores?year=2021&country=COL,IDN&level=indicator", 200)
    call("GET", "/api/v1/scores?year=2015-2017", 200)
    call("GET", "/api/v1/countries", 200)
    call("GET", "/api/v1/countries/COL?year=2021", 200)
    call("GET", "/api/v1/countries/COL/trend?from=2015&to=2023", 200)
    call("GET", "/api/v1/methodology", 200)
    call("GET", "/api/v1/tensions?year=2023&region=South%20Asia", 200)
    call("GET", "/api/v1/scores?year=1800", 400)
    call("GET", "/api/v1/countries/ZZZ", 404)
    call("GET", "/api/v1/countries/COL/trend?from=2023&to=2015", 400)
    call("GET", "/download/scores.geojson?year=2021", 200)
    call("GET", "/download/scores.csv?year=2021&country=COL", 200)
    call("GET", "/download/sources.csv?country=COL", 200)
    call("GET", "/download/tensions.csv?year=2023", 200)
    call("GET", "/download/chart/region_trends.png?year=%1Eh", 400)
    call("GET", "/embed/map?year=abc", 400)
    call("GET", "/api/v1/reviews?country=COL", 401)
    call("GET", "/api/v1/scores?year=", 200)  # empty = absent, as documented
    call("GET", "/api/v1/scores?country=COL&country=IDN", 400)  # never silently the first
    created = call("POST", "/api/v1/reviews", 201, json=REVIEW, headers=auth())
    call("POST", "/api/v1/reviews", 201, json=REVIEW, headers=auth() | {"Idempotency-Key": "spec-1"})
    call("POST", "/api/v1/reviews", 422, json=REVIEW | {"comment": "other"},
         headers=auth() | {"Idempotency-Key": "spec-1"})
    call("POST", "/api/v1/reviews", 400, json=REVIEW | {"proposed_value": -1e308}, headers=auth())
    correction = created.get_json()["correction"]["id"]
    call("POST", f"/api/v1/corrections/{correction}/accept", 403, json={}, headers=auth())  # four eyes
    call("POST", f"/api/v1/corrections/{correction}/reject", 200, json={"comment": "no"}, headers=auth(LEAD2))
    call("POST", f"/api/v1/corrections/{correction}/accept", 409, json={}, headers=auth(LEAD2))
    call("POST", "/api/v1/corrections/99999/accept", 404, json={}, headers=auth(LEAD2))
    call("GET", "/api/v1/reviews?country=COL&year=2021", 200, headers=auth())
    call("GET", "/api/v1/reviews/progress?country=COL&year=2021", 200, headers=auth())
    call("GET", "/api/v1/corrections?status=rejected", 200, headers=auth())
    call("GET", "/api/v1/events?since=0&limit=50", 200, headers=auth())
    call("GET", "/api/v1/events?limit=-1", 400, headers=auth())
    call("POST", "/api/v1/observations", 400, json={"country": "COL"}, headers=auth())
    call("POST", "/api/v1/reviews", 413, data=b"{" + b" " * (65 * 1024) + b"}", content_type="application/json",
         headers=auth())
    return out


def test_real_answers_validate_against_the_document(client, spec):
    answers = _answers(client)
    for method, url, response in answers:
        check_answer(spec, method, url, response)
    assert len(answers) >= 30


@pytest.mark.parametrize("method, path, allow", [
    ("GET", "/api/v1/observations", "POST, OPTIONS"), ("DELETE", "/api/v1/reviews", "GET, HEAD, POST, OPTIONS"),
    ("PUT", "/api/v1/scores", "GET, HEAD, OPTIONS"), ("POST", "/download/scores.csv", "GET, HEAD, OPTIONS"),
    ("PATCH", "/api/v1/corrections/1/accept", "POST, OPTIONS"), ("OPTIONS", "/api/v1/corrections/1/accept", None),
])
def test_405_and_options_name_exactly_the_allowed_methods(client, method, path, allow):
    """As the document's description says (schemathesis's unsupported_method and allow_header_conformance
    checks): the catch-all that answers 404 under /api/ never makes GET look allowed."""
    response = client.open(path, method=method, headers=auth())
    if method == "OPTIONS":
        assert response.status_code == 200 and response.headers["Allow"] == "POST, OPTIONS"
        return
    assert response.status_code == 405, (method, path, response.status_code)
    assert response.headers["Allow"] == allow
    assert response.get_json()["status"] == 405 and response.get_json()["parameter"] == "method"


@pytest.mark.parametrize("method, path", [
    ("POST", "/api/v1/corrections/-1/accept"), ("POST", "/api/v1/nothing"), ("DELETE", "/api/v2/scores"),
    ("PUT", "/download/nothing.csv"), ("GET", "/api/v1/corrections/1/accept/more"),
])
def test_a_path_nothing_answers_is_404_whatever_the_method(client, method, path):
    response = client.open(path, method=method, headers=auth())
    assert response.status_code == 404, (method, path, response.status_code, response.data[:200])
    assert response.get_json()["parameter"] == "path"


@pytest.mark.parametrize("url, parameter", [
    ("/api/v1/scores?country=COL&country=IDN", "country"), ("/download/scores.csv?year=2021&year=abc", "year"),
    ("/api/v1/reviews?year=2021&year=", "year"), ("/embed/map?node=privacy&node=access", "node"),
    # control characters and odd white space, which the parsers' strip() used to drop (code=%1D was `0`)
    ("/embed/trend?country=PNG&code=%1D", "code"), ("/api/v1/scores?year=%1E2021", "year"),
    ("/download/scores.csv?country=COL%E2%80%A8", "country"), ("/api/v1/events?since=%C2%850", "since"),
    # the map colours by band and structural scores have none (was a 500 on /embed and /download)
    ("/embed/map?actor=structural", "actor"), ("/download/chart/map.svg?actor=structural", "actor"),
])
def test_a_parameter_given_twice_or_with_control_characters_is_refused(client, url, parameter):
    response = client.get(url, headers=auth())
    assert response.status_code == 400 and response.get_json()["parameter"] == parameter, response.data[:200]
