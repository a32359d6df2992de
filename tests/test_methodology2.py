"""Methodology 2.0: corporate evidence, absence rules, shutdown severity counted once, bands, changelog."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from datadir import INDICATOR_COLUMNS, INDICATORS, write_data_dir
from indicators import load_dataset, score
from indicators.aggregate import aggregate
from indicators.alternatives import Alternatives
from indicators.drilldown import NO_EVIDENCE, NOT_RATED, explain
from indicators.normalise import score_values
from indicators.sensitivity import draw, monte_carlo, prepare
from indicators.validation import DataValidationError

ROOT = Path(__file__).resolve().parent.parent
PILOTS = ["COL", "LBN", "MOZ", "UZB", "IDN"]


# --- the shipped data ------------------------------------------------------------------------------

def test_fewer_than_5_percent_of_corporate_scores_are_exactly_6(results):
    nodes = results.nodes
    corporate = nodes[(nodes["actor"] == "corporate") & nodes["score"].notna()]
    assert len(corporate) > 0
    share = (corporate["score"].round(2) == 6.0).mean()
    assert share < 0.05, share


def test_every_corporate_score_rests_on_a_non_absence_observation(results):
    nodes = results.nodes
    ind = results.indicators
    evidence = ind[(ind["actor"] == "corporate") & ~ind["absence"] & ind["score"].notna()]
    backed_pillar = set(zip(evidence["iso3"], evidence["year"], evidence["pillar"]))
    backed_country = set(zip(evidence["iso3"], evidence["year"]))
    pa = nodes[(nodes["level"] == "pillar_actor") & (nodes["actor"] == "corporate") & nodes["score"].notna()]
    assert len(pa) > 0
    assert set(zip(pa["iso3"], pa["year"], pa["pillar"])) <= backed_pillar
    actor = nodes[(nodes["node"] == "corporate") & nodes["score"].notna()]
    assert set(zip(actor["iso3"], actor["year"])) <= backed_country
    # and no corporate indicator has a single absence-rule row
    assert not ind.loc[ind["actor"] == "corporate", "absence"].any()


def test_absence_rule_rows_never_score_6_and_only_inform_the_state(results, dataset):
    ind = results.indicators
    absent = ind[ind["absence"]]
    assert set(absent["indicator"]) == {"a_shutdowns", "p_ai_surveillance_adoption"}
    assert (absent["score"] < 6).all() and (absent["score"] == 5).all()
    assert set(absent["actor"]) == {"state"}
    declared = dataset.methodology.indicators["absence_rule"]
    assert set(declared[declared != ""].index) == {"a_shutdowns", "p_ai_surveillance_adoption"}


def test_no_score_reaches_fully_respected_by_default(dataset):
    """A country known only through absence rules gets no 6 anywhere: the rules score 5 at best."""
    obs = dataset.observations
    only_absence = obs[obs["absence"]]
    for code in only_absence["indicator"].unique():
        spec = dataset.methodology.indicators.loc[code]
        assert score_values(np.array([0.0]), spec)[0] == pytest.approx(5.0)


def test_pilots_state_score_and_no_corporate_evidence_wording(dataset, results):
    for iso3 in PILOTS:
        d = explain(dataset, results, iso3, 2021)
        for pillar in d["pillars"]:
            for actor in pillar["actors"]:
                if actor["actor"] == "corporate" and actor["score"] is None and actor["indicators_with_evidence"] == 0:
                    assert actor["label"] == NO_EVIDENCE
                if actor["actor"] == "structural":
                    assert actor["band"] is None and actor["label"] == NOT_RATED
        structural = [a for a in d["actors"] if a["actor"] == "structural"]
        assert all(a["band"] is None and a["label"] == NOT_RATED for a in structural)
    # Mozambique: nothing measures its companies in 2021, so nothing is shown as a score
    moz = explain(dataset, results, "MOZ", 2021)
    corp = next(a for a in moz["actors"] if a["actor"] == "corporate")
    assert corp["score"] is None and corp["label"] == NO_EVIDENCE


def test_structural_nodes_have_no_band(results):
    nodes = results.nodes
    structural = nodes[nodes["actor"] == "structural"]
    assert structural["score"].notna().any()
    assert structural["band"].isna().all()
    assert nodes.loc[(nodes["actor"] == "state") & nodes["score"].notna(), "band"].notna().all()


def test_association_corporate_column_kept_and_says_no_evidence(dataset, results):
    nodes = results.nodes
    node = nodes[nodes["node"] == "association.corporate"]
    assert len(node) == len(dataset.countries) * len(results.years)
    assert node["score"].isna().all() and (node["n_indicators"] == 0).all()


# --- #KeepItOn events: each counted once --------------------------------------------------------

@pytest.fixture(scope="module")
def events():
    return pd.read_csv(ROOT / "data" / "keepiton_events.csv")


def test_no_event_counts_twice(events, dataset):
    # one row per event and listing year; an event's days in a year never exceed the year
    assert not events.duplicated(["event_id", "year"]).any()
    assert (events["days"] <= 366).all() and (events["days"] >= 1).all()
    # the severity indicator is the sum over the year's rows: each event-year enters exactly once
    obs = dataset.observations
    shut = obs[(obs["indicator"] == "a_shutdowns") & ~obs["absence"]].set_index(["iso3", "year"])["value"]
    summed = events.groupby(["iso3", "year"])["severity"].sum()
    pd.testing.assert_series_equal(shut.sort_index().round(3), summed.sort_index().round(3), check_names=False)
    # a country-year with an event is never also an absence-rule zero
    zero = obs[(obs["indicator"] == "a_shutdowns") & obs["absence"]]
    assert not set(zip(zero["iso3"], zero["year"])) & set(zip(events["iso3"], events["year"]))
    # the operator's acknowledgement is counted once per event (its first listed year)
    assert (events.groupby("event_id")["ack_counted"].sum() <= 1).all()
    ack = obs[obs["indicator"] == "a_operator_ack"].set_index(["iso3", "year"])["value"]
    counted = events[events["ack_counted"] == 1]
    share = counted.groupby(["iso3", "year"])["telco_ack"].apply(lambda a: (a == "Yes").mean())
    pd.testing.assert_series_equal(ack.sort_index().round(3), share.sort_index().round(3), check_names=False)
    # only one indicator in the tree counts shutdown events
    spec = dataset.methodology.indicators
    counting = spec[spec["source_id"].str.startswith("ACCESSNOW") & (spec["actor"] != "corporate")]
    assert list(counting.index) == ["a_shutdowns"]


def test_event_severity_hand_computed(events):
    """Indonesia, Papua, 21 Aug - 5 Sep 2021: 16 days, several provinces (0.5), full network, shutdown."""
    row = events[(events["iso3"] == "IDN") & (events["year"] == 2021)
                 & events["start_date"].str.startswith("2021-08-21")].iloc[0]
    assert row["days"] == 16 and row["scope_weight"] == 0.5 and row["extent_weight"] == 1.0
    assert row["severity"] == pytest.approx(16 * 0.5 * 1.0 * 1.0)
    # an ongoing nationwide service-based block (listed every year) counts the year's own days, x 0.1
    block = events[(events["iso3"] == "IDN") & (events["year"] == 2021) & (events["extent_weight"] == 0.1)].iloc[0]
    assert block["days"] == 365 and block["severity"] == pytest.approx(36.5)


def test_shutdown_score_hand_computed(dataset):
    spec = dataset.methodology.indicators.loc["a_shutdowns"]
    # one national full-shutdown day: log goalposts 0..365, higher is worse, rescaled to 1..5
    s = 1 + 5 * np.log1p(1) / np.log1p(365)
    expected = 1 + ((7 - s) - 1) * 4 / 5
    assert score_values(np.array([1.0]), spec)[0] == pytest.approx(expected)
    assert score_values(np.array([365.0]), spec)[0] == pytest.approx(1.0)
    assert score_values(np.array([0.0]), spec)[0] == pytest.approx(5.0)


# --- engine rules on hand-made data -----------------------------------------------------------------

def _spec_rows(**changes):
    rows = [dict(zip(INDICATOR_COLUMNS, r)) for r in INDICATORS]
    for code, fields in changes.items():
        next(r for r in rows if r["code"] == code).update(fields)
    return rows


def _write(tmp_path, rows, observations, actors_evidence=True, absence=None):
    cols = INDICATOR_COLUMNS + ["max_score", "absence_rule"]
    root = write_data_dir(tmp_path, observations)
    pd.DataFrame([{c: r.get(c, "") for c in cols} for r in rows]).to_csv(
        root / "methodology" / "indicators.csv", index=False)
    pd.DataFrame({"code": ["state", "corporate", "structural"], "name": ["State", "Corporate", "Structural"],
                  "counts_as_abuse": [1, 1, 0], "needs_evidence": [0, int(actors_evidence), 0],
                  "description": ""}).to_csv(root / "methodology" / "actors.csv", index=False)
    if absence is not None:
        obs = pd.read_csv(root / "observations.csv")
        obs["absence"] = absence
        obs.to_csv(root / "observations.csv", index=False)
    return root


def test_absence_row_needs_a_declared_rule(tmp_path):
    root = _write(tmp_path, _spec_rows(), [("AAA", 2021, "b_worse", 0)], absence=[1])
    with pytest.raises(DataValidationError) as err:
        load_dataset(root)
    text = str(err.value)
    assert "observations.csv, line 2, field 'absence'" in text and "declares no absence_rule" in text


def test_absence_rule_may_not_give_a_best_score(tmp_path):
    rows = _spec_rows(b_worse={"absence_rule": "publisher: none recorded"})
    root = _write(tmp_path, rows, [("AAA", 2021, "b_worse", 0)], absence=[1])
    with pytest.raises(DataValidationError) as err:
        load_dataset(root)
    assert "scores 6: a rule may never give a best score" in str(err.value)
    rows = _spec_rows(b_worse={"absence_rule": "publisher: none recorded", "max_score": 5})
    root = _write(tmp_path, rows, [("AAA", 2021, "b_worse", 0)], absence=[1])
    data = load_dataset(root)
    res = score(data, years=[2021])
    row = res.indicators.set_index("indicator").loc["b_worse"]
    assert row["score"] == pytest.approx(5.0) and bool(row["absence"])


def test_absence_rule_on_an_evidence_actor_is_refused(tmp_path):
    rows = _spec_rows(c_cat={"absence_rule": "none recorded"})
    root = _write(tmp_path, rows, [("AAA", 2021, "a_lin", 2)])
    with pytest.raises(DataValidationError) as err:
        load_dataset(root)
    assert "indicators.csv, line 4, field 'absence_rule'" in str(err.value)
    assert "needs positive evidence" in str(err.value)


def test_max_score_only_for_goalpost_methods(tmp_path):
    root = _write(tmp_path, _spec_rows(c_cat={"max_score": 5}), [("AAA", 2021, "a_lin", 2)])
    with pytest.raises(DataValidationError) as err:
        load_dataset(root)
    assert "field 'max_score'" in str(err.value)


def test_max_score_rescales_hand_computed(tmp_path):
    rows = _spec_rows(a_lin={"max_score": 4})
    root = _write(tmp_path, rows, [("AAA", 2021, "a_lin", 2), ("BBB", 2021, "a_lin", 4)])
    res = score(load_dataset(root), years=[2021]).indicators.set_index("iso3")
    # linear 0..4: 2 -> 3.5 on 1..6, then onto 1..4: 1 + 2.5 x 3/5 = 2.5; 4 -> 6 -> 4
    assert res.at["AAA", "score"] == pytest.approx(2.5)
    assert res.at["BBB", "score"] == pytest.approx(4.0)


def test_corporate_node_needs_evidence_engine_rule(tmp_path):
    """Bypassing validation: a corporate value flagged as absence never makes a corporate score."""
    root = _write(tmp_path, _spec_rows(), [("AAA", 2021, "c_cat", 2), ("BBB", 2021, "c_cat", 2)])
    data = load_dataset(root)
    scores = pd.DataFrame({"iso3": ["AAA", "BBB"], "year": 2021, "indicator": "c_cat", "score": [6.0, 6.0],
                           "absence": [False, True]})
    nodes = aggregate(scores, data.methodology, ["AAA", "BBB"], [2021]).set_index(["iso3", "node"])
    assert nodes.at[("AAA", "privacy.corporate"), "score"] == 6.0
    assert nodes.at[("AAA", "privacy.corporate"), "n_evidence"] == 1
    assert np.isnan(nodes.at[("BBB", "privacy.corporate"), "score"])
    assert nodes.at[("BBB", "privacy.corporate"), "n_evidence"] == 0
    assert np.isnan(nodes.at[("BBB", "corporate"), "score"])
    # the pillar itself may still use it (absence can inform a pillar through a state indicator)
    assert nodes.at[("BBB", "privacy"), "score"] == 6.0


def test_sensitivity_switches_absence_rules_off(tmp_path):
    """AAA's privacy rests on a_lin (measured) and b_worse (zero rule). With the rule off, b_worse is
    missing: privacy = a_lin's score alone, coverage 1/2 (still >= 0.5)."""
    rows = _spec_rows(b_worse={"absence_rule": "none recorded", "max_score": 5})
    obs = [("AAA", 2021, "a_lin", 2), ("AAA", 2021, "b_worse", 0), ("BBB", 2021, "b_worse", 5)]
    root = _write(tmp_path, rows, obs, absence=[0, 1, 0])
    data = load_dataset(root)
    alts = Alternatives(absence_rules=True)
    prep = prepare(data, 2021, alts)
    draws = draw(prep, alts, runs=40, seed=1)
    assert draws.absence_off.any() and (~draws.absence_off).any()
    out = monte_carlo(prep, alts, draws)
    j = prep.tree.nodes.index("privacy")
    aaa = prep.countries.index("AAA")
    on, off = out[~draws.absence_off, aaa, j], out[draws.absence_off, aaa, j]
    assert np.allclose(on, (3.5 + 5.0) / 2)   # a_lin 2 on 0..4 -> 3.5; b_worse 0 -> 5 (max_score)
    assert np.allclose(off, 3.5)


