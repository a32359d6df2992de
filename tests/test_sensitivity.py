"""The sensitivity Monte Carlo: exactness when switched off, reproducibility, intervals, shares, cache."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from datadir import write_data_dir
from indicators import load_dataset, score
from indicators.alternatives import Alternatives, load_alternatives
from indicators.cli import main
from indicators.sensitivity import (
    SCORE_COLUMNS,
    first_order_shares,
    percentiles,
    point_scores,
    prepare,
    ranks,
    sensitivity,
    sensitivity_cached,
    share_summary,
)
from indicators.validation import DataValidationError

ALL_ON = Alternatives(indicator_weights=0.25, pillar_weights=0.25, goalposts=0.1, window=(1, 2, 3, 4, 5),
                      leave_one_out=True)

# six linear indicators on two pillars; FULL has all of them, ONE only the first, MID a mix
LINEAR = [(f"i{k}", f"Item {k}", "privacy" if k < 3 else "expression", "state", "higher_better", "linear",
           0, 10, "", 1, "", "SRC") for k in range(6)]
SPARSE_OBS = ([("AAA", 2021, f"i{k}", 5) for k in range(6)]
              + [("BBB", 2021, "i0", 5)]
              + [("CCC", 2021, f"i{k}", v) for k, v in enumerate([2, 8, 4, 7, 3, 9])])


def vector_nodes(prep) -> pd.DataFrame:
    return pd.DataFrame(point_scores(prep), index=prep.countries, columns=prep.tree.nodes)


def pipeline_nodes(results, year, prep) -> pd.DataFrame:
    n = results.nodes[results.nodes["year"] == year]
    return n.pivot(index="iso3", columns="node", values="score").reindex(index=prep.countries,
                                                                         columns=prep.tree.nodes)


def assert_same_nodes(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert a.shape == b.shape
    assert (a.isna() == b.isna()).all().all(), "withheld nodes differ"
    diff = (a - b).abs().max().max()
    assert np.isnan(diff) or diff < 1e-9


# --- all alternatives off: the vectorised path is the pipeline ------------------------------------

def test_vectorised_path_reproduces_pipeline_on_hand_made_data(tmp_path):
    from test_pipeline import OBS
    dataset = load_dataset(write_data_dir(tmp_path, OBS))
    results = score(dataset)
    for year in results.years:
        prep = prepare(dataset, year)
        assert_same_nodes(vector_nodes(prep), pipeline_nodes(results, year, prep))


def test_vectorised_path_reproduces_pipeline_on_real_data(dataset, results):
    for year in results.years:
        prep = prepare(dataset, year)
        ours, theirs = vector_nodes(prep), pipeline_nodes(results, year, prep)
        assert_same_nodes(ours, theirs)
        assert ours.notna().sum().sum() > 500  # hundreds of scored nodes per year, not a vacuous match


def test_window_alternative_matches_pipeline_with_that_window(dataset):
    meth = dataset.methodology
    for window in (1, 5):
        other = replace(meth, parameters=replace(meth.parameters, window_years=window))
        results = score(dataset, years=[2019], methodology=other)
        prep = prepare(dataset, 2019, Alternatives(window=(window,)))
        slc = prep.slices[0]
        from indicators.sensitivity import node_scores
        tree = prep.tree
        ours = node_scores(prep, slc, prep.lo[None], prep.hi[None], tree.weight[None], tree.pillar_weight[None])[0]
        assert_same_nodes(pd.DataFrame(ours, index=prep.countries, columns=tree.nodes),
                          pipeline_nodes(results, 2019, prep))


def test_intervals_collapse_to_the_point_when_everything_is_off(dataset, results):
    result = sensitivity(dataset, 2021, runs=20, seed=3, alternatives=Alternatives())
    frame = result.intervals
    for col in SCORE_COLUMNS:
        scored = frame[col].notna()
        assert np.allclose(frame.loc[scored, f"{col}_low"], frame.loc[scored, col], atol=1e-12)
        assert np.allclose(frame.loc[scored, f"{col}_high"], frame.loc[scored, col], atol=1e-12)
    ranked = frame["rank"].notna()
    assert (frame.loc[ranked, "rank_low"] == frame.loc[ranked, "rank"]).all()
    assert (frame.loc[ranked, "rank_high"] == frame.loc[ranked, "rank"]).all()
    assert result.shares.empty
    published = results.nodes.query("year == 2021 and node == 'overall'").set_index("iso3")["score"]
    ours = frame.set_index("iso3")["overall"].dropna()
    assert np.allclose(ours, published.loc[ours.index], atol=1e-9)


# --- reproducibility and the interval's properties ------------------------------------------------

def test_same_seed_gives_the_same_intervals(dataset):
    a = sensitivity(dataset, 2021, runs=100, seed=7, alternatives=ALL_ON)
    b = sensitivity(dataset, 2021, runs=100, seed=7, alternatives=ALL_ON)
    c = sensitivity(dataset, 2021, runs=100, seed=8, alternatives=ALL_ON)
    pd.testing.assert_frame_equal(a.intervals, b.intervals)
    pd.testing.assert_frame_equal(a.shares, b.shares)
    assert not a.intervals["overall_low"].equals(c.intervals["overall_low"])


def test_a_country_with_one_indicator_gets_a_wider_interval(tmp_path):
    data = write_data_dir(tmp_path, SPARSE_OBS, indicators=LINEAR, parameters={"min_coverage": 0.0})
    dataset = load_dataset(data)
    result = sensitivity(dataset, 2021, runs=400, seed=1,
                         alternatives=Alternatives(indicator_weights=0.25, goalposts=0.2, leave_one_out=True))
    frame = result.intervals.set_index("iso3")
    width = frame["overall_high"] - frame["overall_low"]
    assert frame.loc["AAA", "overall"] == pytest.approx(frame.loc["BBB", "overall"])  # same point score
    assert width["BBB"] > 1.5 * width["AAA"]
    assert frame.loc["BBB", "overall_scored_share"] < 1.0  # withheld in runs that leave i0 out


def test_rank_and_score_intervals_contain_the_point(dataset):
    frame = sensitivity(dataset, 2021, runs=200, seed=0, alternatives=ALL_ON).intervals
    ranked = frame[frame["rank"].notna()]
    assert len(ranked) > 150
    assert (ranked["rank_low"] <= ranked["rank"]).all() and (ranked["rank"] <= ranked["rank_high"]).all()
    assert ranked["rank"].min() == 1 and ranked["rank"].max() <= len(ranked)
    for col in SCORE_COLUMNS:
        scored = frame[frame[col].notna()]
        assert (scored[f"{col}_low"] <= scored[col] + 1e-12).all()
        assert (scored[col] <= scored[f"{col}_high"] + 1e-12).all()
        assert scored[[f"{col}_low", f"{col}_high"]].stack().between(1, 6).all()
        assert frame.loc[frame[col].isna(), [f"{col}_low", f"{col}_high"]].isna().all().all()
    assert (ranked["overall_high"] > ranked["overall_low"]).mean() > 0.9  # the alternatives do move scores


def test_rows_match_the_scores_command(dataset, results):
    from indicators.pipeline import wide_scores
    frame = sensitivity(dataset, 2021, runs=10, alternatives=ALL_ON).intervals
    assert list(frame["iso3"]) == list(wide_scores(results, dataset, 2021)["iso3"])


# --- measurement error hook -----------------------------------------------------------------------

def test_value_sd_enters_as_normal_noise(tmp_path):
    data = write_data_dir(tmp_path, SPARSE_OBS, indicators=LINEAR, parameters={"min_coverage": 0.0})
    obs = pd.read_csv(data / "observations.csv")
    obs["value_sd"] = np.where(obs["iso3"] == "CCC", 1.0, np.nan)  # only CCC's values are uncertain
    obs.to_csv(data / "observations.csv", index=False)
    dataset = load_dataset(data)
    noisy = sensitivity(dataset, 2021, runs=300, seed=2,
                        alternatives=Alternatives(measurement_error=1.0)).intervals.set_index("iso3")
    assert noisy.loc["AAA", "overall_low"] == noisy.loc["AAA", "overall_high"] == noisy.loc["AAA", "overall"]
    width = noisy.loc["CCC", "overall_high"] - noisy.loc["CCC", "overall_low"]
    # sd of the mean of 6 items (two pillars of 3): 0.5 * sqrt(2 * (1/3)^2 * 3) ~ 0.2 score points
    assert 0.4 < width < 1.0
    off = sensitivity(dataset, 2021, runs=50, alternatives=Alternatives()).intervals.set_index("iso3")
    assert off.loc["CCC", "overall_low"] == off.loc["CCC", "overall_high"]
    shares = sensitivity(dataset, 2021, runs=300, seed=2, alternatives=Alternatives(
        measurement_error=1.0, indicator_weights=0.1)).shares.set_index(["iso3", "node", "choice"])["share"]
    assert shares["CCC", "overall", "measurement_error"] > 0.7  # its own noise drives CCC's spread
    assert np.isnan(shares["AAA", "overall", "measurement_error"])  # no sd, equal values: nothing varies


def test_minmax_normalisation_rescales_to_the_observed_range(tmp_path):
    obs = [("AAA", 2021, "i0", 2), ("CCC", 2021, "i0", 4), ("AAA", 2021, "i3", 5), ("CCC", 2021, "i3", 5)]
    dataset = load_dataset(write_data_dir(tmp_path, obs, indicators=LINEAR, parameters={"min_coverage": 0.0}))
    frame = sensitivity(dataset, 2021, runs=10, alternatives=Alternatives(normalisation=("minmax",))).nodes
    low = frame.set_index(["iso3", "node"])["median"]  # low and high also hold the published score
    # i0 observed 2..4 -> AAA 1, CCC 6; i3 has no range (all 5): keeps its published goalposts (3.5)
    assert low["AAA", "privacy"] == 1.0 and low["CCC", "privacy"] == 6.0
    assert low["AAA", "expression"] == low["CCC", "expression"] == 3.5


# --- first-order shares ---------------------------------------------------------------------------

def test_first_order_shares_recover_a_known_split():
    rng = np.random.default_rng(0)
    x1, x2 = rng.uniform(size=4000), rng.uniform(size=4000)
    y = (2 * x1 + x2)[:, None]  # Var: 4/12 vs 1/12 -> shares 0.8 and 0.2
    from indicators.sensitivity import _bins
    shares = first_order_shares(y, [("a", _bins(x1, 20)), ("b", _bins(x2, 20))])
    assert shares["a"][0] == pytest.approx(0.8, abs=0.03)
    assert shares["b"][0] == pytest.approx(0.2, abs=0.03)


def test_a_single_varying_choice_explains_everything(dataset):
    result = sensitivity(dataset, 2021, runs=200, seed=0, alternatives=Alternatives(leave_one_out=True))
    overall = result.shares.query("node == 'overall' and choice == 'leave_one_out'")["share"].dropna()
    assert len(overall) > 100 and np.allclose(overall, 1.0)
    summary = share_summary(sensitivity(dataset, 2021, runs=300, seed=0, alternatives=ALL_ON))
    assert {"goalposts", "leave_one_out", "indicator_weights", "pillar_weights"} <= set(summary.index)
    assert summary.loc["pillar_weights", "corporate"] > summary.loc["pillar_weights", "privacy"]


def test_helpers_percentiles_and_ranks():
    values = np.array([[1.0, np.nan], [3.0, 2.0], [2.0, np.nan], [np.nan, np.nan]])
    low, high = percentiles(values[:, :, None][:, :, 0], (0.0, 100.0))
    assert list(low) == [1.0, 2.0] and list(high) == [3.0, 2.0]
    x = np.random.default_rng(1).normal(size=(50, 4))
    assert np.allclose(percentiles(x, (5.0,))[0], np.percentile(x, 5.0, axis=0))
    assert list(ranks(np.array([5.0, 3.0, 5.0, np.nan, 1.0]))[:3]) == [1.0, 3.0, 1.0]


# --- the alternatives table -----------------------------------------------------------------------

def test_shipped_alternatives_load():
    from conftest import DATA
    alts = load_alternatives(DATA / "methodology" / "sensitivity.csv")
    assert {"indicator_weights", "pillar_weights", "goalposts", "window", "leave_one_out"} <= set(alts.active)


def test_broken_alternatives_name_file_line_and_field(tmp_path):
    path = tmp_path / "sensitivity.csv"
    path.write_text("choice,enabled,values,spread,description\n"
                    "indicator_weights,1,,2,too wide\n"       # line 2: spread above 0.9
                    "window,1,1;two;3,,\n"                    # line 3: not a number
                    "goalposts,1,,,\n"                         # line 4: spread missing
                    "bogus,1,,,\n"                             # line 5: unknown choice
                    "normalisation,1,fixed;zscore,,\n"         # line 6: unknown normalisation
                    "window,0,1,,\n")                          # line 7: duplicate
    with pytest.raises(DataValidationError) as err:
        load_alternatives(path)
    where = {(i.line, i.field) for i in err.value.issues}
    assert {(2, "spread"), (3, "values"), (4, "spread"), (5, "choice"), (6, "values"), (7, "choice")} <= where
    assert all(i.file == "methodology/sensitivity.csv" for i in err.value.issues)


# --- cache and command line -----------------------------------------------------------------------

def test_the_same_computation_asked_twice_at_once_runs_once(dataset, tmp_path, monkeypatch):
    """Every worker recomputes after an accepted correction: the lock file makes one compute, the rest read."""
    import threading
    import time

    from indicators import sensitivity as module
    real, calls = module.sensitivity, []

    def slow(*args, **kwargs):
        calls.append(threading.get_ident())
        time.sleep(0.5)  # the others arrive while this one computes
        return real(*args, **kwargs)

    monkeypatch.setattr(module, "sensitivity", slow)
    got = []
    workers = [threading.Thread(target=lambda: got.append(sensitivity_cached(
        dataset, 2021, runs=20, seed=3, alternatives=ALL_ON, cache_dir=tmp_path))) for _ in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert len(calls) == 1 and len(got) == 3
    for other in got[1:]:
        pd.testing.assert_frame_equal(got[0].intervals, other.intervals, check_dtype=False)
    assert not list(tmp_path.glob("*.lock"))  # the lock file goes with the lock


def test_cache_is_written_atomically_and_reused(dataset, tmp_path, monkeypatch):
    first = sensitivity_cached(dataset, 2021, runs=30, seed=1, alternatives=ALL_ON, cache_dir=tmp_path)
    files = sorted(p.name for p in tmp_path.iterdir())
    assert len(files) == 3 and not any(f.endswith(".tmp") for f in files)

    def fail(*args, **kwargs):
        raise AssertionError("recomputed although cached")

    monkeypatch.setattr("indicators.sensitivity.sensitivity", fail)
    again = sensitivity_cached(dataset, 2021, runs=30, seed=1, alternatives=ALL_ON, cache_dir=tmp_path)
    pd.testing.assert_frame_equal(first.intervals, again.intervals, check_dtype=False, atol=1e-12)
    with pytest.raises(AssertionError):  # another seed is another key
        sensitivity_cached(dataset, 2021, runs=30, seed=2, alternatives=ALL_ON, cache_dir=tmp_path)


def test_cli_prints_interval_and_rank_columns(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DRD_CACHE_DIR", str(tmp_path))
    assert main(["sensitivity", "--year", "2021", "--country", "COL", "--runs", "40", "--seed", "1"]) == 0
    out = pd.read_csv(pd.io.common.StringIO(capsys.readouterr().out))
    assert list(out["iso3"]) == ["COL"]
    for col in SCORE_COLUMNS:
        assert {col, f"{col}_low", f"{col}_high"} <= set(out.columns)
    row = out.iloc[0]
    assert row["rank_low"] <= row["rank"] <= row["rank_high"]
    assert row["overall_low"] <= row["overall"] <= row["overall_high"]
    assert main(["sensitivity", "--year", "2021", "--runs", "40", "--seed", "1", "--shares", "summary",
                 "--format", "json"]) == 0
    assert "leave_one_out" in capsys.readouterr().out


# --- words for pages ------------------------------------------------------------------------------

def test_how_sure_texts(dataset, tmp_path):
    from indicators.sensitivity import alternatives_table, how_sure, interval_text, rank_text
    assert interval_text(3.913, 3.74, 4.052) == "3.91 (likely 3.74–4.05)"
    assert interval_text(6.0, 6.0, 6.0) == "6.00 (stable)" and interval_text(None, None, None) == "no data"
    assert rank_text(84, 70, 95, 189) == "rank 84 of 189 (likely 70–95)"
    result = sensitivity_cached(dataset, 2021, runs=100, seed=0, alternatives=ALL_ON, cache_dir=tmp_path)
    said = how_sure(result, "COL", runs=100)
    row = result.intervals.set_index("iso3").loc["COL"]
    assert said["overall"] == interval_text(row["overall"], row["overall_low"], row["overall_high"])
    assert f"between {row['overall_low']:.2f} and {row['overall_high']:.2f}" in said["paragraph"]
    assert said["rank"].startswith(f"rank {row['rank']} of ")
    assert set(said["pillars"]) == set(SCORE_COLUMNS) - {"overall"}
    assert said["top_choice"] in ALL_ON.active
    assert how_sure(result, "XXX") is None
    table = alternatives_table(dataset.data_dir)
    assert set(table["choice"]) >= {"goalposts", "window", "leave_one_out"}
    assert table["description"].str.len().min() > 20


# --- the app: API, downloads, pages ---------------------------------------------------------------

def test_api_download_and_country_page_carry_the_intervals(app_config, dataset):
    import io

    from dashboard import create_app, data
    from indicators.sensitivity import sensitivity_cached
    app = create_app(app_config)
    client = app.server.test_client()
    expected = sensitivity_cached(dataset, 2021).intervals.set_index("iso3")

    body = client.get("/api/v1/scores?year=2021&country=COL").get_json()
    row = body["data"][0]
    for col in ("overall_low", "overall_high", "privacy_low", "corporate_high", "rank", "rank_low", "rank_high"):
        if pd.isna(expected.at["COL", col]):  # COL has no corporate evidence in 2021: no interval either
            assert row[col] is None, col
        else:
            assert row[col] == pytest.approx(expected.at["COL", col], abs=1e-4), col
    csv = pd.read_csv(io.BytesIO(client.get("/download/scores.csv?year=2021").data)).set_index("iso3")
    scored = csv["overall"].notna()
    assert (csv.loc[scored, "overall_low"] <= csv.loc[scored, "overall"] + 1e-9).all()
    assert (csv.loc[scored, "rank_low"] <= csv.loc[scored, "rank"]).all()

    said = data.how_sure("COL", 2021)
    assert said["overall"].startswith(f"{expected.at['COL', 'overall']:.2f} (likely ")
    import importlib
    import json

    from dash.development.base_component import Component

    def text(component) -> str:
        return json.dumps(component.to_plotly_json(), ensure_ascii=False,
                          default=lambda c: c.to_plotly_json() if isinstance(c, Component) else str(c))

    country = text(importlib.import_module("dashboard.pages.country").layout("COL", 2021))
    assert "How sure is this?" in country and said["overall"] in country and said["rank"] in country
    assert "How sure is a score?" in text(importlib.import_module("dashboard.pages.methodology").layout())


def test_cache_keeps_a_few_computations_per_year(tmp_path):
    import os

    from conftest import DATA

    from indicators import load_dataset
    from indicators import sensitivity as sens
    ds = load_dataset(DATA)
    alts = sens.default_alternatives(ds.data_dir)
    paths = {}
    for seed in range(sens.CACHE_KEEP + 2):
        paths[seed] = sens._paths(tmp_path, sens.cache_key(ds, 2021, 20, seed, alts, None), 2021)
        sens.sensitivity_cached(ds, 2021, runs=20, seed=seed, cache_dir=tmp_path)
        for path in paths[seed].values():  # distinct, increasing mtimes even on coarse file systems
            os.utime(path, (1_000_000 + seed, 1_000_000 + seed))
    assert len(list(tmp_path.glob("*.csv"))) == sens.CACHE_KEEP * len(sens.PARTS)
    kept = [seed for seed, ps in paths.items() if all(p.exists() for p in ps.values())]
    assert kept == list(range(2, sens.CACHE_KEEP + 2))  # the oldest two were removed
