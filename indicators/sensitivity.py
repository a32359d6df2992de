"""How sure is a score? A seeded Monte Carlo over the documented methodological alternatives.

Each run draws one value for every choice in `data/methodology/sensitivity.csv` (weights perturbed,
goalposts moved, carry-forward window, one indicator left out, measurement noise) and scores every
country with it. Across runs this gives, per country x node, the 5th-95th percentile of the score,
per country the same interval of its overall rank, and per choice a first-order sensitivity share:
how much of the variance across runs that choice explains on its own.

Load / Process / Save:
1. `prepare`: per window alternative, the selected raw values as arrays [country x indicator];
2. `monte_carlo`: per batch of runs, normalise with perturbed goalposts and roll the tree up with
   perturbed weights as array operations (masks for missing data; coverage and `min_coverage`
   withholding exactly as in `aggregate.py`); no Python loop over countries;
3. `summarise`: intervals, rank intervals and sensitivity shares as tidy frames;
4. `sensitivity_cached`: the same, read from or written to a disk cache keyed by a hash of the data,
   the methodology, the alternatives, runs and seed.

With every alternative switched off the vectorised path reproduces `pipeline.score()` (tested to 1e-9).

First-order shares are estimated from the same runs by binning: for a scalar input X (one weight
factor, one goalpost shift, the window, the indicator left out) the between-bin variance of the
score, corrected for the noise of bin means (epsilon-squared: (SSB - (B - 1) MSW) / SST), is the
share of Var(score) explained by E[score | X]. A choice made of several inputs (25 indicator
weights) gets the sum over its inputs. What the shares leave unexplained is interaction.

Measurement error: an observation may carry a standard error in an optional `value_sd` column
(V-Dem publishes one per estimate). Each run then adds N(0, (spread x value_sd)^2) to the raw value
of linear and log indicators (log counts floored at 0); corrected values carry no sd. The shipped
extracts hold point estimates only, so this hook is inert on them. Its share is estimated per
country by binning the first-order effect of that country's own noise (`noise_proxy`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .alternatives import CHOICES, Alternatives, default_alternatives
from .methodology import Methodology
from .normalise import GOALPOST_METHODS, SCALE_MAX, SCALE_MIN, score_values
from .observations import Dataset
from .pipeline import apply_corrections, select_observations
from .text import N_

try:
    import fcntl
except ImportError:  # not POSIX: computations are not shared between processes there
    fcntl = None

SCORE_COLUMNS = ["overall", "privacy", "expression", "access", "association", "state", "corporate"]
LOW_Q, HIGH_Q = 5.0, 95.0
CONTINUOUS_BINS = 10
BATCH = 250          # runs per array batch: bounds memory at ~C x I x BATCH floats per temporary
CACHE_VERSION = "3"  # bump when the computation changes, so old cache files are not read
ROOT = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------------------------------------
# The tree as matrices
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Tree:
    """The methodology's tree as membership matrices.

    Level 1 nodes (pillar x actor, then pillars) are weighted means of indicators: `leaf` [I, L].
    Upper nodes (overall, then actors) are weighted means of level-1 nodes weighted by their
    pillar's weight: `upper` [L, U], `level1_pillar` [L] the pillar index of each level-1 node.
    """

    indicators: list[str]
    pillars: list[str]
    level1: list[str]
    upper: list[str]
    leaf: np.ndarray
    up: np.ndarray
    level1_pillar: np.ndarray
    weight: np.ndarray        # [I] published indicator weights
    pillar_weight: np.ndarray  # [P]
    level1_needs: np.ndarray   # [L] bool: the node's actor needs positive (non-absence) evidence

    @property
    def nodes(self) -> list[str]:
        return self.level1 + self.upper


def build_tree(meth: Methodology) -> Tree:
    ind = meth.indicators
    codes = list(ind.index)
    pillars = [p for p in meth.pillar_codes if (ind["pillar"] == p).any()]
    actors = [a for a in meth.actor_codes if (ind["actor"] == a).any()]
    pa = [(p, a) for p in pillars for a in actors if ((ind["pillar"] == p) & (ind["actor"] == a)).any()]
    level1 = [f"{p}.{a}" for p, a in pa] + pillars
    leaf = np.zeros((len(codes), len(level1)))
    for j, (p, a) in enumerate(pa):
        leaf[:, j] = ((ind["pillar"] == p) & (ind["actor"] == a)).to_numpy()
    for k, p in enumerate(pillars):
        leaf[:, len(pa) + k] = (ind["pillar"] == p).to_numpy()
    upper = ["overall"] + actors
    up = np.zeros((len(level1), len(upper)))
    up[len(pa):, 0] = 1.0
    for j, (_, a) in enumerate(pa):
        up[j, 1 + actors.index(a)] = 1.0
    level1_pillar = np.array([pillars.index(p) for p, _ in pa] + list(range(len(pillars))))
    needs = np.array([a in meth.evidence_actors for _, a in pa] + [False] * len(pillars), dtype=bool)
    return Tree(codes, pillars, level1, upper, leaf, up, level1_pillar,
                ind["weight"].to_numpy(dtype=float), meth.pillars.loc[pillars, "weight"].to_numpy(dtype=float),
                needs)


# ---------------------------------------------------------------------------------------------
# 1. Prepare: selected observations as arrays, one set per window alternative
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Slice:
    """One year under one window alternative, as arrays over countries x indicators."""

    raw: np.ndarray        # [C, I] raw value (NaN: no observation)
    sd: np.ndarray         # [C, I] value_sd (NaN: none)
    fixed: np.ndarray      # [C, I] scores of categorical / banded indicators (they ignore goalposts)
    point: np.ndarray      # [C, I] published indicator scores (NaN: no score)
    absence: np.ndarray    # [C, I] bool: the value comes from an absence rule ("none recorded")
    measured: np.ndarray   # [I] some country has an observation in the window
    minmax: tuple[np.ndarray, np.ndarray]  # [I] observed min / max on the transformed scale


@dataclass(frozen=True)
class Prepared:
    year: int
    countries: list[str]
    tree: Tree
    goalpost: np.ndarray   # [I] bool: linear or log
    log: np.ndarray        # [I] bool
    flip: np.ndarray       # [I] bool: goalpost method and higher_worse
    top: np.ndarray        # [I] best possible score (max_score, else 6)
    lo: np.ndarray         # [I] goalposts on the transformed scale (log1p for log)
    hi: np.ndarray
    windows: tuple         # window alternatives the runs draw from (None = the methodology's windows)
    slices: tuple          # one Slice per window alternative
    published: Slice       # the methodology's own windows: the published (point) scores
    min_coverage: float


def _observations(dataset: Dataset, corrections: pd.DataFrame | None) -> pd.DataFrame:
    corr = dataset.corrections if corrections is None else corrections
    obs = apply_corrections(dataset.observations, corr)
    if "value_sd" in obs.columns:
        sd = pd.to_numeric(obs["value_sd"], errors="coerce")
        obs["value_sd"] = sd.where(~obs["corrected"].astype(bool))  # an expert's value has no sd
    else:
        obs["value_sd"] = np.nan
    return obs


def prepare(dataset: Dataset, year: int, alternatives: Alternatives | None = None,
            corrections: pd.DataFrame | None = None, methodology: Methodology | None = None) -> Prepared:
    """Precompute everything that does not change between runs for `year`."""
    meth = methodology or dataset.methodology
    alts = alternatives or Alternatives()
    tree = build_tree(meth)
    spec = meth.indicators.loc[tree.indicators]
    countries = sorted(dataset.countries.index)
    goalpost = spec["method"].isin(GOALPOST_METHODS).to_numpy()
    log = (spec["method"] == "log").to_numpy()
    flip = goalpost & (spec["direction"] == "higher_worse").to_numpy()
    top = spec["max_score"].fillna(SCALE_MAX).to_numpy(dtype=float) if "max_score" in spec else np.full(
        len(spec), SCALE_MAX)
    lo, hi = spec["lo"].to_numpy(dtype=float), spec["hi"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):  # np.where evaluates log1p on every goalpost
        lo, hi = np.where(log, np.log1p(lo), lo), np.where(log, np.log1p(hi), hi)

    obs = _observations(dataset, corrections)
    windows = (None,) if alts.window is None else tuple(dict.fromkeys(alts.window))
    slices: dict = {}
    for window in dict.fromkeys((None, *windows)):
        chosen = select_observations(obs, meth, [year], window=window)
        raw = _grid(chosen, "value", countries, tree.indicators)
        sd = _grid(chosen, "value_sd", countries, tree.indicators)
        absence = np.nan_to_num(_grid(chosen.assign(absence=chosen["absence"].astype(float)), "absence",
                                      countries, tree.indicators)) > 0
        point = np.full_like(raw, np.nan)
        for i, code in enumerate(tree.indicators):  # per indicator (25), never per country
            point[:, i] = score_values(raw[:, i], spec.loc[code])
        fixed = np.where(goalpost, np.nan, point)
        measured = np.isin(tree.indicators, chosen["indicator"].unique())
        with np.errstate(invalid="ignore"):
            trans = np.where(log, np.log1p(np.where(log, raw, 0.0)), raw)
        trans = np.where(np.isnan(point), np.nan, trans)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns: no data that year
            mm = (np.nanmin(trans, axis=0), np.nanmax(trans, axis=0)) if len(countries) else (lo, hi)
        # min-max needs a range: where the year's values are all equal, keep the published goalposts
        ok = np.isfinite(mm[0]) & np.isfinite(mm[1]) & (mm[1] > mm[0])
        mm = (np.where(ok, mm[0], lo), np.where(ok, mm[1], hi))
        slices[window] = Slice(raw, sd, fixed, point, absence, measured, mm)
    return Prepared(year, countries, tree, goalpost, log, flip, top, lo, hi, windows,
                    tuple(slices[w] for w in windows), slices[None], meth.parameters.min_coverage)


def _grid(frame: pd.DataFrame, column: str, countries: list[str], indicators: list[str]) -> np.ndarray:
    table = frame.pivot(index="iso3", columns="indicator", values=column)
    return table.reindex(index=countries, columns=indicators).to_numpy(dtype=float)


# ---------------------------------------------------------------------------------------------
# 2. Process: draws and vectorised runs
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Draws:
    """Every run's choices, drawn up front from one stream per choice (seeded, reproducible)."""

    weight_factor: np.ndarray   # [R, I]
    pillar_factor: np.ndarray   # [R, P]
    lo_shift: np.ndarray        # [R, I] in units of (hi - lo)
    hi_shift: np.ndarray        # [R, I]
    normalisation: np.ndarray   # [R] index into alternatives.normalisation
    window: np.ndarray          # [R] index into Prepared.windows
    left_out: np.ndarray        # [R] indicator index, -1 = none
    absence_off: np.ndarray     # [R] bool: this run drops the observations absence rules made
    noise_seed: int             # measurement noise is drawn per batch from this seed


