"""The open-data API: values equal the engine's, the drill-down is explain()'s, every documented path answers."""

from __future__ import annotations

import re

import pytest

from indicators import wide_scores
from indicators.drilldown import explain

YEAR = 2021


@pytest.fixture(scope="module")
def client(app_config):
    from dashboard import create_app
    return create_app(app_config).server.test_client()


def get_json(client, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code, response.data[:300])
    assert response.mimetype == "application/json"
    return response.get_json()


def test_scores_pillar_level_equal_the_engine(client, results, dataset):
    body = get_json(client, f"/api/v1/scores?year={YEAR}")
    assert body["years"] == [YEAR] and body["level"] == "pillar"
    expected = wide_scores(results, dataset, YEAR).set_index("iso3")
    rows = {r["iso3"]: r for r in body["data"]}
    assert set(rows) == set(expected.index) and body["count"] == len(rows)
    for iso3, row in rows.items():
        for column in ["overall", "privacy", "expression", "access", "association", "state", "corporate",
                       "coverage", "privacy_state"]:
            want = expected.at[iso3, column]
            if want != want:  # NaN: withheld
                assert row[column] is None, (iso3, column)
            else:
                assert row[column] == pytest.approx(want, abs=1e-4), (iso3, column)
    assert body["licence"] == "CC BY-SA 4.0"
    assert {s["source_id"] for s in body["sources"]} >= {"FH_FIW", "VDEM13_2021"}
    for source in body["sources"]:
        assert source["publisher"] in body["credit"]


def test_scores_country_filter_years_and_indicator_level(client, results):
    body = get_json(client, "/api/v1/scores?year=2019,2021&country=col,LBN")
    assert {(r["iso3"], r["year"]) for r in body["data"]} == {("COL", 2019), ("COL", 2021), ("LBN", 2019),
                                                              ("LBN", 2021)}
    body = get_json(client, f"/api/v1/scores?year={YEAR}&country=MOZ&level=indicator")
    engine = results.indicators[(results.indicators["iso3"] == "MOZ") & (results.indicators["year"] == YEAR)]
    engine = engine.set_index("indicator")
    assert {r["indicator"] for r in body["data"]} == set(engine.index)
    for row in body["data"]:
        assert row["value"] == pytest.approx(engine.at[row["indicator"], "value"], abs=1e-4)
        assert row["score"] == pytest.approx(engine.at[row["indicator"], "score"], abs=1e-4)
        assert row["obs_year"] == engine.at[row["indicator"], "obs_year"]
        assert row["publisher"] and row["source_url"].startswith("http") and row["licence"]


def test_country_drilldown_is_explain(client, dataset, results):
    body = get_json(client, f"/api/v1/countries/col?year={YEAR}")
    want = explain(dataset, results, "COL", YEAR)
    for key in ["iso3", "country", "year", "methodology_version", "overall", "actors"]:
        assert body[key] == want[key], key
    items = [it for p in body["pillars"] for it in p["items"]]
    assert len(items) == len(dataset.methodology.indicators)
    used = [it for it in items if it["status"] == "used"]
    assert used
    for it in used:
        for key in ["indicator", "value", "obs_year", "source", "score", "weight"]:
            assert key in it and it[key] is not None, (it["indicator"], key)
        assert {"publisher", "url", "licence"} <= set(it["source"])
    assert {s["source_id"] for s in body["sources"]} == {it["source"]["source_id"] for it in used}
    assert body["links"]["brief"] == f"/download/brief/COL.pdf?year={YEAR}"


def test_countries_list_says_which_have_a_shape(client, dataset):
    body = get_json(client, "/api/v1/countries")
    assert body["count"] == len(dataset.countries)
    rows = {r["iso3"]: r for r in body["data"]}
    assert rows["COL"]["has_shape"] is True and rows["COL"]["pilot"] is True


def test_methodology(client, dataset):
    body = get_json(client, "/api/v1/methodology")
    meth = dataset.methodology
    assert [i["code"] for i in body["indicators"]] == list(meth.indicators.index)
    assert [p["code"] for p in body["pillars"]] == meth.pillar_codes
    assert {s["source_id"] for s in body["sources"]} == set(dataset.sources.index)
    assert body["methodology_version"] == meth.parameters.methodology_version


