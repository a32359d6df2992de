"""GET /api/v1/countries/<ISO3>/trend: the engine's like-for-like trend, its sources, clear 4xx errors."""

from __future__ import annotations

import pytest

from indicators.trend import country_trend
from tests.test_api import get_json


@pytest.fixture(scope="module")
def client(app_config):
    from dashboard import create_app
    return create_app(app_config).server.test_client()


def test_trend_equals_the_engine(client, results, dataset):
    body = get_json(client, "/api/v1/countries/moz/trend?from=2015&to=2023")
    want = country_trend(results, dataset.methodology, "MOZ", 2015, 2023)
    for key in ("published", "like_for_like", "composition", "level_from", "level_to"):
        assert body[key] == pytest.approx(want[key]), key
    assert body["country"] == "Mozambique" and body["node"] == "overall"
    assert [c["indicator"] for c in body["contributions"]] == [c["indicator"] for c in want["contributions"]]
    assert body["licence"] and body["credit"] and body["sources"]
    assert {s["source_id"] for s in body["sources"]} == {
        dataset.methodology.indicators.at[c["indicator"], "source_id"] for c in want["contributions"]}


def test_trend_defaults_and_nodes(client, results, dataset):
    body = get_json(client, "/api/v1/countries/MOZ/trend?node=privacy")
    assert body["node"] == "privacy" and body["from"] == min(results.years) and body["to"] == max(results.years)
    body = get_json(client, "/api/v1/countries/MOZ/trend?from=2019&to=2023&node=state")
    assert body["published"] == pytest.approx(body["like_for_like"] + body["composition"], abs=2e-4)


@pytest.mark.parametrize("query, parameter, status", [
    ("from=abc", "from", 400), ("to=1999", "to", 400), ("from=2023&to=2015", "from", 400),
    ("node=bogus", "node", 400),
])
def test_trend_bad_parameters(client, query, parameter, status):
    body = get_json(client, f"/api/v1/countries/MOZ/trend?{query}", status)
    assert body["parameter"] == parameter and body["status"] == status and body["error"]


def test_trend_unknown_country_is_404(client):
    body = get_json(client, "/api/v1/countries/XYZ/trend", 404)
    assert body["parameter"] == "country"


def test_trend_is_documented(client):
    spec = get_json(client, "/api/v1/openapi.json")
    op = spec["paths"]["/api/v1/countries/{iso3}/trend"]["get"]
    assert {p["name"] for p in op["parameters"]} == {"iso3", "from", "to", "node"}
    assert "Trend" in spec["components"]["schemas"] and "Contribution" in spec["components"]["schemas"]
