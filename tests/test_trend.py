"""Like-for-like trends (indicators/trend.py), hand-computed on a tiny data directory.

Countries and years 2019-2021 (window 3 years; f_struct has its own window of 0 years):

AAA  a_lin  (privacy, state, linear 0-4):        2019: 2 -> 3.5   2020: carried 3.5      2021: 4 -> 6.0
     b_worse (privacy, state, 0-10, worse):      2020: 2 -> 5.0   2021: carried 5.0
     e_band (expression, corporate, bands):      2021: 1 -> 4.0
     f_struct (expression, structural, 0-100):   2019: 40 -> 3.0  2020: 60 -> 4.0        2021: none (window 0)
     overall: 2019 (3.5 + 3.0) / 2 = 3.25; 2020 (4.25 + 4.0) / 2 = 4.125; 2021 (5.5 + 4.0) / 2 = 4.75
BBB  a_lin 2020: 0 -> 1.0; f_struct 2020: 100 -> 6.0; overall 2020 (1.0 + 6.0) / 2 = 3.5; 2021 withheld
CCC  a_lin 1, 3, 2 -> 2.25, 4.75, 3.5; f_struct 10, 20, 30 -> 1.5, 2.0, 2.5; overall 1.875, 3.375, 3.0
"""

import json
import subprocess
import sys

import pandas as pd
import pytest

from indicators import load_dataset, score
from indicators import trend as tr
from tests.datadir import INDICATORS, write_data_dir

OBS = [
    ("AAA", 2019, "a_lin", 2), ("AAA", 2021, "a_lin", 4), ("AAA", 2020, "b_worse", 2), ("AAA", 2021, "e_band", 1),
    ("AAA", 2019, "f_struct", 40), ("AAA", 2020, "f_struct", 60),
    ("BBB", 2020, "a_lin", 0), ("BBB", 2020, "f_struct", 100),
    ("CCC", 2019, "a_lin", 1), ("CCC", 2020, "a_lin", 3), ("CCC", 2021, "a_lin", 2),
    ("CCC", 2019, "f_struct", 10), ("CCC", 2020, "f_struct", 20), ("CCC", 2021, "f_struct", 30),
]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    rows = [r[:10] + (0,) + r[11:] if r[0] == "f_struct" else r for r in INDICATORS]
    root = write_data_dir(tmp_path_factory.mktemp("trend"), OBS, indicators=rows)
    ds = load_dataset(root)
    return root, ds, score(ds)


def test_levels_are_the_hand_computed_ones(tiny):
    _, _, res = tiny
    o = res.nodes[res.nodes["node"] == "overall"].set_index(["iso3", "year"])["score"]
    assert o[("AAA", 2019)] == pytest.approx(3.25) and o[("AAA", 2020)] == pytest.approx(4.125)
    assert o[("AAA", 2021)] == pytest.approx(4.75) and o[("BBB", 2020)] == pytest.approx(3.5)
    assert pd.isna(o[("BBB", 2021)]) and o[("CCC", 2021)] == pytest.approx(3.0)


def test_chained_trend_published_like_for_like_composition(tiny):
    _, ds, res = tiny
    t = tr.country_trend(res, ds.methodology, "AAA", 2019, 2021)
    # 2019 -> 2020: common a (carried, 3.5 -> 3.5) and f (3.0 -> 4.0): overall (3.5 + 4.0)/2 - (3.5 + 3.0)/2 = +0.5
    # 2020 -> 2021: common a (3.5 -> 6.0) and b (carried 5.0); expression has nothing in common, so the
    #               overall rests on privacy alone: (6.0 + 5.0)/2 - (3.5 + 5.0)/2 = +1.25
    assert t["published"] == pytest.approx(1.5)
    assert t["like_for_like"] == pytest.approx(1.75)
    assert t["composition"] == pytest.approx(-0.25)
    steps = {y["year"]: y for y in t["years"]}
    assert steps[2020]["published_change"] == pytest.approx(0.875)
    assert steps[2020]["like_for_like_change"] == pytest.approx(0.5)
    assert steps[2020]["composition"] == pytest.approx(0.375)
    assert steps[2021]["like_for_like_change"] == pytest.approx(1.25)
    assert steps[2021]["composition"] == pytest.approx(-0.625)
    assert [steps[y]["like_for_like_level"] for y in (2019, 2020, 2021)] == pytest.approx([3.25, 3.75, 5.0])
    assert (steps[2020]["indicators"], steps[2020]["common"]) == (3, 2)
    c = {i["indicator"]: i for i in t["contributions"]}
    assert set(c) == {"a_lin", "b_worse", "e_band", "f_struct"}
    assert c["a_lin"]["contribution"] == pytest.approx(1.25)
    assert (c["a_lin"]["status"], c["a_lin"]["value_from"], c["a_lin"]["value_to"]) == ("changed", 2, 4)
    assert (c["a_lin"]["obs_year_from"], c["a_lin"]["obs_year_to"]) == (2019, 2021)
    assert c["f_struct"]["contribution"] == pytest.approx(0.5)
    assert (c["f_struct"]["status"], c["f_struct"]["value_from"], c["f_struct"]["value_to"]) == ("left", 40, None)
    assert c["b_worse"]["contribution"] == 0 and c["b_worse"]["status"] == "entered"
    assert (c["b_worse"]["value_to"], c["b_worse"]["obs_year_to"]) == (2, 2020)
    assert c["e_band"]["status"] == "entered" and c["e_band"]["contribution"] == 0
    assert sum(i["contribution"] for i in t["contributions"]) == pytest.approx(t["like_for_like"])
    assert [i["indicator"] for i in t["contributions"]][:2] == ["a_lin", "f_struct"]  # largest first