@pytest.mark.parametrize("url, status, parameter", [
    ("/api/v1/scores?year=1999", 400, "year"),
    ("/api/v1/scores?year=2021&country=ZZZ", 400, "country"),
    ("/api/v1/scores?level=tree", 400, "level"),
    ("/api/v1/countries/ZZZ?year=2021", 404, "country"),
    ("/api/v1/countries/COL?year=2015-2021", 400, "year"),
    ("/api/v1/countries/COL?year=twenty", 400, "year"),
    ("/api/v1/nothing", 404, "path"),
    ("/api/v2/scores", 404, "path"),
])
def test_bad_parameters(client, url, status, parameter):
    body = get_json(client, url, status)
    assert body["parameter"] == parameter and body["status"] == status and body["error"]


def test_wrong_method_is_json(client):
    response = client.post("/api/v1/scores")
    assert response.status_code == 405 and response.get_json()["status"] == 405
    post_only = [str(r) for r in client.application.url_map.iter_rules()
                 if str(r).startswith("/api/") and "<" not in str(r) and "GET" not in r.methods
                 and not any(str(o) == str(r) and "GET" in o.methods
                             for o in client.application.url_map.iter_rules())]
    for path in post_only[:3]:  # e.g. the review API's POST-only routes: 405, not "no such route"
        response = client.get(path)
        assert response.status_code == 405 and "POST" in response.headers["Allow"], path


# --- OpenAPI --------------------------------------------------------------------------------------

EXAMPLES = {"iso3": "COL", "format": None, "chart": None}
CHART_PARAMS = {"map": "year=2021", "pillars": "country=COL&year=2021", "split": "country=COL&year=2021",
                "trend": "country=COL", "compare": "countries=COL,IDN&year=2021", "compare_trend": "countries=COL,IDN",
                "region_trends": "", "region_compare": "country=COL&year=2021", "tensions": "year=2021"}


def _urls(path: str, op: dict) -> list[str]:
    """Concrete URLs for a documented path: every enum value of its path parameters."""
    params = {p["name"]: p for p in op.get("parameters", []) if p["in"] == "path"}
    urls = [path]
    for name, spec in params.items():
        values = spec["schema"].get("enum") or [EXAMPLES[name]]
        urls = [u.replace("{" + name + "}", str(v)) for u in urls for v in values]
    out = []
    for url in urls:
        query = "year=2021"
        chart = re.match(r"/download/chart/(\w+)\.|/embed/(\w+)$", url)
        if chart:
            query = CHART_PARAMS.get(chart.group(1) or chart.group(2), "")
        out.append(f"{url}?{query}" if "{" not in url else url)
    return out


def test_openapi_document(client):
    spec = get_json(client, "/api/v1/openapi.json")
    assert spec["openapi"].startswith("3.")
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(spec)
    assert {"/api/v1/scores", "/api/v1/countries/{iso3}", "/api/v1/methodology", "/api/v1/openapi.json",
            "/download/scores.{format}", "/download/brief/{iso3}.pdf"} <= set(spec["paths"])
    from dashboard.figures import CHARTS
    charts = {m.group(1) for p in spec["paths"] for m in [re.match(r"/download/chart/(\w+)\.\{format\}$", p)] if m}
    assert charts == set(CHARTS)  # one path per chart kind, each with the parameters that kind reads
    assert {p for p in spec["paths"] if p.startswith("/embed/")} == {f"/embed/{k}" for k in CHARTS}
    refs = re.findall(r'"\$ref": "#/components/(\w+)/(\w+)"', __import__("json").dumps(spec))
    for kind, name in refs:
        assert name in spec["components"][kind], name


def test_every_documented_path_answers(client):
    spec = get_json(client, "/api/v1/openapi.json")
    checked = 0
    for path, item in spec["paths"].items():
        op = item.get("get")
        if op is None or op.get("security"):  # the review API: tests/test_openapi.py, with credentials
            continue
        for url in _urls(path, op):
            response = client.get(url)
            assert response.status_code == 200, (url, response.data[:200])
            media = set(op["responses"]["200"].get("content", {"application/json": {}}))
            assert response.mimetype in media, (url, response.mimetype, media)
            checked += 1
    assert checked >= 15


def test_405_lists_the_allowed_methods(client):
    """RFC 9110 (schemathesis ST204): a method the route does not take is 405 with an Allow header."""
    response = client.open("/api/v1/countries", method="TRACE")
    assert response.status_code == 405 and "GET" in response.headers["Allow"]
    assert response.get_json()["status"] == 405