# --- the changelog -----------------------------------------------------------------------------------

def test_changelog_is_validated_and_effects_add_up(dataset, results):
    log = dataset.methodology.changelog
    assert log is not None and (log["version"] == "2.0").all() and len(log) >= 8
    assert dataset.methodology.parameters.methodology_version == "2.0"
    effects = [c for c in log.columns if c.startswith("effect_")]
    assert effects == [f"effect_{p}" for p in PILOTS]
    # methodology 1.0's 2021 overall scores (scripts/changelog_effects.py, from git): 1.0 plus every
    # step's effect is the shipped 2.0 score, up to the rounding of each effect to 2 decimals
    before = {"COL": 3.91, "LBN": 3.71, "MOZ": 4.06, "UZB": 2.85, "IDN": 3.72}
    nodes = results.nodes
    now = nodes[(nodes["node"] == "overall") & (nodes["year"] == 2021)].set_index("iso3")["score"]
    for iso3 in PILOTS:
        assert before[iso3] + log[f"effect_{iso3}"].sum() == pytest.approx(now[iso3], abs=0.03), iso3


def test_changelog_rejects_an_unknown_added_indicator(tmp_path):
    root = _write(tmp_path, _spec_rows(), [("AAA", 2021, "a_lin", 2)])
    pd.DataFrame([{"version": "2.0", "order": 1, "area": "x", "change": "added", "reason": "why",
                   "indicators_removed": "a_lin", "indicators_added": "zz_new"}]).to_csv(
        root / "methodology" / "changelog.csv", index=False)
    with pytest.raises(DataValidationError) as err:
        load_dataset(root)
    text = str(err.value)
    assert "changelog.csv, line 2, field 'indicators_added': 'zz_new' is not in" in text
    assert "field 'indicators_removed': 'a_lin' is still in" in text