def test_carried_value_is_not_a_change(tiny):
    _, ds, res = tiny
    t = tr.country_trend(res, ds.methodology, "AAA", 2020, 2021, node="privacy")
    # b_worse is the same 2020 observation in both years: in the common set (it halves a_lin's weight), zero change
    c = {i["indicator"]: i for i in t["contributions"]}
    assert c["b_worse"]["status"] == "carried" and c["b_worse"]["contribution"] == 0
    assert c["a_lin"]["contribution"] == pytest.approx(0.5 * (6.0 - 3.5))
    assert t["like_for_like"] == pytest.approx(1.25) and t["composition"] == pytest.approx(0)


def test_pillar_and_actor_nodes(tiny):
    _, ds, res = tiny
    p = tr.country_trend(res, ds.methodology, "AAA", 2019, 2021, node="privacy")
    assert (p["published"], p["like_for_like"], p["composition"]) == pytest.approx((2.0, 1.25, 0.75))
    s = tr.country_trend(res, ds.methodology, "AAA", 2019, 2021, node="state")  # privacy.state only
    assert (s["published"], s["like_for_like"]) == pytest.approx((2.0, 1.25))
    with pytest.raises(tr.TrendError, match="node: 'nope'"):
        tr.country_trend(res, ds.methodology, "AAA", 2019, 2021, node="nope")
    with pytest.raises(tr.TrendError, match="BBB has no published overall score in 2021"):
        tr.country_trend(res, ds.methodology, "BBB", 2020, 2021)


def test_same_basket_means_no_composition(tiny):
    _, ds, res = tiny
    t = tr.country_trend(res, ds.methodology, "CCC", 2019, 2021)
    assert t["published"] == pytest.approx(3.0 - 1.875)
    assert t["like_for_like"] == pytest.approx(t["published"]) and t["composition"] == pytest.approx(0)
    c = {i["indicator"]: i["contribution"] for i in t["contributions"]}
    assert c == pytest.approx({"a_lin": 0.5 * (3.5 - 2.25), "f_struct": 0.5 * (2.5 - 1.5)})


def test_rescore_reproduces_published_levels(tiny):
    _, ds, res = tiny
    for node in ("overall", "privacy", "expression", "state", "privacy.state"):
        published = res.nodes[res.nodes["node"] == node].set_index(["iso3", "year"])["score"].dropna()
        again = tr.rescore(res, ds.methodology, node).set_index(["iso3", "year"])["score"]
        assert again.reindex(published.index).to_numpy() == pytest.approx(published.to_numpy())


def test_group_means_like_for_like(tiny):
    _, ds, res = tiny
    world = pd.Series("World", index=ds.countries.index)
    frame = tr.group_trends(res, ds.methodology, "overall", world).set_index("year")
    assert frame["mean"].tolist() == pytest.approx([2.5625, 11 / 3, 3.875])
    assert frame["n"].tolist() == [2, 3, 2]
    # 2019->2020: AAA (+0.5, published +0.875), CCC (+1.5, +1.5); BBB has no 2019 score and is not in the step
    assert frame.at[2020, "step_like_for_like"] == pytest.approx(1.0)
    assert frame.at[2020, "step_published"] == pytest.approx(1.1875)
    assert frame.at[2021, "step_like_for_like"] == pytest.approx((1.25 - 0.375) / 2)
    assert frame["like_for_like_level"].tolist() == pytest.approx([2.5625, 3.5625, 4.0])
    ch = tr.group_change(frame.reset_index(), 2019, 2020).iloc[0]
    assert ch["published"] == pytest.approx(11 / 3 - 2.5625)
    assert ch["like_for_like"] == pytest.approx(1.0)
    assert ch["composition"] == pytest.approx(0.1875)
    assert ch["countries"] == pytest.approx(11 / 3 - 2.5625 - 1.1875)
    assert ch["published"] == pytest.approx(ch["like_for_like"] + ch["composition"] + ch["countries"])
    regions = tr.group_trends(res, ds.methodology, "overall", ds.countries["region"])
    south = regions[regions["group"] == "South"].set_index("year")
    assert south["like_for_like_level"].tolist() == pytest.approx(south["mean"].tolist())  # CCC: same basket


