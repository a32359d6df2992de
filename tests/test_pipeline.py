"""The whole engine on a tiny hand-made dataset, every expected value computed by hand."""

import pandas as pd
import pytest

from datadir import write_data_dir
from indicators import load_dataset, score, wide_scores
from indicators.drilldown import explain

OBS = [
    # AAA, 2021: every indicator
    ("AAA", 2021, "a_lin", 3),      # 1 + 5*3/4 = 4.75
    ("AAA", 2021, "b_worse", 2),    # 7 - (1 + 5*2/10) = 5
    ("AAA", 2021, "c_cat", 1),      # 3.5 (weight 2)
    ("AAA", 2021, "d_log", 0),      # 7 - 1 = 6
    ("AAA", 2021, "e_band", 4),     # band from 3 -> 3
    ("AAA", 2021, "f_struct", 50),  # 1 + 5*0.5 = 3.5
    # BBB: only a_lin in privacy (coverage 1/4 -> privacy withheld), expression complete but old
    ("BBB", 2021, "a_lin", 4),      # 6
    ("BBB", 2018, "d_log", 0),      # carried 3 years to 2021: 6
    ("BBB", 2019, "e_band", 0),     # 6
    ("BBB", 2017, "f_struct", 100), # 4 years old: outside the window, not used in 2021
    ("BBB", 2021, "f_struct", 20),  # 1 + 5*0.2 = 2
    # CCC: nothing in 2021 -> everything withheld
    ("CCC", 2015, "a_lin", 2),
]


@pytest.fixture
def data(tmp_path):
    return write_data_dir(tmp_path, OBS)


def node(results, iso3, node, year=2021):
    n = results.nodes
    row = n[(n.iso3 == iso3) & (n.year == year) & (n.node == node)]
    assert len(row) == 1
    return row.iloc[0]


def test_pillar_and_split_scores_by_hand(data):
    r = score(load_dataset(data))
    # privacy = (4.75*1 + 5*1 + 3.5*2) / 4 = 4.1875
    assert node(r, "AAA", "privacy").score == pytest.approx(4.1875)
    assert node(r, "AAA", "privacy.state").score == pytest.approx((4.75 + 5) / 2)
    assert node(r, "AAA", "privacy.corporate").score == pytest.approx(3.5)
    # expression = (6 + 3 + 3.5) / 3
    assert node(r, "AAA", "expression").score == pytest.approx(12.5 / 3)
    # overall = mean of pillars
    assert node(r, "AAA", "overall").score == pytest.approx((4.1875 + 12.5 / 3) / 2)
    # actors: state = mean over pillars of pillar.state: (4.875 + 6) / 2; corporate (3.5 + 3) / 2
    assert node(r, "AAA", "state").score == pytest.approx((4.875 + 6) / 2)
    assert node(r, "AAA", "corporate").score == pytest.approx(3.25)
    assert node(r, "AAA", "structural").score == pytest.approx(3.5)
    assert node(r, "AAA", "overall").coverage == pytest.approx(1.0)
    assert node(r, "AAA", "overall").band == 4


def test_coverage_withholds_below_threshold(data):
    r = score(load_dataset(data))
    privacy = node(r, "BBB", "privacy")
    assert privacy.coverage == pytest.approx(0.25)   # a_lin (w 1) of 4 weight units
    assert pd.isna(privacy.score)                     # below 50 %: withheld, never 0
    expression = node(r, "BBB", "expression")
    assert expression.coverage == pytest.approx(1.0)
    assert expression.score == pytest.approx((6 + 6 + 2) / 3)
    # overall coverage = mean of pillar coverages = (0.25 + 1) / 2 = 0.625 -> scored from expression alone
    overall = node(r, "BBB", "overall")
    assert overall.coverage == pytest.approx(0.625)
    assert overall.score == pytest.approx(14 / 3)
    # corporate privacy has no data: empty (NaN), not zero
    assert pd.isna(node(r, "BBB", "privacy.corporate").score)
    ccc = node(r, "CCC", "overall")
    assert ccc.coverage == 0 and pd.isna(ccc.score)


def test_carry_forward_window_and_observation_year(data):
    r = score(load_dataset(data))
    ind = r.indicators.set_index(["iso3", "year", "indicator"])
    d = ind.loc[("BBB", 2021, "d_log")]
    assert d.obs_year == 2018 and bool(d.carried) is True
    f = ind.loc[("BBB", 2021, "f_struct")]
    assert f.obs_year == 2021 and f.value == 20 and not f.carried
    # the 2017 value is used for 2019 and 2020 (within 3 years) but the 2021 value replaces it in 2021
    assert ind.loc[("BBB", 2020, "f_struct")].value == 100
    assert ("CCC", 2021, "a_lin") not in ind.index  # 2015 is 6 years before 2021