def draw(prep: Prepared, alts: Alternatives, runs: int, seed: int) -> Draws:
    n_ind, n_pil = len(prep.tree.indicators), len(prep.tree.pillars)
    rng = {name: np.random.default_rng([seed, k]) for k, name in enumerate(CHOICES)}

    def factor(name: str, spread: float, width: int) -> np.ndarray:
        if not spread:
            return np.ones((runs, width))
        return 1.0 + rng[name].uniform(-spread, spread, size=(runs, width))

    if alts.goalposts:
        shifts = rng["goalposts"].uniform(-alts.goalposts, alts.goalposts, size=(2, runs, n_ind))
    else:
        shifts = np.zeros((2, runs, n_ind))
    norm = (rng["normalisation"].integers(0, len(alts.normalisation), runs)
            if len(alts.normalisation) > 1 else np.zeros(runs, dtype=int))
    window = (rng["window"].integers(0, len(prep.windows), runs)
              if len(prep.windows) > 1 else np.zeros(runs, dtype=int))
    left_out = (rng["leave_one_out"].integers(-1, n_ind, runs) if alts.leave_one_out
                else np.full(runs, -1))
    absence_off = (rng["absence_rules"].integers(0, 2, runs).astype(bool) if alts.absence_rules
                   else np.zeros(runs, dtype=bool))
    return Draws(factor("indicator_weights", alts.indicator_weights, n_ind),
                 factor("pillar_weights", alts.pillar_weights, n_pil),
                 shifts[0], shifts[1], norm, window, left_out, absence_off,
                 int(np.random.default_rng([seed, len(CHOICES)]).integers(2**31)))


