"""Change columns in the score exports: the change from the year before, published, like for like and
composition, as indicators/trend.py computes them (summing the like-for-like column gives the chain)."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from indicators.trend import country_trend


@pytest.fixture(scope="module")
def client(app_config):
    from dashboard import create_app
    return create_app(app_config).server.test_client()


def test_csv_change_columns_chain_to_the_trend(client, results, dataset):
    response = client.get("/download/scores.csv?year=2015-2023&country=MOZ")
    assert response.status_code == 200
    frame = pd.read_csv(io.BytesIO(response.data)).set_index("year")
    for node in ("overall", "privacy", "expression", "access", "association"):
        for suffix in ("_change", "_change_like_for_like", "_change_composition"):
            assert node + suffix in frame.columns
    assert pd.isna(frame.at[2015, "overall_change"])  # nothing before the first scored year
    t = country_trend(results, dataset.methodology, "MOZ", 2015, 2023)
    assert frame["overall_change_like_for_like"].sum() == pytest.approx(t["like_for_like"], abs=1e-3)
    assert frame["overall_change"].sum() == pytest.approx(t["published"], abs=1e-3)
    rows = frame.loc[2016:]
    assert (rows["overall_change"] - rows["overall_change_like_for_like"]).to_numpy() == pytest.approx(
        rows["overall_change_composition"].to_numpy(), abs=2e-4)


def test_xlsx_explains_the_change_columns(client):
    response = client.get("/download/scores.xlsx?year=2021&country=MOZ")
    about = pd.read_excel(io.BytesIO(response.data), sheet_name="about", header=None)
    explained = dict(zip(about[1].astype(str), about[2].astype(str)))  # machine name -> meaning
    assert "same indicators" in explained["overall_change_like_for_like"]
    assert "added or dropped" in explained["privacy_change_composition"]


def test_api_scores_carry_the_change_columns(client):
    body = client.get("/api/v1/scores?year=2021&country=MOZ").get_json()
    assert {"overall_change", "overall_change_like_for_like", "overall_change_composition"} <= set(body["columns"])
