"""score(dataset) -> tidy result tables that every page, export and API reads.

Load / Process / Save, in that order:
1. apply expert corrections to the observations (the one door through which anything flows back);
2. choose, per country x score year x indicator, the latest observation in [Y - window, Y];
3. normalise to 1..6;
4. aggregate the tree with coverage.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .aggregate import aggregate
from .methodology import Methodology
from .normalise import normalise
from .observations import Dataset

INDICATOR_COLUMNS = [
    "iso3", "year", "indicator", "pillar", "actor", "weight", "value", "obs_year", "carried",
    "source_id", "note", "absence", "score", "corrected", "original_value", "correction_reason",
    "correction_author", "correction_date", "correction_source",
]
SCORE_NODES = ["overall", "privacy", "expression", "access", "association", "state", "corporate", "structural"]


@dataclass(frozen=True)
class Results:
    """Tidy outputs of one scoring run."""

    indicators: pd.DataFrame  # one row per country x year x indicator with data (INDICATOR_COLUMNS)
    nodes: pd.DataFrame       # one row per country x year x node (aggregate.NODE_COLUMNS)
    years: list[int]


def apply_corrections(observations: pd.DataFrame, corrections: pd.DataFrame) -> pd.DataFrame:
    """Use each corrected value instead of the published one, keeping the provenance of both.

    A correction for an (iso3, year, indicator) with no published observation adds one (an expert
    supplied a missing value); its source is the correction's own `source`. A corrected value is an
    expert's positive evidence, so it is never an absence-rule row.
    """
    if "absence" not in observations.columns:
        observations = observations.assign(absence=False)
    obs = observations.assign(corrected=False, original_value=np.nan, correction_reason=None,
                              correction_author=None, correction_date=None, correction_source=None)
    if corrections.empty:
        return obs
    key = ["iso3", "year", "indicator"]
    corr = corrections.rename(columns={
        "value": "corrected_value", "reason": "correction_reason", "author": "correction_author",
        "date": "correction_date", "source": "correction_source"}).astype({"year": int})
    merged = obs.drop(columns=["correction_reason", "correction_author", "correction_date",
                               "correction_source"]).merge(corr, on=key, how="outer", indicator=True)
    hit = merged["_merge"] != "left_only"
    merged.loc[hit, "original_value"] = merged.loc[hit, "value"]
    merged.loc[hit, "value"] = merged.loc[hit, "corrected_value"]
    merged.loc[hit, "corrected"] = True
    added = merged["_merge"] == "right_only"
    merged.loc[added, "note"] = "value added by an expert panel (no published observation)"
    merged["corrected"] = merged["corrected"].fillna(False).astype(bool)
    merged["absence"] = merged["absence"].fillna(False).astype(bool) & ~merged["corrected"]
    return merged.drop(columns=["corrected_value", "_merge"])


def combine_corrections(base: pd.DataFrame, more: pd.DataFrame | None) -> pd.DataFrame:
    """`base` (corrections.csv) with `more` added (e.g. the review store's accepted corrections, same
    columns): where both correct the same (iso3, year, indicator), the row of `more` is kept."""
    if more is None or more.empty:
        return base
    return pd.concat([base, more], ignore_index=True).drop_duplicates(["iso3", "year", "indicator"], keep="last")


def select_observations(observations: pd.DataFrame, methodology: Methodology,
                        years: list[int], window: int | None = None) -> pd.DataFrame:
    """Per country x score year x indicator, the latest observation in [Y - window, Y].

    `window` overrides every indicator's window (used by sensitivity runs). The result keeps the
    observation's own year as `obs_year` and flags `carried` when it is older than the score year.
    """
    obs = observations.rename(columns={"year": "obs_year"})
    if window is None:
        windows = pd.Series({c: methodology.window(c) for c in methodology.indicators.index})
    else:
        windows = pd.Series(window, index=methodology.indicators.index)
    obs = obs.assign(window=obs["indicator"].map(windows).to_numpy())
    years_frame = pd.DataFrame({"year": years})
    cand = obs.merge(years_frame, how="cross")
    gap = cand["year"] - cand["obs_year"]
    cand = cand[(gap >= 0) & (gap <= cand["window"])]
    cand = cand.sort_values("obs_year").drop_duplicates(["iso3", "year", "indicator"], keep="last")
    cand["carried"] = cand["obs_year"] < cand["year"]
    return cand.drop(columns="window")


def score(dataset: Dataset, years: list[int] | None = None, corrections: pd.DataFrame | None = None,
          methodology: Methodology | None = None) -> Results:
    """Score every country in `dataset` for `years` (default: the methodology's years).

    `corrections` replaces the dataset's own corrections; `methodology` replaces its methodology
    (both for what-if and sensitivity runs).
    """
    meth = methodology or dataset.methodology
    years = list(years) if years is not None else meth.parameters.years
    corr = dataset.corrections if corrections is None else corrections

    obs = apply_corrections(dataset.observations, corr)
    chosen = select_observations(obs, meth, years)
    scored = normalise(chosen, meth)
    spec = meth.indicators[["pillar", "actor", "weight"]]
    scored = scored.join(spec, on="indicator")
    scored = scored[INDICATOR_COLUMNS].sort_values(["iso3", "year", "indicator"]).reset_index(drop=True)

    countries = sorted(dataset.countries.index)
    nodes = aggregate(scored, meth, countries, years)
    _check_ranges(scored, nodes)
    return Results(scored, nodes, years)


def _check_ranges(indicators: pd.DataFrame, nodes: pd.DataFrame) -> None:
    """Scores live in [1, 6] and coverage in [0, 1]; anything else is a bug, not a data problem."""
    for name, values in (("indicator score", indicators["score"]), ("node score", nodes["score"])):
        v = values.dropna()
        if not v.between(1.0, 6.0).all():
            raise AssertionError(f"{name} outside [1, 6]: {v[~v.between(1.0, 6.0)].head()}")
    if not nodes["coverage"].between(0.0, 1.0 + 1e-9).all():
        raise AssertionError("coverage outside [0, 1]")


def wide_scores(results: Results, dataset: Dataset, year: int, countries: list[str] | None = None,
                scored_only: bool = True) -> pd.DataFrame:
    """One row per country for `year`: iso3, country, region, pilot, year, the score columns, the
    pillar x actor split (e.g. `privacy_state`) and coverage columns (`coverage` = overall's)."""
    nodes = results.nodes[results.nodes["year"] == year]
    if countries:
        nodes = nodes[nodes["iso3"].isin(countries)]
    scores = nodes.pivot(index="iso3", columns="node", values="score")
    coverage = nodes.pivot(index="iso3", columns="node", values="coverage")
    scores.columns = [c.replace(".", "_") for c in scores.columns]
    coverage.columns = [f"{c.replace('.', '_')}_coverage" if c != "overall" else "coverage"
                        for c in coverage.columns]
    split = sorted(c for c in scores.columns if "_" in c)
    main = [c for c in SCORE_NODES if c in scores.columns]
    frame = scores[main + split].join(coverage[["coverage"] + [f"{c}_coverage" for c in main if c != "overall"]])
    info = dataset.countries[["name", "region", "pilot"]].rename(columns={"name": "country"})
    frame = info.join(frame, how="inner").rename_axis("iso3").reset_index()
    frame.insert(2, "year", year)
    if scored_only:
        frame = frame[frame[main + split].notna().any(axis=1)]
    return frame.reset_index(drop=True)