def node_scores(prep: Prepared, slc: Slice, lo: np.ndarray, hi: np.ndarray, weight: np.ndarray,
                pillar_weight: np.ndarray, noise: np.ndarray | None = None,
                absence_off: np.ndarray | None = None) -> np.ndarray:
    """Scores [R, C, N] (NaN = withheld or no data) of every node for R parameter sets at once.

    lo, hi, weight: [R, I]; pillar_weight: [R, P]; noise: [R, C, I] added to raw values or None;
    absence_off: [R] bool, runs in which observations made by an absence rule count as missing.
    """
    tree = prep.tree
    raw = slc.raw[None] if noise is None else slc.raw[None] + noise
    if noise is not None:
        raw = np.where(prep.log, np.maximum(raw, 0.0), raw)
    with np.errstate(invalid="ignore"):
        trans = np.where(prep.log, np.log1p(np.where(prep.log, raw, 0.0)), raw)
    lo_, hi_ = lo[:, None, :], hi[:, None, :]
    scores = np.clip(SCALE_MIN + 5.0 * (trans - lo_) / (hi_ - lo_), SCALE_MIN, SCALE_MAX)
    scores = np.where(prep.flip, SCALE_MIN + SCALE_MAX - scores, scores)
    scores = SCALE_MIN + (scores - SCALE_MIN) * (prep.top - SCALE_MIN) / (SCALE_MAX - SCALE_MIN)
    scores = np.where(prep.goalpost, scores, slc.fixed)
    has = ~np.isnan(slc.point)                                     # [C, I]
    if absence_off is not None and absence_off.any():
        has = has[None] & ~(slc.absence[None] & absence_off[:, None, None])  # [R, C, I]
    evidence = has & ~slc.absence
    scores = np.where(has, scores, 0.0)

    # level 1: pillar x actor and pillars, weighted means of indicators (aggregate._roll_up)
    w_eff = weight * slc.measured                                   # [R, I]
    total = w_eff @ tree.leaf                                       # [R, L]
    w_has = w_eff[:, None, :] * has                                 # [R, C, I]
    covered = w_has @ tree.leaf                                     # [R, C, L]
    summed = (w_has * scores) @ tree.leaf
    backed = ((w_eff[:, None, :] > 0) * evidence) @ tree.leaf > 0   # [R, C, L] some positive evidence
    with np.errstate(invalid="ignore", divide="ignore"):
        cov1 = np.where(total[:, None, :] > 0, covered / total[:, None, :], 0.0)
        score1 = np.where((covered > 0) & (cov1 >= prep.min_coverage - 1e-12) & (backed | ~tree.level1_needs),
                          np.clip(summed / covered, SCALE_MIN, SCALE_MAX), np.nan)  # clip: rounding ulps

    # upper: overall (pillars) and actors (pillar x actor), weighted by pillar weights
    child_w = pillar_weight[:, tree.level1_pillar] * (total > 0)   # [R, L]
    total_u = child_w @ tree.up                                     # [R, U]
    cw = child_w[:, None, :]
    scored = ~np.isnan(score1)
    covered_u = (cw * cov1) @ tree.up
    weight_u = (cw * scored) @ tree.up
    summed_u = (cw * np.where(scored, score1, 0.0)) @ tree.up
    with np.errstate(invalid="ignore", divide="ignore"):
        cov_u = np.where(total_u[:, None, :] > 0, covered_u / total_u[:, None, :], 0.0)
        score_u = np.where((weight_u > 0) & (cov_u >= prep.min_coverage - 1e-12),
                           np.clip(summed_u / weight_u, SCALE_MIN, SCALE_MAX), np.nan)
    return np.concatenate([score1, score_u], axis=2)