def test_sentence_uses_like_for_like(tiny):
    _, ds, res = tiny
    text = tr.trend_sentence(tr.country_trend(res, ds.methodology, "AAA", 2019, 2021))
    assert text.startswith("Overall score: +1.75 since 2019 on the same indicators; −0.25 from indicators added or "
                           "dropped since")
    assert tr.signed(-0.434) == "−0.43" and tr.signed(0.001) == "±0.00" and tr.signed(None) == "–"


def test_cli_trend_json_and_text(tiny):
    root, _, _ = tiny
    cmd = [sys.executable, "-m", "indicators", "trend", "AAA", "--from", "2019", "--to", "2021", "--data", str(root)]
    out = json.loads(subprocess.run(cmd + ["--format", "json"], capture_output=True, text=True, check=True).stdout)
    assert {"published", "like_for_like", "composition", "contributions", "years"} <= set(out)
    assert (out["published"], out["like_for_like"], out["composition"]) == pytest.approx((1.5, 1.75, -0.25))
    keys = {"indicator", "name", "pillar", "contribution", "value_from", "value_to", "obs_year_from", "obs_year_to",
            "status"}
    assert all(keys <= set(c) for c in out["contributions"])
    assert {c["status"] for c in out["contributions"]} <= set(tr.STATUSES)
    text = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    assert "like-for-like" in text and "+1.75" in text and "−0.25" in text and "a_lin" in text
    bad = subprocess.run(cmd[:5] + ["--from", "2021", "--to", "2019", "--data", str(root)], capture_output=True,
                         text=True)
    assert bad.returncode != 0 and "--from 2021 must be before --to 2019" in bad.stderr
    bad = subprocess.run(cmd[:5] + ["--from", "2019", "--to", "2021", "--data", str(root), "--node", "x"],
                         capture_output=True, text=True)
    assert bad.returncode != 0 and "node: 'x'" in bad.stderr


def test_cli_trend_real_data_shape():
    cmd = [sys.executable, "-m", "indicators", "trend", "MOZ", "--from", "2015", "--to", "2023", "--format", "json"]
    out = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
    assert out["published"] == pytest.approx(out["level_to"] - out["level_from"], abs=2e-4)
    assert out["published"] == pytest.approx(out["like_for_like"] + out["composition"], abs=2e-4)
    assert sum(c["contribution"] for c in out["contributions"]) == pytest.approx(out["like_for_like"], abs=5e-3)
    assert any(c["status"] == "entered" for c in out["contributions"])


def test_real_data_rescore_follows_the_engine():
    """The restricted rescoring uses the engine's tree: with each year's full basket it gives the published score."""
    ds = load_dataset(None)
    res = score(ds)
    nodes = ["overall", *ds.methodology.pillar_codes, *ds.methodology.actor_codes]
    for node in nodes:
        published = res.nodes[res.nodes["node"] == node].set_index(["iso3", "year"])["score"].dropna()
        again = tr.rescore(res, ds.methodology, node).set_index(["iso3", "year"])["score"]
        assert again.reindex(published.index).to_numpy() == pytest.approx(published.to_numpy()), node


def test_a_year_without_a_score_is_skipped_not_filled(tmp_path):
    """AAA's overall is withheld in 2020 (privacy 50 % covered, expression not at all): the chain steps
    from 2019 straight to 2021, on a_lin (3.5 -> 6.0) and f_struct (3.0 -> 4.0)."""
    rows = [r[:10] + (0,) + r[11:] if r[0] == "f_struct" else r for r in INDICATORS]
    obs = [("AAA", 2019, "a_lin", 2), ("AAA", 2021, "a_lin", 4), ("AAA", 2019, "f_struct", 40),
           ("AAA", 2021, "f_struct", 60), ("BBB", 2020, "b_worse", 2), ("BBB", 2020, "f_struct", 50)]
    ds = load_dataset(write_data_dir(tmp_path, obs, indicators=rows))
    res = score(ds)
    t = tr.country_trend(res, ds.methodology, "AAA", 2019, 2021)
    years = {y["year"]: y for y in t["years"]}
    assert years[2020]["level"] is None and years[2020]["like_for_like_change"] is None
    assert years[2021]["like_for_like_change"] == pytest.approx(0.5 * 2.5 + 0.5 * 1.0)
    assert (t["published"], t["like_for_like"], t["composition"]) == pytest.approx((1.75, 1.75, 0.0))
    world = tr.group_trends(res, ds.methodology, "overall", pd.Series("W", index=ds.countries.index))
    world = world.set_index("year")
    assert world["n_step"].tolist() == [0, 0, 0]  # the group chain needs consecutive years: it breaks
    assert world.at[2019, "like_for_like_level"] == pytest.approx(3.25)
    assert world[["like_for_like_level"]].loc[2020:].isna().all().all()
    assert pd.isna(tr.group_change(world.reset_index(), 2019, 2021).iloc[0]["like_for_like"])