def test_window_parameter_is_data(tmp_path):
    r = score(load_dataset(write_data_dir(tmp_path, OBS, parameters={"window_years": 2})))
    assert ("BBB", 2021, "d_log") not in set(zip(r.indicators.iso3, r.indicators.year, r.indicators.indicator))


def test_measured_share_counts_only_indicators_some_source_measured(tmp_path):
    obs = [("AAA", 2021, "a_lin", 3), ("AAA", 2021, "b_worse", 2), ("BBB", 2021, "a_lin", 1)]
    r = score(load_dataset(write_data_dir(tmp_path, obs)))
    p = node(r, "AAA", "privacy")
    # measured: a_lin and b_worse (2 of 4 weight units); AAA has both -> coverage 1
    assert p.measured_share == pytest.approx(0.5) and p.coverage == pytest.approx(1.0)
    assert node(r, "BBB", "privacy").coverage == pytest.approx(0.5)


def test_correction_overrides_value_with_provenance(tmp_path):
    corrections = [("AAA", 2021, "a_lin", 1, "Publisher erratum", "panel-lead", "2026-11-01",
                    "https://example.org/erratum"),
                   ("BBB", 2021, "b_worse", 10, "Missing in source", "panel-lead", "2026-11-02", "Court records")]
    ds = load_dataset(write_data_dir(tmp_path, OBS, corrections=corrections))
    r = score(ds)
    ind = r.indicators.set_index(["iso3", "year", "indicator"])
    a = ind.loc[("AAA", 2021, "a_lin")]
    assert a.value == 1 and a.original_value == 3 and bool(a.corrected)
    assert a.score == pytest.approx(2.25)  # 1 + 5 * 1/4
    assert a.correction_author == "panel-lead" and a.correction_reason == "Publisher erratum"
    # privacy = (2.25 + 5 + 7) / 4
    assert node(r, "AAA", "privacy").score == pytest.approx(14.25 / 4)
    # a correction with no published observation adds one
    b = ind.loc[("BBB", 2021, "b_worse")]
    assert b.value == 10 and pd.isna(b.original_value) and b.score == pytest.approx(1.0)
    # the drill-down carries the provenance
    d = explain(ds, r, "AAA", 2021)
    item = next(i for p in d["pillars"] for i in p["items"] if i["indicator"] == "a_lin")
    assert item["correction"]["original_value"] == 3 and item["correction"]["source"] == "https://example.org/erratum"


def test_corrections_argument_replaces_file(data):
    ds = load_dataset(data)
    extra = pd.DataFrame([{"iso3": "AAA", "year": 2021, "indicator": "a_lin", "value": 4.0, "reason": "r",
                           "author": "x", "date": "2026-01-01", "source": "s"}])
    r = score(ds, corrections=extra)
    assert node(r, "AAA", "privacy.state").score == pytest.approx((6 + 5) / 2)


def test_wide_scores_rows_and_columns(data):
    ds = load_dataset(data)
    wide = wide_scores(score(ds), ds, 2021)
    assert set(wide.iso3) == {"AAA", "BBB"}  # CCC has no score at all in 2021
    row = wide.set_index("iso3").loc["AAA"]
    assert row["privacy_state"] == pytest.approx(4.875) and row["coverage"] == pytest.approx(1.0)
    assert bool(row["pilot"]) is True


def test_explain_lists_every_indicator_with_source(data):
    ds = load_dataset(data)
    d = explain(ds, score(ds), "BBB", 2021)
    items = {i["indicator"]: i for p in d["pillars"] for i in p["items"]}
    assert set(items) == {"a_lin", "b_worse", "c_cat", "d_log", "e_band", "f_struct"}
    assert items["d_log"]["obs_year"] == 2018 and items["d_log"]["carried"] is True
    assert items["b_worse"]["status"] == "missing"  # AAA has it in 2021, BBB does not
    early = explain(ds, score(ds), "BBB", 2019)
    status = {i["indicator"]: i["status"] for p in early["pillars"] for i in p["items"]}
    assert status["a_lin"] == "not measured this year"  # no country has a_lin within 2016-2019
    assert items["d_log"]["source"]["url"] == "https://example.org/data"
    assert d["pillars"][0]["score"] is None and d["pillars"][0]["label"] == "No data"
