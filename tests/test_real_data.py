"""Properties the shipped dataset must keep: what the product promises its users."""

import pandas as pd
import pytest

from indicators import wide_scores

PILOTS = ["COL", "LBN", "MOZ", "UZB", "IDN"]


@pytest.fixture(scope="module")
def wide2021(dataset, results):
    return wide_scores(results, dataset, 2021).set_index("iso3")


def test_at_least_150_countries_scored_in_2021(wide2021):
    assert wide2021["overall"].notna().sum() >= 150


def test_pilots_have_all_pillars_and_a_state_score(dataset, wide2021):
    assert sorted(dataset.countries.index[dataset.countries["pilot"]]) == sorted(PILOTS)
    for iso3 in PILOTS:
        row = wide2021.loc[iso3]
        for col in ("privacy", "expression", "access", "association", "state", "overall"):
            assert 1 <= row[col] <= 6, (iso3, col)


def test_every_year_2015_2025_has_scores(results):
    overall = results.nodes[results.nodes["node"] == "overall"]
    per_year = overall.groupby("year")["score"].count()
    assert list(per_year.index) == list(range(2015, 2026))
    assert (per_year >= 150).all(), per_year.to_dict()


def test_corporate_score_exists_exactly_where_corporate_data_exists(results, dataset):
    ind = results.indicators
    corporate_data = set(map(tuple, ind.loc[ind["actor"] == "corporate", ["iso3", "year"]].drop_duplicates().values))
    nodes = results.nodes[results.nodes["node"] == "corporate"]
    scored = set(map(tuple, nodes.loc[nodes["score"].notna(), ["iso3", "year"]].values))
    assert scored <= corporate_data
    # wherever a corporate score is empty it is NaN, never 0
    assert not (nodes["score"] == 0).any()
    # and it exists for the RDR home markets in 2021 (RDR 2020 index, carried within the window)
    assert {("USA", 2021), ("IND", 2021), ("ZAF", 2021)} <= scored


def test_scores_and_coverage_in_range(results):
    s = results.nodes["score"].dropna()
    assert s.between(1, 6).all()
    assert results.nodes["coverage"].between(0, 1).all()
    assert results.indicators["score"].between(1, 6).all()


def test_every_used_value_traces_to_a_source(results, dataset):
    ind = results.indicators
    assert ind["source_id"].isin(dataset.sources.index).all()
    assert dataset.sources["url"].str.startswith("http").all()


def test_korea_mapping_fixed(dataset):
    obs = dataset.observations
    kor = obs[(obs.iso3 == "KOR") & (obs.indicator == "p_dp_law")]
    prk = obs[(obs.iso3 == "PRK") & (obs.indicator == "p_dp_law")]
    assert kor["value"].tolist() == [2.0] and prk["value"].tolist() == [0.0]


def test_spot_check_against_published_values(dataset):
    """A few values checked against the publishers' own figures, through to the data file."""
    obs = dataset.observations.set_index(["iso3", "year", "indicator"])["value"]
    assert obs[("COL", 2021, "e_filtering")] == pytest.approx(0.882)   # V-Dem v13 v2smgovfilprc
    assert obs[("COL", 2021, "p_fiw_d4")] == 3                          # FIW 2022 edition, D4
    assert obs[("USA", 2020, "e_rdr_telco_freedom")] == pytest.approx(22.97)  # RDR 2020, AT&T
    assert obs[("NOR", 2021, "e_rsf_press_2014")] == pytest.approx(6.72)      # RSF 2021, Norway (old scale)
    assert pd.isna(obs.get(("XXX", 2021, "e_filtering")))


def test_every_country_has_a_map_shape_or_a_sourced_point(dataset):
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    topo = json.loads((root / "assets" / "topojson" / "world_110m.json").read_text())
    shaped = {g.get("id") for g in topo["objects"]["countries"]["geometries"]}
    points = pd.read_csv(root / "data" / "geo" / "points.csv")
    assert points["source_id"].isin(dataset.sources.index).all()
    assert points["lon"].between(-180, 180).all() and points["lat"].between(-90, 90).all()
    assert set(dataset.countries.index) <= shaped | set(points["iso3"])


def test_country_names_are_clean_utf8(dataset):
    names = dataset.countries["name"]
    assert not names.str.contains("Ã|Â", regex=True).any(), names[names.str.contains("Ã|Â")].tolist()
    assert dataset.countries.loc["CUW", "name"] == "Curaçao"
