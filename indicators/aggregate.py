"""Indicator scores to the tree: pillar x actor, pillar, actor and overall, each with its coverage.

The tree (from the methodology):

    overall   <- pillars (pillar weights)
    pillar    <- its indicators (indicator weights; every actor, structural included)
    pillar.actor <- the pillar's indicators of that actor (the state-vs-corporate split)
    actor     <- the pillar.actor nodes of that actor (pillar weights)

Rules, identical at every level:
- an indicator is *measured* in year Y when any country has an observation for it in Y's window
  (a source's series may start or stop: the V-Dem DSP items exist for 2021 only);
- score = weighted arithmetic mean of the measured children that have a score;
- coverage = weighted mean of the measured children's coverage (a measured indicator's is 1 with
  data for this country, 0 without): the share of what could be known that year that is known;
- measured_share = share of the node's full methodology weight measured that year: the same for
  every country, it says how much of the methodology a year's scores rest on (for trend readers);
- a node whose coverage is below `min_coverage` is withheld: its score is NaN, its coverage stays.
Missing data is never filled with a number.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .methodology import Methodology

NODE_COLUMNS = ["iso3", "year", "node", "level", "pillar", "actor", "score", "coverage",
                "measured_share", "n_indicators", "n_available", "band"]


def bands_of(scores: pd.Series) -> pd.Series:
    """Vectorised `methodology.band_of`: nearest whole step, halves up; NA stays NA."""
    return np.floor(scores + 0.5).clip(1, 6).astype("Int64")


def _grid(keys: pd.DataFrame, countries: list[str], years: list[int]) -> pd.DataFrame:
    """Every country x year x row of `keys`."""
    base = pd.MultiIndex.from_product([countries, years], names=["iso3", "year"]).to_frame(index=False)
    return base.merge(keys, how="cross")


def _roll_up(children: pd.DataFrame, group: list[str], min_coverage: float) -> pd.DataFrame:
    """Weighted means of child scores, coverage and measured share per `group`.

    `children` has columns group + [weight, score, coverage, measured_share, n_indicators,
    n_available]. A child counts towards coverage and score only when something in it was measured
    (measured_share > 0); a measured child with NaN score adds its coverage but not its score.
    """
    weight = children["weight"]
    w_eff = weight.where(children["measured_share"] > 0, 0.0)
    c = children.assign(
        w_eff=w_eff,
        w_ms=weight * children["measured_share"],
        w_cov=(w_eff * children["coverage"]).fillna(0.0),
        w_scored=w_eff.where(children["score"].notna(), 0.0),
        w_score=(w_eff * children["score"]).fillna(0.0),
    )
    agg = c.groupby(group, sort=False, observed=True).agg(
        weight=("weight", "sum"), w_eff=("w_eff", "sum"), w_ms=("w_ms", "sum"), w_cov=("w_cov", "sum"),
        w_scored=("w_scored", "sum"), w_score=("w_score", "sum"),
        n_indicators=("n_indicators", "sum"), n_available=("n_available", "sum"),
    ).reset_index()
    with np.errstate(invalid="ignore", divide="ignore"):
        agg["coverage"] = np.where(agg["w_eff"] > 0, agg["w_cov"] / agg["w_eff"], 0.0)
        agg["measured_share"] = np.where(agg["weight"] > 0, agg["w_ms"] / agg["weight"], 0.0)
        score = agg["w_score"] / agg["w_scored"]
    keep = (agg["w_scored"] > 0) & (agg["coverage"] >= min_coverage - 1e-12)
    agg["score"] = score.where(keep)
    return agg.drop(columns=["w_eff", "w_ms", "w_cov", "w_scored", "w_score"])


def aggregate(indicator_scores: pd.DataFrame, methodology: Methodology, countries: list[str],
              years: list[int], min_coverage: float | None = None) -> pd.DataFrame:
    """Node scores for every country x year x node (tidy; NaN score = withheld or no data).

    `indicator_scores` needs iso3, year, indicator, score (rows with data only).
    """
    min_cov = methodology.parameters.min_coverage if min_coverage is None else min_coverage
    ind = methodology.indicators[["pillar", "actor", "weight"]].rename_axis("indicator").reset_index()
    leaves = _grid(ind, countries, years).merge(
        indicator_scores[["iso3", "year", "indicator", "score"]], on=["iso3", "year", "indicator"], how="left")
    leaves["coverage"] = leaves["score"].notna().astype(float)
    measured = indicator_scores.groupby(["year", "indicator"]).size().rename("n").reset_index()
    leaves = leaves.merge(measured, on=["year", "indicator"], how="left")
    leaves["measured_share"] = leaves.pop("n").notna().astype(float)
    leaves["n_indicators"] = 1
    leaves["n_available"] = leaves["score"].notna().astype(int)

    pa = _roll_up(leaves, ["iso3", "year", "pillar", "actor"], min_cov)
    pillar = _roll_up(leaves, ["iso3", "year", "pillar"], min_cov)

    pillar_w = methodology.pillars["weight"]
    pillar_level = pillar.assign(weight=pillar["pillar"].map(pillar_w))
    overall = _roll_up(pillar_level.assign(node="overall"), ["iso3", "year", "node"], min_cov)
    pa_level = pa.assign(weight=pa["pillar"].map(pillar_w))
    actor = _roll_up(pa_level, ["iso3", "year", "actor"], min_cov)

    parts = [
        overall.assign(level="overall", pillar=None, actor=None),
        pillar.assign(level="pillar", node=pillar["pillar"], actor=None),
        pa.assign(level="pillar_actor", node=pa["pillar"] + "." + pa["actor"]),
        actor.assign(level="actor", node=actor["actor"], pillar=None),
    ]
    nodes = pd.concat([p.drop(columns="weight") for p in parts], ignore_index=True)
    nodes["band"] = bands_of(nodes["score"])
    return nodes[NODE_COLUMNS]