def test_shipped_sensitivity_varies_the_zero_rules_and_the_new_indicators(dataset):
    from indicators.alternatives import default_alternatives
    alts = default_alternatives(dataset.data_dir)
    assert alts.absence_rules and alts.leave_one_out and alts.goalposts > 0
    prep = prepare(dataset, 2021, alts)
    new = {"a_shutdowns", "a_operator_ack", "a_mobile_data_afford", "e_gov_disinfo", "e_rsf_press_2014",
           "p_ai_surveillance_adoption"}
    assert new <= set(prep.tree.indicators)            # each can be left out and reweighted
    goalpost = {c for c, g in zip(prep.tree.indicators, prep.goalpost) if g}
    assert new <= goalpost                              # and its goalposts move
    assert prep.published.absence.any()                 # the zero-rule rows are known to the runs


V1_COLUMNS = ("iso3,country,year,overall,privacy,expression,access,association,state,corporate,coverage,region,pilot,"
              "structural,access_corporate,access_state,access_structural,association_corporate,association_state,"
              "expression_corporate,expression_state,privacy_corporate,privacy_state,privacy_coverage,"
              "expression_coverage,access_coverage,association_coverage,state_coverage,corporate_coverage,"
              "structural_coverage")


def test_scores_csv_keeps_its_columns(capsys):
    from indicators.cli import main
    assert main(["scores", "--year", "2021", "--format", "csv"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == V1_COLUMNS
    moz = next(line for line in out if line.startswith("MOZ,")).split(",")
    header = V1_COLUMNS.split(",")
    assert moz[header.index("corporate")] == ""      # no corporate evidence: empty, never 6 or 0
    assert moz[header.index("association_corporate")] == ""