def point_scores(prep: Prepared) -> np.ndarray:
    """[C, N] published node scores through the vectorised path (the methodology's own windows)."""
    tree = prep.tree
    return node_scores(prep, prep.published, prep.lo[None], prep.hi[None],
                       tree.weight[None], tree.pillar_weight[None])[0]


def uses_noise(prep: Prepared, alts: Alternatives) -> bool:
    return bool(alts.measurement_error) and any(np.isfinite(s.sd[:, prep.goalpost]).any() for s in prep.slices)


def _batches(prep: Prepared, alts: Alternatives, draws: Draws):
    """(window index, slice, run indices, measurement noise [R, C, I] or None), in a fixed order."""
    noise_rng = np.random.default_rng(draws.noise_seed)
    use_noise = uses_noise(prep, alts)
    for w_index, slc in enumerate(prep.slices):
        idx = np.flatnonzero(draws.window == w_index)
        sd = np.where(prep.goalpost, np.nan_to_num(slc.sd), 0.0) * alts.measurement_error
        for start in range(0, len(idx), BATCH):
            r = idx[start:start + BATCH]
            noise = noise_rng.standard_normal((len(r), *slc.raw.shape)) * sd if use_noise else None
            yield w_index, slc, r, noise


def noise_proxy(prep: Prepared, alts: Alternatives, draws: Draws) -> np.ndarray:
    """[R, C] per run and country, the first-order effect of its measurement noise on the overall
    score at published weights: sum over indicators of noise x d(score)/d(value). Binned to give
    the measurement_error share (the noise is per country, not one scalar shared by all)."""
    out = np.zeros((len(draws.window), len(prep.countries)))
    span = np.where(prep.goalpost, prep.hi - prep.lo, 1.0)
    sign = np.where(prep.flip, -1.0, 1.0)
    for _, slc, r, noise in _batches(prep, alts, draws):
        if noise is None:
            continue
        with np.errstate(invalid="ignore"):
            slope = sign * 5.0 / span / np.where(prep.log, 1.0 + np.where(prep.log, slc.raw, 0.0), 1.0)
        out[r] = np.nansum(noise * np.nan_to_num(slope) * prep.tree.weight, axis=2)
    return out


def monte_carlo(prep: Prepared, alts: Alternatives, draws: Draws) -> np.ndarray:
    """Scores [R, C, N] for every run, computed in batches grouped by window alternative."""
    tree = prep.tree
    runs = len(draws.window)
    out = np.full((runs, len(prep.countries), len(tree.nodes)), np.nan)
    n_ind = len(tree.indicators)
    for _, slc, r, noise in _batches(prep, alts, draws):
        minmax = draws.normalisation[r] == (alts.normalisation.index("minmax")
                                             if "minmax" in alts.normalisation else -1)
        lo0 = np.where(minmax[:, None], slc.minmax[0], prep.lo)
        hi0 = np.where(minmax[:, None], slc.minmax[1], prep.hi)
        width = hi0 - lo0
        lo = lo0 + draws.lo_shift[r] * width
        hi = hi0 + draws.hi_shift[r] * width
        weight = tree.weight * draws.weight_factor[r]
        dropped = draws.left_out[r]
        weight = np.where(np.arange(n_ind) == dropped[:, None], 0.0, weight)
        pillar_weight = tree.pillar_weight * draws.pillar_factor[r]
        out[r] = node_scores(prep, slc, lo, hi, weight, pillar_weight, noise, draws.absence_off[r])
    return out


# ---------------------------------------------------------------------------------------------
# 3. Summarise: intervals, ranks, first-order shares
# ---------------------------------------------------------------------------------------------

def percentiles(values: np.ndarray, qs: tuple[float, ...]) -> list[np.ndarray]:
    """NaN-ignoring percentiles along axis 0 (linear interpolation), vectorised."""
    ordered = np.sort(values, axis=0)          # NaN last
    n = (~np.isnan(values)).sum(axis=0)
    out = []
    for q in qs:
        pos = np.clip(q / 100.0 * (n - 1), 0, None)
        below = np.floor(pos).astype(int)
        above = np.minimum(below + 1, np.maximum(n - 1, 0))
        frac = pos - below
        a = np.take_along_axis(ordered, below[None], axis=0)[0]
        b = np.take_along_axis(ordered, above[None], axis=0)[0]
        out.append(np.where(n > 0, a + frac * (b - a), np.nan))
    return out


def ranks(overall: np.ndarray) -> np.ndarray:
    """Rank 1 = best along the last axis; ties share the best rank; NaN stays NaN."""
    better = (overall[..., None, :] > overall[..., :, None]).sum(axis=-1)
    return np.where(np.isnan(overall), np.nan, 1.0 + better)


