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
- a node whose coverage is below `min_coverage` is withheld: its score is NaN, its coverage stays;
- evidence: `n_evidence` counts the indicators with data that did not come from an absence rule
  ("nothing recorded" turned into a value). A node of an actor that `needs_evidence` (corporate)
  exists only where n_evidence > 0: silence never scores companies;
- a node of an actor that is not abuse (structural) carries a score but no band: conditions are not
  rated as respect or violation.
Missing data is never filled with a number.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .methodology import Methodology

NODE_COLUMNS = ["iso3", "year", "node", "level", "pillar", "actor", "score", "coverage",
                "measured_share", "n_indicators", "n_available", "n_evidence", "band"]


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
        n_evidence=("n_evidence", "sum"),
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

    `indicator_scores` needs iso3, year, indicator, score (rows with data only) and optionally
    `absence` (True where the value comes from an absence rule).
    """
    min_cov = methodology.parameters.min_coverage if min_coverage is None else min_coverage
    ind = methodology.indicators[["pillar", "actor", "weight"]].rename_axis("indicator").reset_index()
    scores = indicator_scores.assign(absence=indicator_scores["absence"].astype(bool)
                                     if "absence" in indicator_scores.columns else False)
    leaves = _grid(ind, countries, years).merge(
        scores[["iso3", "year", "indicator", "score", "absence"]], on=["iso3", "year", "indicator"], how="left")
    leaves["coverage"] = leaves["score"].notna().astype(float)
    measured = indicator_scores.groupby(["year", "indicator"]).size().rename("n").reset_index()
    leaves = leaves.merge(measured, on=["year", "indicator"], how="left")
    leaves["measured_share"] = leaves.pop("n").notna().astype(float)
    leaves["n_indicators"] = 1
    leaves["n_available"] = leaves["score"].notna().astype(int)
    leaves["n_evidence"] = (leaves["score"].notna() & ~leaves.pop("absence").fillna(False).astype(bool)).astype(int)

    pa = _complete_split(_roll_up(leaves, ["iso3", "year", "pillar", "actor"], min_cov), methodology,
                         countries, years)
    pa["score"] = _require_evidence(pa, methodology)
    pillar = _roll_up(leaves, ["iso3", "year", "pillar"], min_cov)

    pillar_w = methodology.pillars["weight"]
    pillar_level = pillar.assign(weight=pillar["pillar"].map(pillar_w))
    overall = _roll_up(pillar_level.assign(node="overall"), ["iso3", "year", "node"], min_cov)
    pa_level = pa.assign(weight=pa["pillar"].map(pillar_w))
    actor = _roll_up(pa_level, ["iso3", "year", "actor"], min_cov)
    actor["score"] = _require_evidence(actor, methodology)

    parts = [
        overall.assign(level="overall", pillar=None, actor=None),
        pillar.assign(level="pillar", node=pillar["pillar"], actor=None),
        pa.assign(level="pillar_actor", node=pa["pillar"] + "." + pa["actor"]),
        actor.assign(level="actor", node=actor["actor"], pillar=None),
    ]
    nodes = pd.concat([p.drop(columns="weight") for p in parts], ignore_index=True)
    banded = nodes["actor"].isna() | nodes["actor"].map(methodology.actors["counts_as_abuse"]).fillna(True)
    nodes["band"] = bands_of(nodes["score"]).where(banded.astype(bool))
    return nodes[NODE_COLUMNS]


def _complete_split(pa: pd.DataFrame, methodology: Methodology, countries: list[str],
                    years: list[int]) -> pd.DataFrame:
    """Every pillar x actor node for the actors that count as abuse, even where no indicator measures
    that actor in that pillar (e.g. nothing measures companies' conduct on association): such a node
    has no score, coverage 0 and measured share 0, so the page can say "no corporate evidence"."""
    abuse = [a for a in methodology.actor_codes if methodology.actors.at[a, "counts_as_abuse"]]
    have = set(zip(pa["pillar"], pa["actor"]))
    missing = [(p, a) for p in methodology.pillar_codes for a in abuse if (p, a) not in have]
    if not missing:
        return pa
    keys = pd.DataFrame(missing, columns=["pillar", "actor"])
    empty = _grid(keys, countries, years).assign(weight=0.0, coverage=0.0, measured_share=0.0, n_indicators=0,
                                                 n_available=0, n_evidence=0, score=np.nan)
    return pd.concat([pa, empty[pa.columns]], ignore_index=True)


def _require_evidence(frame: pd.DataFrame, methodology: Methodology) -> pd.Series:
    """Scores of nodes whose actor needs positive evidence, withheld where none stands behind them."""
    needs = frame["actor"].isin(methodology.evidence_actors)
    return frame["score"].where(~needs | (frame["n_evidence"] > 0))
