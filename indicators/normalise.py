"""Raw values to 1..6 scores, one function per method, chosen by name from the methodology.

All methods share one signature, `method(values, lo, hi, mapping) -> scores`, operate on arrays and
return floats in [1, 6] (NaN where a value cannot be scored). Direction is applied in one place,
`normalise`: for the goalpost methods (linear, log) a "higher_worse" indicator scores `7 - s`. The
categorical and bands methods map straight to scores written in the methodology, so their mapping
already carries the direction.

An indicator that cannot show full respect (a register of shutdowns proves that a shutdown happened,
never that none did) sets `max_score`: its goalpost score is then rescaled from [1, 6] to
[1, max_score], so its best possible value, and what an absence rule gives, stays below 6.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from .methodology import Methodology, parse_mapping

SCALE_MIN, SCALE_MAX = 1.0, 6.0


def linear(values: np.ndarray, lo: float, hi: float, mapping: dict[float, float] | None = None) -> np.ndarray:
    """1 + 5 (x - lo) / (hi - lo), clipped to [1, 6]: fixed goalposts, so years stay comparable."""
    return np.clip(SCALE_MIN + 5.0 * (values - lo) / (hi - lo), SCALE_MIN, SCALE_MAX)


def log(values: np.ndarray, lo: float, hi: float, mapping: dict[float, float] | None = None) -> np.ndarray:
    """Linear on log(1 + x): for skewed counts, where the first events matter most."""
    return linear(np.log1p(values), np.log1p(lo), np.log1p(hi))


def categorical(values: np.ndarray, lo: float = np.nan, hi: float = np.nan,
                mapping: dict[float, float] | None = None) -> np.ndarray:
    """Each category maps to a score; anything else is NaN (validation rejects it earlier)."""
    assert mapping is not None
    return pd.Series(values).map(mapping).to_numpy(dtype=float)


def bands(values: np.ndarray, lo: float = np.nan, hi: float = np.nan,
          mapping: dict[float, float] | None = None) -> np.ndarray:
    """Thresholds: a value scores the mapping of the highest threshold it reaches.

    Values below the lowest threshold take its score; NaN stays NaN.
    """
    assert mapping is not None
    thresholds = np.array(sorted(mapping))
    scores = np.array([mapping[t] for t in thresholds])
    idx = np.clip(np.searchsorted(thresholds, values, side="right") - 1, 0, len(thresholds) - 1)
    return np.where(np.isnan(values), np.nan, scores[idx])


METHODS: dict[str, Callable[..., np.ndarray]] = {
    "linear": linear, "log": log, "categorical": categorical, "bands": bands,
}
GOALPOST_METHODS = {"linear", "log"}


def score_values(values: np.ndarray, spec: pd.Series) -> np.ndarray:
    """Score raw `values` of one indicator described by its methodology row `spec`."""
    method = spec["method"]
    mapping = parse_mapping(spec["mapping"]) if method not in GOALPOST_METHODS else None
    scores = METHODS[method](np.asarray(values, dtype=float), spec["lo"], spec["hi"], mapping)
    if method in GOALPOST_METHODS and spec["direction"] == "higher_worse":
        scores = SCALE_MIN + SCALE_MAX - scores
    top = spec.get("max_score")
    if method in GOALPOST_METHODS and top is not None and not pd.isna(top):
        scores = rescale_top(scores, float(top))
    return scores


def rescale_top(scores: np.ndarray, top: float) -> np.ndarray:
    """Map [1, 6] linearly onto [1, top]: 1 stays 1, 6 becomes `top`."""
    return SCALE_MIN + (scores - SCALE_MIN) * (top - SCALE_MIN) / (SCALE_MAX - SCALE_MIN)


def normalise(frame: pd.DataFrame, methodology: Methodology) -> pd.DataFrame:
    """Return `frame` (with `indicator` and `value` columns) plus a `score` column in [1, 6]."""
    out = frame.copy()
    out["score"] = np.nan
    for code, rows in out.groupby("indicator", sort=False).groups.items():
        spec = methodology.indicators.loc[code]
        out.loc[rows, "score"] = score_values(out.loc[rows, "value"].to_numpy(dtype=float), spec)
    return out