def _bins(values: np.ndarray, n_bins: int = CONTINUOUS_BINS) -> np.ndarray:
    """Equal-count bins of a continuous draw along axis 0, as integers 0..n_bins-1."""
    order = np.argsort(np.argsort(values, axis=0, kind="stable"), axis=0, kind="stable")
    return (order * n_bins // len(values)).astype(int)


def sensitivity_inputs(prep: Prepared, alts: Alternatives, draws: Draws) -> list[tuple[str, np.ndarray]]:
    """(choice, bin index per run) for every scalar input that varied; vector choices give several."""
    inputs: list[tuple[str, np.ndarray]] = []
    tree = prep.tree
    if alts.indicator_weights:
        inputs += [("indicator_weights", _bins(draws.weight_factor[:, i]))
                   for i in range(len(tree.indicators)) if tree.weight[i] > 0]
    if alts.pillar_weights:
        inputs += [("pillar_weights", _bins(draws.pillar_factor[:, p])) for p in range(len(tree.pillars))]
    if alts.goalposts:
        for i in np.flatnonzero(prep.goalpost):
            inputs += [("goalposts", _bins(draws.lo_shift[:, i])), ("goalposts", _bins(draws.hi_shift[:, i]))]
    if len(alts.normalisation) > 1:
        inputs.append(("normalisation", draws.normalisation))
    if len(prep.windows) > 1:
        inputs.append(("window", draws.window))
    if alts.leave_one_out:
        inputs.append(("leave_one_out", draws.left_out + 1))
    if alts.absence_rules:
        inputs.append(("absence_rules", draws.absence_off.astype(int)))
    return inputs


def first_order_shares(values: np.ndarray, inputs: list[tuple[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """Per choice, the share of variance of `values` [R, Q] its inputs explain on their own.

    An input is a bin index per run, [R] (shared by every value) or [R, Q] (one per value, e.g.
    a country's own measurement noise). Binned estimator with noise correction (epsilon-squared),
    summed over a choice's inputs, then clipped to [0, 1]. Runs where a value is NaN (withheld) are
    left out of that value's estimate. NaN where the values do not vary.
    """
    valid = ~np.isnan(values)
    y = np.where(valid, values, 0.0)
    v = valid.astype(float)
    n = v.sum(axis=0)
    s = y.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        sst = (y * y).sum(axis=0) - s * s / n
    if not inputs:
        return {}
    shares: dict[str, np.ndarray] = {}

    def add(name: str, term: np.ndarray, k: np.ndarray) -> None:
        with np.errstate(invalid="ignore", divide="ignore"):
            ssb = term - s * s / n
            msw = np.where(n > k, (sst - ssb) / (n - k), 0.0)
            shares[name] = shares.get(name, 0.0) + (ssb - (k - 1) * msw) / sst

    for name, b in [(nm, b) for nm, b in inputs if b.ndim == 2]:
        term, k = np.zeros(values.shape[1]), np.zeros(values.shape[1])
        for level in range(int(b.max()) + 1):
            m = b == level
            n_b, s_b = (m * v).sum(axis=0), (m * y).sum(axis=0)
            with np.errstate(invalid="ignore", divide="ignore"):
                term += np.where(n_b > 0, s_b * s_b / n_b, 0.0)
            k += n_b > 0
        add(name, term, k)
    inputs = [(nm, b) for nm, b in inputs if b.ndim == 1]
    sizes = [int(b.max()) + 1 for _, b in inputs]
    onehot = np.zeros((values.shape[0], sum(sizes)))
    col = 0
    for (_, b), size in zip(inputs, sizes):
        onehot[np.arange(len(b)), col + b] = 1.0
        col += size
    n_b, s_b = onehot.T @ v, onehot.T @ y                     # [bins, Q]
    with np.errstate(invalid="ignore", divide="ignore"):
        term = np.where(n_b > 0, s_b * s_b / n_b, 0.0)
    col = 0
    for (name, _), size in zip(inputs, sizes):
        block = slice(col, col + size)
        col += size
        add(name, term[block].sum(axis=0), (n_b[block] > 0).sum(axis=0))
    vary = sst > 1e-12 * np.maximum(n, 1)
    return {name: np.where(vary, np.clip(sh, 0.0, 1.0), np.nan) for name, sh in shares.items()}


@dataclass(frozen=True)
class Sensitivity:
    """Results for one year: `intervals` (one row per country, like `scores`), `nodes` (tidy: one row
    per country x node) and `shares` (tidy: one row per country x node x choice, node 'rank' too)."""

    intervals: pd.DataFrame
    nodes: pd.DataFrame
    shares: pd.DataFrame


def summarise(prep: Prepared, alts: Alternatives, draws: Draws, runs_scores: np.ndarray,
              point: np.ndarray, dataset: Dataset) -> Sensitivity:
    tree = prep.tree
    nodes = tree.nodes
    low, high, median = percentiles(runs_scores, (LOW_Q, HIGH_Q, 50.0))
    scored_share = (~np.isnan(runs_scores)).mean(axis=0)
    has_point = ~np.isnan(point)
    # the interval always holds the published score (rarely outside the 5-95 range of the runs)
    low = np.where(has_point, np.fmin(low, point), np.nan)
    high = np.where(has_point, np.fmax(high, point), np.nan)

    o = nodes.index("overall")
    ranked = has_point[:, o]                                   # ranks among countries with a score
    run_overall = np.where(ranked, runs_scores[:, :, o], np.nan)
    run_rank = ranks(run_overall)                              # [R, C]
    point_rank = ranks(np.where(ranked, point[:, o], np.nan))
    r_low, r_high = percentiles(run_rank, (LOW_Q, HIGH_Q))
    r_low = np.where(ranked, np.fmin(np.floor(r_low), point_rank), np.nan)
    r_high = np.where(ranked, np.fmax(np.ceil(r_high), point_rank), np.nan)

    countries = prep.countries
    tidy = pd.DataFrame({
        "iso3": np.repeat(countries, len(nodes)), "year": prep.year, "node": np.tile(nodes, len(countries)),
        "score": point.ravel(), "low": low.ravel(), "high": high.ravel(), "median": median.ravel(),
        "scored_share": scored_share.ravel(),
    })

    # wide table: the rows and order of `scores`
    keep = has_point.any(axis=1)
    info = dataset.countries[["name", "region", "pilot"]].rename(columns={"name": "country"})
    wide = pd.DataFrame({"iso3": countries, "year": prep.year})
    wide = wide.join(info, on="iso3")
    for col in SCORE_COLUMNS:
        if col not in nodes:
            continue
        j = nodes.index(col)
        wide[col], wide[f"{col}_low"], wide[f"{col}_high"] = point[:, j], low[:, j], high[:, j]
    wide["rank"] = pd.array(np.where(ranked, point_rank, np.nan), dtype="Float64").astype("Int64")
    wide["rank_low"] = pd.array(r_low, dtype="Float64").astype("Int64")
    wide["rank_high"] = pd.array(r_high, dtype="Float64").astype("Int64")
    wide["overall_scored_share"] = scored_share[:, o]
    wide = wide[keep].reset_index(drop=True)
    first = ["iso3", "country", "year"]
    wide = wide[first + [c for c in wide.columns if c not in first + ["region", "pilot"]] + ["region", "pilot"]]

    # first-order shares for the score columns and the overall rank
    share_nodes = [c for c in SCORE_COLUMNS if c in nodes]
    values = np.concatenate([runs_scores[:, :, [nodes.index(c) for c in share_nodes]],
                             run_rank[:, :, None]], axis=2)
    labels = share_nodes + ["rank"]
    sub = values[:, keep]
    inputs = sensitivity_inputs(prep, alts, draws)
    if uses_noise(prep, alts):  # per country: bins of its own noise's first-order effect
        proxy = noise_proxy(prep, alts, draws)[:, keep]
        flat = np.ptp(proxy, axis=0) == 0
        bins = np.where(flat, 0, _bins(proxy))
        inputs.append(("measurement_error", np.repeat(bins[:, :, None], len(labels), axis=2).reshape(len(proxy), -1)))
    shares = first_order_shares(sub.reshape(sub.shape[0], -1), inputs)
    kept = np.asarray(countries)[keep]
    rows = []
    for name, sh in shares.items():
        rows.append(pd.DataFrame({"iso3": np.repeat(kept, len(labels)), "node": np.tile(labels, len(kept)),
                                  "choice": name, "share": sh}))
    share_frame = (pd.concat(rows, ignore_index=True) if rows
                   else pd.DataFrame(columns=["iso3", "node", "choice", "share"]))
    if rows:
        total = share_frame.groupby(["iso3", "node"], sort=False)["share"].sum(min_count=1)
        rest = (1.0 - total).clip(lower=0.0).rename("share").reset_index().assign(choice="interactions")
        share_frame = pd.concat([share_frame, rest], ignore_index=True)
    share_frame.insert(1, "year", prep.year)
    return Sensitivity(wide, tidy, share_frame[["iso3", "year", "node", "choice", "share"]])


def sensitivity(dataset: Dataset, year: int, runs: int = 1000, seed: int = 0,
                alternatives: Alternatives | None = None, corrections: pd.DataFrame | None = None) -> Sensitivity:
    """The Monte Carlo for one year (no cache). `alternatives` default: the data's sensitivity.csv."""
    alts = default_alternatives(dataset.data_dir) if alternatives is None else alternatives
    if runs < 2:
        raise ValueError("runs must be at least 2")
    prep = prepare(dataset, year, alts, corrections)
    draws = draw(prep, alts, runs, seed)
    runs_scores = monte_carlo(prep, alts, draws)
    return summarise(prep, alts, draws, runs_scores, point_scores(prep), dataset)


# ---------------------------------------------------------------------------------------------
# 4. Save: a disk cache keyed by what the result depends on
# ---------------------------------------------------------------------------------------------

PARTS = ("intervals", "nodes", "shares")


def default_cache_dir() -> Path:
    """`DRD_CACHE_DIR` when set, else `instance/cache/` in the repository (gitignored)."""
    return Path(os.environ.get("DRD_CACHE_DIR") or ROOT / "instance" / "cache")


def cache_key(dataset: Dataset, year: int, runs: int, seed: int, alternatives: Alternatives,
              corrections: pd.DataFrame | None = None) -> str:
    """sha256 of the data and methodology files, the corrections in use, year, runs, seed, alternatives."""
    digest = hashlib.sha256(f"drd-sensitivity {CACHE_VERSION}|{year}|{runs}|{seed}|{alternatives.key()}".encode())
    root = Path(dataset.data_dir)
    files = [root / "observations.csv", root / "countries.csv", *sorted((root / "methodology").glob("*.csv"))]
    for path in files:
        if path.exists():
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    corr = dataset.corrections if corrections is None else corrections
    digest.update(b"corrections\0" + corr.to_csv(index=False).encode())
    return digest.hexdigest()[:24]


def _paths(cache_dir: Path, key: str, year: int) -> dict[str, Path]:
    return {part: cache_dir / f"sensitivity-{year}-{key}-{part}.csv" for part in PARTS}


CACHE_KEEP = 4  # computations kept per year; older ones (stale data, other seeds) are removed


def _prune(cache_dir: Path, year: int, keep: int = CACHE_KEEP) -> None:
    """Keep the `keep` most recently written computations for `year`; delete the rest."""
    runs: dict[str, float] = {}
    for path in cache_dir.glob(f"sensitivity-{year}-*-intervals.csv"):
        runs[path.name.split("-")[2]] = path.stat().st_mtime
    for key in sorted(runs, key=runs.get, reverse=True)[keep:]:
        for path in _paths(cache_dir, key, year).values():
            path.unlink(missing_ok=True)  # another process may have pruned it already


def _write_atomic(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", newline="") as handle:
            frame.to_csv(handle, index=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read(paths: dict[str, Path]) -> Sensitivity | None:
    if not all(p.exists() for p in paths.values()):
        return None
    try:
        frames = {part: pd.read_csv(path, keep_default_na=True) for part, path in paths.items()}
    except (pd.errors.ParserError, pd.errors.EmptyDataError, OSError):
        return None
    wide = frames["intervals"]
    for col in ("rank", "rank_low", "rank_high"):
        wide[col] = wide[col].astype("Int64")
    wide["pilot"] = wide["pilot"].astype(bool)
    return Sensitivity(wide, frames["nodes"], frames["shares"])


def sensitivity_cached(dataset: Dataset, year: int, runs: int = 1000, seed: int = 0,
                       alternatives: Alternatives | None = None, corrections: pd.DataFrame | None = None,
                       cache_dir: Path | str | None = None) -> Sensitivity:
    """`sensitivity(...)`, read from the cache when an identical computation was saved before."""
    alts = default_alternatives(dataset.data_dir) if alternatives is None else alternatives
    directory = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    key = cache_key(dataset, year, runs, seed, alts, corrections)
    paths = _paths(directory, key, year)
    cached = _read(paths)
    if cached is not None:
        return cached
    with _computing(directory / f"sensitivity-{year}-{key}.lock"):
        cached = _read(paths)  # another process (a worker, the rescoring child) may have just written it
        if cached is not None:
            return cached
        result = sensitivity(dataset, year, runs, seed, alts, corrections)
        for part, path in paths.items():
            _write_atomic(getattr(result, part), path)
    _prune(directory, year)
    return result


@contextlib.contextmanager
def _computing(lock: Path):
    """Hold an exclusive lock on `lock` (POSIX `flock`, between processes and threads alike): the
    workers of one server, which all recompute after an accepted correction, then run each
    computation once and the others read its result. The lock file goes with the lock. Where `flock` is
    missing, nothing is held."""
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "a") as handle:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file is closed
        try:
            yield
        finally:  # whoever waited on it finds the result; whoever comes later, the result and no lock
            lock.unlink(missing_ok=True)


# ---------------------------------------------------------------------------------------------
# Tables for the command line, the API and downloads
# ---------------------------------------------------------------------------------------------

def interval_table(result: Sensitivity, countries: list[str] | None = None, digits: int = 2) -> pd.DataFrame:
    """One row per country (the rows of `scores`): X, X_low, X_high per score column, then rank,
    rank_low, rank_high (rank 1 = best among countries with an overall score)."""
    frame = result.intervals
    if countries:
        frame = frame[frame["iso3"].isin(countries)]
    frame = frame.copy()
    numeric = [c for c in frame.columns if c.split("_")[0] in SCORE_COLUMNS or c == "overall_scored_share"]
    frame[numeric] = frame[numeric].round(digits)
    return frame.reset_index(drop=True)


def share_table(result: Sensitivity, node: str = "overall", countries: list[str] | None = None) -> pd.DataFrame:
    """First-order shares for `node` (a score column or 'rank'): one row per country, one column per choice."""
    shares = result.shares[result.shares["node"] == node]
    if countries:
        shares = shares[shares["iso3"].isin(countries)]
    wide = shares.pivot(index="iso3", columns="choice", values="share")
    order = [c for c in [*CHOICES, "interactions"] if c in wide.columns]
    return wide[order].round(3).reset_index()


def share_summary(result: Sensitivity) -> pd.DataFrame:
    """Mean first-order share per choice (rows) and node (columns) over countries: what matters most."""
    table = result.shares.groupby(["choice", "node"])["share"].mean().unstack("node")
    order = [c for c in [*SCORE_COLUMNS, "rank"] if c in table.columns]
    rows = [c for c in [*CHOICES, "interactions"] if c in table.index]
    return table.loc[rows, order].round(3)


# ---------------------------------------------------------------------------------------------
# Words for pages: "3.91 (likely 3.74-4.05), rank 108 of 189 (104-114)"
# ---------------------------------------------------------------------------------------------

CHOICE_LABELS = {
    "indicator_weights": N_("the indicator weights"),
    "pillar_weights": N_("the pillar weights"),
    "goalposts": N_("the goalposts"),
    "normalisation": N_("the normalisation"),
    "window": N_("how old a value may be"),
    "leave_one_out": N_("which indicators count"),
    "measurement_error": N_("the sources' own measurement error"),
    "absence_rules": N_("whether \"none recorded\" counts (the zero rules)"),
    "interactions": N_("several choices together"),
}


def interval_text(score: float | None, low: float | None, high: float | None, digits: int = 2) -> str:
    """'3.91 (likely 3.74–4.05)'; '6.00 (stable)' when the runs agree; 'no data' without a score."""
    if score is None or pd.isna(score):
        return "no data"
    if low is None or high is None or pd.isna(low) or pd.isna(high):
        return f"{score:.{digits}f}"
    if f"{low:.{digits}f}" == f"{high:.{digits}f}":
        return f"{score:.{digits}f} (stable)"
    return f"{score:.{digits}f} (likely {low:.{digits}f}–{high:.{digits}f})"


def rank_text(rank, low, high, of: int | None = None) -> str:
    """'rank 108 of 189 (likely 104–114)'."""
    if rank is None or pd.isna(rank):
        return "not ranked"
    total = f" of {of}" if of else ""
    if low is None or high is None or pd.isna(low) or pd.isna(high) or low == high:
        return f"rank {int(rank)}{total}"
    return f"rank {int(rank)}{total} (likely {int(low)}–{int(high)})"


def how_sure(result: Sensitivity, iso3: str, runs: int = 1000) -> dict | None:
    """Everything the country page says about one country's uncertainty, as plain data and text.

    None when the country has no row (nothing scored). Keys: overall, rank (texts), pillars
    {node: text}, top_choice, top_share, paragraph.
    """
    frame = result.intervals
    rows = frame[frame["iso3"] == iso3]
    if rows.empty:
        return None
    row = rows.iloc[0]
    n_ranked = int(frame["rank"].notna().sum())
    texts = {c: interval_text(row.get(c), row.get(f"{c}_low"), row.get(f"{c}_high"))
             for c in SCORE_COLUMNS if c in row.index}
    shares = result.shares[(result.shares["iso3"] == iso3) & (result.shares["node"] == "overall")]
    shares = shares.dropna(subset=["share"])
    named = shares[shares["choice"] != "interactions"]
    top = named.loc[named["share"].idxmax()] if not named.empty and named["share"].max() > 0 else None
    name = row.get("country", iso3)
    if pd.isna(row.get("overall")):
        paragraph = (f"{name} has no overall score this year (too little of the methodology is covered), so it "
                     "is not ranked. The intervals beside its other scores come from the same runs as for "
                     "every country.")
    else:
        paragraph = (
            f"A score rests on choices: weights, goalposts, how old a value may be, which indicators count. "
            f"We rescored every country {runs:,} times, each time varying those choices within documented "
            f"ranges. In 90% of the runs {name}'s overall score stayed between {row['overall_low']:.2f} and "
            f"{row['overall_high']:.2f}, and its rank between {int(row['rank_low'])} and {int(row['rank_high'])} "
            f"of {n_ranked}. Differences between countries that are smaller than these ranges are not "
            f"meaningful.")
        if top is not None:
            label = CHOICE_LABELS.get(top["choice"], top["choice"])
            paragraph += f" What moves {name}'s score most on its own is {label} ({top['share']:.0%} of the spread)."
    return {
        "iso3": iso3, "overall": texts.get("overall"),
        "rank": rank_text(row.get("rank"), row.get("rank_low"), row.get("rank_high"), n_ranked),
        "pillars": {c: t for c, t in texts.items() if c != "overall"},
        "top_choice": None if top is None else top["choice"],
        "top_share": None if top is None else float(top["share"]),
        "paragraph": paragraph,
        # the figures behind the texts, for a caller that words them itself (the dashboard, per language)
        "values": {"country": str(name), "runs": runs, "ranked": n_ranked,
                   "scores": {c: tuple(_float(row.get(k)) for k in (c, f"{c}_low", f"{c}_high"))
                              for c in SCORE_COLUMNS if c in row.index},
                   "rank": tuple(_float(row.get(k)) for k in ("rank", "rank_low", "rank_high"))},
    }


def _float(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def alternatives_table(data_dir: Path | str) -> pd.DataFrame:
    """The alternatives as the methodology page shows them: choice, varied (bool), range, description."""
    path = Path(data_dir) / "methodology" / "sensitivity.csv"
    if not path.exists():
        return pd.DataFrame(columns=["choice", "varied", "range", "description"])
    default_alternatives(data_dir)  # validates
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    ranges = [f"± {float(s):.0%}" if c in ("indicator_weights", "pillar_weights", "goalposts") and s
              else (f"× value_sd × {s}" if c == "measurement_error" and s else v.replace(";", ", "))
              for c, s, v in zip(raw["choice"], raw["spread"], raw["values"])]
    return pd.DataFrame({"choice": raw["choice"], "varied": raw["enabled"].isin({"1", "true", "True"}),
                         "range": ranges, "description": raw["description"]})
